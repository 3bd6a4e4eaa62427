"""The slot pickers' rules at their edges, with a fixed ``now``: the pickers' days and weeks, the first free start
up to the horizon's last day, a proposed time held with the buffer on both sides, the preview's last day, and the
manager's to-do rows read without the cluster."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations.models import AvailabilityException, Consultation, ServiceArea, WeeklyAvailability
from consultations.selectors import (
    availability_preview,
    free_slots,
    manager_todo,
    pickers_range,
    week_months_away,
    week_of,
)

from .factories import ConsultationFactory, ExpertFactory, available_all_week

pytestmark = pytest.mark.django_db


def local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


TODAY = datetime.date(2031, 1, 10)
NOW = local(TODAY, 9)  # a fixed clock, years away from the real one


@pytest.fixture(autouse=True)
def _rules(settings):
    settings.CONSULTATION_BUFFER_MINUTES = 15
    settings.CONSULTATION_MIN_NOTICE_HOURS = 24


# --- The pickers' days and weeks ---------------------------------------------------------------------------


def test_pickers_range_runs_from_the_local_day_of_now_to_the_last_day_of_week_twelve():
    just_after_midnight = local(TODAY, 0, 30)  # 22:30 UTC on the day before: the day is the local one
    assert pickers_range(just_after_midnight) == (TODAY, TODAY + datetime.timedelta(days=7 * 13 - 1))
    assert pickers_range(NOW) == (datetime.date(2031, 1, 10), datetime.date(2031, 4, 10))


def test_week_of_counts_whole_weeks_from_the_given_now():
    assert week_of(local(TODAY, 10), now=NOW) == 0
    assert week_of(local(TODAY + datetime.timedelta(days=6), 23), now=NOW) == 0
    assert week_of(local(TODAY + datetime.timedelta(days=7), 0), now=NOW) == 1
    assert week_of(local(TODAY + datetime.timedelta(days=90), 12), now=NOW) == 12


def test_week_months_away_moves_from_the_first_day_of_the_week_given_from_now():
    # Week 7 starts on 28 February 2031; no months away, it is week 7 itself.
    assert week_months_away(7, 0, now=NOW) == 7
    # Week 8 starts on 7 March 2031; a month before is 7 February, 28 days from today: week 4.
    assert week_months_away(8, -1, now=NOW) == 4
    # Week 0 and a month on: 10 February 2031, 31 days away, week 4; far ahead or back is kept within 0 to 12.
    assert week_months_away(0, 1, now=NOW) == 4
    assert week_months_away(2, 6, now=NOW) == 12
    assert week_months_away(1, -2, now=NOW) == 0


# --- The first free start, up to the horizon's last day ----------------------------------------------------


def test_next_start_is_searched_from_the_given_now():
    expert = available_all_week(ExpertFactory())
    [slots] = free_slots(
        [expert], first_day=TODAY + datetime.timedelta(days=10), days=1, length=Decimal("1"), now=NOW, with_next=True
    )
    # 24 hours' notice from 09:00 on the 10th: 09:00 on the 11th.
    assert slots.next_start == local(TODAY + datetime.timedelta(days=1), 9)


def test_next_start_on_the_horizons_last_day_is_found():
    expert = ExpertFactory()  # no weekly hours: only extra hours on the pickers' last day
    horizon = TODAY + datetime.timedelta(days=7 * 13 - 1)
    AvailabilityException.objects.create(
        expert=expert,
        start_date=horizon,
        end_date=horizon,
        kind=AvailabilityException.Kind.EXTRA,
        start_time=datetime.time(10),
        end_time=datetime.time(12),
    )
    [slots] = free_slots([expert], first_day=TODAY, days=1, length=Decimal("1"), now=NOW, with_next=True)
    assert slots.next_start == local(horizon, 10)


# --- A proposed time holds the expert's time with the buffer on both sides ---------------------------------


def test_a_proposed_time_is_blocked_with_the_buffer_before_and_after_it(world):
    day = TODAY + datetime.timedelta(days=10)
    ConsultationFactory(
        agreement=world.agreement,
        expert=world.expert,
        starts_at=local(day, 10),
        proposed_starts_at=local(day, 14),
        proposed_ends_at=local(day, 15),
    )
    [slots] = free_slots([world.expert], first_day=day, days=1, length=Decimal("1"), now=NOW)
    starts = [(timezone.localtime(start).hour, timezone.localtime(start).minute) for start in slots.days[0].starts]
    # Free: 08:00–09:45, 11:15–13:45, 15:15–20:00 (each booking's time widened by 15 minutes on both sides).
    assert starts == [
        (8, 0),
        (8, 30),
        (11, 30),
        (12, 0),
        (12, 30),
        (15, 30),
        (16, 0),
        (16, 30),
        (17, 0),
        (17, 30),
        (18, 0),
        (18, 30),
        (19, 0),
    ]


# --- The preview's days -------------------------------------------------------------------------------------


def test_preview_reads_time_off_on_its_last_day(world):
    last = TODAY + datetime.timedelta(days=13)
    AvailabilityException.objects.create(expert=world.expert, start_date=last, end_date=last)
    preview = availability_preview(world.expert, now=NOW)
    assert [day.date for day in preview] == [TODAY + datetime.timedelta(days=n) for n in range(14)]
    assert (preview[-1].off, preview[-1].stretches) == (True, [])
    assert (preview[-2].off, preview[-2].stretches) == (
        False,
        [(local(last - datetime.timedelta(days=1), 8), local(last - datetime.timedelta(days=1), 20))],
    )


def test_preview_ignores_another_experts_time_off(world):
    other = available_all_week(ExpertFactory())
    day = TODAY + datetime.timedelta(days=5)
    AvailabilityException.objects.create(expert=other, start_date=day, end_date=day)
    preview = availability_preview(world.expert, now=NOW)
    assert (preview[5].off, preview[5].stretches) == (False, [(local(day, 8), local(day, 20))])
    assert not any(day.off for day in preview)


def test_preview_counts_the_minimum_notice_from_the_given_now(world):
    preview = availability_preview(world.expert, now=NOW)
    # 24 hours' notice from 09:00 on the 10th: nothing left today, tomorrow from 09:00.
    assert (preview[0].date, preview[0].stretches) == (TODAY, [])
    tomorrow = TODAY + datetime.timedelta(days=1)
    assert preview[1].stretches == [(local(tomorrow, 9), local(tomorrow, 20))]


def test_preview_shows_a_free_stretch_as_long_as_the_shortest_session_and_no_shorter(world):
    hour_long = TODAY + datetime.timedelta(days=3)
    half_hour = TODAY + datetime.timedelta(days=4)
    weekly = [
        WeeklyAvailability(weekday=hour_long.weekday(), start_time=datetime.time(10), end_time=datetime.time(11)),
        WeeklyAvailability(weekday=half_hour.weekday(), start_time=datetime.time(14), end_time=datetime.time(14, 30)),
    ]
    preview = {day.date: day for day in availability_preview(world.expert, weekly=weekly, exceptions=[], now=NOW)}
    assert preview[hour_long].stretches == [(local(hour_long, 10), local(hour_long, 11))]
    assert preview[half_hour].stretches == []
    assert not preview[half_hour].off


def test_preview_marks_a_whole_day_off_but_not_a_few_hours_off(world):
    few_hours = TODAY + datetime.timedelta(days=3)
    whole_day = TODAY + datetime.timedelta(days=4)
    AvailabilityException.objects.create(
        expert=world.expert,
        start_date=few_hours,
        end_date=few_hours,
        start_time=datetime.time(8),
        end_time=datetime.time(12),
    )
    AvailabilityException.objects.create(expert=world.expert, start_date=whole_day, end_date=whole_day)
    preview = {day.date: day for day in availability_preview(world.expert, now=NOW)}
    assert (preview[few_hours].off, preview[few_hours].stretches) == (
        False,
        [(local(few_hours, 12), local(few_hours, 20))],
    )
    assert (preview[whole_day].off, preview[whole_day].stretches) == (True, [])


# --- The manager's to-do list -------------------------------------------------------------------------------


def test_manager_todo_rows_are_read_without_joining_the_cluster(world):
    """All rows are the reader's cluster's: joined with it, PostgreSQL plans the query several times slower."""
    day = TODAY + datetime.timedelta(days=10)
    proposal = ConsultationFactory(
        agreement=world.agreement,
        expert=world.expert,
        starts_at=local(day, 10),
        proposed_starts_at=local(day, 14),
        proposed_ends_at=local(day, 15),
    )
    with CaptureQueriesContext(connection) as queries:
        todo = manager_todo(world.cluster, now=NOW)
    assert todo["to_answer"] == [proposal]
    assert len(queries) == 4
    assert not [query["sql"] for query in queries if "clusters_cluster" in query["sql"]]


def _declined(world, *, declined_at=NOW - datetime.timedelta(days=1), **fields):
    consultation = ConsultationFactory(
        agreement=world.agreement,
        expert=world.expert,
        status=Consultation.Status.DECLINED,
        status_reason="Away",
        starts_at=local(TODAY + datetime.timedelta(days=5), 10),
        **fields,
    )
    Consultation.objects.filter(pk=consultation.pk).update(declined_at=declined_at)
    return consultation


def _booked(world, area, *, created_at, cluster_world=None):
    booking = ConsultationFactory(
        agreement=(cluster_world or world).agreement, service_area=area, starts_at=local(TODAY, 12)
    )
    Consultation.objects.filter(pk=booking.pk).update(created_at=created_at)
    return booking


def test_a_declined_request_leaves_the_rebook_list_only_when_the_same_cluster_books_the_same_area_after_it(
    world, other_world
):
    declined = _declined(world)
    other_area = ServiceArea.objects.exclude(pk=declined.service_area_id).first()
    _booked(world, declined.service_area, created_at=NOW - datetime.timedelta(days=2))  # before the decline
    _booked(world, other_area, created_at=NOW - datetime.timedelta(hours=1))
    _booked(world, declined.service_area, created_at=NOW - datetime.timedelta(hours=1), cluster_world=other_world)
    assert manager_todo(world.cluster, now=NOW)["to_rebook"] == [declined]
    _booked(world, declined.service_area, created_at=NOW - datetime.timedelta(hours=1))
    assert manager_todo(world.cluster, now=NOW)["to_rebook"] == []


def test_only_declined_requests_wait_to_be_booked_again(world):
    declined = _declined(world)
    cancelled = _declined(world)
    # The list goes by the status, not by the time alone: a row set to another status outside the services (an
    # import, the database) keeps its declined_at.
    Consultation.objects.filter(pk=cancelled.pk).update(status=Consultation.Status.CANCELLED)
    assert manager_todo(world.cluster, now=NOW)["to_rebook"] == [declined]
