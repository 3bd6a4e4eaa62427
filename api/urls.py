from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from . import docs, open_data_views, views

router = DefaultRouter(trailing_slash=True, use_regex_path=False)
router.include_format_suffixes = False
router.register("clusters", views.ClusterViewSet, basename="cluster")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("members", views.MembershipViewSet, basename="member")
router.register("agreements", views.AgreementViewSet, basename="agreement")
router.register("allocations", views.HourAllocationViewSet, basename="allocation")
router.register("consultations", views.ConsultationViewSet, basename="consultation")
router.register("outcomes", views.SessionOutcomeViewSet, basename="outcome")
router.register("events", views.EventViewSet, basename="event")
router.register("participations", views.ParticipationViewSet, basename="participation")
router.register("labels", views.LabelAwardViewSet, basename="label")
router.register("benchmarkings", views.BenchmarkingViewSet, basename="benchmarking")

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs.ApiDocsView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]

open_data_urlpatterns = [
    path("", open_data_views.index, name="open-data"),
    path("clusters.json", open_data_views.dataset_json("clusters"), name="open-data-clusters-json"),
    path("clusters.csv", open_data_views.dataset_csv("clusters"), name="open-data-clusters-csv"),
    path("results.json", open_data_views.dataset_json("results"), name="open-data-results-json"),
    path("results.csv", open_data_views.dataset_csv("results"), name="open-data-results-csv"),
]
