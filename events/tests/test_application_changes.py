"""An application changes until the deadline, a full event takes the cluster onto its waiting list, and applying
is confirmed by email."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.tests.factories import UserFactory
from clusters.tests.factories import ClusterFactory
from events import services
from events.models import Event, Participation
from events.services import DelegateData
from notifications.models import OutgoingMessage

from .factories import EventFactory, ParticipationFactory, in_days

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _managed(**fields):
    manager = UserFactory()
    participation = ParticipationFactory(cluster=ClusterFactory(managers=[manager]), **fields)
    return participation, manager


def test_a_change_replaces_delegates_and_support_and_keeps_the_status():
    participation, manager = _managed(delegates=["Ona", "Jonas"])
    services.participation_change(
        participation=participation,
        user=manager,
        delegates=[DelegateData("Rūta", "CEO")],
        support_needed=True,
        support_details="A shared stand",
    )
    participation.refresh_from_db()
    assert [(d.full_name, d.role) for d in participation.delegates.all()] == [("Rūta", "CEO")]
    assert (participation.support_needed, participation.support_details) == (True, "A shared stand")
    assert participation.status == Participation.Status.APPLIED
    with pytest.raises(ValidationError, match="2"):
        services.participation_change(
            participation=participation, user=manager, delegates=[DelegateData(n, "x") for n in "abc"]
        )


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"status": Participation.Status.WITHDRAWN}, "has been withdrawn"),
        ({"status": Participation.Status.REJECTED}, "A rejected application"),
        ({"event__status": Event.Status.CANCELLED}, "has been cancelled"),
        ({"event__registration_deadline": in_days(-1)}, "deadline has passed"),
    ],
)
def test_a_change_is_refused_after_the_deadline_and_for_dead_applications(fields, words):
    participation, manager = _managed(**fields)
    assert words in participation.change_refusal()
    with pytest.raises(ValidationError, match=words):
        services.participation_change(participation=participation, user=manager, delegates=[DelegateData("A", "B")])


def test_the_deadline_itself_still_takes_a_change():
    participation, _ = _managed()
    deadline = participation.event.registration_deadline
    assert participation.change_refusal(now=deadline) is None
    assert participation.change_refusal(now=deadline + datetime.timedelta(microseconds=1))


def test_the_change_page_starts_from_the_application_and_saves(client):
    participation, manager = _managed(delegates=["Ona"])
    client.force_login(manager)
    url = reverse("events:participation-change", args=[participation.pk])
    page = client.get(url).content.decode()
    assert 'value="Ona"' in page and "Save the changes" in page
    response = client.post(
        url,
        {
            "delegates-TOTAL_FORMS": "2",
            "delegates-INITIAL_FORMS": "1",
            "delegates-MIN_NUM_FORMS": "1",
            "delegates-MAX_NUM_FORMS": "2",
            "delegates-0-full_name": "Ona",
            "delegates-0-role": "Manager",
            "delegates-1-full_name": "Petras",
            "delegates-1-role": "CTO",
        },
    )
    assert response.status_code == 302
    assert [d.full_name for d in participation.delegates.all()] == ["Ona", "Petras"]


def test_the_optional_delegate_is_not_marked_required_but_needs_a_role_with_a_name(client):
    manager = UserFactory()
    ClusterFactory(managers=[manager])
    event = EventFactory()
    client.force_login(manager)
    page = client.get(reverse("events:participation-apply", args=[event.pk])).content.decode()
    first, second = page.split('class="delegate ')[1:3]
    second = second.split("</fieldset>")[0]
    assert "asteriskField" in first and "asteriskField" not in second
    response = client.post(
        reverse("events:participation-apply", args=[event.pk]),
        {
            "delegates-TOTAL_FORMS": "2",
            "delegates-INITIAL_FORMS": "0",
            "delegates-0-full_name": "Ona",
            "delegates-0-role": "Manager",
            "delegates-1-full_name": "Petras",
            "delegates-1-role": "",
            "motivation": "Partners",
        },
    )
    assert response.status_code == 200 and "Give the delegate&#x27;s role." in response.content.decode()


def test_a_full_event_offers_the_waiting_list_with_the_position_and_joining_confirms_by_email(client):
    event = EventFactory(places=1)
    ParticipationFactory(event=event, status=Participation.Status.APPROVED)
    ParticipationFactory(event=event, status=Participation.Status.WAITLISTED)
    manager = UserFactory()
    cluster = ClusterFactory(managers=[manager])
    client.force_login(manager)
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Join the waiting list" in page and "would be number 2 on the waiting list" in page
    participation = services.participation_apply(
        event=event, cluster=cluster, user=manager, motivation="Partners", delegates=[DelegateData("Ona", "CEO")]
    )
    assert participation.status == Participation.Status.WAITLISTED and participation.waitlist_position() == 2
    [record] = OutgoingMessage.objects.filter(kind="event_application_received")
    assert record.recipient == manager and record.object_id == participation.pk
    assert "Number 2 on the waiting list" in client.get(event.get_absolute_url()).content.decode()


def test_an_event_with_a_free_place_takes_the_application_for_a_decision_and_confirms_it():
    event = EventFactory(places=2)
    ParticipationFactory(event=event, status=Participation.Status.APPROVED)
    manager = UserFactory()
    participation = services.participation_apply(
        event=event,
        cluster=ClusterFactory(managers=[manager]),
        user=manager,
        motivation="Partners",
        delegates=[DelegateData("Ona", "CEO")],
    )
    assert participation.status == Participation.Status.APPLIED and participation.waitlisted_at is None
    assert OutgoingMessage.objects.filter(kind="event_application_received", recipient=manager).count() == 1
