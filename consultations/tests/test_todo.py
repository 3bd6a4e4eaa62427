"""The cluster manager's start page is a to-do list: what needs the manager first, then the hours and sessions."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from consultations.selectors import DASHBOARD_UPCOMING_ROWS, REBOOK_TODO_DAYS, manager_todo
from consultations.templatetags.consultation_badges import status_badge
from consultations.views import TODOS_SHOWN
from events.models import FundingIntent
from events.tests.factories import EventFactory, FundingCallFactory, FundingIntentFactory, in_days
from inolink.formatting import day_and_time
from inolink.todo import TodoItem, TodoSource, _sources, register_todo_source, todos_for

from .factories import ConsultationFactory, SessionOutcomeFactory, local_at

pytestmark = pytest.mark.django_db


def _proposed(world, *, in_hours=48):
    proposed = timezone.now() + datetime.timedelta(hours=in_hours)
    return ConsultationFactory(
        agreement=world.agreement,
        starts_at=local_at(6, 10),
        proposed_starts_at=proposed,
        proposed_ends_at=proposed + datetime.timedelta(hours=1),
    )


def _extra_hours(world, *, due_in_days=5, status="pending"):
    outcome = SessionOutcomeFactory(
        consultation__agreement=world.agreement,
        hours_delivered=Decimal("1.5"),
        extra_status=status,
        extra_due_at=timezone.now() + datetime.timedelta(days=due_in_days),
    )
    return outcome.consultation


def _declined(world, *, days_ago=1, area=None):
    consultation = ConsultationFactory(
        agreement=world.agreement,
        status="declined",
        status_reason="Away",
        starts_at=timezone.now() + datetime.timedelta(days=5),
    )
    Consultation = type(consultation)
    Consultation.objects.filter(pk=consultation.pk).update(
        declined_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    return consultation


def test_a_declined_request_waits_to_be_booked_again_for_two_weeks(world):
    recent = _declined(world)
    _declined(world, days_ago=REBOOK_TODO_DAYS + 1)
    ConsultationFactory(  # declined in turn: not a booking again
        agreement=world.agreement, service_area=recent.service_area, status="cancelled", status_reason="x"
    )
    assert manager_todo(world.cluster)["to_rebook"] == [recent]
    # Booking the area again takes it off the list.
    ConsultationFactory(agreement=world.agreement, service_area=recent.service_area)
    assert manager_todo(world.cluster)["to_rebook"] == []


def test_a_proposal_still_ahead_waits_for_the_managers_answer(world, other_world):
    waiting = _proposed(world)
    Consultation = type(waiting)
    passed = _proposed(world, in_hours=1)
    Consultation.objects.filter(pk=passed.pk).update(proposed_starts_at=timezone.now() - datetime.timedelta(hours=1))
    _proposed(other_world)  # another cluster's
    assert manager_todo(world.cluster)["to_answer"] == [waiting]


def test_extra_hours_wait_for_the_cluster_only_within_the_dispute_window(world, other_world):
    open_one = _extra_hours(world)
    _extra_hours(world, due_in_days=-1)  # the window has passed: they count, nothing to answer
    _extra_hours(world, status="accepted")
    _extra_hours(other_world)
    assert manager_todo(world.cluster)["extra_to_answer"] == [open_one]


def test_proposals_and_extra_hours_are_on_the_start_page_with_links_to_answer_them(world, client):
    proposal = _proposed(world)
    extra = _extra_hours(world, due_in_days=1)
    client.force_login(world.manager)
    response = client.get(reverse("consultations:dashboard"), HTTP_ACCEPT_LANGUAGE="en")
    items = {item.kind: item for item in response.context["todos"]}
    assert items["proposal"].url == proposal.get_absolute_url() + "#proposal"
    with translation.override("en"):
        booked, proposed = day_and_time(proposal.starts_at), day_and_time(proposal.proposed_starts_at)
    # Both with their times: a proposal may move a session within its own day.
    assert f"proposes {proposed} instead of {booked}: accept or decline." in items["proposal"].text
    assert items["extra-hours"].url == extra.get_absolute_url() + "#extra-hours"
    assert "logged 1.5 h for a 1 h session" in items["extra-hours"].text
    assert items["extra-hours"].urgent and not items["proposal"].urgent
    page = response.content.decode()
    assert "Answer the proposal" in page and "Accept or dispute" in page


def test_declined_and_cancelled_sessions_leave_upcoming_and_a_held_session_awaiting_its_report_says_so(world, client):
    _declined(world)
    past = ConsultationFactory(
        agreement=world.agreement, status="confirmed", starts_at=timezone.now() - datetime.timedelta(hours=3)
    )
    coming = ConsultationFactory(agreement=world.agreement, status="confirmed")
    with translation.override("en"):
        assert "Report outstanding" in status_badge(past)
        assert "Confirmed" in status_badge(coming)
    client.force_login(world.manager)
    response = client.get(reverse("consultations:dashboard"))
    assert [c.pk for c in response.context["upcoming"]] == [coming.pk]


def test_the_to_do_list_comes_before_the_hours_and_gathers_events_and_calls(world, client):
    _declined(world)
    event = EventFactory(registration_deadline=in_days(3), starts_at=in_days(20))
    today = timezone.localdate()
    call = FundingCallFactory(opens_on=today, closes_on=today + datetime.timedelta(days=10))
    FundingIntentFactory(event=call, cluster=world.cluster, status=FundingIntent.Status.APPLYING)
    # Another cluster's submitted application does not hide the call from this one.
    FundingIntentFactory(event=call, status=FundingIntent.Status.APPLIED, submitted_on=today)
    client.force_login(world.manager)
    response = client.get(reverse("consultations:dashboard"), HTTP_ACCEPT_LANGUAGE="en")
    kinds = [item.kind for item in response.context["todos"]]
    assert kinds == ["apply", "call", "rebook"]  # dated first, soonest first
    page = response.content.decode()
    assert page.index('id="todo"') < page.index('id="hours-summary"') < page.index('id="upcoming"')
    assert event.get_absolute_url() in page and call.get_absolute_url() in page


def test_the_first_to_dos_are_shown_and_the_rest_are_one_tap_away(world, client):
    """The soonest due come first; past ``TODOS_SHOWN`` the rest wait under "N more things to do", so a phone
    shows the sessions too without a long scroll."""
    for hours in range(TODOS_SHOWN + 2):
        _proposed(world, in_hours=48 + hours)
    client.force_login(world.manager)
    response = client.get(reverse("consultations:dashboard"), HTTP_ACCEPT_LANGUAGE="en")
    shown, more = response.context["todos"], response.context["todos_more"]
    assert (len(shown), len(more)) == (TODOS_SHOWN, 2)
    assert max(item.due for item in shown) < min(item.due for item in more)
    page = response.content.decode()
    assert page.index(shown[-1].url) < page.index("2 more things to do") < page.index(more[0].url)


def test_only_the_next_upcoming_sessions_are_on_the_start_page_with_a_link_to_all(world, client):
    client.force_login(world.manager)
    for day in range(DASHBOARD_UPCOMING_ROWS):
        ConsultationFactory(agreement=world.agreement, status="confirmed", starts_at=local_at(day + 2, 10))
    response = client.get(reverse("consultations:dashboard"), HTTP_ACCEPT_LANGUAGE="en")
    assert len(response.context["upcoming"]) == DASHBOARD_UPCOMING_ROWS
    assert "All upcoming consultations" not in response.content.decode()
    ConsultationFactory(
        agreement=world.agreement, status="confirmed", starts_at=local_at(DASHBOARD_UPCOMING_ROWS + 2, 10)
    )
    response = client.get(reverse("consultations:dashboard"), HTTP_ACCEPT_LANGUAGE="en")
    assert len(response.context["upcoming"]) == DASHBOARD_UPCOMING_ROWS
    assert "All upcoming consultations" in response.content.decode()


def test_the_start_page_reads_in_a_fixed_number_of_queries(world, client, django_assert_max_num_queries):
    """The same count at 1x and 10x of every kind of to-do and session, within the page's budget."""

    def add(count):
        for _ in range(count):
            _declined(world)
            _proposed(world, in_hours=48 + ConsultationFactory._meta.model.objects.count())
            _extra_hours(world)
            EventFactory(registration_deadline=in_days(3), starts_at=in_days(20))
            ConsultationFactory(agreement=world.agreement, status="confirmed")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("consultations:dashboard")).status_code == 200
        return len(captured)

    client.force_login(world.manager)
    add(1)
    once = queries()
    add(9)
    assert queries() == once <= 30


def test_todos_put_the_soonest_first_and_undated_last_in_source_order():
    now = timezone.now()
    item = lambda kind, due=None: TodoItem(kind=kind, title="", text="", url="", action="", due=due)  # noqa: E731
    source = TodoSource(
        slot="test.slot",
        items=lambda request, obj: [
            item("a"),
            item("late", now + datetime.timedelta(days=2)),
            item("b"),
            item("soon", now),
        ],
    )
    register_todo_source(source)
    try:
        assert [i.kind for i in todos_for("test.slot", None, None)] == ["soon", "late", "a", "b"]
    finally:
        _sources.pop("test.slot")
