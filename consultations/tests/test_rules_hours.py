"""Hours, outcomes and availability in their exact rules: the boundaries of the dispute window and the sweep that
settles it, the exact words of each refusal (in English and Lithuanian), and what a staff note leaves in the
history."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from accounts.tests.factories import UserFactory
from consultations import services
from consultations.models import (
    EXCEPTION_MAX_DAYS,
    AvailabilityException,
    ExtraHours,
    SessionOutcome,
    WeeklyAvailability,
)

from .factories import ExpertFactory, held_session

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

DAY = datetime.date(2030, 1, 2)
# Settling one outcome: the batch read, the locks, the outcome read and save, the recount, the next (empty) read;
# PostgreSQL also sets the lock timeout.
SETTLE_ONE_QUERIES = {"sqlite": 16, "postgresql": 17}


def message_of(raised) -> list[str]:
    return raised.value.messages


# --- Availability exceptions ---------------------------------------------------------------------------------


def test_a_row_over_a_year_is_refused_in_exact_words():
    """One row covers at most EXCEPTION_MAX_DAYS days; the refusal quotes the limit at the last day."""
    row = AvailabilityException(start_date=DAY, end_date=DAY + datetime.timedelta(days=EXCEPTION_MAX_DAYS), kind="off")
    with pytest.raises(ValidationError) as raised:
        row.clean()
    assert raised.value.message_dict == {"end_date": ["One row covers at most 366 days; add another row for the rest."]}


def test_a_row_over_a_year_is_refused_in_lithuanian():
    """The Lithuanian refusal is the catalogue's plural for 366 days."""
    row = AvailabilityException(start_date=DAY, end_date=DAY + datetime.timedelta(days=EXCEPTION_MAX_DAYS), kind="off")
    with translation.override("lt"), pytest.raises(ValidationError) as raised:
        row.clean()
    assert raised.value.message_dict == {
        "end_date": ["Viena eilutė apima ne daugiau kaip 366 dienas; likusias dienas įrašykite kitoje eilutėje."]
    }


@pytest.mark.parametrize("missing", ["start_date", "end_date"])
def test_a_missing_day_leaves_the_days_to_the_fields_own_error(missing):
    """A row without its first or last day (the field says it is required) is not compared, and raises nothing
    of its own."""
    row = AvailabilityException(start_date=DAY, end_date=DAY, kind="off")
    setattr(row, missing, None)
    row.clean()


# --- Extra hours: the refusals in their exact words ----------------------------------------------------------


@pytest.mark.parametrize("who", ["expert", "stranger"])
def test_only_the_clusters_managers_answer_in_exact_words(world, who):
    """The expert and a stranger are refused with the same words; the cluster's manager is not."""
    outcome = held_session(world)
    user = world.expert.user if who == "expert" else UserFactory()
    assert outcome.extra_accept_refusal(user) == "Only the cluster's managers answer for its hours."
    assert outcome.extra_accept_refusal(world.manager) is None


def test_no_pending_extra_hours_is_refused_in_exact_words(world):
    """Hours within the booked length await nobody's answer."""
    outcome = held_session(world, hours="2")
    assert outcome.extra_accept_refusal(world.manager) == "There are no extra hours awaiting your answer."


def test_decided_extra_hours_are_refused_to_staff_in_exact_words(world):
    """Staff decide pending or disputed extra hours once; decided ones are refused."""
    outcome = held_session(world)
    assert outcome.extra_resolve_refusal() is None
    services.outcome_extra_accept(outcome=outcome, by=world.manager)
    decided = SessionOutcome.objects.get(pk=outcome.pk)
    assert decided.extra_resolve_refusal() == "These extra hours are already decided."


