"""The exact rules of confirming a request and of the session's thread: who may, when, the boundaries and the
words of each refusal (issue 12: every surviving mutant of these rules is killed by a test that asserts the rule).
"""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.tests.factories import StaffFactory, UserFactory
from clusters.tests.factories import ClusterFactory
from consultations import services
from consultations.models import MESSAGE_MAX_LENGTH, Consultation, ConsultationMessage, place_line
from notifications.models import OutgoingMessage

from .factories import ConsultationFactory, ExpertFactory, local_at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

Status = Consultation.Status
ONLY_THE_TWO_SIDES = "Only the cluster's managers and the session's expert write here."
ONLY_A_REQUEST = "Only a requested consultation can be confirmed."
ALREADY_STARTED = "This request has already started and can no longer be confirmed."
ONLY_UPCOMING_DECLINED = "Only an upcoming request or session can be declined."
ONLY_LIVE_CANCELLED = "Only a requested or confirmed consultation can be cancelled."
FOLLOW_FROM_OUTCOME = "Held and no-show follow from the session's outcome: log or correct the outcome instead."
NO_LINK_YET = (
    "This online session has no meeting link yet: add it on the consultation's page first, or leave the "
    "confirming to the expert, who gives the link with it."
)


@pytest.fixture
def session(world):
    """A request of the world's cluster to the world's expert, four days ahead, with the cluster's link."""
    return ConsultationFactory(agreement=world.agreement, expert=world.expert, starts_at=local_at(4, 10))


def field_errors(call, **kwargs) -> dict:
    """The refusal's messages by field; nothing was written (no message, no email)."""
    before = ConsultationMessage.objects.count(), OutgoingMessage.objects.count()
    with pytest.raises(ValidationError) as raised:
        call(**kwargs)
    assert (ConsultationMessage.objects.count(), OutgoingMessage.objects.count()) == before
    return raised.value.message_dict


def plain_refusal(call, **kwargs) -> list[str]:
    """The messages of a refusal that names no field; nothing was written."""
    before = ConsultationMessage.objects.count(), OutgoingMessage.objects.count()
    with pytest.raises(ValidationError) as raised:
        call(**kwargs)
    assert not hasattr(raised.value, "error_dict"), raised.value.message_dict
    assert (ConsultationMessage.objects.count(), OutgoingMessage.objects.count()) == before
    return raised.value.messages


def emails(kind: str):
    return OutgoingMessage.objects.filter(kind=kind)


# The session's thread: consultation_message_post and Consultation.message_refusal --------------------------


def test_a_managers_message_is_stored_trimmed_and_emailed_to_the_expert(world, session):
    """The message is kept in the session's thread as written, without surrounding blanks, with its author; the
    expert (the side that did not write) gets one email about it."""
    message = services.consultation_message_post(consultation=session, by=world.manager, body="  Can we meet?\n ")
    stored = ConsultationMessage.objects.get()
    assert message == stored
    assert (stored.consultation, stored.author, stored.body) == (session, world.manager, "Can we meet?")
    [email] = emails("consultation_message")
    assert (email.object_id, email.recipient, email.occasion) == (stored.pk, world.expert.user, "posted")


def test_the_experts_message_is_emailed_to_the_clusters_managers(world, session):
    """The expert writes too; the cluster's managers are told."""
    second_manager = UserFactory()
    world.cluster.managers.add(second_manager)
    message = services.consultation_message_post(consultation=session, by=world.expert.user, body="Yes")
    assert (message.author, message.body) == (world.expert.user, "Yes")
    recipients = {email.recipient for email in emails("consultation_message")}
    assert recipients == {world.manager, second_manager}


@pytest.mark.parametrize("body", [None, "", "  \n "])
def test_an_empty_message_is_refused_at_its_field(world, session, body):
    """A message with nothing in it (after trimming) is refused in these words."""
    errors = field_errors(services.consultation_message_post, consultation=session, by=world.manager, body=body)
    assert errors == {"body": ["Write a message."]}


