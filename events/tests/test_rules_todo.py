"""The exact rules of the manager's to-do list from events (``manager_event_todo``): its date windows and their
boundaries, what it leaves out, its order and its intents; and when a new application would join a waiting list
(``waiting_list_preview``). Every test gives a fixed ``now`` far from today's date."""

import datetime

import pytest
from django.utils import timezone

from clusters.tests.factories import ClusterFactory
from events.models import Event, FundingIntent, Participation
from events.selectors import (
    TODO_CALL_DAYS,
    TODO_DEADLINE_DAYS,
    TODO_OUTCOME_DAYS,
    WaitingList,
    manager_event_todo,
    waiting_list_preview,
)

from .factories import EventFactory, FundingCallFactory, FundingIntentFactory, OutcomeFactory, ParticipationFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2031, 3, 12, 12, 0, tzinfo=timezone.get_default_timezone())
TODAY = datetime.date(2031, 3, 12)


def event_with_deadline(deadline, **kwargs):
    return EventFactory(registration_deadline=deadline, starts_at=deadline + datetime.timedelta(days=1), **kwargs)


def event_ending(ends_at, **kwargs):
    return EventFactory(
        starts_at=ends_at - datetime.timedelta(hours=8),
        registration_deadline=ends_at - datetime.timedelta(days=10),
        **kwargs,
    )


def approved(cluster, ends_at, **event_kwargs):
    return ParticipationFactory(
        cluster=cluster, event=event_ending(ends_at, **event_kwargs), status=Participation.Status.APPROVED
    )


def call_closing(closes_on, **kwargs):
    return FundingCallFactory(opens_on=closes_on - datetime.timedelta(days=60), closes_on=closes_on, **kwargs)


def submitted(cluster, call, status=FundingIntent.Status.APPLIED):
    decided_on = TODAY - datetime.timedelta(days=1) if status in FundingIntent.DECIDED else None
    return FundingIntentFactory(
        cluster=cluster,
        event=call,
        status=status,
        submitted_on=TODAY - datetime.timedelta(days=10),
        decided_on=decided_on,
    )


def titles(events):
    return [event.title for event in events]


def reported_events(participations):
    return [participation.event.title for participation in participations]


# To apply: open events whose deadline is from now to TODO_DEADLINE_DAYS days ahead, not yet applied to.


def test_to_apply_runs_from_this_moment_to_the_deadline_window_end_at_the_given_now():
    cluster = ClusterFactory()
    event_with_deadline(NOW - datetime.timedelta(seconds=1), title="Passed a second ago")
    event_with_deadline(NOW - datetime.timedelta(days=2), title="Passed two days ago")
    event_with_deadline(NOW, title="Closes now")
    event_with_deadline(NOW + datetime.timedelta(days=TODO_DEADLINE_DAYS), title="Closes at the window end")
    event_with_deadline(
        NOW + datetime.timedelta(days=TODO_DEADLINE_DAYS, seconds=1), title="Closes just after the window"
    )

    assert titles(manager_event_todo(cluster, now=NOW)["to_apply"]) == ["Closes now", "Closes at the window end"]


def test_to_apply_comes_soonest_deadline_first_whatever_the_order_events_were_added():
    cluster = ClusterFactory()
    event_with_deadline(NOW + datetime.timedelta(days=9), title="Nine days")
    event_with_deadline(NOW + datetime.timedelta(days=2), title="Two days")
    event_with_deadline(NOW + datetime.timedelta(days=5), title="Five days")

    assert titles(manager_event_todo(cluster, now=NOW)["to_apply"]) == ["Two days", "Five days", "Nine days"]


def test_to_apply_events_with_the_same_deadline_come_in_the_order_they_were_added():
    cluster = ClusterFactory()
    deadline = NOW + datetime.timedelta(days=3)
    event_with_deadline(deadline, title="Added first")
    event_with_deadline(deadline, title="Added second")

    assert titles(manager_event_todo(cluster, now=NOW)["to_apply"]) == ["Added first", "Added second"]


# To report: the cluster's approved applications to events that ended in the last TODO_OUTCOME_DAYS days, no outcome.


