"""Issue 12: the exact rules of the expert's proposal of another time and the cluster's corrections of the
details (issue 16): who may, when, the exact words of each refusal, and what is recorded and told."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.tests.factories import UserFactory
from consultations import services
from consultations.models import Consultation, ConsultationChange, WeeklyAvailability
from consultations.tests.factories import ConsultationFactory, ExpertFactory, local_at
from notifications.models import OutgoingMessage

pytestmark = pytest.mark.django_db

ONLY_EXPERT_PROPOSES = "Only the session's expert proposes another time."
ONLY_MANAGERS_ANSWER = "Only the cluster's managers answer a proposed time."
ONLY_MANAGERS_CORRECT = "Only the cluster's managers correct its bookings."
NOT_AN_UPCOMING_REQUEST = "Another time can be proposed only for an upcoming request."
ALREADY_PROPOSED = "Another time is already proposed; the cluster has not answered yet."
SAME_TIME = "Pick a time other than the booked one."
NOTHING_TO_ANSWER = "There is no proposed time to answer."
PROPOSAL_PASSED = "The proposed time has passed."
NOT_WORKING = "The expert does not work at this time. Pick one of the free slots."
CLOSED_TO_CHANGES = "This consultation is no longer open to changes."
PAST_DEADLINE = "Changes are possible until 24 hours before the start. Please contact the expert directly."


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def request_(world):
    """A 1 h online request on day 3 at 10:00, with its link."""
    return services.consultation_book(**world.book_kwargs())


def refusal(call, **kwargs):
    with pytest.raises(ValidationError) as raised:
        call(**kwargs)
    return raised.value


def fresh(consultation) -> Consultation:
    return Consultation.objects.get(pk=consultation.pk)


def told(consultation, kind):
    """The messages of ``kind`` about ``consultation``: (recipient, context) pairs."""
    return list(
        OutgoingMessage.objects.filter(object_id=consultation.pk, kind=kind).values_list("recipient", "context")
    )


def propose(world, consultation, starts_at=None, **kwargs):
    return services.consultation_propose(
        consultation=consultation, starts_at=starts_at or local_at(5, 14), by=world.expert.user, **kwargs
    )


# --- The refusals on the model --------------------------------------------------------------------------------


def test_propose_refusal_is_for_a_request_until_its_start_exactly(world):
    """Only a request that has not started may get another time; at its start it has started."""
    booked = ConsultationFactory(agreement=world.agreement, expert=world.expert, starts_at=local_at(3, 10))
    just_before = booked.starts_at - datetime.timedelta(microseconds=1)
    assert booked.propose_refusal(now=just_before) is None
    assert booked.propose_refusal(now=booked.starts_at) == NOT_AN_UPCOMING_REQUEST
    assert booked.propose_refusal(now=booked.starts_at + datetime.timedelta(hours=1)) == NOT_AN_UPCOMING_REQUEST
    for status in ("confirmed", "declined", "cancelled", "held", "no_show"):
        booked.status = status
        assert booked.propose_refusal(now=just_before) == NOT_AN_UPCOMING_REQUEST, status


def test_propose_refusal_allows_one_proposal_at_a_time(world):
    """A request with a proposal the cluster has not answered takes no second one."""
    booked = ConsultationFactory(agreement=world.agreement, expert=world.expert, starts_at=local_at(3, 10))
    booked.proposed_starts_at, booked.proposed_ends_at = local_at(5, 14), local_at(5, 15)
    assert booked.propose_refusal() == ALREADY_PROPOSED
    assert booked.can_propose is False


def test_proposed_time_refusal_names_only_the_booked_time(world):
    """The proposal must be another time than the booked one; any other start is allowed by this rule."""
    booked = ConsultationFactory(agreement=world.agreement, expert=world.expert, starts_at=local_at(3, 10))
    assert booked.proposed_time_refusal(booked.starts_at) == SAME_TIME
    assert booked.proposed_time_refusal(booked.starts_at + datetime.timedelta(minutes=30)) is None


def test_proposal_answer_refusal_until_the_proposed_start_exactly(world):
    """The cluster answers a proposal of a request while the proposed time is still ahead."""
    booked = ConsultationFactory(agreement=world.agreement, expert=world.expert, starts_at=local_at(3, 10))
    assert booked.proposal_answer_refusal() == NOTHING_TO_ANSWER
    assert booked.can_answer_proposal is False
    booked.proposed_starts_at, booked.proposed_ends_at = local_at(5, 14), local_at(5, 15)
    proposed = booked.proposed_starts_at
    assert booked.proposal_answer_refusal(now=proposed - datetime.timedelta(microseconds=1)) is None
    assert booked.proposal_answer_refusal(now=proposed) == PROPOSAL_PASSED
    assert booked.proposal_answer_refusal(now=proposed + datetime.timedelta(hours=1)) == PROPOSAL_PASSED
    assert booked.can_answer_proposal is True
    booked.status = "confirmed"
    assert booked.proposal_answer_refusal() == NOTHING_TO_ANSWER


def test_details_edit_refusal_is_the_change_deadline_at_the_given_moment(world):
    """Details are corrected under the reschedule rule, judged at the moment asked about."""
    booked = ConsultationFactory(agreement=world.agreement, expert=world.expert, starts_at=local_at(3, 10))
    deadline = booked.starts_at - datetime.timedelta(hours=24)
    assert booked.details_edit_refusal(now=deadline - datetime.timedelta(microseconds=1)) is None
    assert booked.details_edit_refusal(now=deadline) == PAST_DEADLINE
    booked.status = "declined"
    assert booked.details_edit_refusal() == CLOSED_TO_CHANGES


# --- The expert proposes --------------------------------------------------------------------------------------


def test_a_proposal_is_kept_recorded_and_told_to_the_clusters_managers(world, request_):
    """The proposal is saved with the same length; the change says who, why and both times; the managers are
    told, with the change."""
    booked = fresh(request_)
    proposed = propose(world, request_, reason="  Away on the 3rd  ")
    stored = fresh(request_)
    assert (stored.status, stored.starts_at, stored.ends_at) == ("requested", booked.starts_at, booked.ends_at)
    assert (stored.proposed_starts_at, stored.proposed_ends_at) == (local_at(5, 14), local_at(5, 15))
    assert (proposed.proposed_starts_at, proposed.proposed_ends_at) == (local_at(5, 14), local_at(5, 15))
    change = ConsultationChange.objects.get(consultation=request_)
    assert (change.kind, change.by, change.role, change.reason, change.fields_changed) == (
        "proposed",
        world.expert.user,
        "expert",
        "Away on the 3rd",
        "",
    )
    assert (change.old_starts_at, change.old_ends_at) == (booked.starts_at, booked.ends_at)
    assert (change.new_starts_at, change.new_ends_at) == (local_at(5, 14), local_at(5, 15))
    context = {"starts_at": booked.starts_at.isoformat(), "action": "proposed", "change_id": change.pk}
    assert told(request_, "consultation_proposed") == [(world.manager.pk, context)]


def test_a_proposal_may_overlap_the_requests_own_booked_time(world, request_):
    """The request's own time does not stand in the way of the time its expert proposes instead."""
    proposed = propose(world, request_, starts_at=local_at(3, 10, 30))
    assert (proposed.proposed_starts_at, proposed.proposed_ends_at) == (local_at(3, 10, 30), local_at(3, 11, 30))