def test_the_dispute_window_closes_at_its_due_moment(world):
    """At the due moment exactly the window has closed; a microsecond before it is open."""
    outcome = held_session(world)
    tick = datetime.timedelta(microseconds=1)
    assert outcome.extra_dispute_refusal(world.manager, now=outcome.extra_due_at - tick) is None
    assert outcome.extra_dispute_refusal(world.manager, now=outcome.extra_due_at) == (
        "Extra hours can be disputed within 7 days of their logging; this time has passed."
    )


def test_a_one_day_window_reads_in_the_singular(world, settings):
    """EXTRA_HOURS_DISPUTE_DAYS = 1 reads "1 day"."""
    settings.EXTRA_HOURS_DISPUTE_DAYS = 1
    outcome = held_session(world)
    assert outcome.extra_dispute_refusal(world.manager, now=outcome.extra_due_at) == (
        "Extra hours can be disputed within 1 day of their logging; this time has passed."
    )


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (1, "Papildomas valandas galima ginčyti per 1 dieną nuo jų įrašymo; šis terminas jau praėjo."),
        (7, "Papildomas valandas galima ginčyti per 7 dienas nuo jų įrašymo; šis terminas jau praėjo."),
    ],
)
def test_the_closed_window_reads_in_lithuanian(world, settings, days, text):
    """The Lithuanian refusal is the catalogue's form for the number of days."""
    settings.EXTRA_HOURS_DISPUTE_DAYS = days
    outcome = held_session(world)
    with translation.override("lt"):
        assert outcome.extra_dispute_refusal(world.manager, now=outcome.extra_due_at) == text


def test_the_service_refuses_a_dispute_after_the_window(world):
    """The dispute service asks the same refusal: past the window the extra hours stay pending for the sweep."""
    outcome = held_session(world)
    SessionOutcome.objects.filter(pk=outcome.pk).update(extra_due_at=timezone.now() - datetime.timedelta(seconds=1))
    with pytest.raises(ValidationError) as raised:
        services.outcome_extra_dispute(outcome=outcome, by=world.manager, reason="Too long")
    assert message_of(raised) == ["Extra hours can be disputed within 7 days of their logging; this time has passed."]
    assert SessionOutcome.objects.get(pk=outcome.pk).extra_status == ExtraHours.PENDING


# --- The sweep that settles lapsed extra hours ---------------------------------------------------------------


def test_the_sweep_settles_at_the_due_moment_and_says_when(world):
    """Extra hours whose window closes exactly at ``now`` are settled, decided at ``now`` by nobody."""
    outcome = held_session(world)
    due = SessionOutcome.objects.get(pk=outcome.pk).extra_due_at
    assert services.extra_hours_settle_lapsed(now=due - datetime.timedelta(microseconds=1)) == 0
    assert services.extra_hours_settle_lapsed(now=due) == 1
    settled = SessionOutcome.objects.get(pk=outcome.pk)
    assert (settled.extra_status, settled.extra_decided_at, settled.extra_decided_by) == (
        ExtraHours.ACCEPTED,
        due,
        None,
    )


def test_the_sweep_counts_every_outcome_it_settles(world):
    """Three lapsed outcomes: the sweep returns 3."""
    outcomes = [held_session(world) for _ in range(3)]
    later = max(o.extra_due_at for o in outcomes)
    assert services.extra_hours_settle_lapsed(now=later) == 3
    assert set(SessionOutcome.objects.values_list("extra_status", flat=True)) == {ExtraHours.ACCEPTED}


def test_the_sweep_touches_no_outcome_that_is_not_due(world, django_assert_num_queries):
    """Extra hours still in their window, and disputed ones past it, are not even locked: one read, nothing else."""
    waiting, disputed = held_session(world), held_session(world)
    services.outcome_extra_dispute(outcome=disputed, by=world.manager, reason="Too long")
    now = waiting.extra_due_at - datetime.timedelta(seconds=1)
    SessionOutcome.objects.filter(pk=disputed.pk).update(extra_due_at=now - datetime.timedelta(days=1))
    with django_assert_num_queries(1):
        assert services.extra_hours_settle_lapsed(now=now) == 0