def test_to_report_runs_from_the_outcome_window_start_exclusive_to_this_moment_inclusive():
    cluster = ClusterFactory()
    approved(cluster, NOW - datetime.timedelta(days=TODO_OUTCOME_DAYS), title="Ended at the window start")
    approved(cluster, NOW - datetime.timedelta(days=TODO_OUTCOME_DAYS + 5), title="Ended long ago")
    approved(cluster, NOW - datetime.timedelta(days=TODO_OUTCOME_DAYS) + datetime.timedelta(seconds=1), title="Oldest")
    approved(cluster, NOW, title="Ends now")
    approved(cluster, NOW + datetime.timedelta(seconds=1), title="Ends in a second")

    assert reported_events(manager_event_todo(cluster, now=NOW)["to_report"]) == ["Oldest", "Ends now"]


def test_to_report_lists_only_the_clusters_own_approved_applications_without_an_outcome():
    cluster = ClusterFactory()
    ended = NOW - datetime.timedelta(days=3)
    approved(cluster, ended, title="Mine, approved")
    approved(ClusterFactory(), ended, title="Another cluster's")
    for status in (Participation.Status.APPLIED, Participation.Status.REJECTED, Participation.Status.WAITLISTED):
        ParticipationFactory(cluster=cluster, event=event_ending(ended, title=f"Mine, {status}"), status=status)
    OutcomeFactory(participation=approved(cluster, ended - datetime.timedelta(days=1), title="Mine, outcome reported"))

    assert reported_events(manager_event_todo(cluster, now=NOW)["to_report"]) == ["Mine, approved"]


def test_to_report_leaves_out_cancelled_events():
    cluster = ClusterFactory()
    ended = NOW - datetime.timedelta(days=3)
    approved(cluster, ended, title="Held")
    cancelled = approved(cluster, ended, title="Cancelled").event
    Event.objects.filter(pk=cancelled.pk).update(status=Event.Status.CANCELLED)

    assert reported_events(manager_event_todo(cluster, now=NOW)["to_report"]) == ["Held"]


def test_to_report_comes_earliest_end_first_then_in_the_order_applications_were_added():
    cluster = ClusterFactory()
    approved(cluster, NOW - datetime.timedelta(days=2), title="Two days ago")
    approved(cluster, NOW - datetime.timedelta(days=20), title="Twenty days ago")
    same = NOW - datetime.timedelta(days=10)
    approved(cluster, same, title="Ten days ago, added first")
    approved(cluster, same, title="Ten days ago, added second")

    assert reported_events(manager_event_todo(cluster, now=NOW)["to_report"]) == [
        "Twenty days ago",
        "Ten days ago, added first",
        "Ten days ago, added second",
        "Two days ago",
    ]


def test_to_report_brings_its_events_in_the_same_three_queries(django_assert_num_queries):
    cluster = ClusterFactory()
    for days in (2, 4, 6):
        approved(cluster, NOW - datetime.timedelta(days=days))

    with django_assert_num_queries(3):
        todo = manager_event_todo(cluster, now=NOW)
        events = [participation.event.title for participation in todo["to_report"]]

    assert len(events) == 3


# Calls closing: published funding calls closing from today to TODO_CALL_DAYS days ahead, not yet applied to.


def test_calls_closing_run_from_the_given_nows_day_to_the_call_window_end():
    cluster = ClusterFactory()
    call_closing(TODAY - datetime.timedelta(days=1), title="Closed yesterday")
    call_closing(TODAY, title="Closes today")
    call_closing(TODAY + datetime.timedelta(days=TODO_CALL_DAYS), title="Closes at the window end")
    call_closing(TODAY + datetime.timedelta(days=TODO_CALL_DAYS + 1), title="Closes the day after")

    assert titles(manager_event_todo(cluster, now=NOW)["calls_closing"]) == ["Closes today", "Closes at the window end"]


