from django.urls import path

from . import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/data/", views.dashboard_data, name="dashboard-data"),
    path("dashboard/extensions/<int:pk>/approve/", views.approve_extension, name="dashboard-approve-extension"),
    path("my-work/", views.my_work, name="my-work"),
    path("reports/", views.report_list, name="report-list"),
    path("reports/<int:pk>/", views.report_detail, name="report-detail"),
    path("reports/<int:pk>.xlsx", views.report_xlsx, name="report-xlsx"),
    path("reports/<int:pk>.csv", views.report_csv, name="report-csv"),
]