def test_a_message_may_be_exactly_the_limit_long_and_no_longer(world, session):
    """``MESSAGE_MAX_LENGTH`` characters (after trimming) are accepted; one more is refused, quoting the limit."""
    errors = field_errors(
        services.consultation_message_post,
        consultation=session,
        by=world.manager,
        body="x" * (MESSAGE_MAX_LENGTH + 1),
    )
    assert errors == {"body": [f"Keep the message under {MESSAGE_MAX_LENGTH} characters."]}
    longest = services.consultation_message_post(
        consultation=session, by=world.manager, body=" " + "x" * MESSAGE_MAX_LENGTH + " "
    )
    assert len(ConsultationMessage.objects.get(pk=longest.pk).body) == MESSAGE_MAX_LENGTH


@pytest.mark.parametrize("who", ["staff", "other_clusters_manager", "other_expert", "somebody"])
def test_only_the_two_sides_write_in_the_thread(world, session, who):
    """Staff read the thread but do not write in it, and nobody outside the session does; the refusal names no
    field and leaves no message and no email."""
    users = {
        "staff": StaffFactory,
        "other_clusters_manager": lambda: ClusterFactory(managers=[UserFactory()]).managers.get(),
        "other_expert": lambda: ExpertFactory().user,
        "somebody": UserFactory,
    }
    refused = plain_refusal(services.consultation_message_post, consultation=session, by=users[who](), body="Hello")
    assert refused == [ONLY_THE_TWO_SIDES]


def test_message_refusal_names_who_writes(world, session):
    """The session's expert and each of the cluster's managers may write; a signed-out visitor, nobody, staff
    and outsiders may not, in the same words."""
    second_manager = UserFactory()
    world.cluster.managers.add(second_manager)
    assert session.message_refusal(world.expert.user) is None
    assert session.message_refusal(world.manager) is None
    assert session.message_refusal(second_manager) is None
    for outsider in (None, AnonymousUser(), StaffFactory(), UserFactory(), ExpertFactory().user):
        assert session.message_refusal(outsider) == ONLY_THE_TWO_SIDES, outsider


def test_a_manager_who_is_also_an_expert_elsewhere_writes_as_the_manager(world, session):
    """Being the cluster's manager is enough, whoever the session's expert is."""
    manager_and_expert = ExpertFactory().user
    world.cluster.managers.add(manager_and_expert)
    assert session.message_refusal(manager_and_expert) is None


# Confirming: consultation_confirm, _check_confirm_link and Consultation.confirm_refusal ----------------------


def test_confirming_records_the_status_who_and_when_in_the_database(world, session):
    """The expert's confirmation is saved: confirmed, by them, now; an earlier staff reason and a pending
    proposal end with it; the cluster's link is kept when the expert gives none."""
    Consultation.objects.filter(pk=session.pk).update(
        status_reason="Earlier staff note",
        proposed_starts_at=local_at(5, 10),
        proposed_ends_at=local_at(5, 11),
    )
    before = timezone.now()
    returned = services.consultation_confirm(consultation=session, by=world.expert.user)
    stored = Consultation.objects.get(pk=session.pk)
    assert returned.status == stored.status == Status.CONFIRMED
    assert stored.status_changed_by == world.expert.user
    assert before <= stored.confirmed_at <= timezone.now()
    assert (stored.status_reason, stored.proposed_starts_at, stored.proposed_ends_at) == ("", None, None)
    assert stored.meeting_url == "https://meet.example.com/abc"
    assert not ConsultationMessage.objects.exists()
    [email] = emails("consultation_confirmed")
    assert "note" not in email.context


def test_confirming_checks_what_is_committed_not_the_callers_copy(world, session):
    """The rule is read from the locked row: a request cancelled meanwhile is not confirmed from a stale copy."""
    Consultation.objects.filter(pk=session.pk).update(status=Status.CANCELLED, status_reason="Plans changed")
    assert session.status == Status.REQUESTED
    assert plain_refusal(services.consultation_confirm, consultation=session, by=world.expert.user) == [ONLY_A_REQUEST]
    assert Consultation.objects.get(pk=session.pk).status == Status.CANCELLED