@pytest.mark.parametrize("who", ["manager", "stranger", "other_expert"])
def test_only_the_sessions_expert_proposes(world, request_, who):
    """Nobody but the session's own expert proposes another time; the request is left as it was."""
    by = {"manager": lambda: world.manager, "stranger": UserFactory, "other_expert": lambda: ExpertFactory().user}[
        who
    ]()
    raised = refusal(services.consultation_propose, consultation=request_, starts_at=local_at(5, 14), by=by)
    assert raised.messages == [ONLY_EXPERT_PROPOSES]
    assert fresh(request_).proposed_starts_at is None


def test_the_proposal_refusals_are_word_for_word(world, request_):
    """A confirmed session, a second proposal and the booked time itself are refused with their own words."""
    raised = refusal(propose, world=world, consultation=request_, starts_at=request_.starts_at)
    assert raised.message_dict == {"starts_at": [SAME_TIME]}
    propose(world, request_)
    raised = refusal(propose, world=world, consultation=request_, starts_at=local_at(6, 14))
    assert raised.messages == [ALREADY_PROPOSED]
    confirmed = services.consultation_book(**world.book_kwargs(starts_at=local_at(4, 10), topic="Other"))
    services.consultation_confirm(consultation=confirmed, by=world.expert.user)
    raised = refusal(propose, world=world, consultation=confirmed, starts_at=local_at(6, 14))
    assert raised.messages == [NOT_AN_UPCOMING_REQUEST]


