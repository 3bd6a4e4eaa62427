"""Reminders of the benchmarking windows: one when a window opens, one when it closes soon with nothing planned."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from accounts.tests.factories import StaffFactory, UserFactory
from clusters.message_kinds import RENEWAL_WINDOW_OPENS_MONTHS, WINDOW_CLOSING_DAYS
from clusters.models import Benchmarking, LabelAward, LabelLevel, add_months, month_end
from clusters.services import benchmarking_plan, benchmarking_record_result, label_award_from_benchmarking
from clusters.tests.factories import BenchmarkingFactory, ClusterFactory
from notifications.models import OutgoingMessage
from notifications.services import messages_send
from notifications.sweeps import get_sweep, sweep_run

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


def run_twice(name, day):
    for _ in range(2):
        sweep_run(get_sweep(name), now=at(day), dispatch=False)
        messages_send(now=at(day))


@pytest.fixture
def people():
    manager = UserFactory(email="manager@example.com", language="en")
    staff = StaffFactory(email="officer@example.com", language="lt")
    return manager, staff


def cluster_with_first_bronze(manager, month: datetime.date):
    cluster = ClusterFactory(name="Bronze Cluster", managers=[manager])
    benchmarking = BenchmarkingFactory(cluster=cluster, month=month)
    benchmarking_record_result(benchmarking=benchmarking, today=month)
    label_award_from_benchmarking(benchmarking=benchmarking, awarded_on=month)
    return cluster


def test_the_silver_window_opening_is_told_to_the_managers_once(people):
    manager, staff = people
    cluster_with_first_bronze(manager, datetime.date(2025, 6, 1))  # silver window 2026-12 to 2027-06
    run_twice("silver_window_open", datetime.date(2026, 11, 30))
    assert mail.outbox == []
    run_twice("silver_window_open", datetime.date(2026, 12, 4))
    assert [m.to for m in mail.outbox] == [[manager.email]]
    assert "December 2026 – June 2027" in mail.outbox[0].subject
    assert "silver re-benchmarking" in mail.outbox[0].body
    assert OutgoingMessage.objects.get().occasion == "silver-opens-2026-12"


def test_the_silver_window_closing_with_nothing_planned_reaches_managers_and_staff_once(people):
    manager, staff = people
    cluster = cluster_with_first_bronze(manager, datetime.date(2025, 6, 1))
    last_day = month_end(datetime.date(2027, 6, 1))
    run_twice("silver_window_closing", last_day - datetime.timedelta(days=WINDOW_CLOSING_DAYS + 1))
    assert mail.outbox == []
    run_twice("silver_window_closing", last_day - datetime.timedelta(days=WINDOW_CLOSING_DAYS))
    assert sorted(m.to[0] for m in mail.outbox) == [manager.email, staff.email]
    lithuanian = next(m for m in mail.outbox if m.to == [staff.email])
    assert "nesuplanuota" in lithuanian.subject.lower() or "nesuplanuotas" in lithuanian.body.lower()

    # A silver re-benchmarking planned in the window: nothing more to say for the next window either.
    mail.outbox.clear()
    OutgoingMessage.objects.all().delete()
    benchmarking_plan(cluster=cluster, kind=Benchmarking.Kind.SILVER, month=datetime.date(2027, 6, 1))
    run_twice("silver_window_closing", last_day - datetime.timedelta(days=10))
    assert mail.outbox == []


def test_the_renewal_window_opens_before_the_expiry_and_closes_at_the_renew_by_month(people):
    manager, staff = people
    cluster = ClusterFactory(managers=[manager])
    LabelAward.objects.create(
        cluster=cluster,
        level=LabelLevel.BRONZE,
        awarded_on=datetime.date(2025, 3, 1),
        valid_until=month_end(datetime.date(2027, 3, 1)),
    )
    opens = add_months(datetime.date(2027, 3, 1), -RENEWAL_WINDOW_OPENS_MONTHS)
    run_twice("renewal_window_open", opens - datetime.timedelta(days=1))
    assert mail.outbox == []
    run_twice("renewal_window_open", opens)
    assert [m.to for m in mail.outbox] == [[manager.email]] and "until March 2028" in mail.outbox[0].subject

    mail.outbox.clear()
    run_twice("renewal_window_closing", month_end(datetime.date(2028, 3, 1)) - datetime.timedelta(days=5))
    assert sorted(m.to[0] for m in mail.outbox) == [manager.email, staff.email]
    assert "renewal window closes March 2028" in next(m for m in mail.outbox if m.to == [manager.email]).subject
    run_twice("renewal_window_closing", month_end(datetime.date(2028, 3, 1)) + datetime.timedelta(days=1))
    assert len(mail.outbox) == 2
