from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("planner/", views.planner, name="planner"),
    path("report.xlsx", views.workbook_download, name="workbook-download"),
    path("tables/<slug:key>/", views.table_page, name="table"),
    path("tables/<slug:key>.csv", views.table_download, {"fmt": "csv"}, name="table-csv"),
    path("tables/<slug:key>.xlsx", views.table_download, {"fmt": "xlsx"}, name="table-xlsx"),
]
