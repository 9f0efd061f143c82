"""Pages of this app."""

from django.urls import path

from . import views

app_name = "customers"

urlpatterns = [
    path("customers/", views.customer_list, name="list"),
    path("customers/search.json", views.customer_search_json, name="search-json"),
    path("customers/<str:account_no>/", views.customer_detail, name="detail"),
]