def test_a_dispute_that_lands_between_the_sweeps_read_and_its_lock_wins(world, monkeypatch):
    """The sweep read two lapsed outcomes; the cluster disputes the first one before the sweep locks it (the
    interleaving a concurrent request makes, played here in one thread): that one stays disputed and uncounted,
    and the sweep still settles the other."""
    disputed_late, lapsed = held_session(world), held_session(world)
    now = max(disputed_late.extra_due_at, lapsed.extra_due_at)
    real_lock = services._lock_outcome
    raced = []

    def dispute_first_then_lock(outcome):
        if outcome.pk == disputed_late.pk and not raced:
            raced.append(outcome.pk)
            services.outcome_extra_dispute(outcome=outcome, by=world.manager, reason="Too long")
        return real_lock(outcome)

    monkeypatch.setattr(services, "_lock_outcome", dispute_first_then_lock)
    assert services.extra_hours_settle_lapsed(now=now) == 1
    statuses = dict(SessionOutcome.objects.values_list("pk", "extra_status"))
    assert statuses == {disputed_late.pk: ExtraHours.DISPUTED, lapsed.pk: ExtraHours.ACCEPTED}


def test_the_sweep_reads_each_batch_with_its_consultations(world):
    """Settling one outcome costs a fixed number of queries: the batch's read brings the consultations with it,
    so no outcome reads its consultation on its own before taking the locks."""
    outcome = held_session(world)
    with CaptureQueriesContext(connection) as queries:
        assert services.extra_hours_settle_lapsed(now=outcome.extra_due_at) == 1
    assert len(queries) == SETTLE_ONE_QUERIES[connection.vendor]


# --- A staff note is kept with the change in the history -------------------------------------------------------


def test_a_staff_note_is_the_change_reason_of_the_outcome_and_the_session(world):
    """Staff logging on the expert's behalf say why; the note (trimmed) is kept in both histories."""
    outcome = held_session(world, note="  From the expert's email  ")
    assert outcome.history.latest().history_change_reason == "From the expert's email"
    assert outcome.consultation.history.latest().history_change_reason == "From the expert's email"


def test_no_note_leaves_no_change_reason(world):
    """The expert's own outcome has no change reason."""
    outcome = held_session(world)
    assert outcome.history.latest().history_change_reason is None


# --- PostgreSQL's weekly-hours constraint, checked at once -------------------------------------------------------


@pytest.fixture
def bare_expert(db):
    """An expert with no hours yet."""
    return ExpertFactory()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="exclusion constraints exist on PostgreSQL only")
def test_postgresql_refuses_overlapping_weekly_hours_at_once(bare_expert):
    """Overlapping weekly hours that reached the database are refused when the service checks, in its words."""
    WeeklyAvailability.objects.create(
        expert=bare_expert, weekday=0, start_time=datetime.time(9), end_time=datetime.time(17)
    )
    with transaction.atomic():
        WeeklyAvailability.objects.create(
            expert=bare_expert, weekday=0, start_time=datetime.time(16), end_time=datetime.time(18)
        )
        with pytest.raises(ValidationError) as raised:
            services._check_weekly_constraint()
        transaction.set_rollback(True)
    assert (raised.value.messages, raised.value.code) == (
        ["These weekly hours overlap other hours on the same day."],
        "overlap",
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="exclusion constraints exist on PostgreSQL only")
def test_postgresql_accepts_weekly_hours_that_only_touch(bare_expert):
    """Hours that only touch pass the check."""
    with transaction.atomic():
        WeeklyAvailability.objects.create(
            expert=bare_expert, weekday=0, start_time=datetime.time(9), end_time=datetime.time(12)
        )
        WeeklyAvailability.objects.create(
            expert=bare_expert, weekday=0, start_time=datetime.time(12), end_time=datetime.time(18)
        )
        services._check_weekly_constraint()
