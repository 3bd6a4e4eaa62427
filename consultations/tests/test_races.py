"""Simultaneous requests on PostgreSQL, with real threads and real transactions."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.models import Consultation

from .conftest import make_world
from .factories import ExpertFactory, available_all_week, local_at

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    # Skipped at collection, so no transactional set-up and flush happens on SQLite.
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="Needs PostgreSQL: SQLite serialises writers, so there is no race."
    ),
]

THREADS = 20


def run_at_once(work):
    """Run ``work(index)`` in THREADS threads released together; returns their results in order."""
    barrier = threading.Barrier(THREADS)
    results = [None] * THREADS

    def runner(index):
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_twenty_requests_for_one_slot_make_one_booking(settings):
    world = make_world(hours=Decimal("100"))
    data = {
        "area": world.area.code,
        "expert": world.expert.pk,
        "starts_at": timezone.localtime(local_at(3, 10)).strftime("%Y-%m-%dT%H:%M"),
        "hours": "1",
        "format": "online",
        "meeting_url": "https://meet.example.com/room",
        "topic": "Race",
    }

    def book(index):
        client = Client()
        client.force_login(world.manager)
        response = client.post(reverse("consultations:book-new"), data)
        return response.status_code, response.content.decode()

    results = run_at_once(book)
    assert all(isinstance(r, tuple) for r in results), results
    statuses = sorted(status for status, _body in results)
    assert statuses == [200] * (THREADS - 1) + [302], statuses
    # A loser is told the time was taken, or (when the machine is so loaded that it waited past the lock timeout)
    # that someone else is booking right now: either way a clear message, never a second booking.
    refusals = ("This time was just taken", "Someone else is changing this right now")
    assert sum(any(text in body for text in refusals) for status, body in results if status == 200) == THREADS - 1
    assert Consultation.objects.filter(expert=world.expert).count() == 1


def test_twenty_bookings_against_room_for_three(settings):
    world = make_world(hours=Decimal("3"))
    experts = [available_all_week(ExpertFactory(service_areas=[world.area])) for _ in range(THREADS)]

    def book(index):
        return services.consultation_book(**world.book_kwargs(expert=experts[index]))

    results = run_at_once(book)
    booked = [r for r in results if isinstance(r, Consultation)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(booked) == 3, results
    assert len(refused) == THREADS - 3
    assert all("hours" in error.message_dict for error in refused)
    assert Consultation.objects.filter(cluster=world.cluster).count() == 3


def test_the_exclusion_constraint_refuses_overlaps_written_past_the_service():
    world = make_world()
    booking = services.consultation_book(**world.book_kwargs())
    fields = {f.attname: getattr(booking, f.attname) for f in Consultation._meta.concrete_fields if f.attname != "id"}
    with pytest.raises(IntegrityError), transaction.atomic():
        Consultation.objects.create(**fields)
    fields["status"] = "cancelled"
    fields["status_reason"] = "x"
    Consultation.objects.create(**fields)  # a cancelled booking does not take the time


def test_outcomes_logged_at_once_in_one_allocation_all_count():
    world = make_world(hours=Decimal("100"))
    experts = [ExpertFactory(service_areas=[world.area]) for _ in range(THREADS)]
    start = timezone.now() - datetime.timedelta(hours=3)
    sessions = [
        Consultation.objects.create(
            **{k: v for k, v in world.book_kwargs(expert=expert).items() if k != "starts_at"},
            agreement=world.agreement,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=1),
            status=Consultation.Status.CONFIRMED,
        )
        for expert in experts
    ]

    def log(index):
        return services.outcome_save(
            consultation=sessions[index],
            by=experts[index].user,
            result="held",
            summary="Done",
            hours_delivered=Decimal("0.75"),
        )

    results = run_at_once(log)
    assert not [r for r in results if isinstance(r, Exception)], results
    world.allocation.refresh_from_db()
    assert world.allocation.hours_delivered == Decimal("0.75") * THREADS  # within the booked hour: each counts at once


def test_a_consultation_held_by_another_write_answers_busy_at_once(settings):
    """A write that waits longer than the lock timeout for a row gives up with the one "busy" message."""
    from django.contrib.messages import get_messages
    from django.utils import translation

    from inolink.locking import BUSY, lock

    settings.LOCK_TIMEOUT_SECONDS = 0.2
    world = make_world()
    consultation = services.consultation_book(**world.book_kwargs())
    held, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                lock(consultation)
                held.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(timeout=10)
        client = Client()
        client.force_login(world.expert.user)
        response = client.post(reverse("consultations:consultation-confirm", args=[consultation.pk]))
    finally:
        release.set()
        holder.join()
    with translation.override(world.expert.user.preferred_language):
        assert [str(m) for m in get_messages(response.wsgi_request)] == [str(BUSY)]
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.REQUESTED
