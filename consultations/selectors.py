"""Reads for the consultation pages, each in a bounded number of queries."""

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Window
from django.utils import timezone

from agreements.models import Agreement
from agreements.selectors import agreements_listed
from clusters.models import Cluster

from .models import (
    AvailabilityException,
    Consultation,
    ConsultationChange,
    Expert,
    ExtraHours,
    HourAllocation,
    SessionOutcome,
    WeeklyAvailability,
)

SLOT_STEP = datetime.timedelta(minutes=30)
BOOKING_LENGTHS = [Decimal(h) / 2 for h in range(2, 9)]  # 1 h to 4 h in half hours
LAST_WEEK = 12  # how far ahead the slot pickers go, in weeks (week 0 is the one starting today)


# --- Hours -------------------------------------------------------------------------------------------------


def agreements_with_usage(*, cluster=None, programme=None):
    """Agreements with signatures and hour usage per service area, in three queries whatever the count."""
    return agreements_listed(cluster=cluster, programme=programme).prefetch_related(
        Prefetch("allocations", queryset=allocations_with_usage())
    )


def allocations_with_usage():
    """Hour allocations with their usage (``HourAllocationQuerySet.with_usage``) and area, in the areas' order."""
    return HourAllocation.objects.with_usage().select_related("service_area").order_by("service_area__position")


def current_agreement(cluster):
    """The agreement a cluster's pages show, with usage: the one its new bookings draw on
    (``Agreement.objects.booking_for``), else its newest live one (say, a draft awaiting signatures), or None.

    Its cluster is the one asked about and the manager's pages showing it do not name the programme, so neither
    is joined in.
    """
    agreements = agreements_with_usage(cluster=cluster).select_related(None)
    booking = agreements.filter(pk__in=Agreement.objects.booking_for(cluster).values("pk")).first()
    return booking or agreements.live().first()


# --- Free slots -------------------------------------------------------------------------------------------


@dataclass
class DaySlots:
    date: datetime.date
    starts: list = field(default_factory=list)
    limit: int | None = None  # how many starts a compact view shows; None shows them all

    @property
    def shown(self) -> list:
        return self.starts if self.limit is None else self.starts[: self.limit]

    @property
    def hidden_count(self) -> int:
        return len(self.starts) - len(self.shown)


@dataclass
class ExpertSlots:
    expert: Expert
    days: list
    next_start: datetime.datetime | None = None  # the first free start from now, when asked (``free_slots``)

    @property
    def has_slots(self) -> bool:
        return any(day.starts for day in self.days)

    @property
    def next_week(self) -> int | None:
        """The slot pickers' week of ``next_start``."""
        return None if self.next_start is None else week_of(self.next_start)


def _local(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time), timezone.get_default_timezone())


def _subtract(intervals, start, end):
    result = []
    for a, b in intervals:
        if end <= a or start >= b:
            result.append((a, b))
            continue
        if a < start:
            result.append((a, start))
        if end < b:
            result.append((end, b))
    return result


def _align(moment: datetime.datetime) -> datetime.datetime:
    """Round up to the slot grid (:00 and :30 local time), so slots after a booking stay on the half hour."""
    local = timezone.localtime(moment)
    step = int(SLOT_STEP.total_seconds() // 60)
    past = (local.minute % step) * 60 + local.second + local.microsecond / 1e6
    if not past:
        return moment
    return moment + datetime.timedelta(seconds=step * 60 - past)


def working_intervals(day, weekly, exceptions):
    """The expert's working time on ``day``: weekly hours, minus time off, plus extra hours."""
    intervals = [(_local(day, rule.start_time), _local(day, rule.end_time)) for rule in weekly.get(day.weekday(), [])]
    for exception in exceptions.get(day, []):
        if exception.kind == AvailabilityException.Kind.TIME_OFF:
            if exception.whole_day:
                intervals = []
            else:
                intervals = _subtract(intervals, _local(day, exception.start_time), _local(day, exception.end_time))
    for exception in exceptions.get(day, []):
        if exception.kind == AvailabilityException.Kind.EXTRA:
            intervals.append((_local(day, exception.start_time), _local(day, exception.end_time)))
    # Merge overlapping intervals so a slot may span a weekly block and adjoining extra hours.
    merged = []
    for a, b in sorted(intervals):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def earliest_start(now=None) -> datetime.datetime:
    return (now or timezone.now()) + datetime.timedelta(hours=settings.CONSULTATION_MIN_NOTICE_HOURS)


def latest_start(now=None) -> datetime.datetime:
    """The end of the slot pickers' last week: nothing is booked beyond what a person can pick."""
    first_day = timezone.localtime(now or timezone.now()).date()
    last_day = first_day + datetime.timedelta(days=7 * (LAST_WEEK + 1))
    return timezone.make_aware(datetime.datetime.combine(last_day, datetime.time()))


def buffer() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.CONSULTATION_BUFFER_MINUTES)


