"""The consultation rules as the pages and the services ask them: each ``*_refusal`` at its boundary."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from accounts.tests.factories import UserFactory
from consultations.models import CHANGE_DEADLINE_HOURS, OUTCOME_EDIT_DAYS, Consultation

from .factories import ConsultationFactory, RatingFactory, SessionOutcomeFactory

pytestmark = pytest.mark.django_db

SECOND = datetime.timedelta(seconds=1)


@pytest.fixture(autouse=True)
def _english():
    """The tests read the rules' texts in English (the default language is Lithuanian)."""
    with translation.override("en"):
        yield


def test_a_request_is_confirmed_until_its_start_and_not_after():
    consultation = ConsultationFactory.build(status=Consultation.Status.REQUESTED)
    start = consultation.starts_at
    assert consultation.confirm_refusal(now=start - SECOND) is None
    assert consultation.confirm_refusal(now=start) == (
        "This request has already started and can no longer be confirmed."
    )
    consultation.status = Consultation.Status.CONFIRMED
    assert consultation.confirm_refusal(now=start - SECOND) == "Only a requested consultation can be confirmed."


def test_a_past_request_shows_no_confirm_button():
    past = ConsultationFactory(starts_at=timezone.now() - datetime.timedelta(minutes=5))
    upcoming = ConsultationFactory()
    assert not past.can_be_confirmed and upcoming.can_be_confirmed


def test_decline_until_the_start_of_a_live_booking():
    consultation = ConsultationFactory.build(status=Consultation.Status.CONFIRMED)
    assert consultation.decline_refusal(now=consultation.starts_at - SECOND) is None
    assert consultation.decline_refusal(now=consultation.starts_at) is not None
    consultation.status = Consultation.Status.CANCELLED
    assert consultation.decline_refusal(now=consultation.starts_at - SECOND) is not None


def test_changes_close_exactly_the_deadline_hours_before_the_start_and_say_so():
    consultation = ConsultationFactory.build()
    deadline = consultation.starts_at - datetime.timedelta(hours=CHANGE_DEADLINE_HOURS)
    assert consultation.change_refusal(now=deadline - SECOND) is None
    assert consultation.change_refusal(now=deadline) == (
        f"Changes are possible until {CHANGE_DEADLINE_HOURS} hours before the start. "
        "Please contact the expert directly."
    )
    consultation.status = Consultation.Status.DECLINED
    assert consultation.change_refusal(now=deadline - SECOND) == "This consultation is no longer open to changes."


def test_the_outcome_is_the_experts_from_the_start_and_locks_after_the_edit_days():
    outcome = SessionOutcomeFactory()
    consultation = outcome.consultation
    expert = consultation.expert.user
    assert consultation.outcome_refusal(expert) is None
    assert consultation.outcome_refusal(UserFactory()) == "Only the session's expert logs its outcome."
    locked_at = outcome.created_at + datetime.timedelta(days=OUTCOME_EDIT_DAYS)
    assert consultation.outcome_refusal(expert, now=locked_at - SECOND) is None
    assert consultation.outcome_refusal(expert, now=locked_at) == (
        f"The outcome was logged more than {OUTCOME_EDIT_DAYS} days ago and is locked. Ask programme staff."
    )
    upcoming = ConsultationFactory(status=Consultation.Status.CONFIRMED)
    assert upcoming.outcome_refusal(now=upcoming.starts_at - SECOND) == (
        "The outcome can be logged once the session has started."
    )
    assert upcoming.outcome_refusal(now=upcoming.starts_at) is None
    upcoming.status = Consultation.Status.CANCELLED
    assert upcoming.outcome_refusal(now=upcoming.starts_at) == "Only a confirmed session has an outcome."


def test_reassign_only_upcoming_live_bookings_to_another_expert():
    consultation = ConsultationFactory.build(status=Consultation.Status.CONFIRMED)
    assert consultation.reassign_refusal(now=consultation.starts_at - SECOND) is None
    assert consultation.reassign_refusal(now=consultation.starts_at) is not None
    assert consultation.reassign_refusal(consultation.expert, now=consultation.starts_at - SECOND) == (
        "The consultation is already with this expert."
    )


def test_a_held_session_is_rated_once_by_its_clusters_manager():
    outcome = SessionOutcomeFactory()
    consultation = outcome.consultation
    manager = UserFactory()
    consultation.cluster.managers.add(manager)
    assert consultation.rating_refusal(manager) is None
    assert consultation.rating_refusal(UserFactory()) == "Only the cluster's managers rate its consultations."
    RatingFactory(consultation=consultation, rated_by=manager)
    consultation = Consultation.objects.get(pk=consultation.pk)
    assert consultation.rating_refusal(manager) == "This session has already been rated."
    unlogged = ConsultationFactory(status=Consultation.Status.HELD, hours=Decimal("1"))
    assert unlogged.rating_refusal() == "A session can be rated once the expert has logged it as held."


@pytest.mark.parametrize(
    ("status", "target", "allowed"),
    [
        ("requested", "confirmed", True),
        ("requested", "declined", True),
        ("confirmed", "cancelled", True),
        ("confirmed", "confirmed", False),
        ("cancelled", "confirmed", False),
        ("held", "cancelled", False),
        ("confirmed", "held", False),
    ],
)
def test_staff_change_a_status_only_as_the_rules_allow(status, target, allowed):
    consultation = ConsultationFactory.build(status=status)
    assert (consultation.staff_status_refusal(target) is None) == allowed


def test_an_outcome_can_be_removed_until_the_session_is_rated():
    outcome = SessionOutcomeFactory()
    assert outcome.delete_refusal() is None
    RatingFactory(consultation=outcome.consultation)
    assert outcome.delete_refusal() == (
        "The cluster has rated this session, so its outcome stays: correct it instead of deleting it."
    )
