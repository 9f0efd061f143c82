"""Pages of every kind of order (the API's routes are tickets/api/urls.py)."""

from django.urls import path

from . import views

app_name = "tickets"

urlpatterns = [
    path("counter/", views.counter, name="counter"),
    path("counter/preview.json", views.counter_preview, name="preview"),
    path("tickets/", views.ticket_list, name="list"),
    path("tickets/<str:number>/", views.ticket_detail, name="detail"),
    path("tickets/<str:number>/receipt/", views.receipt, name="receipt"),
    path("tickets/<str:number>/<slug:action>/", views.ticket_action, name="action"),
]
