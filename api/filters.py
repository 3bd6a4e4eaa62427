"""The filters of the API's lists (django-filter). A value that does not parse answers 400 with the reason."""

from django import forms
from django_filters import rest_framework as filters

from agreements.models import Agreement
from clusters.models import (
    Benchmarking,
    Cluster,
    LabelAward,
    LabelLevel,
    Membership,
    Organisation,
    Region,
    Sector,
    label_valid_on,
)
from consultations.models import Consultation, HourAllocation, SessionOutcome
from events.models import Event, Participation


class FilterBackend(filters.DjangoFilterBackend):
    pass


# Ids are 64-bit in the database: a whole number beyond them is no object's (and SQLite would refuse to compare it).
ID_RANGE = range(-(2**63), 2**63)


class IdFilter(filters.Filter):
    """An object's id: a whole number; one beyond the database's range matches nothing."""

    field_class = forms.IntegerField

    def filter(self, qs, value):
        if value is not None and value not in ID_RANGE:
            return qs.none()
        return super().filter(qs, value)


class ClusterFilter(filters.FilterSet):
    sector = filters.ChoiceFilter(choices=Sector.choices)
    region = filters.ChoiceFilter(choices=Region.choices)
    status = filters.ChoiceFilter(choices=Cluster.Status.choices)
    company_code = filters.CharFilter()

    class Meta:
        model = Cluster
        fields = ["sector", "region", "status", "company_code", "is_sample"]


class OrganisationFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=Organisation.Kind.choices)
    code = filters.CharFilter()

    class Meta:
        model = Organisation
        fields = ["kind", "code"]


class MembershipFilter(filters.FilterSet):
    cluster = IdFilter(field_name="cluster_id")
    organisation = IdFilter(field_name="organisation_id")
    role = filters.ChoiceFilter(choices=Membership.Role.choices)

    class Meta:
        model = Membership
        fields = ["cluster", "organisation", "role"]


class AgreementFilter(filters.FilterSet):
    cluster = IdFilter(field_name="cluster_id")
    programme = IdFilter(field_name="programme_id")

    class Meta:
        model = Agreement
        fields = ["cluster", "programme"]


class HourAllocationFilter(filters.FilterSet):
    agreement = IdFilter(field_name="agreement_id")
    cluster = IdFilter(field_name="agreement__cluster_id")
    service_area = filters.CharFilter(field_name="service_area__code")

    class Meta:
        model = HourAllocation
        fields = ["agreement", "cluster", "service_area"]


class ConsultationFilter(filters.FilterSet):
    cluster = IdFilter(field_name="cluster_id")
    expert = IdFilter(field_name="expert_id")
    agreement = IdFilter(field_name="agreement_id")
    service_area = filters.CharFilter(field_name="service_area__code")
    status = filters.ChoiceFilter(choices=Consultation.Status.choices)
    starts_from = filters.DateFilter(field_name="starts_at", lookup_expr="date__gte", label="Starts on or after (date)")
    starts_until = filters.DateFilter(
        field_name="starts_at", lookup_expr="date__lte", label="Starts on or before (date)"
    )

    class Meta:
        model = Consultation
        fields = ["cluster", "expert", "agreement", "service_area", "status", "starts_from", "starts_until"]


class SessionOutcomeFilter(filters.FilterSet):
    cluster = IdFilter(field_name="consultation__cluster_id")
    consultation = IdFilter(field_name="consultation_id")
    result = filters.ChoiceFilter(choices=SessionOutcome.Result.choices)

    class Meta:
        model = SessionOutcome
        fields = ["cluster", "consultation", "result"]


class EventFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=Event.Kind.choices)
    status = filters.ChoiceFilter(choices=Event.Status.choices)
    country = filters.CharFilter()
    starts_from = filters.DateFilter(field_name="starts_at", lookup_expr="date__gte", label="Starts on or after (date)")
    starts_until = filters.DateFilter(
        field_name="starts_at", lookup_expr="date__lte", label="Starts on or before (date)"
    )

    class Meta:
        model = Event
        fields = ["kind", "status", "country", "starts_from", "starts_until"]


class ParticipationFilter(filters.FilterSet):
    event = IdFilter(field_name="event_id")
    cluster = IdFilter(field_name="cluster_id")
    status = filters.ChoiceFilter(choices=Participation.Status.choices)

    class Meta:
        model = Participation
        fields = ["event", "cluster", "status"]


class LabelAwardFilter(filters.FilterSet):
    cluster = IdFilter(field_name="cluster_id")
    level = filters.TypedChoiceFilter(choices=LabelLevel.choices, coerce=int)
    valid_on = filters.DateFilter(method="filter_valid_on", label="Valid on (date)")

    class Meta:
        model = LabelAward
        fields = ["cluster", "level", "valid_on"]

    def filter_valid_on(self, queryset, name, value):
        return queryset.filter(label_valid_on(value))


class BenchmarkingFilter(filters.FilterSet):
    cluster = IdFilter(field_name="cluster_id")
    kind = filters.ChoiceFilter(choices=Benchmarking.Kind.choices)
    status = filters.ChoiceFilter(choices=Benchmarking.Status.choices)

    class Meta:
        model = Benchmarking
        fields = ["cluster", "kind", "status"]
