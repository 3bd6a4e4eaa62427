"""Report tables about consultations: counts by cluster and area, the cluster's own sessions, overdue outcomes.

Each builder runs one query whatever the data size (see ``inolink.tables``). A consultation belongs to the
period in which it starts (Europe/Vilnius dates).
"""

import datetime

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inolink.tables import CLUSTER, STAFF, Column, ReportScope, register_table

from .message_kinds import OVERDUE_AFTER
from .models import Consultation, ServiceArea

Status = Consultation.Status


def consultations_in_scope(scope: ReportScope):
    consultations = Consultation.objects.filter(
        starts_at__date__gte=scope.date_from, starts_at__date__lte=scope.date_to
    )
    if scope.programme is not None:
        consultations = consultations.filter(agreement__programme=scope.programme)
    if scope.cluster is not None:
        consultations = consultations.filter(cluster=scope.cluster)
    return consultations


def _count(status):
    return Count("pk", filter=Q(status=status))


@register_table(
    "consultations_by_area",
    _("Consultations by cluster and service area"),
    columns=[
        Column("cluster", _("Cluster")),
        Column("area", _("Service area")),
        Column("requested", _("Requested"), "int", total=True),
        Column("confirmed", _("Confirmed, not yet logged"), "int", total=True),
        Column("held", _("Held"), "int", total=True),
        Column("no_show", _("No-show"), "int", total=True),
        Column("cancelled", _("Cancelled"), "int", total=True),
        Column("declined", _("Declined"), "int", total=True),
        Column("delivered", _("Hours delivered"), "hours", total=True),
    ],
    audiences=(STAFF, CLUSTER),
    position=30,
)
def consultations_by_area(scope: ReportScope):
    """Every booking that starts in the period counts as requested; the other columns split it by status."""
    rows = (
        consultations_in_scope(scope)
        .values("cluster__name", "service_area__name", "service_area__position")
        .annotate(
            requested=Count("pk"),
            confirmed=_count(Status.CONFIRMED),
            held=_count(Status.HELD),
            no_show=_count(Status.NO_SHOW),
            cancelled=_count(Status.CANCELLED),
            declined=_count(Status.DECLINED),
            delivered=Sum("outcome__hours_delivered"),
        )
        .order_by("cluster__name", "service_area__position", "service_area__name")
    )
    for row in rows:
        yield (
            row["cluster__name"],
            ServiceArea.display_name(row["service_area__name"]),
            row["requested"],
            row["confirmed"],
            row["held"],
            row["no_show"],
            row["cancelled"],
            row["declined"],
            row["delivered"] or 0,
        )


@register_table(
    "sessions",
    _("Consultation sessions"),
    columns=[
        Column("date", _("Date"), "date"),
        Column("time", _("Time")),
        Column("area", _("Service area")),
        Column("expert", _("Expert")),
        Column("topic", _("Topic")),
        Column("status", _("Status")),
        Column("booked", _("Hours booked"), "hours", total=True),
        Column("delivered", _("Hours delivered"), "hours", total=True),
        Column("rating", _("Rating"), "int"),
    ],
    audiences=(CLUSTER,),
    position=32,
)
def sessions_table(scope: ReportScope):
    """A cluster's own sessions in the period, with what was delivered and how it was rated."""
    consultations = (
        consultations_in_scope(scope)
        .select_related("service_area", "expert__user", "outcome", "rating")
        .order_by("starts_at", "pk")
    )
    for consultation in consultations:
        starts = timezone.localtime(consultation.starts_at)
        outcome = getattr(consultation, "outcome", None)
        rating = getattr(consultation, "rating", None)
        yield (
            starts.date(),
            starts.strftime("%H:%M"),
            consultation.service_area.name,
            str(consultation.expert),
            consultation.topic,
            str(consultation.get_status_display()),
            consultation.hours,
            outcome.hours_delivered if outcome else None,
            rating.score if rating else None,
        )


@register_table(
    "outcomes_overdue",
    _("Session outcomes overdue"),
    columns=[
        Column("cluster", _("Cluster")),
        Column("expert", _("Expert")),
        Column("area", _("Service area")),
        Column("topic", _("Topic")),
        Column("date", _("Session date"), "date"),
        Column("days", _("Days overdue"), "int"),
    ],
    audiences=(STAFF,),
    position=35,
)
def outcomes_overdue_table(scope: ReportScope):
    """Confirmed sessions that ended more than 24 hours ago (by the end of the period) and have no outcome yet."""
    now = timezone.now()
    until = min(now, timezone.make_aware(datetime.datetime.combine(scope.date_to, datetime.time.max)))
    consultations = Consultation.objects.filter(status=Status.CONFIRMED, ends_at__lte=until - OVERDUE_AFTER)
    if scope.programme is not None:
        consultations = consultations.filter(agreement__programme=scope.programme)
    if scope.cluster is not None:
        consultations = consultations.filter(cluster=scope.cluster)
    for consultation in consultations.select_related("cluster", "service_area", "expert__user").order_by("ends_at"):
        yield (
            consultation.cluster.name,
            str(consultation.expert),
            consultation.service_area.name,
            consultation.topic,
            timezone.localtime(consultation.starts_at).date(),
            (now - consultation.ends_at - OVERDUE_AFTER).days,
        )