def test_the_experts_note_goes_to_the_thread_and_the_confirmation_email(world, session):
    """A note is trimmed, kept in the thread as the expert's message and sent with the confirmation."""
    services.consultation_confirm(consultation=session, by=world.expert.user, note="  Bring the figures. ")
    message = ConsultationMessage.objects.get()
    assert (message.consultation, message.author, message.body) == (session, world.expert.user, "Bring the figures.")
    [email] = emails("consultation_confirmed")
    assert email.context["note"] == "Bring the figures."


@pytest.mark.parametrize("note", [None, "", "   "])
def test_no_note_leaves_no_message(world, session, note):
    """Without a note (or with blanks only) the thread stays empty."""
    services.consultation_confirm(consultation=session, by=world.expert.user, note=note)
    assert Consultation.objects.get(pk=session.pk).status == Status.CONFIRMED
    assert not ConsultationMessage.objects.exists()


def test_a_note_may_be_exactly_the_limit_long_and_no_longer(world, session):
    """A note of ``MESSAGE_MAX_LENGTH`` characters (after trimming) is kept; one more is refused at its field in
    these words, and the request stays unconfirmed."""
    errors = field_errors(
        services.consultation_confirm, consultation=session, by=world.expert.user, note="x" * (MESSAGE_MAX_LENGTH + 1)
    )
    assert errors == {"note": [f"Keep the note under {MESSAGE_MAX_LENGTH} characters."]}
    assert Consultation.objects.get(pk=session.pk).status == Status.REQUESTED
    services.consultation_confirm(consultation=session, by=world.expert.user, note=" " + "x" * MESSAGE_MAX_LENGTH + " ")
    assert len(ConsultationMessage.objects.get().body) == MESSAGE_MAX_LENGTH


def test_the_expert_replaces_the_link_with_a_trimmed_https_one(world, session):
    """A link given when confirming replaces the cluster's, without surrounding blanks."""
    services.consultation_confirm(
        consultation=session, by=world.expert.user, meeting_url="  https://video.example.com/room-7 "
    )
    assert Consultation.objects.get(pk=session.pk).meeting_url == "https://video.example.com/room-7"


@pytest.mark.parametrize("link", [None, "", "   "])
def test_a_blank_link_is_no_link(world, session, link):
    """No link (or blanks) keeps the cluster's link, and on a request without one is refused in these words."""
    services.consultation_confirm(consultation=session, by=world.expert.user, meeting_url=link)
    assert Consultation.objects.get(pk=session.pk).meeting_url == "https://meet.example.com/abc"
    left_to_expert = ConsultationFactory(
        agreement=world.agreement, expert=world.expert, starts_at=local_at(5, 10), meeting_url=""
    )
    errors = field_errors(
        services.consultation_confirm, consultation=left_to_expert, by=world.expert.user, meeting_url=link
    )
    assert errors == {"meeting_url": ["Add the meeting link: the cluster left it for you to give when confirming."]}
    assert Consultation.objects.get(pk=left_to_expert.pk).status == Status.REQUESTED


@pytest.mark.parametrize("link", ["http://meet.example.com/x", "HTTPS://meet.example.com/x", "meet.example.com"])
def test_a_link_that_does_not_start_with_https_is_refused(world, session, link):
    """Only an https:// link (as written, lower case) is taken, and the request stays as it was."""
    errors = field_errors(services.consultation_confirm, consultation=session, by=world.expert.user, meeting_url=link)
    assert errors == {"meeting_url": ["The meeting link must start with https://."]}
    stored = Consultation.objects.get(pk=session.pk)
    assert (stored.status, stored.meeting_url) == (Status.REQUESTED, "https://meet.example.com/abc")


