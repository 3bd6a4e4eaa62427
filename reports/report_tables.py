"""The report tables whose data lives in the registry and the agreements: agreements, hours, labels, KPIs.

Hours count by the sessions' own dates (``consultations.report_tables.period_hours``), not by the allocations'
running totals, so these tables agree with the consultation tables for the same period and a report rebuilt
later for a past period shows the same numbers.

The consultation tables are in ``consultations/report_tables.py`` and the event tables in
``events/report_tables.py``; all of them register through ``inolink.tables``.
"""

from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, Programme
from clusters.models import LabelAward
from consultations.models import HourAllocation
from consultations.report_tables import PeriodHours, period_hours
from inolink.tables import CLUSTER, STAFF, Column, ReportScope, register_table


def _agreements_in_scope(queryset, scope: ReportScope, prefix: str = ""):
    """Agreements (not terminated before the period) whose period overlaps the scope's."""
    queryset = queryset.filter(
        **{f"{prefix}starts_on__lte": scope.date_to, f"{prefix}ends_on__gte": scope.date_from}
    ).filter(Q(**{f"{prefix}terminated_on__isnull": True}) | Q(**{f"{prefix}terminated_on__gte": scope.date_from}))
    if scope.programme is not None:
        queryset = queryset.filter(**{f"{prefix}programme": scope.programme})
    if scope.cluster is not None:
        queryset = queryset.filter(**{f"{prefix}cluster": scope.cluster})
    return queryset


# The hours columns of every hours table: the same labels, so a reader compares them across sheets.
def _hours_columns():
    return [
        Column("granted", _("Hours granted"), "hours", total=True),
        Column("delivered", _("Hours delivered in the period"), "hours", total=True),
        Column("held", _("Hours held by the period's bookings"), "hours", total=True),
        Column("remaining", _("Hours remaining at the period's end"), "hours", total=True),
    ]


def _allocation_hours(allocations, usage: dict) -> tuple:
    """(granted, delivered, held, remaining, delivered by the period's end) of allocations, from
    ``period_hours``' figures."""
    granted = delivered = held = remaining = delivered_to_end = Decimal("0")
    for allocation in allocations:
        hours = usage.get((allocation.agreement_id, allocation.service_area_id), PeriodHours())
        granted += allocation.hours_granted
        delivered += hours.delivered
        held += hours.held
        remaining += hours.remaining(allocation.hours_granted)
        delivered_to_end += hours.delivered_to_end
    return granted, delivered, held, remaining, delivered_to_end


def _allocations_in_scope(scope: ReportScope):
    return _agreements_in_scope(HourAllocation.objects.all(), scope, prefix="agreement__")


@register_table(
    "agreements",
    _("Agreements"),
    columns=[
        Column("number", _("Agreement"), "code"),
        Column("cluster", _("Cluster")),
        Column("status", _("Status at the period's end")),
        Column("starts_on", _("Period starts"), "date"),
        Column("ends_on", _("Period ends"), "date"),
        *_hours_columns(),
    ],
    audiences=(STAFF, CLUSTER),
    position=10,
    sheet=_("Agreements"),
)
def agreements_table(scope: ReportScope):
    """Each agreement running in the period, with its hours counted by the sessions' dates (``period_hours``)."""
    on = min(scope.date_to, timezone.localdate())
    usage = period_hours(scope)
    agreements = (
        _agreements_in_scope(Agreement.objects.all(), scope)
        .select_related("cluster")
        .prefetch_related("signatures", "allocations")
        .order_by("cluster__name", "number")
    )
    for agreement in agreements:
        yield (
            agreement.number,
            agreement.cluster.name,
            str(agreement.status_on(on).label),
            agreement.starts_on,
            agreement.ends_on,
            *_allocation_hours(agreement.allocations.all(), usage)[:4],
        )