def test_calls_closing_today_is_the_local_day_of_now():
    cluster = ClusterFactory()
    call_closing(TODAY + datetime.timedelta(days=1), title="Closes tomorrow")
    # 23:30 UTC on the 11th is already the 12th in Vilnius: a call that closed on the 11th is over.
    call_closing(TODAY - datetime.timedelta(days=1), title="Closed on the 11th")
    late_evening_utc = datetime.datetime(2031, 3, 11, 23, 30, tzinfo=datetime.UTC)

    assert titles(manager_event_todo(cluster, now=late_evening_utc)["calls_closing"]) == ["Closes tomorrow"]


def test_calls_closing_leave_out_calls_the_cluster_has_applied_to_only():
    cluster = ClusterFactory()
    closes = TODAY + datetime.timedelta(days=7)
    for status in FundingIntent.SUBMITTED:
        submitted(cluster, call_closing(closes, title=f"Mine {status}"), status)
    submitted(ClusterFactory(), call_closing(closes, title="Another cluster applied"))
    call_closing(closes, title="No intent")

    assert titles(manager_event_todo(cluster, now=NOW)["calls_closing"]) == ["Another cluster applied", "No intent"]


def test_calls_closing_an_application_to_one_call_keeps_the_other_calls_listed():
    cluster = ClusterFactory()
    submitted(cluster, call_closing(TODAY + datetime.timedelta(days=3), title="Applied"))
    call_closing(TODAY + datetime.timedelta(days=5), title="Still to do")

    assert titles(manager_event_todo(cluster, now=NOW)["calls_closing"]) == ["Still to do"]


def test_calls_closing_carry_the_clusters_own_intent_on_that_call_only():
    cluster = ClusterFactory()
    closes = TODAY + datetime.timedelta(days=7)
    preparing = call_closing(closes, title="Preparing")
    FundingIntentFactory(cluster=cluster, event=preparing, status=FundingIntent.Status.APPLYING)
    FundingIntentFactory(cluster=ClusterFactory(), event=preparing, status=FundingIntent.Status.CONSIDERING)
    others_only = call_closing(closes, title="Another cluster's intent only")
    FundingIntentFactory(cluster=ClusterFactory(), event=others_only, status=FundingIntent.Status.APPLYING)
    call_closing(closes, title="No intent")

    calls = manager_event_todo(cluster, now=NOW)["calls_closing"]

    assert [(call.title, call.my_intent) for call in calls] == [
        ("Preparing", FundingIntent.Status.APPLYING),
        ("Another cluster's intent only", None),
        ("No intent", None),
    ]


def test_calls_closing_come_soonest_first_then_in_the_order_they_were_added():
    cluster = ClusterFactory()
    call_closing(TODAY + datetime.timedelta(days=20), title="Twenty days")
    call_closing(TODAY + datetime.timedelta(days=4), title="Four days, added first")
    call_closing(TODAY + datetime.timedelta(days=4), title="Four days, added second")
    call_closing(TODAY + datetime.timedelta(days=1), title="Tomorrow")

    assert titles(manager_event_todo(cluster, now=NOW)["calls_closing"]) == [
        "Tomorrow",
        "Four days, added first",
        "Four days, added second",
        "Twenty days",
    ]


# The waiting list a new application would join.


def test_waiting_list_preview_is_none_for_unlimited_places_or_a_free_place_and_counts_a_full_events_list():
    unlimited = EventFactory(places=None)
    ParticipationFactory(event=unlimited, status=Participation.Status.WAITLISTED)
    free = EventFactory(places=2)
    ParticipationFactory(event=free, status=Participation.Status.APPROVED)
    ParticipationFactory(event=free, status=Participation.Status.WAITLISTED)
    full = EventFactory(places=1)
    ParticipationFactory(event=full, status=Participation.Status.APPROVED)
    ParticipationFactory(event=full, status=Participation.Status.WAITLISTED)
    ParticipationFactory(event=full, status=Participation.Status.WAITLISTED)
    ParticipationFactory(event=full, status=Participation.Status.APPLIED)

    assert waiting_list_preview(unlimited) is None
    assert waiting_list_preview(free) is None
    assert waiting_list_preview(full) == WaitingList(waiting=2)
