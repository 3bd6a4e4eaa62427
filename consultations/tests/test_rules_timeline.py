"""The exact rules of a consultation's timeline and thread (``consultation_timeline``, ``consultation_thread`` in
``consultations/selectors.py``): which history rows become entries, their order, the row limits and the queries."""

import datetime

import pytest

from accounts.tests.factories import UserFactory
from consultations.models import Consultation, ConsultationChange, ConsultationMessage
from consultations.selectors import TIMELINE_ROWS, consultation_thread, consultation_timeline

from .factories import ConsultationFactory, local_at

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
S = Consultation.Status


def at(minutes):
    return NOW + datetime.timedelta(minutes=minutes)


@pytest.fixture
def consultation(world):
    """A booking whose history starts empty, so each test writes the rows it reads, at fixed times."""
    consultation = ConsultationFactory(agreement=world.agreement, expert=world.expert, service_area=world.area)
    consultation.history.all().delete()
    return consultation


def record(consultation, status, when, *, reason=None, user=None):
    """One save of the booking, kept in its history at ``when`` by ``user`` with staff's ``reason``."""
    consultation.status = status
    consultation._history_date = when
    consultation._history_user = user
    consultation._change_reason = reason
    consultation.save()


def label(status):
    return str(status.label)  # in the language the page is read in


def rows(timeline):
    return [(entry.at, entry.status, entry.by, entry.reason) for entry in timeline]


def test_each_status_taken_and_each_save_staff_explained_newest_first(world, consultation):
    """A save that keeps the status is no news unless staff wrote why; a status taken again is news again;
    each entry names its time, status, author and reason ("" when none)."""
    staff = UserFactory()
    record(consultation, S.REQUESTED, at(0), user=world.manager)
    record(consultation, S.REQUESTED, at(1), user=world.manager)  # nothing new
    record(consultation, S.REQUESTED, at(2), user=staff, reason="Expert asked by phone")
    record(consultation, S.CONFIRMED, at(3), user=world.expert.user)
    record(consultation, S.CONFIRMED, at(4))  # nothing new
    record(consultation, S.REQUESTED, at(5), user=staff)
    assert rows(consultation_timeline(consultation)) == [
        (at(5), label(S.REQUESTED), staff, ""),
        (at(3), label(S.CONFIRMED), world.expert.user, ""),
        (at(2), label(S.REQUESTED), staff, "Expert asked by phone"),
        (at(0), label(S.REQUESTED), world.manager, ""),
    ]


def test_history_is_read_in_time_order_with_the_row_id_breaking_ties(world, consultation):
    """What is news depends on the row before in time (not in id); rows of one instant keep their id order."""
    record(consultation, S.CONFIRMED, at(10))  # written first, happened later
    record(consultation, S.REQUESTED, at(0))
    record(consultation, S.CONFIRMED, at(20))
    assert rows(consultation_timeline(consultation)) == [
        (at(10), label(S.CONFIRMED), None, ""),
        (at(0), label(S.REQUESTED), None, ""),
    ]
    consultation.history.all().delete()
    record(consultation, S.REQUESTED, at(30))
    record(consultation, S.CONFIRMED, at(30))
    record(consultation, S.CONFIRMED, at(31))
    assert [entry.status for entry in consultation_timeline(consultation)] == [label(S.REQUESTED), label(S.CONFIRMED)]


def test_the_newest_ninety_history_rows_are_read(world, consultation):
    """At most ``TIMELINE_ROWS * 3`` history rows are read, the newest ones: the status taken last shows, and
    the oldest row read stands for where the booking stood then."""
    for minute in range(TIMELINE_ROWS * 3):
        record(consultation, S.REQUESTED, at(minute))
    record(consultation, S.HELD, at(TIMELINE_ROWS * 3))
    assert rows(consultation_timeline(consultation)) == [
        (at(90), label(S.HELD), None, ""),
        (at(1), label(S.REQUESTED), None, ""),
    ]


def test_changes_of_this_booking_only_with_their_time_and_author(world, consultation):
    """Each recorded change of this booking (not another's) is an entry at its time, by its author, carrying it."""
    record(consultation, S.REQUESTED, at(0), user=world.manager)
    other = ConsultationFactory(
        agreement=world.agreement, expert=world.expert, service_area=world.area, starts_at=local_at(6, 10)
    )
    mine = ConsultationChange.objects.create(
        consultation=consultation, kind="details", by=world.manager, role="manager"
    )
    ConsultationChange.objects.create(consultation=other, kind="details", by=world.manager, role="manager")
    ConsultationChange.objects.filter(pk=mine.pk).update(created_at=at(5))
    ConsultationChange.objects.exclude(pk=mine.pk).update(created_at=at(7))
    timeline = consultation_timeline(consultation)
    assert [(entry.at, entry.by, entry.change, entry.status) for entry in timeline] == [
        (at(5), world.manager, mine, ""),
        (at(0), world.manager, None, label(S.REQUESTED)),
    ]


def test_two_queries_whatever_the_page_reads_of_each_entry(world, consultation, django_assert_num_queries):
    """The history rows with their authors and the changes with theirs: two queries, however many rows."""
    staff = UserFactory()
    for minute, status in enumerate((S.REQUESTED, S.CONFIRMED, S.REQUESTED, S.CONFIRMED)):
        record(consultation, status, at(minute), user=staff, reason=f"Note {minute}")
    for _ in range(3):
        ConsultationChange.objects.create(consultation=consultation, kind="details", by=world.manager, role="manager")
    consultation = Consultation.objects.get(pk=consultation.pk)
    with django_assert_num_queries(2):
        timeline = consultation_timeline(consultation)
        read = [
            (entry.at, entry.status, entry.by, entry.reason, entry.change and entry.change.by) for entry in timeline
        ]
    assert len(read) == 7
    assert {row[2] for row in read} == {staff, world.manager}


def test_thread_is_oldest_first_with_the_id_breaking_ties(world, consultation):
    """Messages read in time order (not in id order); messages of one instant in the order they were written."""
    write = lambda: ConsultationMessage.objects.create(consultation=consultation, author=world.manager, body="Hi")  # noqa: E731
    late, early, tied_first, tied_second = write(), write(), write(), write()
    for message, minute in ((late, 9), (early, 1), (tied_first, 5), (tied_second, 5)):
        ConsultationMessage.objects.filter(pk=message.pk).update(created_at=at(minute))
    assert consultation_thread(consultation) == [early, tied_first, tied_second, late]
