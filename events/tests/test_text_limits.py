"""Every text a cluster manager types about an event has a limit: the form says it and the database holds it."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.tests.factories import StaffFactory, UserFactory
from clusters.tests.factories import ClusterFactory
from events.forms import DecisionForm
from events.models import Decision, Delegate, FundingIntent, Outcome, Participation, PartnershipLead
from inolink.text_limits import max_length_of

from .factories import (
    EventFactory,
    FundingCallFactory,
    FundingIntentFactory,
    OutcomeFactory,
    ParticipationFactory,
    PastEventFactory,
)

pytestmark = pytest.mark.django_db


def too_long(limit: int) -> str:
    return "ą" * (limit + 1)  # a letter that takes two bytes: the limits count characters


def message(limit: int) -> str:
    return f"Shorten this to at most {limit:,} characters; you wrote {limit + 1:,}."


@pytest.fixture
def cluster():
    return ClusterFactory(managers=[UserFactory()])


@pytest.fixture
def manager_client(client, cluster):
    client.force_login(cluster.managers.get())
    return client


def application(**overrides):
    return {
        "motivation": "Meet buyers",
        "delegates-TOTAL_FORMS": "1",
        "delegates-INITIAL_FORMS": "0",
        "delegates-0-full_name": "Ona Onaitė",
        "delegates-0-role": "CEO",
        **overrides,
    }


@pytest.mark.parametrize(
    ("model", "field", "data"),
    [
        (Participation, "motivation", lambda value: application(motivation=value)),
        (Participation, "support_details", lambda value: application(support_needed="on", support_details=value)),
        (Delegate, "full_name", lambda value: application(**{"delegates-0-full_name": value})),
        (Delegate, "role", lambda value: application(**{"delegates-0-role": value})),
    ],
)
def test_an_application_over_a_limit_gets_the_message(manager_client, model, field, data):
    limit = max_length_of(model, field)
    response = manager_client.post(
        reverse("events:participation-apply", args=[EventFactory().pk]), data(too_long(limit))
    )
    assert message(limit) in response.content.decode()
    assert not Participation.objects.exists()


def report(**overrides):
    return {"attended": "yes", "contacts_made": "4", "notes": "Useful", "leads-TOTAL_FORMS": "1"} | {
        "leads-INITIAL_FORMS": "0",
        "leads-0-organisation": "Partner Oy",
        "leads-0-country": "FI",
        "leads-0-topic": "Photonics",
        "leads-0-next_step": "Visit",
        **overrides,
    }


@pytest.mark.parametrize(
    ("model", "field", "name"),
    [
        (Outcome, "notes", "notes"),
        (PartnershipLead, "organisation", "leads-0-organisation"),
        (PartnershipLead, "topic", "leads-0-topic"),
        (PartnershipLead, "next_step", "leads-0-next_step"),
    ],
)
def test_an_event_report_over_a_limit_gets_the_message(manager_client, cluster, model, field, name):
    approved = ParticipationFactory(event=PastEventFactory(), cluster=cluster, status=Participation.Status.APPROVED)
    limit = max_length_of(model, field)
    response = manager_client.post(
        reverse("events:outcome-report", args=[approved.pk]), report(**{name: too_long(limit)})
    )
    assert message(limit) in response.content.decode()
    assert not Outcome.objects.exists()


def test_a_funding_note_over_its_limit_gets_the_message(manager_client):
    limit = max_length_of(FundingIntent, "note")
    response = manager_client.post(
        reverse("events:funding-intent-edit", args=[FundingCallFactory().pk]),
        {"status": "considering", "note": too_long(limit)},
    )
    assert message(limit) in response.content.decode()
    assert not FundingIntent.objects.exists()


def test_a_decision_note_over_its_limit_gets_the_message():
    limit = max_length_of(Decision, "note")
    form = DecisionForm({"kind": "rejected", "note": too_long(limit)}, participation=ParticipationFactory())
    assert form.errors["note"] == [message(limit)]


@pytest.mark.parametrize(
    ("make", "model", "field"),
    [
        (ParticipationFactory, Participation, "motivation"),
        (lambda: ParticipationFactory(support_needed=True, support_details="Travel"), Participation, "support_details"),
        (OutcomeFactory, Outcome, "notes"),
        (FundingIntentFactory, FundingIntent, "note"),
        (
            lambda: Decision.objects.create(
                participation=ParticipationFactory(), kind="approved", decided_by=StaffFactory()
            ),
            Decision,
            "note",
        ),
    ],
)
def test_the_database_refuses_text_over_its_limit(make, model, field):
    row = make()
    limit = max_length_of(model, field)
    model.objects.filter(pk=row.pk).update(**{field: "ą" * limit})  # the limit itself fits
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=row.pk).update(**{field: too_long(limit)})


def test_an_over_long_month_filter_gets_the_format_message(manager_client):
    response = manager_client.get(reverse("events:event-list"), {"month": "2027-03" * 1000})
    assert response.status_code == 200
    assert "Give the month as YYYY-MM" in response.content.decode()