def test_a_proposal_must_be_free_and_within_the_experts_hours(world, request_):
    """A time taken by another booking, or outside the expert's working hours, is refused on ``starts_at``."""
    ConsultationFactory(agreement=world.agreement, expert=world.expert, starts_at=local_at(5, 14), hours=Decimal("1"))
    raised = refusal(propose, world=world, consultation=request_, starts_at=local_at(5, 14))
    assert raised.message_dict == {"starts_at": [str(services.SLOT_TAKEN)]}
    raised = refusal(propose, world=world, consultation=request_, starts_at=local_at(5, 21))
    assert raised.message_dict == {"starts_at": [NOT_WORKING]}
    assert fresh(request_).proposed_starts_at is None


def test_a_proposal_without_a_link_keeps_the_requests_link(world, request_):
    """An expert who gives no link keeps the one the cluster gave; a link given replaces it."""
    propose(world, request_)
    assert fresh(request_).meeting_url == "https://meet.example.com/room"
    other = services.consultation_book(**world.book_kwargs(starts_at=local_at(4, 10), topic="Other"))
    propose(world, other, starts_at=local_at(6, 14), meeting_url="https://meet.example.com/expert")
    assert fresh(other).meeting_url == "https://meet.example.com/expert"


# --- The cluster answers ---------------------------------------------------------------------------------------


def test_accepting_moves_confirms_records_and_tells_the_expert(world, request_):
    """Accepting moves the request to the proposed time and confirms it now, by the manager; the change and the
    expert's message carry both times."""
    booked = fresh(request_)
    propose(world, request_)
    before = timezone.now()
    services.consultation_proposal_accept(consultation=request_, by=world.manager)
    stored = fresh(request_)
    assert (stored.status, stored.starts_at, stored.ends_at) == ("confirmed", local_at(5, 14), local_at(5, 15))
    assert (stored.proposed_starts_at, stored.proposed_ends_at) == (None, None)
    assert before <= stored.confirmed_at <= timezone.now()
    assert (stored.status_reason, stored.status_changed_by) == ("", world.manager)
    change = ConsultationChange.objects.get(consultation=request_, kind="accepted")
    assert (change.by, change.role, change.reason) == (world.manager, "manager", "")
    assert (change.old_starts_at, change.old_ends_at) == (booked.starts_at, booked.ends_at)
    assert (change.new_starts_at, change.new_ends_at) == (local_at(5, 14), local_at(5, 15))
    context = {
        "starts_at": stored.starts_at.isoformat(),
        "action": "proposal_accepted",
        "previous_starts_at": booked.starts_at.isoformat(),
        "change_id": change.pk,
    }
    assert told(request_, "consultation_proposal_accepted") == [(world.expert.user.pk, context)]


def test_declining_keeps_the_request_records_and_tells_the_expert(world, request_):
    """Declining clears the proposal and keeps the booked time; the change keeps the reason and the proposed
    time; the expert is told."""
    booked = fresh(request_)
    propose(world, request_)
    services.consultation_proposal_decline(consultation=request_, by=world.manager, reason="  Only the 3rd ")
    stored = fresh(request_)
    assert (stored.status, stored.starts_at, stored.ends_at) == ("requested", booked.starts_at, booked.ends_at)
    assert (stored.proposed_starts_at, stored.proposed_ends_at) == (None, None)
    change = ConsultationChange.objects.get(consultation=request_, kind="declined")
    assert (change.by, change.role, change.reason) == (world.manager, "manager", "Only the 3rd")
    assert (change.old_starts_at, change.old_ends_at) == (booked.starts_at, booked.ends_at)
    assert (change.new_starts_at, change.new_ends_at) == (local_at(5, 14), local_at(5, 15))
    context = {"starts_at": booked.starts_at.isoformat(), "action": "proposal_declined", "change_id": change.pk}
    assert told(request_, "consultation_proposal_declined") == [(world.expert.user.pk, context)]


