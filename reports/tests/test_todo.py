"""What needs staff today (reports/todo.py): every item counts, names and links what waits for staff."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from agreements.tests.factories import ActiveAgreementFactory, AgreementFactory, HourAllocationFactory
from clusters.models import Cluster
from clusters.tests.factories import ClusterFactory
from consultations.models import Consultation
from consultations.tests.factories import ConsultationFactory
from events.models import Participation
from events.tests.factories import ParticipationFactory, PastEventFactory
from notifications.models import OutgoingMessage
from notifications.tests.factories import OutgoingMessageFactory
from reports.todo import staff_todo

pytestmark = pytest.mark.django_db


def make_work(times: int = 1):
    """``times`` of everything that needs staff, and things that do not."""
    now = timezone.now()
    for _ in range(times):
        ParticipationFactory()  # awaiting a decision
        ParticipationFactory(status=Participation.Status.APPROVED, event=PastEventFactory())  # outcome overdue
        ConsultationFactory(  # three reminders sent, no outcome
            status=Consultation.Status.CONFIRMED,
            starts_at=now - datetime.timedelta(days=9),
            ends_at=now - datetime.timedelta(days=9) + datetime.timedelta(hours=1),
        )
        AgreementFactory()  # nobody signed
        HourAllocationFactory(hours_granted=Decimal("20"), hours_delivered=Decimal("19"))  # 1 of 20 left
        OutgoingMessageFactory(status=OutgoingMessage.Status.FAILED, last_error="SMTP refused")
        OutgoingMessageFactory(
            recipient=None, recipient_email="", status=OutgoingMessage.Status.SKIPPED, last_error="Nobody to tell"
        )
        ActiveAgreementFactory(cluster=ClusterFactory(name=f"Unmanaged {Cluster.objects.count()}"))
    # Not for staff: decided, recent, fully signed with hours left, sent, managed.
    ParticipationFactory(status=Participation.Status.APPROVED)
    ConsultationFactory(status=Consultation.Status.CONFIRMED)
    HourAllocationFactory(agreement=ActiveAgreementFactory(cluster=ClusterFactory(managers=[UserFactory()])))
    OutgoingMessageFactory(status=OutgoingMessage.Status.SENT, sent_at=now)
    manager = UserFactory()
    for cluster in Cluster.objects.exclude(name__startswith="Unmanaged"):  # the other factories' clusters
        cluster.managers.add(manager)


def counts():
    return {item.key: item.count for item in staff_todo()}


def test_every_item_counts_what_waits_and_nothing_else():
    make_work(2)
    assert counts() == {
        "applications": 2,
        "event_outcomes": 2,
        "escalated_outcomes": 2,
        "signatures": 2,
        "allocations": 2,
        "failed_messages": 2,
        "unsent_messages": 2,
        "clusters_without_managers": 2,
    }


def test_an_escalated_consultation_links_to_its_page_where_staff_act():
    make_work()
    item = next(item for item in staff_todo() if item.key == "escalated_outcomes")
    [(label, url)] = item.rows
    consultation = Consultation.objects.get(status=Consultation.Status.CONFIRMED, ends_at__lt=timezone.now())
    assert url == consultation.get_absolute_url() and consultation.topic in label


def test_an_allocation_with_more_than_a_tenth_left_is_not_nearly_spent():
    HourAllocationFactory(hours_granted=Decimal("20"), hours_delivered=Decimal("17.75"))  # 2.25 of 20 left
    HourAllocationFactory(hours_granted=Decimal("20"), hours_delivered=Decimal("18"))  # 2 of 20: the limit
    assert counts()["allocations"] == 1


def test_the_dashboard_shows_the_list_first(client, staff):
    make_work()
    client.force_login(staff)
    page = client.get(reverse("reports:dashboard")).content.decode()
    assert "What needs staff today" in page
    assert page.index('id="todo"') < page.index("Excellence label KPIs")
    assert "/admin/events/participation/" in page and "/decide/" in page


def test_the_list_costs_the_same_queries_at_1x_and_10x():
    def queries(times):
        make_work(times)
        with CaptureQueriesContext(connection) as captured:
            staff_todo()
        return len(captured)

    # One query an item: its first rows carry the count of all of them.
    assert queries(1) == queries(9) == len(staff_todo())  # 1 of each, then 10
