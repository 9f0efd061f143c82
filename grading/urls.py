"""Pages of this app."""

from django.urls import path

from . import views

urlpatterns = [
    path("my-customers/", views.my_customers, name="grading-my-customers"),
    path("grading/customers/<str:account_no>/visits/", views.visit_create, name="grading-visit-create"),
]