@pytest.mark.parametrize("answer", ["consultation_proposal_accept", "consultation_proposal_decline"])
def test_only_the_clusters_managers_answer_word_for_word(world, other_world, request_, answer):
    """The expert, a stranger and another cluster's manager may not answer; the proposal stays."""
    propose(world, request_)
    for by in (world.expert.user, UserFactory(), other_world.manager):
        raised = refusal(getattr(services, answer), consultation=request_, by=by)
        assert raised.messages == [ONLY_MANAGERS_ANSWER]
    assert fresh(request_).proposed_starts_at == local_at(5, 14)


@pytest.mark.parametrize("answer", ["consultation_proposal_accept", "consultation_proposal_decline"])
def test_no_proposal_or_a_passed_one_is_not_answered(world, request_, answer):
    """Without a proposal there is nothing to answer; a proposed time that has begun can no longer be answered."""
    raised = refusal(getattr(services, answer), consultation=request_, by=world.manager)
    assert raised.messages == [NOTHING_TO_ANSWER]
    now = timezone.now()
    Consultation.objects.filter(pk=request_.pk).update(
        proposed_starts_at=now - datetime.timedelta(minutes=1), proposed_ends_at=now + datetime.timedelta(hours=1)
    )
    raised = refusal(getattr(services, answer), consultation=request_, by=world.manager)
    assert raised.messages == [PROPOSAL_PASSED]
    assert fresh(request_).status == "requested"


def test_accepting_rechecks_the_experts_hours(world, request_):
    """The proposed time must still be within the expert's working hours when the cluster accepts."""
    propose(world, request_)
    WeeklyAvailability.objects.filter(expert=world.expert).delete()
    raised = refusal(services.consultation_proposal_accept, consultation=request_, by=world.manager)
    assert raised.message_dict == {"starts_at": [NOT_WORKING]}
    assert fresh(request_).status == "requested"


# --- The cluster corrects the details --------------------------------------------------------------------------


ONSITE = {"format": "onsite", "city": "Vilnius", "address": "Gedimino pr. 1"}


def edit(world, consultation, **values):
    values = {"topic": "Strategy review", "agenda": "Goals", **values}
    return services.consultation_edit_details(consultation=consultation, by=world.manager, **values)


def test_corrected_details_are_trimmed_saved_recorded_in_order_and_told(world, request_):
    """The values are trimmed and saved; the change names the changed fields in their fixed order; the expert is
    told, with the change."""
    edit(world, request_, topic="  Export strategy ", agenda=" New goals  ", **ONSITE)
    stored = fresh(request_)
    assert (stored.topic, stored.agenda, stored.format, stored.city, stored.address, stored.meeting_url) == (
        "Export strategy",
        "New goals",
        "onsite",
        "Vilnius",
        "Gedimino pr. 1",
        "",
    )
    change = ConsultationChange.objects.get(consultation=request_)
    assert (change.kind, change.by, change.role, change.reason) == ("details", world.manager, "manager", "")
    assert change.fields_changed == "format,city,address,meeting_url,topic,agenda"
    assert (change.old_starts_at, change.new_starts_at) == (None, None)
    context = {"starts_at": stored.starts_at.isoformat(), "action": "details_changed", "change_id": change.pk}
    assert told(request_, "consultation_details_changed") == [(world.expert.user.pk, context)]


def test_an_agenda_left_out_is_empty_and_only_it_is_recorded(world, request_):
    """A correction that only empties the agenda records just that field."""
    services.consultation_edit_details(
        consultation=request_,
        by=world.manager,
        topic="Strategy review",
        agenda=None,
        format="online",
        meeting_url="https://meet.example.com/room",
    )
    assert fresh(request_).agenda == ""
    assert ConsultationChange.objects.get(consultation=request_).fields_changed == "agenda"


