"""The exact rules of a consultation's timeline and thread (``consultation_timeline``, ``consultation_thread`` in
``consultations/selectors.py``): which history rows become entries, their order, the row limits and the queries."""

import datetime

import pytest

from consultations.models import Consultation
from consultations.selectors import TIMELINE_ROWS, consultation_timeline

from .factories import ConsultationFactory

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
