"""Programme staff act on any consultation from its page: read it and its history, log or correct the outcome on
the expert's behalf with a note, reassign it (issue 14: the escalation email's link answered 404 to staff)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import StaffFactory
from clusters.models import IndicatorArea
from consultations.models import Consultation, SessionOutcome
from consultations.tests.factories import ConsultationFactory, ExpertFactory, available_all_week, local_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = StaffFactory()
    client.force_login(user)
    return user


def past_session(world):
    return ConsultationFactory(
        agreement=world.agreement,
        expert=world.expert,
        service_area=world.area,
        starts_at=local_at(-2, 10),
        status=Consultation.Status.CONFIRMED,
    )


def test_staff_open_any_consultation_with_its_actions(client, world, staff):
    consultation = past_session(world)
    response = client.get(consultation.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("consultations:consultation-outcome", args=[consultation.pk]) in page
    assert reverse("admin:consultations_consultation_change", args=[consultation.pk]) in page
    # A session that has started is not reassigned: no button.
    assert reverse("consultations:consultation-reassign", args=[consultation.pk]) not in page


def test_staff_log_the_outcome_for_the_expert_with_a_note(client, world, staff):
    consultation = past_session(world)
    url = reverse("consultations:consultation-outcome", args=[consultation.pk])
    assert client.get(url).status_code == 200  # the escalation email's link
    data = {"result": "held", "summary": "Discussed exports", "hours_delivered": "1", "note": "Expert emailed it"}
    response = client.post(url, data)
    assert response.status_code == 302 and response.url == consultation.get_absolute_url()
    outcome = SessionOutcome.objects.get(consultation=consultation)
    assert outcome.summary == "Discussed exports"
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.HELD  # the service's rules followed
    record = outcome.history.latest("history_date")
    assert record.history_change_reason == "Expert emailed it" and record.history_user == staff
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert "Expert emailed it" in page  # the history on the page shows the note


def test_staff_must_give_a_note(client, world, staff):
    consultation = past_session(world)
    url = reverse("consultations:consultation-outcome", args=[consultation.pk])
    response = client.post(url, {"result": "held", "summary": "x", "hours_delivered": "1", "note": ""})
    assert response.status_code == 200 and "note" in response.context["form"].errors
    assert not SessionOutcome.objects.filter(consultation=consultation).exists()


def test_staff_correct_a_locked_outcome_through_outcome_correct(client, world, staff):
    consultation = past_session(world)
    client.force_login(world.expert.user)
    url = reverse("consultations:consultation-outcome", args=[consultation.pk])
    area = IndicatorArea.objects.first()
    client.post(url, {"result": "held", "summary": "First", "hours_delivered": "1", "indicator_areas": [area.pk]})
    outcome = SessionOutcome.objects.get(consultation=consultation)
    SessionOutcome.objects.filter(pk=outcome.pk).update(created_at=outcome.created_at - datetime.timedelta(days=60))
    assert client.get(url).context["refusal"]  # locked for the expert
    client.force_login(staff)
    data = {"result": "held", "summary": "Corrected", "hours_delivered": "0.5", "note": "Hours agreed by phone"}
    assert client.post(url, data).status_code == 302
    outcome.refresh_from_db()
    assert (outcome.summary, outcome.hours_delivered) == ("Corrected", Decimal("0.5"))


def test_staff_reassign_an_upcoming_consultation(client, world, staff):
    consultation = ConsultationFactory(
        agreement=world.agreement, expert=world.expert, service_area=world.area, starts_at=local_at(5, 10)
    )
    other = available_all_week(ExpertFactory(service_areas=[world.area]))
    page = client.get(consultation.get_absolute_url()).content.decode()
    url = reverse("consultations:consultation-reassign", args=[consultation.pk])
    assert url in page
    assert client.get(url).status_code == 200
    response = client.post(url, {"expert": other.pk})
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.expert == other


def test_reassigning_to_the_same_expert_shows_the_rule(client, world, staff):
    consultation = ConsultationFactory(
        agreement=world.agreement, expert=world.expert, service_area=world.area, starts_at=local_at(5, 10)
    )
    url = reverse("consultations:consultation-reassign", args=[consultation.pk])
    response = client.post(url, {"expert": world.expert.pk})
    assert response.status_code == 200
    assert response.context["form"].errors
    consultation.refresh_from_db()
    assert consultation.expert == world.expert


@pytest.mark.parametrize("who", ["manager", "expert"])
def test_only_staff_reassign(client, world, who):
    consultation = ConsultationFactory(
        agreement=world.agreement, expert=world.expert, service_area=world.area, starts_at=local_at(5, 10)
    )
    client.force_login(world.manager if who == "manager" else world.expert.user)
    url = reverse("consultations:consultation-reassign", args=[consultation.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"expert": world.expert.pk}).status_code == 404
