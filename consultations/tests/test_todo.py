"""The cluster manager's start page is a to-do list: what needs the manager first, then the hours and sessions."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from consultations.selectors import REBOOK_TODO_DAYS, manager_todo
from consultations.templatetags.consultation_badges import status_badge
from events.models import FundingIntent
from events.tests.factories import EventFactory, FundingCallFactory, FundingIntentFactory, in_days
from inolink.todo import TodoItem, TodoSource, _sources, register_todo_source, todos_for

from .factories import ConsultationFactory

pytestmark = pytest.mark.django_db


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


@pytest.mark.parametrize("scale", [1, 10])
def test_the_start_page_reads_in_a_fixed_number_of_queries(world, client, django_assert_max_num_queries, scale):
    for _ in range(scale):
        _declined(world)
        EventFactory(registration_deadline=in_days(3), starts_at=in_days(20))
        ConsultationFactory(agreement=world.agreement, status="confirmed")
    client.force_login(world.manager)
    with django_assert_max_num_queries(30):
        assert client.get(reverse("consultations:dashboard")).status_code == 200


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