def test_details_are_checked_as_at_booking(world, request_):
    """An on-site place must be a Lithuanian city and a street address; the topic is needed."""
    raised = refusal(edit, world=world, consultation=request_, format="onsite", city="Riga", address=" ")
    assert raised.message_dict == {
        "city": ["On-site consultations take place in Lithuania: choose a Lithuanian city."],
        "address": ["Give the street address in Lithuania."],
    }
    raised = refusal(edit, world=world, consultation=request_, topic="  ", format="online", meeting_url="")
    assert raised.message_dict == {"topic": ["Give the topic of the consultation."]}
    raised = refusal(edit, world=world, consultation=request_, format="online", meeting_url="http://meet.example.com/x")
    assert list(raised.message_dict) == ["meeting_url"]
    assert not ConsultationChange.objects.filter(consultation=request_).exists()


def test_a_request_may_lose_its_link_but_a_confirmed_session_keeps_one(world, request_):
    """Until the expert confirms, the cluster may leave the link to them; after, an online session needs one."""
    edit(world, request_, format="online", meeting_url="")
    assert fresh(request_).meeting_url == ""
    confirmed = services.consultation_book(**world.book_kwargs(starts_at=local_at(4, 10), topic="Other"))
    services.consultation_confirm(consultation=confirmed, by=world.expert.user)
    raised = refusal(edit, world=world, consultation=confirmed, format="online", meeting_url="")
    assert raised.message_dict == {"meeting_url": [str(services.LINK_KEPT)]}
    edit(world, confirmed, **ONSITE)
    assert (fresh(confirmed).format, fresh(confirmed).meeting_url) == ("onsite", "")


def test_only_the_clusters_managers_correct_until_the_deadline(world, other_world):
    """The expert, a stranger and another cluster's manager may not correct; nor may anyone once the change
    deadline has come, or once the booking is no longer live."""
    early = ConsultationFactory(agreement=world.agreement, expert=world.expert, starts_at=local_at(6, 10))
    values = {"topic": "X", "format": "online", "meeting_url": "https://meet.example.com/x"}
    for by in (world.expert.user, UserFactory(), other_world.manager):
        raised = refusal(services.consultation_edit_details, consultation=early, by=by, **values)
        assert raised.messages == [ONLY_MANAGERS_CORRECT]
    late = ConsultationFactory(
        agreement=world.agreement, expert=world.expert, starts_at=timezone.now() + datetime.timedelta(hours=23)
    )
    raised = refusal(services.consultation_edit_details, consultation=late, by=world.manager, **values)
    assert raised.messages == [PAST_DEADLINE]
    Consultation.objects.filter(pk=early.pk).update(status="cancelled", status_reason="Called off")
    raised = refusal(services.consultation_edit_details, consultation=early, by=world.manager, **values)
    assert raised.messages == [CLOSED_TO_CHANGES]
    assert fresh(early).topic != "X"


def test_details_left_out_are_empty(world, request_):
    """An agenda or link left out is empty (a request may wait for the expert's link); an on-site place left
    without its street address is refused."""
    services.consultation_edit_details(
        consultation=request_, by=world.manager, topic="Strategy review", format="online"
    )
    stored = fresh(request_)
    assert (stored.agenda, stored.meeting_url, stored.city, stored.address) == ("", "", "", "")
    assert ConsultationChange.objects.get(consultation=request_).fields_changed == "meeting_url,agenda"
    raised = refusal(
        services.consultation_edit_details,
        consultation=request_,
        by=world.manager,
        topic="Strategy review",
        format="onsite",
        city="Vilnius",
    )
    assert raised.message_dict == {"address": ["Give the street address in Lithuania."]}


def test_a_proposal_and_its_decline_without_a_reason_record_none(world, request_):
    """The reason is optional for proposing and for declining: left out, none is recorded."""
    propose(world, request_)
    services.consultation_proposal_decline(consultation=request_, by=world.manager)
    reasons = ConsultationChange.objects.filter(consultation=request_).order_by("id").values_list("kind", "reason")
    assert list(reasons) == [("proposed", ""), ("declined", "")]