def _weekly_by_expert(rows):
    weekly = defaultdict(lambda: defaultdict(list))
    for rule in rows:
        weekly[rule.expert_id][rule.weekday].append(rule)
    return weekly


def _exceptions_by_expert(rows, first_day, last_day):
    """Exceptions by expert and by each day of theirs between the two days: a holiday's row counts on every day."""
    exceptions = defaultdict(lambda: defaultdict(list))
    for exception in rows:
        for day in exception.days(first_day, last_day):
            exceptions[exception.expert_id][day].append(exception)
    return exceptions


def _exceptions_between(ids, first_day, last_day):
    return AvailabilityException.objects.filter(expert_id__in=ids, start_date__lte=last_day, end_date__gte=first_day)


def _bookings_by_expert(ids, first_day, last_day, *, exclude=None):
    """Each expert's live bookings around these days, and the times they proposed instead of a request's (held
    for them until the cluster answers, ``Consultation.objects.taking_time``), widened by the buffer, as (start,
    end) pairs."""
    pad = buffer()
    window_start = _local(first_day, datetime.time.min) - pad
    window_end = _local(last_day + datetime.timedelta(days=1), datetime.time.min) + pad
    bookings = defaultdict(list)
    live = Consultation.objects.taking_time(window_start, window_end).filter(expert_id__in=ids)
    if exclude is not None:
        live = live.exclude(pk=exclude.pk)
    rows = live.values_list("expert_id", "starts_at", "ends_at", "proposed_starts_at", "proposed_ends_at")
    for expert_id, starts_at, ends_at, proposed_starts_at, proposed_ends_at in rows:
        bookings[expert_id].append((starts_at - pad, ends_at + pad))
        if proposed_starts_at is not None:
            bookings[expert_id].append((proposed_starts_at - pad, proposed_ends_at + pad))
    return bookings


def _free_intervals(day, weekly, exceptions, bookings):
    intervals = working_intervals(day, weekly, exceptions)
    for busy_start, busy_end in bookings:
        intervals = _subtract(intervals, busy_start, busy_end)
    return intervals


def _starts(intervals, duration, not_before):
    starts = []
    for a, b in intervals:
        start = _align(a)
        while start + duration <= b:
            if start >= not_before:
                starts.append(start)
            start += SLOT_STEP
    return starts


def free_slots(
    experts, *, first_day, days, length, exclude=None, now=None, per_day=None, not_at=(), with_next=False
) -> list[ExpertSlots]:
    """Free start times for each expert over ``days`` days from ``first_day``, for a session of ``length``.

    Free = weekly hours and exceptions, minus live bookings widened by the buffer, not before the minimum
    notice. Three queries for any number of experts and days: weekly hours, exceptions and bookings.
    ``per_day`` marks how many starts of a day a compact view shows (``DaySlots.shown``); all are kept.
    ``not_at``: starts not to offer (the booked time itself, when the expert proposes another one).
    ``with_next``: also each expert's first free start from now to the end of the pickers' last week
    (``ExpertSlots.next_start``), read with the same three queries over that whole range.
    """
    experts = list(experts)
    ids = [expert.pk for expert in experts]
    last_day = first_day + datetime.timedelta(days=days - 1)
    read_from, read_until = first_day, last_day
    if with_next:
        today, horizon = pickers_range(now)
        read_from, read_until = min(first_day, today), max(last_day, horizon)
    weekly = _weekly_by_expert(WeeklyAvailability.objects.filter(expert_id__in=ids))
    exceptions = _exceptions_by_expert(_exceptions_between(ids, read_from, read_until), read_from, read_until)
    bookings = _bookings_by_expert(ids, read_from, read_until, exclude=exclude)
    not_before = earliest_start(now)
    duration = datetime.timedelta(hours=float(length))

    def starts_on(expert, day):
        intervals = _free_intervals(day, weekly[expert.pk], exceptions[expert.pk], bookings[expert.pk])
        return [start for start in _starts(intervals, duration, not_before) if start not in not_at]

    result = []
    for expert in experts:
        expert_days = []
        for offset in range(days):
            day = first_day + datetime.timedelta(days=offset)
            expert_days.append(DaySlots(date=day, starts=starts_on(expert, day), limit=per_day))
        next_start = None
        if with_next:
            day = today
            while next_start is None and day <= horizon:
                next_start = next(iter(starts_on(expert, day)), None)
                day += datetime.timedelta(days=1)
        result.append(ExpertSlots(expert=expert, days=expert_days, next_start=next_start))
    return result