def test_an_onsite_session_takes_no_link(world):
    """An on-site session refuses any link, even a well-formed one, in these words; without one it is confirmed."""
    onsite = ConsultationFactory(
        agreement=world.agreement,
        expert=world.expert,
        starts_at=local_at(4, 10),
        format=Consultation.Format.ONSITE,
        city="Vilnius",
        address="Gedimino pr. 1",
        meeting_url="",
    )
    errors = field_errors(
        services.consultation_confirm,
        consultation=onsite,
        by=world.expert.user,
        meeting_url="https://meet.example.com/x",
    )
    assert errors == {"meeting_url": ["An on-site consultation has no meeting link."]}
    services.consultation_confirm(consultation=onsite, by=world.expert.user, meeting_url="  ")
    stored = Consultation.objects.get(pk=onsite.pk)
    assert (stored.status, stored.meeting_url) == (Status.CONFIRMED, "")


@pytest.mark.parametrize("status", [Status.CONFIRMED, Status.HELD, Status.NO_SHOW, Status.DECLINED, Status.CANCELLED])
def test_confirm_refusal_only_a_request(status):
    """Only a request is confirmed, whatever else it is, before or after its start."""
    consultation = Consultation(status=status, starts_at=local_at(4, 10))
    assert consultation.confirm_refusal() == ONLY_A_REQUEST
    assert consultation.confirm_refusal(now=local_at(5, 10)) == ONLY_A_REQUEST


def test_confirm_refusal_until_the_start_exactly():
    """A request is confirmed up to the moment before it starts; from its start on it is refused in these words,
    as of the moment given."""
    start = local_at(4, 10)
    request_ = Consultation(status=Status.REQUESTED, starts_at=start)
    assert request_.confirm_refusal(now=start - datetime.timedelta(microseconds=1)) is None
    assert request_.confirm_refusal(now=start) == ALREADY_STARTED
    assert request_.confirm_refusal() is None
    assert Consultation(status=Status.REQUESTED, starts_at=local_at(-1, 10)).confirm_refusal() == ALREADY_STARTED


def test_decline_refusal_until_the_start_exactly():
    """A live booking is declined up to the moment before it starts; a finished or ended one never."""
    start = local_at(4, 10)
    for status in (Status.REQUESTED, Status.CONFIRMED):
        live = Consultation(status=status, starts_at=start)
        assert live.decline_refusal(now=start - datetime.timedelta(microseconds=1)) is None
        assert live.decline_refusal(now=start) == ONLY_UPCOMING_DECLINED
        assert live.decline_refusal() is None
    for status in (Status.HELD, Status.NO_SHOW, Status.DECLINED, Status.CANCELLED):
        assert Consultation(status=status, starts_at=start).decline_refusal() == ONLY_UPCOMING_DECLINED


# Staff on the expert's behalf: Consultation.staff_status_refusal --------------------------------------------


def _booking(status=Status.REQUESTED, *, days=4, link="https://meet.example.com/abc", format="online"):
    return Consultation(status=status, starts_at=local_at(days, 10), format=format, meeting_url=link)


@pytest.mark.parametrize(
    ("status", "label"),
    [
        (Status.REQUESTED, "Requested"),
        (Status.CONFIRMED, "Confirmed"),
        (Status.DECLINED, "Declined"),
        (Status.CANCELLED, "Cancelled"),
        (Status.HELD, "Held"),
    ],
)
def test_staff_status_refusal_to_the_same_status_names_it(status, label):
    """Setting the status a consultation already has is refused, naming the status as the pages do."""
    assert _booking(status).staff_status_refusal(status) == f"The consultation is already: {label}."


def test_staff_confirm_follows_the_experts_rule_and_needs_the_link():
    """Staff confirm a request that has not started, with its link; an online one without a link is refused in
    these words, an on-site one needs none; the expert's refusals come first."""
    assert _booking().staff_status_refusal(Status.CONFIRMED) is None
    assert _booking(link="").staff_status_refusal(Status.CONFIRMED) == NO_LINK_YET
    assert _booking(link="", format="onsite").staff_status_refusal(Status.CONFIRMED) is None
    assert _booking(days=-1, link="").staff_status_refusal(Status.CONFIRMED) == ALREADY_STARTED
    assert _booking(Status.DECLINED, link="").staff_status_refusal(Status.CONFIRMED) == ONLY_A_REQUEST


