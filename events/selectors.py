"""The reads that events pages need, each in a bounded number of queries."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from agreements.models import Agreement
from clusters.models import Cluster
from inolink.ical import CalendarItem, absolute_url

from .models import Decision, Delegate, Event, FundingIntent, Outcome, Participation, PartnershipLead


@dataclass(frozen=True)
class CatalogueFilters:
    kind: str = ""
    country: str = ""
    month: datetime.date | None = None  # the first day of the month
    open_only: bool = False
    include_past: bool = False


def _month_bounds(first_day: datetime.date):
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(first_day, datetime.time.min, tzinfo=tz)
    next_month = (first_day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return start, datetime.datetime.combine(next_month, datetime.time.min, tzinfo=tz)


def catalogue(filters: CatalogueFilters, *, cluster: Cluster | None = None, now=None):
    """Published events with their approved counts and, for a manager, their cluster's application and intent.

    One query whatever the number of events (the cluster's status comes as subqueries).
    """
    now = now or timezone.now()
    events = Event.objects.published().with_place_counts()
    if filters.kind:
        events = events.filter(kind=filters.kind)
    if filters.country:
        events = events.filter(country=filters.country)
    if filters.month:
        start, end = _month_bounds(filters.month)
        events = events.filter(starts_at__lt=end, ends_at__gte=start)
    elif not filters.include_past:
        events = events.filter(ends_at__gte=now)
    if filters.open_only:
        events = events.filter(registration_deadline__gte=now)
    if cluster is not None:
        events = events.annotate(
            # One row at most per event and cluster, so no ordering (the models' default one joins the event).
            my_status=Subquery(
                Participation.objects.filter(event=OuterRef("pk"), cluster=cluster).order_by().values("status")[:1]
            ),
            my_intent=Subquery(
                FundingIntent.objects.filter(event=OuterRef("pk"), cluster=cluster).order_by().values("status")[:1]
            ),
        )
    return events.order_by("starts_at", "pk")


def catalogue_countries() -> list[str]:
    """Countries with a published event, for the filter."""
    # Without order_by() the model's default ordering would join its columns into the DISTINCT: a row per event.
    return list(Event.objects.published().order_by("country").values_list("country", flat=True).distinct())


def participation_with_details(queryset):
    """Applications with event, cluster, delegates, decisions and outcome with leads: a fixed number of queries."""
    return queryset.select_related("event", "cluster", "applied_by", "withdrawn_by").prefetch_related(
        Prefetch("delegates", queryset=Delegate.objects.order_by("position", "pk")),
        Prefetch("decisions", queryset=Decision.objects.select_related("decided_by").order_by("decided_at", "pk")),
        Prefetch("outcome", queryset=Outcome.objects.prefetch_related("leads")),
    )


def cluster_application(event: Event, cluster: Cluster | None) -> Participation | None:
    if cluster is None:
        return None
    return participation_with_details(Participation.objects.filter(event=event, cluster=cluster)).first()


def cluster_event_history(cluster: Cluster):
    """Every application of the cluster, newest event first, with its outcome and leads."""
    return participation_with_details(Participation.objects.filter(cluster=cluster)).order_by("-event__starts_at")


def cluster_partnership_leads(cluster: Cluster):
    return (
        PartnershipLead.objects.filter(outcome__participation__cluster=cluster)
        .select_related("outcome__participation__event")
        .order_by("-created_at", "-pk")
    )


def cluster_funding_intents(cluster: Cluster):
    return FundingIntent.objects.filter(cluster=cluster).select_related("event").order_by("-event__starts_at")


def event_calendar_item(event: Event, *, status_note: str = "") -> CalendarItem:
    description = event.description
    if status_note:
        description = f"{status_note}\n\n{description}".strip()
    return CalendarItem(
        uid=f"event-{event.pk}",
        summary=event.title,
        start=event.starts_at,
        end=event.ends_at,
        description=description,
        location=event.location,
        url=absolute_url(event.get_absolute_url()),
        cancelled=event.status == Event.Status.CANCELLED,
    )


def approved_events(clusters) -> "QuerySet[Event]":
    """Events these clusters are approved for (cancelled ones too, so calendars drop them); no drafts."""
    return (
        Event.objects.filter(
            participations__cluster__in=clusters,
            participations__status=Participation.Status.APPROVED,
        )
        .exclude(status=Event.Status.DRAFT)
        .distinct()
        .order_by("starts_at")
    )


def calendar_items_for_cluster(cluster: Cluster) -> list[CalendarItem]:
    """The cluster's approved events, in one query."""
    return [event_calendar_item(event) for event in approved_events([cluster])]


def calendar_items_for_manager(user) -> list[CalendarItem]:
    """For a person's private calendar feed: the approved events of every cluster they manage, in one query."""
    return [event_calendar_item(event) for event in approved_events(Cluster.objects.managed_by(user).values("pk"))]


@dataclass
class FundingRow:
    cluster: Cluster
    cells: list = field(default_factory=list)  # (call, its FundingIntent or None) for each column call

    @property
    def marked(self) -> list:
        """The cells where the cluster marked an intent (the phone layout lists only these)."""
        return [(call, intent) for call, intent in self.cells if intent is not None]


def funding_table(*, include_closed: bool = False, now=None):
    """The clusters with an intent or a live programme agreement × the published funding calls, in three queries.

    One row per cluster: a programme has far more clusters than current calls, so the table grows downwards.
    """
    now = now or timezone.now()
    calls = Event.objects.published().funding_calls().order_by("closes_on", "pk")
    if not include_closed:
        calls = calls.filter(ends_at__gte=now)
    calls = list(calls)
    intents = list(
        FundingIntent.objects.filter(event__in=[c.pk for c in calls]).only(
            "event_id", "cluster_id", "status", "submitted_on", "decided_on"
        )
    )
    cluster_ids = {intent.cluster_id for intent in intents}
    clusters = list(
        Cluster.objects.filter(Q(pk__in=cluster_ids) | Q(pk__in=Agreement.objects.live().values("cluster_id")))
        .order_by("name")
        .only("pk", "name")
    )
    by_key = {(intent.event_id, intent.cluster_id): intent for intent in intents}
    rows = [FundingRow(cluster=c, cells=[(call, by_key.get((call.pk, c.pk))) for call in calls]) for c in clusters]
    return calls, rows


def applications_awaiting_decision(event: Event) -> int:
    return Participation.objects.filter(event=event).awaiting_decision().count()


def event_outcomes(event: Event):
    """Approved applications of an event with their outcomes and leads (staff page)."""
    return participation_with_details(
        Participation.objects.filter(event=event, status=Participation.Status.APPROVED)
    ).order_by("cluster__name")


@dataclass(frozen=True)
class WaitingList:
    """A full event's waiting list as a cluster about to join it sees it: how many are on it, and so the place
    the cluster would take."""

    waiting: int

    @property
    def next_position(self) -> int:
        return self.waiting + 1


def waiting_list_preview(event: Event) -> WaitingList | None:
    """The waiting list a new application would join, or None while the event has a free place (one query; the
    event's ``approved_count`` annotation is used when present)."""
    if event.places is None or event.places_left:
        return None
    return WaitingList(waiting=event.participations.filter(status=Participation.Status.WAITLISTED).count())


# The manager's to-do list (see ``consultations.panels``): how far ahead deadlines show, and how many of each.
TODO_DEADLINE_DAYS = 14
TODO_CALL_DAYS = 30
TODO_OUTCOME_DAYS = 60
TODO_ROWS = 5


def manager_event_todo(cluster: Cluster, *, now=None) -> dict:
    """What of events and funding calls needs the cluster's manager, in three queries whatever the count.

    ``to_apply``: open events (not funding calls) whose registration deadline is within ``TODO_DEADLINE_DAYS``
    days and that the cluster has not applied to. ``to_report``: approved applications to events that ended in
    the last ``TODO_OUTCOME_DAYS`` days with no outcome reported. ``calls_closing``: published funding calls
    closing within ``TODO_CALL_DAYS`` days for which the cluster has not marked an application as submitted
    (no intent, or considering or preparing one), each with ``my_intent``.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    to_apply = (
        Event.objects.open_for_applications(now)
        .exclude(kind__in=Event.FUNDING_KINDS)
        .filter(registration_deadline__lte=now + datetime.timedelta(days=TODO_DEADLINE_DAYS))
        .exclude(participations__cluster=cluster)
        .order_by("registration_deadline", "pk")
    )
    to_report = (
        Participation.objects.filter(
            cluster=cluster,
            status=Participation.Status.APPROVED,
            outcome__isnull=True,
            event__ends_at__lte=now,
            event__ends_at__gt=now - datetime.timedelta(days=TODO_OUTCOME_DAYS),
        )
        .exclude(event__status=Event.Status.CANCELLED)
        .select_related("event")
        .order_by("event__ends_at", "pk")
    )
    calls = (
        Event.objects.published()
        .funding_calls()
        .filter(closes_on__gte=today, closes_on__lte=today + datetime.timedelta(days=TODO_CALL_DAYS))
        .exclude(
            Exists(
                FundingIntent.objects.filter(event=OuterRef("pk"), cluster=cluster, status__in=FundingIntent.SUBMITTED)
            )
        )
        .annotate(
            my_intent=Subquery(
                FundingIntent.objects.filter(event=OuterRef("pk"), cluster=cluster).order_by().values("status")[:1]
            )
        )
        .order_by("closes_on", "pk")
    )
    return {
        "to_apply": list(to_apply[:TODO_ROWS]),
        "to_report": list(to_report[:TODO_ROWS]),
        "calls_closing": list(calls[:TODO_ROWS]),
    }