def pickers_range(now=None) -> tuple[datetime.date, datetime.date]:
    """The first and last day the slot pickers show: today and the last day of their last week (``LAST_WEEK``)."""
    today = timezone.localtime(now or timezone.now()).date()
    return today, today + datetime.timedelta(days=7 * (LAST_WEEK + 1) - 1)


def week_of(moment: datetime.datetime, now=None) -> int:
    """The slot pickers' week (0 starts today) in which ``moment`` falls."""
    today, _last = pickers_range(now)
    return (timezone.localtime(moment).date() - today).days // 7


def week_months_away(week: int, months: int, now=None) -> int:
    """The slot pickers' week holding the same day ``months`` calendar months before or after the first day of
    ``week`` (the 31st goes to the month's last day), kept within the pickers' weeks (0 to ``LAST_WEEK``)."""
    today, _last = pickers_range(now)
    first = today + datetime.timedelta(days=7 * week)
    index = first.month - 1 + months
    year, month = first.year + index // 12, index % 12 + 1
    target = first.replace(year=year, month=month, day=min(first.day, calendar.monthrange(year, month)[1]))
    return min(max((target - today).days // 7, 0), LAST_WEEK)


@dataclass
class PreviewDay:
    date: datetime.date
    stretches: list  # (start, end) pairs of free time in which a session of the shortest length fits
    off: bool = False  # a whole day off


PREVIEW_WEEKS = 2


def availability_preview(expert, *, weekly=None, exceptions=None, weeks=PREVIEW_WEEKS, now=None) -> list[PreviewDay]:
    """The free times the expert offers over the next ``weeks`` weeks from today: the stretches in which a cluster
    can book the shortest session, after bookings with their buffer and the minimum notice.

    ``weekly`` and ``exceptions`` are rows as the editor would save them (a preview before saving); by default the
    saved ones. At most three queries: weekly hours, exceptions, bookings.
    """
    first_day = timezone.localtime(now or timezone.now()).date()
    last_day = first_day + datetime.timedelta(days=7 * weeks - 1)
    if weekly is None:
        weekly = WeeklyAvailability.objects.filter(expert=expert)
    if exceptions is None:
        exceptions = _exceptions_between([expert.pk], first_day, last_day)
    for row in (*weekly, *exceptions):
        row.expert_id = expert.pk  # unsaved new rows have no expert yet
    weekly_days = _weekly_by_expert(weekly)[expert.pk]
    exception_days = _exceptions_by_expert(exceptions, first_day, last_day)[expert.pk]
    bookings = _bookings_by_expert([expert.pk], first_day, last_day)[expert.pk]
    shortest = datetime.timedelta(hours=float(BOOKING_LENGTHS[0]))
    not_before = earliest_start(now)
    result = []
    for offset in range(7 * weeks):
        day = first_day + datetime.timedelta(days=offset)
        stretches = []
        for a, b in _free_intervals(day, weekly_days, exception_days, bookings):
            a = _align(max(a, not_before))
            if a + shortest <= b:
                stretches.append((a, b))
        off = any(e.kind == AvailabilityException.Kind.TIME_OFF and e.whole_day for e in exception_days.get(day, []))
        result.append(PreviewDay(date=day, stretches=stretches, off=off))
    return result


def slot_is_free(expert, *, starts_at, ends_at) -> bool:
    """Whether [starts_at, ends_at) lies inside the expert's working time (availability only, not bookings)."""
    day = timezone.localtime(starts_at).date()
    weekly = _weekly_by_expert(WeeklyAvailability.objects.filter(expert=expert, weekday=day.weekday()))
    exceptions = _exceptions_by_expert(_exceptions_between([expert.pk], day, day), day, day)
    return any(
        a <= starts_at and ends_at <= b for a, b in working_intervals(day, weekly[expert.pk], exceptions[expert.pk])
    )


def booking_allocation(cluster, service_area):
    """The cluster's hours in the area, with usage, under the agreement new bookings draw on
    (``AgreementQuerySet.booking_for``); None when there is none or it has no hours in the area. One query.
    """
    agreement = Agreement.objects.booking_for(cluster).values("pk")[:1]
    allocations = HourAllocation.objects.with_usage().filter(agreement__in=agreement, service_area=service_area)
    return allocations.order_by().first()


def bookable_experts(service_area):
    return (
        Expert.objects.filter(is_active=True, service_areas=service_area)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )


# --- Lists ------------------------------------------------------------------------------------------------


# What list rows show. A consultation row is wide (agenda, addresses, meeting link...) and a list page builds
# dozens of them with their area and expert, so only these columns are read.
LIST_ROW_FIELDS = (
    "topic",
    "starts_at",
    "ends_at",
    "hours",
    "status",
    "format",
    "city",
    "meeting_url",  # whether the expert still has to give it (``Consultation.awaits_meeting_link``)
    "proposed_starts_at",  # another time the expert proposed, waiting for the cluster's answer
    "service_area__name",
)
LIST_EXPERT_FIELDS = ("expert__user__first_name", "expert__user__last_name", "expert__user__email")


def consultation_list(queryset, *, with_cluster=True, with_expert=True, with_outcome=False):
    """Consultations with what list rows show, in one query: the area, the cluster unless all rows are of one,
    the expert unless the expert reads the list, and ``has_outcome`` (whether it is logged) when asked.

    Rows of one cluster leave it out: joined with the cluster they are filtered on by id, PostgreSQL plans the
    query several times slower (milliseconds, with the consultation table's many indexes).
    """
    related, fields = ["service_area"], [*LIST_ROW_FIELDS]
    if with_cluster:
        related.append("cluster")
        fields.append("cluster__name")
    if with_expert:
        related.append("expert__user")
        fields.extend(LIST_EXPERT_FIELDS)
    rows = queryset.select_related(*related).only(*fields)
    if with_outcome:
        rows = rows.annotate(has_outcome=Exists(SessionOutcome.objects.filter(consultation=OuterRef("pk"))))
    return rows


def expert_choices(consultations) -> list[tuple[int, str]]:
    """The experts of these consultations as (pk, name) pairs, by name, for a filter's list; read as values
    because there may be over a hundred of them."""
    User = get_user_model()
    # DISTINCT makes PostgreSQL gather the few expert ids of the cluster's sessions first; without it, it may
    # probe each expert's whole history of sessions for one with the cluster instead, several times slower.
    rows = (
        Expert.objects.filter(pk__in=consultations.values("expert_id").distinct())
        .order_by("user__last_name", "user__first_name")
        .values_list("pk", "user__first_name", "user__last_name", "user__email")
    )
    return [(pk, User.display_name(first, last, email)) for pk, first, last, email in rows]


def cluster_choices(consultations) -> list[tuple[int, str]]:
    """The clusters of these consultations as (pk, name) pairs, by name, for a filter's list (read as values,
    as ``expert_choices``)."""
    return list(
        Cluster.objects.filter(pk__in=consultations.values("cluster_id").distinct())
        .order_by("name")
        .values_list("pk", "name")
    )


def consultation_detail_queryset(queryset):
    return queryset.select_related(
        "cluster", "agreement", "service_area", "expert__user", "booked_by", "status_changed_by", "outcome", "rating"
    )


DASHBOARD_ROWS = 10
# The start page's sessions, after the to-do list: a few of each, the rest in the list of all consultations.
DASHBOARD_UPCOMING_ROWS = 5
DASHBOARD_RECENT_ROWS = 3


# A declined request stays on the manager's to-do list this long, unless the cluster books the area again.
REBOOK_TODO_DAYS = 14


def manager_dashboard(cluster, *, now=None):
    """A cluster manager's start page: the next upcoming sessions (requested and confirmed only: declined and
    cancelled ones leave the list), whether more are to come, and the latest past ones, in two queries whatever
    the count."""
    now = now or timezone.now()
    mine = consultation_list(Consultation.objects.filter(cluster=cluster), with_cluster=False)
    upcoming = list(mine.live().upcoming(now).order_by("starts_at")[: DASHBOARD_UPCOMING_ROWS + 1])
    return {
        "upcoming": upcoming[:DASHBOARD_UPCOMING_ROWS],
        "more_upcoming": len(upcoming) > DASHBOARD_UPCOMING_ROWS,
        "recent": list(mine.past(now).order_by("-starts_at")[:DASHBOARD_RECENT_ROWS]),
    }


def manager_todo(cluster, *, now=None):
    """What of the consultations needs the manager, in five queries whatever the count.

    ``to_rate``: held sessions with an outcome the cluster has not rated. ``to_rebook``: requests an expert
    declined in the last ``REBOOK_TODO_DAYS`` days, unless the cluster has booked the same area since (a booking
    that is live or held, not one declined or cancelled in turn). ``to_answer``: requests whose expert proposed
    another time still ahead (``Consultation.proposal_answer_refusal``). ``extra_to_answer``: sessions whose
    expert logged hours over the booked length, awaiting the cluster within the dispute window.
    """
    now = now or timezone.now()
    of_cluster = Consultation.objects.filter(cluster=cluster)
    mine = consultation_list(of_cluster, with_cluster=False)
    # The sessions to rate are found first and read by id after: joined with the rows' area and expert, the
    # two EXISTS tests cost PostgreSQL milliseconds of planning, more than a second query does.
    to_rate = list(of_cluster.to_rate().order_by("-starts_at").values_list("pk", flat=True)[:DASHBOARD_ROWS])
    booked_since = Consultation.objects.filter(
        cluster=OuterRef("cluster"),
        service_area=OuterRef("service_area"),
        created_at__gt=OuterRef("declined_at"),
        status__in=[*Consultation.LIVE_STATUSES, Consultation.Status.HELD],
    )
    to_rebook = (
        mine.filter(
            status=Consultation.Status.DECLINED, declined_at__gte=now - datetime.timedelta(days=REBOOK_TODO_DAYS)
        )
        .exclude(Exists(booked_since))
        .order_by("-declined_at")
    )
    # The rows are read with only the list's columns: the proposed time comes as an annotation, not a query each.
    to_answer = (
        mine.filter(status=Consultation.Status.REQUESTED, proposed_starts_at__gt=now)
        .annotate(proposal_starts_at=F("proposed_starts_at"))
        .order_by("proposed_starts_at")
    )
    extra_to_answer = (
        mine.filter(outcome__extra_status=ExtraHours.PENDING, outcome__extra_due_at__gt=now)
        .annotate(logged_hours=F("outcome__hours_delivered"), extra_due_at=F("outcome__extra_due_at"))
        .order_by("extra_due_at")
    )
    return {
        "to_rate": list(mine.filter(pk__in=to_rate).order_by("-starts_at")) if to_rate else [],
        "to_rebook": list(to_rebook[:DASHBOARD_ROWS]),
        "to_answer": list(to_answer[:DASHBOARD_ROWS]),
        "extra_to_answer": list(extra_to_answer[:DASHBOARD_ROWS]),
    }


@dataclass
class CappedList:
    """The first rows of a list that a page shows, and how many there are in all."""

    rows: list
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)

    def __bool__(self) -> bool:
        # So "{% if requests %}" means "any requests", as it did when this was a plain list.
        return self.total > 0


def _capped(queryset, limit: int) -> CappedList:
    """The first ``limit`` rows with the total, in one query (a window count over all the matching rows)."""
    rows = list(queryset.annotate(total=Window(Count("pk")))[:limit])
    return CappedList(rows=rows, total=rows[0].total if rows else 0)


SCHEDULE_ROWS = 10
RECENT_ROWS = 5


def expert_schedule(expert, *, now=None):
    """An expert's start page: a few rows in each list, in four queries whatever the count.

    Requests, outcomes due and upcoming sessions come with their totals; the soonest (the oldest) come first.
    The rows carry what the page shows (cluster and area), not the expert, who is the reader.
    """
    now = now or timezone.now()
    mine = consultation_list(Consultation.objects.filter(expert=expert), with_expert=False)
    return {
        "requests": _capped(
            mine.filter(status=Consultation.Status.REQUESTED, starts_at__gt=now).order_by("starts_at"), SCHEDULE_ROWS
        ),
        "outcome_due": _capped(mine.outcome_due(now).order_by("starts_at"), SCHEDULE_ROWS),
        "upcoming": _capped(
            mine.filter(status=Consultation.Status.CONFIRMED, starts_at__gt=now).order_by("starts_at"), SCHEDULE_ROWS
        ),
        # Logged sessions show the hours their outcome logged, not the booked length.
        "recent": list(
            mine.filter(status__in=[Consultation.Status.HELD, Consultation.Status.NO_SHOW])
            .annotate(hours_logged=F("outcome__hours_delivered"))
            .order_by("-starts_at")[:RECENT_ROWS]
        ),
    }


# --- The detail page's timeline (issue 16) ----------------------------------------------------------------

TIMELINE_ROWS = 30


@dataclass
class TimelineEntry:
    at: datetime.datetime
    status: str = ""  # a status the consultation took ("Confirmed"), or
    by: object = None
    change: object = None  # a ConsultationChange: who, in which role, why, old and new time
    reason: str = ""  # the note staff gave when they wrote on the expert's behalf
    message: object = None  # a ConsultationMessage of the session's thread


def consultation_timeline(consultation, thread=()) -> list[TimelineEntry]:
    """What happened to a consultation, newest first, in two queries: each status it took (a save that left the
    status as it was is no news, unless staff noted why they wrote), each recorded change of time or details with
    its author and reason, and each message of the thread the page already read (``consultation_thread``)."""
    records = reversed(  # the newest rows, read oldest first: a long history must not hide its latest status
        consultation.history.select_related("history_user")
        .order_by("-history_date", "-history_id")
        .only("history_date", "status", "history_user", "history_change_reason")[: TIMELINE_ROWS * 3]
    )
    entries, previous = [], None
    for record in records:
        if record.status != previous or record.history_change_reason:
            entries.append(
                TimelineEntry(
                    at=record.history_date,
                    status=record.get_status_display(),
                    by=record.history_user,
                    reason=record.history_change_reason or "",
                )
            )
            previous = record.status
    changes = ConsultationChange.objects.filter(consultation=consultation).select_related("by")[:TIMELINE_ROWS]
    entries.extend(TimelineEntry(at=change.created_at, by=change.by, change=change) for change in changes)
    entries.extend(TimelineEntry(at=message.created_at, by=message.author, message=message) for message in thread)
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:TIMELINE_ROWS]


# The two sides of a session (issue 15) ------------------------------------------------------------------

THREAD_ROWS = 100


def session_contacts(consultation, *, is_manager: bool, is_expert: bool) -> list:
    """The people of the other side whose email and phone this reader sees: none before the expert confirms
    (``Consultation.contacts_shared``); then the expert for the cluster's managers, the managers for the expert.
    Staff read contacts in the admin. One query at most."""
    if not consultation.contacts_shared:
        return []
    if is_manager and not is_expert:
        return [consultation.expert.user]
    if is_expert:
        return list(consultation.cluster.managers.exclude(pk=consultation.expert.user_id).order_by("last_name", "pk"))
    return []


def consultation_thread(consultation) -> list:
    """The session's messages, oldest first, with their authors: one query (the thread is short; the last
    ``THREAD_ROWS`` are shown)."""
    rows = consultation.messages.select_related("author").order_by("-created_at", "-pk")[:THREAD_ROWS]
    return list(reversed(rows))
