"""The REST API, version 1: thin viewsets over the permission functions and selectors of each app.

Every query set starts from what the token's person may see in the pages (``api.permissions``), so a manager's
token reads their clusters only and an expert's their own sessions; an object outside it answers 404.
"""

from rest_framework import mixins, viewsets

from agreements.permissions import agreements_visible_to
from clusters.models import Benchmarking, LabelAward, Membership
from clusters.permissions import clusters_visible_to, organisations_visible_to
from consultations.models import SessionOutcome
from consultations.permissions import consultations_readable_by
from consultations.selectors import allocations_with_usage
from events.permissions import events_visible_to, participations_visible_to

from . import filters, serializers

# Ids go through as text: one that is no whole number (or beyond the database's range) gets the API's JSON 404.
ID = "str"


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_converter = ID


class RegistryViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Read for everyone the rows are visible to; create and update for staff (nothing is deleted)."""

    lookup_value_converter = ID
    writable = True


class ClusterViewSet(RegistryViewSet):
    """The cluster registry: staff and systems read every cluster, a cluster manager the clusters they manage."""

    serializer_class = serializers.ClusterSerializer
    filterset_class = filters.ClusterFilter

    def get_queryset(self):
        return clusters_visible_to(self.request.user).with_current_label().order_by("name", "pk")


class OrganisationViewSet(RegistryViewSet):
    """Member organisations: staff read them all, a cluster manager those in their clusters."""

    serializer_class = serializers.OrganisationSerializer
    filterset_class = filters.OrganisationFilter

    def get_queryset(self):
        return organisations_visible_to(self.request.user).order_by("name", "pk")


class MembershipViewSet(RegistryViewSet):
    """Memberships: which organisation is a member of which cluster, and in what role."""

    serializer_class = serializers.MembershipSerializer
    filterset_class = filters.MembershipFilter

    def get_queryset(self):
        return (
            Membership.objects.filter(cluster__in=clusters_visible_to(self.request.user))
            .select_related("organisation")
            .order_by("cluster_id", "pk")
        )


class AgreementViewSet(ReadOnlyViewSet):
    """Tripartite agreements with their signatures and today's status (as ``get_agreement_for`` lets people see)."""

    serializer_class = serializers.AgreementSerializer
    filterset_class = filters.AgreementFilter

    def get_queryset(self):
        return agreements_visible_to(self.request.user).order_by("-starts_on", "pk")


class HourAllocationViewSet(ReadOnlyViewSet):
    """Consultancy hours per agreement and service area: granted, delivered, held by bookings, remaining."""

    serializer_class = serializers.HourAllocationSerializer
    filterset_class = filters.HourAllocationFilter

    def get_queryset(self):
        return (
            allocations_with_usage()
            .filter(agreement__cluster__in=clusters_visible_to(self.request.user))
            .select_related("agreement")
            .order_by("agreement_id", "service_area__position", "pk")
        )


class ConsultationViewSet(ReadOnlyViewSet):
    """Consultations: a manager's clusters', an expert's own sessions; staff and systems read them all."""

    serializer_class = serializers.ConsultationSerializer
    filterset_class = filters.ConsultationFilter

    def get_queryset(self):
        return (
            consultations_readable_by(self.request.user)
            .select_related("service_area", "expert__user", "rating")
            .order_by("-starts_at", "-pk")
        )


class SessionOutcomeViewSet(ReadOnlyViewSet):
    """Session outcomes the experts logged, of the consultations the token's person may read."""

    serializer_class = serializers.SessionOutcomeSerializer
    filterset_class = filters.SessionOutcomeFilter

    def get_queryset(self):
        return (
            SessionOutcome.objects.filter(consultation__in=consultations_readable_by(self.request.user).values("pk"))
            .select_related("consultation")
            .prefetch_related("indicator_areas")
            .order_by("-created_at", "-pk")
        )


class EventViewSet(ReadOnlyViewSet):
    """Events: the published and cancelled ones for everyone signed in, drafts for staff (``events_visible_to``)."""

    serializer_class = serializers.EventSerializer
    filterset_class = filters.EventFilter

    def get_queryset(self):
        return events_visible_to(self.request.user).order_by("-starts_at", "-pk")


class ParticipationViewSet(ReadOnlyViewSet):
    """Applications to events and what they brought: staff read all, a manager their clusters'."""

    serializer_class = serializers.ParticipationSerializer
    filterset_class = filters.ParticipationFilter

    def get_queryset(self):
        return participations_visible_to(self.request.user).select_related("outcome").order_by("-applied_at", "-pk")


class LabelAwardViewSet(ReadOnlyViewSet):
    """Excellence labels awarded to the clusters the token's person may see."""

    serializer_class = serializers.LabelAwardSerializer
    filterset_class = filters.LabelAwardFilter

    def get_queryset(self):
        return LabelAward.objects.filter(cluster__in=clusters_visible_to(self.request.user)).order_by(
            "-awarded_on", "-pk"
        )


class BenchmarkingViewSet(ReadOnlyViewSet):
    """Benchmarkings on the road to a label, planned and held, of the clusters the token's person may see."""

    serializer_class = serializers.BenchmarkingSerializer
    filterset_class = filters.BenchmarkingFilter

    def get_queryset(self):
        return (
            Benchmarking.objects.filter(cluster__in=clusters_visible_to(self.request.user))
            .select_related("improvement_area_1", "improvement_area_2", "improvement_area_3")
            .order_by("-month", "-pk")
        )
