from django.urls import path

from . import views

app_name = "outages"

urlpatterns = [
    path("outages/", views.outage_list, name="list"),
    path("outages/new/", views.outage_new, name="new"),
    path("outages/board/", views.board, name="board"),
    path("outages/<str:number>/", views.outage_detail, name="detail"),
    path("outages/<str:number>/<str:verb>/", views.outage_action, name="action"),
    path("public/outages/", views.public, name="public"),
]
