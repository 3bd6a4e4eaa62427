"""The admin's exports of applications, event outcomes, partnership leads and funding intents (events/resources.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import StaffFactory
from events.models import Event, Participation
from events.resources import FundingIntentResource, OutcomeResource, ParticipationResource, PartnershipLeadResource
from events.tests.factories import (
    EventFactory,
    FundingIntentFactory,
    ParticipationFactory,
    PartnershipLeadFactory,
)
from inolink.tests.exports import csv_rows, export

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def test_applications_export_with_their_delegates_and_a_cancelled_event_said(staff_client):
    event = EventFactory(status=Event.Status.CANCELLED)
    participation = ParticipationFactory(
        event=event, status=Participation.Status.APPROVED, delegates=["Ona Jonaitė", "Jonas Jonaitis"]
    )
    [row] = csv_rows(export(staff_client, "events_participation", ParticipationResource))
    assert row["cluster"] == participation.cluster.name
    assert row["status"] == "Approved — event cancelled"
    assert row["delegates"] == "2"
    assert row["delegates (name, role)"] == "Ona Jonaitė (Manager); Jonas Jonaitis (Manager)"
    assert row["support needed"] == "No"


def test_outcomes_leads_and_funding_intents_export(staff_client):
    lead = PartnershipLeadFactory(organisation="Nordic Lasers", next_step="Visit")
    [outcome_row] = csv_rows(export(staff_client, "events_outcome", OutcomeResource))
    assert outcome_row["partnership leads"] == "1"
    assert (
        outcome_row["leads (organisation, country: topic; next step)"]
        == "Nordic Lasers (Finland): Joint project — Visit"
    )
    [lead_row] = csv_rows(export(staff_client, "events_partnershiplead", PartnershipLeadResource))
    assert lead_row["country"] == "Finland" and lead_row["cluster"] == lead.outcome.participation.cluster.name
    intent = FundingIntentFactory()
    [intent_row] = csv_rows(export(staff_client, "events_fundingintent", FundingIntentResource))
    assert intent_row["status"] == intent.get_status_display()


@pytest.mark.parametrize(
    ("admin_url", "resource", "make"),
    [
        ("events_participation", ParticipationResource, lambda: ParticipationFactory(delegates=["A", "B"])),
        ("events_outcome", OutcomeResource, lambda: PartnershipLeadFactory()),
        ("events_partnershiplead", PartnershipLeadResource, lambda: PartnershipLeadFactory()),
        ("events_fundingintent", FundingIntentResource, lambda: FundingIntentFactory()),
    ],
)
def test_export_queries_are_flat(staff_client, admin_url, resource, make):
    def queries(rows):
        for _ in range(rows):
            make()
        with CaptureQueriesContext(connection) as captured:
            assert export(staff_client, admin_url, resource).status_code == 200
        return len(captured)

    assert queries(1) == queries(9)
