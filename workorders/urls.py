"""Pages of this app."""

from django.urls import path

from . import views

app_name = "workorders"

urlpatterns = [
    path("crew/", views.crew_list, name="crew-list"),
    path("crew/<str:number>/", views.crew_detail, name="crew-detail"),
    path("crew/<str:number>/step/", views.crew_step, name="crew-step"),
    path("crew/<str:number>/photos/", views.crew_photo, name="crew-photo"),
    path("work-orders/", views.dispatcher_list, name="list"),
    path("work-orders/new/", views.work_order_new, name="new"),
    path("work-orders/<str:number>/", views.dispatcher_detail, name="detail"),
    path("work-orders/<str:number>/photos/<int:photo_id>/", views.photo_file, name="photo"),
    path("work-orders/<str:number>/<str:verb>/", views.dispatcher_action, name="action"),
]
