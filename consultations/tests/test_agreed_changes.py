"""Issue 16: hours over the booked length are agreed, not imposed; every change of time or details says who, why,
and the times before and after; the expert proposes another time; the cluster corrects the details."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.tests.factories import StaffFactory, UserFactory
from consultations import services
from consultations.models import (
    Consultation,
    ConsultationChange,
    ExtraHours,
    HourAllocation,
    SessionOutcome,
    place_line,
)
from consultations.selectors import free_slots
from consultations.tests.factories import ConsultationFactory, held_session, local_at
from notifications.models import OutgoingMessage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def delivered(world) -> Decimal:
    return HourAllocation.objects.get(pk=world.allocation.pk).hours_delivered


def kinds(consultation) -> list[str]:
    return list(OutgoingMessage.objects.filter(object_id=consultation.pk).values_list("kind", flat=True))


# --- Extra hours --------------------------------------------------------------------------------------------


def test_extra_hours_wait_for_the_cluster_and_only_the_booked_length_counts(world, settings):
    settings.EXTRA_HOURS_DISPUTE_DAYS = 5
    before = timezone.now()
    outcome = held_session(world)
    assert outcome.extra_status == ExtraHours.PENDING
    assert before + datetime.timedelta(days=5) <= outcome.extra_due_at <= timezone.now() + datetime.timedelta(days=5)
    assert (outcome.extra_hours, outcome.hours_counted) == (Decimal("0.5"), Decimal("2"))
    assert delivered(world) == Decimal("2")
    assert HourAllocation.objects.get(pk=world.allocation.pk).hours_used() == Decimal("2")


def test_hours_within_the_booking_count_at_once(world):
    outcome = held_session(world, hours="1.75")
    assert outcome.extra_status == ""
    assert delivered(world) == Decimal("1.75")


def test_the_manager_accepts_the_extra_hours_and_they_count(world):
    outcome = held_session(world)
    accepted = services.outcome_extra_accept(outcome=outcome, by=world.manager)
    assert (accepted.extra_status, accepted.extra_decided_by) == (ExtraHours.ACCEPTED, world.manager)
    assert delivered(world) == Decimal("2.5")
    assert "consultation_extra_accepted" in kinds(outcome.consultation)
    with pytest.raises(ValidationError, match="no extra hours awaiting"):
        services.outcome_extra_accept(outcome=outcome, by=world.manager)


@pytest.mark.parametrize("who", ["expert", "stranger"])
def test_only_the_clusters_managers_answer_for_its_hours(world, who):
    outcome = held_session(world)
    user = world.expert.user if who == "expert" else UserFactory()
    with pytest.raises(ValidationError, match="Only the cluster's managers"):
        services.outcome_extra_accept(outcome=outcome, by=user)
    with pytest.raises(ValidationError, match="Only the cluster's managers"):
        services.outcome_extra_dispute(outcome=outcome, by=user, reason="No")
    assert SessionOutcome.objects.get(pk=outcome.pk).extra_status == ExtraHours.PENDING


def test_a_dispute_keeps_the_extra_uncounted_and_tells_the_expert(world):
    outcome = held_session(world)
    with pytest.raises(ValidationError):
        services.outcome_extra_dispute(outcome=outcome, by=world.manager, reason="  ")
    disputed = services.outcome_extra_dispute(outcome=outcome, by=world.manager, reason="We stopped at 12:00")
    assert (disputed.extra_status, disputed.extra_dispute_reason) == (ExtraHours.DISPUTED, "We stopped at 12:00")
    assert delivered(world) == Decimal("2")
    assert "consultation_extra_disputed" in kinds(outcome.consultation)
    [record] = OutgoingMessage.objects.filter(kind="consultation_extra_disputed")
    assert record.recipient == world.expert.user


def test_the_dispute_window_closes_after_the_setting_and_its_text_quotes_it(world, settings):
    settings.EXTRA_HOURS_DISPUTE_DAYS = 3
    outcome = held_session(world)
    later = outcome.extra_due_at + datetime.timedelta(seconds=1)
    refusal = outcome.extra_dispute_refusal(world.manager, now=later)
    assert refusal and "3 days" in refusal
    assert (
        outcome.extra_dispute_refusal(world.manager, now=outcome.extra_due_at - datetime.timedelta(seconds=1)) is None
    )


def test_undisputed_extra_hours_count_after_the_window_once(world):
    lapsed, waiting, disputed = held_session(world), held_session(world), held_session(world)
    services.outcome_extra_dispute(outcome=disputed, by=world.manager, reason="Too long")
    SessionOutcome.objects.filter(pk=lapsed.pk).update(extra_due_at=timezone.now() - datetime.timedelta(minutes=1))
    assert delivered(world) == Decimal("6")
    assert services.extra_hours_settle_lapsed() == 1
    assert services.extra_hours_settle_lapsed() == 0  # run twice, settles once
    statuses = dict(SessionOutcome.objects.values_list("pk", "extra_status"))
    assert statuses == {lapsed.pk: "accepted", waiting.pk: "pending", disputed.pk: "disputed"}
    assert delivered(world) == Decimal("6.5")


def test_the_periodic_task_settles_the_lapsed(world):
    import consultations.tasks  # noqa: F401  (registers the task)
    from inolink.celery import app

    outcome = held_session(world)
    SessionOutcome.objects.filter(pk=outcome.pk).update(extra_due_at=timezone.now())
    # By the name beat sends, in the project's app: the task's shared_task proxy asks the thread's current app,
    # which under `make mutants` (mutmut runs pytest several times in one process) may be another one.
    app.tasks["consultations.tasks.settle_extra_hours"]()
    assert SessionOutcome.objects.get(pk=outcome.pk).extra_status == ExtraHours.ACCEPTED


@pytest.mark.parametrize("accept, counted, status", [(True, "2.5", "accepted"), (False, "2", "refused")])
def test_staff_decide_a_dispute(world, accept, counted, status):
    outcome = held_session(world)
    services.outcome_extra_dispute(outcome=outcome, by=world.manager, reason="Too long")
    staff = StaffFactory()
    with pytest.raises(ValidationError):
        services.outcome_extra_resolve(outcome=outcome, by=staff, accept=accept, note="")
    decided = services.outcome_extra_resolve(outcome=outcome, by=staff, accept=accept, note="Checked the minutes")
    assert (decided.extra_status, decided.extra_decided_by, decided.extra_decision_note) == (
        status,
        staff,
        "Checked the minutes",
    )
    assert delivered(world) == Decimal(counted)
    recipients = set(
        OutgoingMessage.objects.filter(kind="consultation_extra_resolved").values_list("recipient_id", flat=True)
    )
    assert recipients == {world.expert.user_id, world.manager.pk}
    with pytest.raises(ValidationError, match="already decided"):
        services.outcome_extra_resolve(outcome=outcome, by=staff, accept=not accept, note="Again")


def test_changed_hours_ask_again_but_an_edited_summary_does_not(world):
    outcome = held_session(world)
    services.outcome_extra_accept(outcome=outcome, by=world.manager)
    common = {"consultation": outcome.consultation, "by": world.expert.user, "result": "held"}
    same = services.outcome_save(**common, summary="Better summary", hours_delivered=Decimal("2.5"))
    assert same.extra_status == ExtraHours.ACCEPTED
    more = services.outcome_save(**common, summary="Better summary", hours_delivered=Decimal("3"))
    assert (more.extra_status, more.extra_decided_by) == (ExtraHours.PENDING, None)
    assert delivered(world) == Decimal("2")
    within = services.outcome_save(**common, summary="Better summary", hours_delivered=Decimal("2"))
    assert (within.extra_status, within.extra_due_at) == ("", None)


def test_hours_staff_set_are_their_decision(world):
    outcome = held_session(world, hours="1.5")
    staff = StaffFactory()
    corrected = services.outcome_correct(
        outcome=outcome, by=staff, result="held", summary="Done", hours_delivered=Decimal("2.75")
    )
    assert (corrected.extra_status, corrected.extra_decided_by) == (ExtraHours.ACCEPTED, staff)
    assert delivered(world) == Decimal("2.75")


def test_the_database_holds_the_extra_hours_shape(world):
    outcome = held_session(world)
    for values in ({"extra_status": "disputed"}, {"extra_due_at": None}, {"extra_status": "maybe"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            SessionOutcome.objects.filter(pk=outcome.pk).update(**values)


# --- Reschedule history ------------------------------------------------------------------------------------


def test_a_reschedule_records_who_why_and_both_times_and_lends_no_reason(world):
    consultation = services.consultation_book(**world.book_kwargs())
    services.consultation_confirm(consultation=consultation, by=world.expert.user)
    old_start, old_end = consultation.starts_at, consultation.ends_at
    moved = services.consultation_reschedule(
        consultation=consultation, starts_at=local_at(4, 11), hours=Decimal("1"), by=world.manager, reason="Board meets"
    )
    assert moved.status_reason == ""  # the move's reason is not the status's
    [change] = ConsultationChange.objects.filter(consultation=consultation)
    assert (change.kind, change.by, change.role, change.reason) == (
        "rescheduled",
        world.manager,
        "manager",
        "Board meets",
    )
    assert (change.old_starts_at, change.old_ends_at) == (old_start, old_end)
    assert (change.new_starts_at, change.new_ends_at) == (local_at(4, 11), local_at(4, 12))
    confirmed = services.consultation_confirm(consultation=moved, by=world.expert.user)
    assert (confirmed.status_reason, confirmed.status_changed_by) == ("", world.expert.user)


def test_the_database_refuses_a_time_change_without_its_times(world):
    consultation = ConsultationFactory(agreement=world.agreement)
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsultationChange.objects.create(
            consultation=consultation, kind="rescheduled", by=world.manager, role="manager"
        )


# --- The expert proposes another time ----------------------------------------------------------------------


@pytest.fixture
def request_(world):
    return services.consultation_book(**world.book_kwargs())


def test_the_expert_proposes_and_the_manager_accepts(world, request_):
    proposed = services.consultation_propose(
        consultation=request_, starts_at=local_at(5, 14), by=world.expert.user, reason="Away on the 3rd"
    )
    assert (proposed.status, proposed.starts_at, proposed.proposed_starts_at) == (
        "requested",
        local_at(3, 10),
        local_at(5, 14),
    )
    assert "consultation_proposed" in kinds(request_)
    with pytest.raises(ValidationError, match="already proposed"):
        services.consultation_propose(consultation=request_, starts_at=local_at(6, 14), by=world.expert.user)
    hours_before = HourAllocation.objects.with_usage().get(pk=world.allocation.pk).hours_remaining
    accepted = services.consultation_proposal_accept(consultation=request_, by=world.manager)
    assert (accepted.status, accepted.starts_at, accepted.ends_at, accepted.proposed_starts_at) == (
        "confirmed",
        local_at(5, 14),
        local_at(5, 15),
        None,
    )
    assert HourAllocation.objects.with_usage().get(pk=world.allocation.pk).hours_remaining == hours_before
    rows = list(ConsultationChange.objects.filter(consultation=request_).order_by("id").values_list("kind", "role"))
    assert rows == [("proposed", "expert"), ("accepted", "manager")]
    assert "consultation_proposal_accepted" in kinds(request_)


def test_a_proposal_for_a_request_left_without_its_link_brings_the_link(world):
    """Accepting a proposal confirms the session, and a confirmed online session has a link to join."""
    linkless = services.consultation_book(**world.book_kwargs(meeting_url=""))
    propose = {"consultation": linkless, "starts_at": local_at(5, 14), "by": world.expert.user}
    with pytest.raises(ValidationError) as raised:
        services.consultation_propose(**propose)
    assert raised.value.message_dict == {"meeting_url": [str(services.LINK_WITH_PROPOSAL)]}
    with pytest.raises(ValidationError, match="must start with https://"):
        services.consultation_propose(**propose, meeting_url="http://meet.example.com/expert")
    services.consultation_propose(**propose, meeting_url=" https://meet.example.com/expert ")
    accepted = services.consultation_proposal_accept(consultation=linkless, by=world.manager)
    assert (accepted.status, accepted.meeting_url) == ("confirmed", "https://meet.example.com/expert")


def test_a_proposal_keeps_the_link_the_cluster_gave(world, request_):
    services.consultation_propose(consultation=request_, starts_at=local_at(5, 14), by=world.expert.user)
    request_.refresh_from_db()
    assert request_.meeting_url == "https://meet.example.com/room"


def test_a_proposed_time_is_held_for_the_expert_until_the_cluster_answers(world, request_):
    proposed = local_at(5, 14)
    services.consultation_propose(consultation=request_, starts_at=proposed, by=world.expert.user)

    def offered() -> bool:
        [slots] = free_slots([world.expert], first_day=timezone.localtime(proposed).date(), days=1, length=Decimal(1))
        return proposed in slots.days[0].starts

    assert not offered()
    with pytest.raises(ValidationError) as raised:
        services.consultation_book(**world.book_kwargs(starts_at=proposed, topic="Another"))
    assert raised.value.message_dict["starts_at"] == [str(services.SLOT_TAKEN)]
    services.consultation_proposal_decline(consultation=request_, by=world.manager)
    assert offered()
    services.consultation_book(**world.book_kwargs(starts_at=proposed, topic="Another"))


def test_the_manager_declines_a_proposal_and_the_request_stays(world, request_):
    services.consultation_propose(consultation=request_, starts_at=local_at(5, 14), by=world.expert.user)
    declined = services.consultation_proposal_decline(consultation=request_, by=world.manager, reason="Only the 3rd")
    assert (declined.status, declined.starts_at, declined.proposed_starts_at) == ("requested", local_at(3, 10), None)
    change = ConsultationChange.objects.get(consultation=request_, kind="declined")
    assert (change.new_starts_at, change.reason) == (local_at(5, 14), "Only the 3rd")
    with pytest.raises(ValidationError, match="no proposed time"):
        services.consultation_proposal_accept(consultation=request_, by=world.manager)


def test_only_the_right_people_propose_and_answer(world, request_):
    with pytest.raises(ValidationError, match="Only the session's expert"):
        services.consultation_propose(consultation=request_, starts_at=local_at(5, 14), by=world.manager)
    services.consultation_propose(consultation=request_, starts_at=local_at(5, 14), by=world.expert.user)
    for answer in (services.consultation_proposal_accept, services.consultation_proposal_decline):
        with pytest.raises(ValidationError, match="Only the cluster's managers"):
            answer(consultation=request_, by=world.expert.user)


def test_a_proposal_must_be_free_and_another_time(world, request_):
    ConsultationFactory(agreement=world.agreement, expert=world.expert, starts_at=local_at(5, 14), hours=Decimal("1"))
    with pytest.raises(ValidationError) as raised:
        services.consultation_propose(consultation=request_, starts_at=local_at(5, 14), by=world.expert.user)
    assert "starts_at" in raised.value.message_dict
    with pytest.raises(ValidationError, match="other than the booked"):
        services.consultation_propose(consultation=request_, starts_at=request_.starts_at, by=world.expert.user)


def test_a_proposal_ends_with_a_decline_or_confirmation(world, request_):
    services.consultation_propose(consultation=request_, starts_at=local_at(5, 14), by=world.expert.user)
    declined = services.consultation_decline(consultation=request_, by=world.expert.user, reason="Busy")
    assert declined.proposed_starts_at is None


def test_the_database_holds_a_proposal_to_a_request(world, request_):
    services.consultation_propose(consultation=request_, starts_at=local_at(5, 14), by=world.expert.user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Consultation.objects.filter(pk=request_.pk).update(status="confirmed")


# --- The cluster corrects the details ----------------------------------------------------------------------


def test_the_manager_corrects_the_details_and_the_expert_is_told(world, request_):
    edited = services.consultation_edit_details(
        consultation=request_,
        by=world.manager,
        topic="Export strategy",
        agenda="Goals",
        format="onsite",
        city="Vilnius",
        address="Gedimino pr. 1",
    )
    assert (edited.topic, edited.format, edited.city, edited.meeting_url) == (
        "Export strategy",
        "onsite",
        "Vilnius",
        "",
    )
    change = ConsultationChange.objects.get(consultation=request_)
    assert (change.kind, change.role) == ("details", "manager")
    assert set(change.fields_changed.split(",")) == {"topic", "format", "city", "address", "meeting_url"}
    assert "consultation_details_changed" in kinds(request_)
    again = services.consultation_edit_details(
        consultation=request_,
        by=world.manager,
        topic="Export strategy",
        agenda="Goals",
        format="onsite",
        city="Vilnius",
        address="Gedimino pr. 1",
    )
    assert again.pk == request_.pk and ConsultationChange.objects.filter(consultation=request_).count() == 1


def test_details_follow_the_change_deadline_and_the_managers(world):
    late = ConsultationFactory(
        agreement=world.agreement, expert=world.expert, starts_at=timezone.now() + datetime.timedelta(hours=5)
    )
    values = {"topic": "X", "format": "online", "meeting_url": "https://meet.example.com/x"}
    with pytest.raises(ValidationError, match="hours before the start"):
        services.consultation_edit_details(consultation=late, by=world.manager, **values)
    early = ConsultationFactory(agreement=world.agreement, expert=world.expert, starts_at=local_at(6, 10))
    with pytest.raises(ValidationError, match="Only the cluster's managers"):
        services.consultation_edit_details(consultation=early, by=world.expert.user, **values)


@pytest.mark.parametrize(
    "address, city, line",
    [
        ("Gedimino pr. 1", "Vilnius", "Gedimino pr. 1, Vilnius"),
        ("Gedimino pr. 1, Vilnius", "Vilnius", "Gedimino pr. 1, Vilnius"),
        ("Gedimino pr. 1, vilnius,", "Vilnius", "Gedimino pr. 1, vilnius"),
    ],
)
def test_the_place_reads_as_one_line(address, city, line):
    assert place_line(address, city) == line
