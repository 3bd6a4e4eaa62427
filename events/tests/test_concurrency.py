"""Races on PostgreSQL with real threads and real transactions: an event never approves beyond its places."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from accounts.tests.factories import StaffFactory, UserFactory
from events import services
from events.models import Decision, Participation

from .factories import EventFactory, ParticipationFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises every write and has no row locks: the race cannot happen there",
    ),
]


def run_together(*actions):
    """Start every action at the same moment, each in its own thread and database connection."""
    barrier = threading.Barrier(len(actions))

    def run(action):
        # A new thread has no active language: messages would come in the default (Lithuanian); the test reads English.
        translation.activate("en")
        try:
            barrier.wait(timeout=10)
            with translation.override("en"):  # a new thread speaks LANGUAGE_CODE (lt); the asserts read English
                return action()
        except ValidationError as error:
            return ("refused", " ".join(error.messages))
        finally:
            translation.deactivate()
            connection.close()

    with ThreadPoolExecutor(max_workers=len(actions)) as pool:
        return list(pool.map(run, actions))


def test_ten_simultaneous_approvals_for_three_places_approve_exactly_three():
    event = EventFactory(places=3)
    staff = StaffFactory()
    applications = [ParticipationFactory(event=event) for _ in range(10)]

    def approve(pk):
        return lambda: services.participation_decide(
            participation=Participation.objects.get(pk=pk), kind=Decision.Kind.APPROVED, user=staff
        )

    results = run_together(*(approve(p.pk) for p in applications))

    refusals = [r for r in results if isinstance(r, tuple)]
    assert len(refusals) == 7
    assert all("No places left" in message for _, message in refusals), refusals
    assert Participation.objects.filter(event=event, status=Participation.Status.APPROVED).count() == 3
    assert Decision.objects.filter(kind=Decision.Kind.APPROVED).count() == 3


@pytest.mark.parametrize("round_", range(5))
def test_a_withdrawal_and_an_approval_at_the_same_moment_never_exceed_the_places(round_):
    event = EventFactory(places=1)
    staff, manager = StaffFactory(), UserFactory()
    leaving = ParticipationFactory(event=event, status=Participation.Status.APPROVED)
    waiting = ParticipationFactory(event=event, status=Participation.Status.WAITLISTED)
    newcomer = ParticipationFactory(event=event)

    run_together(
        lambda: services.participation_withdraw(participation=Participation.objects.get(pk=leaving.pk), user=manager),
        lambda: services.participation_decide(
            participation=Participation.objects.get(pk=newcomer.pk), kind=Decision.Kind.APPROVED, user=staff
        ),
    )

    approved = set(
        Participation.objects.filter(event=event, status=Participation.Status.APPROVED).values_list("pk", flat=True)
    )
    assert len(approved) == 1, approved
    assert approved <= {waiting.pk, newcomer.pk}
    assert Participation.objects.get(pk=leaving.pk).status == Participation.Status.WITHDRAWN