@register_table(
    "hours_by_service_area",
    _("Consultancy hours by service area"),
    columns=[
        Column("area", _("Service area")),
        *_hours_columns(),
        Column("used", _("Used by the period's end"), "percent"),
    ],
    audiences=(STAFF,),
    position=15,
    sheet=_("Hours by area"),
)
def hours_by_service_area_table(scope: ReportScope):
    """The allocations in scope summed per service area: the programme's view of where the hours go."""
    usage = period_hours(scope)
    per_area = {}
    for allocation in _allocations_in_scope(scope).select_related("service_area"):
        per_area.setdefault(allocation.service_area, []).append(allocation)
    for area in sorted(per_area, key=lambda a: (a.position, a.name)):
        allocations = per_area[area]
        granted, delivered, held, remaining, used = _allocation_hours(allocations, usage)
        yield (str(area), granted, delivered, held, remaining, (used / granted) if granted else 0)


@register_table(
    "hours_by_area",
    _("Consultancy hours by cluster and service area"),
    columns=[
        Column("cluster", _("Cluster")),
        Column("area", _("Service area")),
        Column("agreement", _("Agreement"), "code"),
        *_hours_columns(),
        Column("used", _("Used by the period's end"), "percent"),
    ],
    audiences=(STAFF, CLUSTER),
    position=20,
    sheet=_("Hours by cluster"),
)
def hours_by_area_table(scope: ReportScope):
    usage = period_hours(scope)
    allocations = (
        _allocations_in_scope(scope)
        .select_related("agreement__cluster", "service_area")
        .order_by("agreement__cluster__name", "service_area__position", "agreement__number")
    )
    for allocation in allocations:
        hours = usage.get((allocation.agreement_id, allocation.service_area_id), PeriodHours())
        granted = allocation.hours_granted
        yield (
            allocation.agreement.cluster.name,
            str(allocation.service_area),
            allocation.agreement.number,
            granted,
            hours.delivered,
            hours.held,
            hours.remaining(granted),
            (hours.delivered_to_end / granted) if granted else 0,
        )


@register_table(
    "label_kpi",
    _("Label KPI progress against the programme's targets"),
    columns=[
        Column("programme", _("Programme")),
        Column("on", _("As of"), "date"),
        Column("bronze", _("Clusters with bronze or higher"), "int"),
        Column("bronze_target", _("Bronze target"), "int"),
        Column("silver", _("Clusters with silver or higher"), "int"),
        Column("silver_target", _("Silver target"), "int"),
        Column("target_date", _("Targets due by"), "date"),
        Column("met", _("Targets met"), "bool"),
    ],
    audiences=(STAFF,),
    position=40,
    sheet=_("Label KPI"),
)
def label_kpi_table(scope: ReportScope):
    on = min(scope.date_to, timezone.localdate())
    programmes = Programme.objects.with_kpi_progress(on=on).order_by("-starts_on", "pk")
    if scope.programme is not None:
        programmes = programmes.filter(pk=scope.programme.pk)
    for programme in programmes:
        progress = programme.kpi_progress()
        yield (
            programme.name,
            on,
            progress["bronze"],
            progress["bronze_target"],
            progress["silver"],
            progress["silver_target"],
            programme.target_date,
            progress["bronze_met"] and progress["silver_met"],
        )


@register_table(
    "labels",
    _("Cluster excellence labels"),
    columns=[
        Column("cluster", _("Cluster")),
        Column("label", _("Label")),
        Column("awarded_on", _("Awarded on"), "date"),
        Column("valid_until", _("Valid until"), "date"),
        Column("reference", _("Reference")),
        Column("valid_at_end", _("Valid at the end of the period"), "bool"),
    ],
    audiences=(STAFF, CLUSTER),
    position=50,
    sheet=_("Labels"),
)
def labels_table(scope: ReportScope):
    awards = LabelAward.objects.filter(awarded_on__lte=scope.date_to, valid_until__gte=scope.date_from)
    if scope.cluster is not None:
        awards = awards.filter(cluster=scope.cluster)
    if scope.programme is not None:
        awards = awards.filter(cluster__in=scope.programme.participating_clusters())
    for award in awards.select_related("cluster").order_by("cluster__name", "-level", "-awarded_on"):
        yield (
            award.cluster.name,
            str(award.get_level_display()),
            award.awarded_on,
            award.valid_until,
            award.reference,
            award.is_valid_on(scope.date_to),
        )
