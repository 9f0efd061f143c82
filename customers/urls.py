"""Pages of this app."""

from django.urls import path

from . import notification_views, views

app_name = "customers"

urlpatterns = [
    path("customers/", views.customer_list, name="list"),
    path("customers/search.json", views.customer_search_json, name="search-json"),
    path("customers/<str:account_no>/", views.customer_detail, name="detail"),
    path("notifications/", notification_views.notification_page, name="notifications"),
    path("notifications/unread.json", notification_views.notification_unread_json, name="notifications-unread"),
    path("notifications/read-all/", notification_views.notification_read_all, name="notifications-read-all"),
    path("notifications/<int:pk>/read/", notification_views.notification_read, name="notification-read"),
]
