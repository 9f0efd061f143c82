from django.urls import path

from . import views

urlpatterns = [
    path("healthz/", views.healthz, name="healthz"),
    path("health/", views.health, name="health"),
    path("metrics", views.metrics, name="metrics"),
]