def test_staff_status_refusal_reads_the_moment_given():
    """Confirming and declining are judged as of ``now`` when given (not the clock)."""
    booking = _booking()
    start = booking.starts_at
    assert booking.staff_status_refusal(Status.CONFIRMED, now=start) == ALREADY_STARTED
    assert booking.staff_status_refusal(Status.DECLINED, now=start) == ONLY_UPCOMING_DECLINED
    assert booking.staff_status_refusal(Status.CONFIRMED, now=start - datetime.timedelta(microseconds=1)) is None
    assert booking.staff_status_refusal(Status.DECLINED, now=start - datetime.timedelta(microseconds=1)) is None
    started = _booking(days=-1)
    assert started.staff_status_refusal(Status.CONFIRMED, now=local_at(-2, 10)) is None
    assert started.staff_status_refusal(Status.DECLINED, now=local_at(-2, 10)) is None


def test_staff_decline_follows_the_experts_rule():
    """Staff decline a live booking before its start, as the expert would."""
    assert _booking().staff_status_refusal(Status.DECLINED) is None
    assert _booking(Status.CONFIRMED).staff_status_refusal(Status.DECLINED) is None
    assert _booking(days=-1).staff_status_refusal(Status.DECLINED) == ONLY_UPCOMING_DECLINED
    assert _booking(Status.CANCELLED).staff_status_refusal(Status.DECLINED) == ONLY_UPCOMING_DECLINED


def test_staff_cancel_any_live_booking_even_after_its_start():
    """Staff cancel a request or a confirmed session at any time, even after it started; nothing else."""
    for status in (Status.REQUESTED, Status.CONFIRMED):
        assert _booking(status).staff_status_refusal(Status.CANCELLED) is None
        assert _booking(status, days=-1).staff_status_refusal(Status.CANCELLED) is None
    for status in (Status.HELD, Status.NO_SHOW, Status.DECLINED):
        assert _booking(status).staff_status_refusal(Status.CANCELLED) == ONLY_LIVE_CANCELLED


@pytest.mark.parametrize("target", [Status.HELD, Status.NO_SHOW, Status.REQUESTED])
def test_held_and_no_show_follow_from_the_outcome(target):
    """Staff never set held, no-show (the outcome does) or back to requested."""
    assert _booking(Status.CONFIRMED, days=-1).staff_status_refusal(target) == FOLLOW_FROM_OUTCOME


# The place as one line: place_line ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "city", "line"),
    [
        ("Gedimino pr. 1", "Vilnius", "Gedimino pr. 1, Vilnius"),
        ("  Gedimino pr. 1,  ", "  Vilnius ", "Gedimino pr. 1, Vilnius"),
        ("Gedimino pr. 1, Vilnius", "Vilnius", "Gedimino pr. 1, Vilnius"),
        ("Gedimino pr. 1, VILNIUS", "vilnius", "Gedimino pr. 1, VILNIUS"),
        ("Laisvės al. 5, Kaunas,", "Kaunas", "Laisvės al. 5, Kaunas"),
        ("Gedimino pr. 1 ,", "Vilnius", "Gedimino pr. 1, Vilnius"),
        ("Maironio g. 2", "", "Maironio g. 2"),
        ("Maironio g. 2", "   ", "Maironio g. 2"),
        ("Maironio g. 2", None, "Maironio g. 2"),
        ("", "Šiauliai", "Šiauliai"),
        (None, "Šiauliai", "Šiauliai"),
        (",", "Šiauliai", "Šiauliai"),
        (None, None, ""),
        ("Vilniaus g. 3", "Vilnius", "Vilniaus g. 3, Vilnius"),
        ("Verslo centras LX", "Vilnius", "Verslo centras LX, Vilnius"),
        ("Strasse 1, Straße", "STRASSE", "Strasse 1, Straße"),
    ],
)
def test_place_line_adds_the_city_unless_the_address_ends_with_it(address, city, line):
    """The address without blanks or a trailing comma, then ", city" unless it already ends with that city (in
    any case); a missing address is the city alone, a missing city the address alone."""
    assert place_line(address, city) == line
