"""Pages of this app."""

from django.urls import path

from . import calendar_views, escalation_views, queue_views, views

app_name = "complaints"

urlpatterns = [
    # /counter/ (every kind's intake) is the tickets app's: tickets/page_urls.py
    path("escalations/", escalation_views.escalation_inbox, name="escalations"),
    path("escalations/acknowledge/", escalation_views.escalation_acknowledge_bulk, name="escalation-acknowledge-bulk"),
    path("escalations/<int:pk>/acknowledge/", escalation_views.escalation_acknowledge_view,
         name="escalation-acknowledge"),
    path("calendar/", calendar_views.calendar_page, name="calendar"),
    path("queue/", queue_views.queue, name="queue"),
    path("queue/<str:number>/take/", queue_views.queue_take, name="take"),
    path("station/", queue_views.station_overview, name="station"),
    path("complaints/", views.complaint_list, name="list"),
    path("complaints/categories.json", views.category_json, name="categories"),
    path("complaints/<str:number>/", views.complaint_detail, name="detail"),
    path("complaints/<str:number>/receipt/", views.receipt, name="receipt"),
    path("complaints/<str:number>/letter/", views.reply_letter, name="letter"),
    path("complaints/<str:number>/<slug:action>/", views.complaint_action, name="action"),
]
