"""The report tables whose data lives in the registry and the agreements: agreements, hours, labels, KPIs.

The consultation tables are in ``consultations/report_tables.py`` and the event tables in
``events/report_tables.py``; all of them register through ``inolink.tables``.
"""

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import Programme
from clusters.models import LabelAward
from consultations.models import HourAllocation, ServiceArea
from consultations.selectors import agreements_with_usage
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


@register_table(
    "agreements",
    _("Agreements"),
    columns=[
        Column("number", _("Agreement"), "code"),
        Column("cluster", _("Cluster")),
        Column("status", _("Status")),
        Column("starts_on", _("Period starts"), "date"),
        Column("ends_on", _("Period ends"), "date"),
        Column("granted", _("Hours granted"), "hours", total=True),
        Column("delivered", _("Hours delivered"), "hours", total=True),
        Column("held", _("Hours held by bookings"), "hours", total=True),
        Column("remaining", _("Hours remaining"), "hours", total=True),
    ],
    audiences=(STAFF, CLUSTER),
    position=10,
)
def agreements_table(scope: ReportScope):
    today = timezone.localdate()
    for agreement in _agreements_in_scope(agreements_with_usage(), scope).order_by("cluster__name", "number"):
        allocations = agreement.allocations.all()
        yield (
            agreement.number,
            agreement.cluster.name,
            str(agreement.status_on(today).label),
            agreement.starts_on,
            agreement.ends_on,
            sum((a.hours_granted for a in allocations), 0),
            sum((a.hours_delivered for a in allocations), 0),
            sum((a.hours_held for a in allocations), 0),
            sum((a.hours_remaining for a in allocations), 0),
        )


@register_table(
    "hours_by_service_area",
    _("Consultancy hours by service area"),
    columns=[
        Column("area", _("Service area")),
        Column("granted", _("Hours granted"), "hours", total=True),
        Column("delivered", _("Hours delivered"), "hours", total=True),
        Column("held", _("Hours held by bookings"), "hours", total=True),
        Column("remaining", _("Hours remaining"), "hours", total=True),
        Column("used", _("Used"), "percent"),
    ],
    audiences=(STAFF,),
    position=15,
)
def hours_by_service_area_table(scope: ReportScope):
    """The allocations in scope summed per service area: the programme's view of where the hours go."""
    per_area = (
        _agreements_in_scope(HourAllocation.objects.with_usage(), scope, prefix="agreement__")
        .values("service_area_id", "service_area__name")
        .annotate(
            granted=Sum("hours_granted"),
            delivered=Sum("hours_delivered"),
            held=Sum("hours_held"),
            remaining=Sum("hours_remaining"),
        )
        .order_by("service_area__position", "service_area__name")
    )
    for row in per_area:
        yield (
            ServiceArea.display_name(row["service_area__name"]),
            row["granted"],
            row["delivered"],
            row["held"],
            row["remaining"],
            (row["delivered"] / row["granted"]) if row["granted"] else 0,
        )


@register_table(
    "hours_by_area",
    _("Consultancy hours by cluster and service area"),
    columns=[
        Column("cluster", _("Cluster")),
        Column("area", _("Service area")),
        Column("agreement", _("Agreement"), "code"),
        Column("granted", _("Hours granted"), "hours", total=True),
        Column("delivered", _("Hours delivered"), "hours", total=True),
        Column("held", _("Hours held by bookings"), "hours", total=True),
        Column("remaining", _("Hours remaining"), "hours", total=True),
        Column("used", _("Used"), "percent"),
    ],
    audiences=(STAFF, CLUSTER),
    position=20,
)
def hours_by_area_table(scope: ReportScope):
    allocations = (
        _agreements_in_scope(HourAllocation.objects.with_usage(), scope, prefix="agreement__")
        .select_related("agreement__cluster", "service_area")
        .order_by("agreement__cluster__name", "service_area__position", "agreement__number")
    )
    for allocation in allocations:
        used = (allocation.hours_delivered / allocation.hours_granted) if allocation.hours_granted else 0
        yield (
            allocation.agreement.cluster.name,
            str(allocation.service_area),
            allocation.agreement.number,
            allocation.hours_granted,
            allocation.hours_delivered,
            allocation.hours_held,
            allocation.hours_remaining,
            used,
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
)
def label_kpi_table(scope: ReportScope):
    on = min(scope.date_to, timezone.localdate())
    programmes = Programme.objects.with_kpi_progress(on=on).order_by("-starts_on", "name")
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
