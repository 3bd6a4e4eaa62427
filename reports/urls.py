from django.urls import path

from . import road, views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("planner/", views.planner, name="planner"),
    path("hours/", views.hours_pace_latest, name="hours-pace-latest"),
    path("programmes/<int:pk>/hours/", views.hours_pace, name="hours-pace"),
    path("report.xlsx", views.workbook_download, name="workbook-download"),
    path("tables/<slug:key>/", views.table_page, name="table"),
    path("tables/<slug:key>.csv", views.table_download, {"fmt": "csv"}, name="table-csv"),
    path("tables/<slug:key>.xlsx", views.table_download, {"fmt": "xlsx"}, name="table-xlsx"),
    path("clusters/<int:pk>/road/", road.cluster_road, name="cluster-road"),
    path("clusters/<int:pk>/road/evidence/", road.evidence_pack, name="evidence-pack"),
    path("clusters/<int:pk>/road/evidence.xlsx", road.evidence_pack_xlsx, name="evidence-pack-xlsx"),
]
