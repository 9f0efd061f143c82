from django.urls import path

from .views import SlaSummaryView

urlpatterns = [
    path("sla/summary/", SlaSummaryView.as_view(), name="sla-summary"),
]
