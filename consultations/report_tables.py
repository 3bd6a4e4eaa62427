"""Report tables about consultations: counts by cluster and area, the cluster's own sessions, overdue outcomes.

Each builder runs one query whatever the data size (see ``inolink.tables``). A consultation belongs to the
period in which it starts (Europe/Vilnius dates): its booked, held and delivered hours count on the session's own
date, whenever its outcome was logged, so a report rebuilt later for the same period shows the same numbers.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import User
from inolink.choices import choice_label
from inolink.tables import CLUSTER, STAFF, Column, ReportScope, register_table

from .message_kinds import OVERDUE_AFTER
from .models import Consultation, ServiceArea, counted_hours

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


@dataclass(frozen=True)
class PeriodHours:
    """One allocation's (agreement × service area) hours, counted by the sessions' own dates.

    ``delivered`` and ``held`` are the hours of the sessions dated in the period (logged outcomes; bookings whose
    hours are still held, ``ConsultationQuerySet.holding_hours``); the ``*_to_end`` figures take every session
    dated up to the period's last day, which is what the allocation had used by then.
    """

    delivered: Decimal = Decimal("0")
    held: Decimal = Decimal("0")
    delivered_to_end: Decimal = Decimal("0")
    held_to_end: Decimal = Decimal("0")

    def remaining(self, granted: Decimal) -> Decimal:
        """The hours left at the period's end: granted less what its sessions up to then delivered or hold."""
        return granted - self.delivered_to_end - self.held_to_end


def counted_from_consultation():
    """A consultation's delivered hours as the cluster's budget counts them (``models.counted_hours``: hours over
    the booked length only once accepted), so every report figure agrees with the allocations' pages."""
    return counted_hours("outcome__", booked_hours="hours")


def period_hours(scope: ReportScope, now=None) -> dict[tuple[int, int], PeriodHours]:
    """``PeriodHours`` per (agreement id, service area id), in one aggregate query whatever the data size.

    Every hours table of a report reads its figures here, so they agree with each other and with the
    consultation tables for the same period, and do not move when outcomes of other periods are logged.
    """
    now = now or timezone.now()
    sessions = Consultation.objects.filter(starts_at__date__lte=scope.date_to)
    if scope.programme is not None:
        sessions = sessions.filter(agreement__programme=scope.programme)
    if scope.cluster is not None:
        sessions = sessions.filter(cluster=scope.cluster)
    in_period = Q(starts_at__date__gte=scope.date_from)
    holding = Q(status=Status.CONFIRMED) | Q(status=Status.REQUESTED, starts_at__gt=now)
    rows = (
        sessions.order_by()
        .values("agreement_id", "service_area_id")
        .annotate(
            delivered=Sum(counted_from_consultation(), filter=in_period),
            held=Sum("hours", filter=in_period & holding),
            delivered_to_end=Sum(counted_from_consultation()),
            held_to_end=Sum("hours", filter=holding),
        )
    )
    zero = Decimal("0")
    return {
        (row["agreement_id"], row["service_area_id"]): PeriodHours(
            delivered=row["delivered"] or zero,
            held=row["held"] or zero,
            delivered_to_end=row["delivered_to_end"] or zero,
            held_to_end=row["held_to_end"] or zero,
        )
        for row in rows
    }


def _count(status):
    return Count("pk", filter=Q(status=status))


@register_table(
    "consultations_by_area",
    _("Consultations by cluster and service area"),
    columns=[
        Column("cluster", _("Cluster")),
        Column("area", _("Service area")),
        # Every booking of the period, whatever became of it: not the status "Requested" (awaiting confirmation).
        Column("requested", pgettext_lazy("report column: every booking", "Requested"), "int", total=True),
        Column("confirmed", _("Confirmed, not yet logged"), "int", total=True),
        Column("held", _("Held"), "int", total=True),
        Column("no_show", _("No-show"), "int", total=True),
        Column("cancelled", _("Cancelled"), "int", total=True),
        Column("declined", _("Declined"), "int", total=True),
        Column("delivered", _("Hours delivered"), "hours", total=True),
    ],
    audiences=(STAFF, CLUSTER),
    position=30,
    sheet=_("Consultations by area"),
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
            delivered=Sum(counted_from_consultation()),
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
    sheet=_("Sessions"),
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
            str(consultation.service_area),
            str(consultation.expert),
            consultation.topic,
            str(consultation.get_status_display()),
            consultation.hours,
            outcome.hours_delivered if outcome else None,
            rating.score if rating else None,
        )


@register_table(
    "consultations_list",
    _("Consultations, one row each"),
    columns=[
        Column("date", _("Date"), "date"),
        Column("time", _("Time")),
        Column("cluster", _("Cluster")),
        Column("agreement", _("Agreement"), "code"),
        Column("area", _("Service area")),
        Column("expert", _("Expert")),
        Column("topic", _("Topic")),
        Column("format", pgettext_lazy("consultation", "Format")),
        Column("status", _("Status")),
        Column("booked", _("Hours booked"), "hours", total=True),
        Column("delivered", _("Hours delivered"), "hours", total=True),
        Column("rating", _("Rating"), "int"),
    ],
    audiences=(STAFF,),
    position=33,
    sheet=_("Consultations"),
)
def consultations_list_table(scope: ReportScope):
    """Every consultation dated in the period, one row each, for a ministry report (one query, read as values)."""
    rows = (
        consultations_in_scope(scope)
        .order_by("starts_at", "pk")
        .annotate(delivered=counted_from_consultation())
        .values_list(
            "starts_at",
            "cluster__name",
            "agreement__number",
            "service_area__name",
            "expert__user__first_name",
            "expert__user__last_name",
            "expert__user__email",
            "topic",
            "format",
            "status",
            "hours",
            "delivered",
            "rating__score",
        )
    )
    for starts_at, cluster, agreement, area, first, last, email, topic, fmt, status, hours, delivered, score in rows:
        starts = timezone.localtime(starts_at)
        yield (
            starts.date(),
            starts.strftime("%H:%M"),
            cluster,
            agreement,
            ServiceArea.display_name(area),
            User.display_name(first, last, email),
            topic,
            choice_label(Consultation.Format, fmt),
            choice_label(Status, status),
            hours,
            delivered,
            score,
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
    sheet=_("Outcomes overdue"),
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
            str(consultation.service_area),
            consultation.topic,
            timezone.localtime(consultation.starts_at).date(),
            (now - consultation.ends_at - OVERDUE_AFTER).days,
        )
