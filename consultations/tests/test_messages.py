"""Consultation emails: each action gives exactly one record and one email per recipient, on commit."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from accounts.tests.factories import StaffFactory, UserFactory
from agreements.tests.factories import ActiveAgreementFactory
from clusters.tests.factories import ClusterFactory
from consultations import services
from consultations.message_kinds import overdue_number
from consultations.models import Consultation
from inolink.formatting import day_and_time
from notifications.models import OutgoingMessage
from notifications.services import messages_send
from notifications.sweeps import get_sweep, sweep_run

from .factories import ConsultationFactory, ExpertFactory, local_at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _send():
    messages_send()
    return list(mail.outbox)


def _records(kind):
    return list(OutgoingMessage.objects.filter(kind=kind).order_by("recipient_email"))


def _to(emails):
    return sorted(address for email in emails for address in email.to)


def test_booking_emails_the_expert_once_in_their_language(world, django_capture_on_commit_callbacks):
    world.expert.user.language = "lt"
    world.expert.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        consultation = services.consultation_book(**world.book_kwargs())
    [record] = _records("consultation_requested")
    assert record.recipient == world.expert.user and record.language == "lt"
    assert record.status == OutgoingMessage.Status.SENT  # sent by the on-commit task (eager)
    [email] = mail.outbox
    assert email.to == [world.expert.user.email]
    assert "Strategy review" in email.subject
    assert "Ekspertas:" in email.body and "Tema:" in email.body  # the details rendered in Lithuanian
    url = f"/consultations/{consultation.pk}/"
    assert url in email.body and url in email.alternatives[0][0]


def test_no_message_when_the_transaction_rolls_back(world):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        services.consultation_book(**world.book_kwargs())
        raise RuntimeError
    assert not OutgoingMessage.objects.exists()


def test_confirm_and_decline_tell_the_clusters_managers(world):
    second = UserFactory(language="lt")
    world.cluster.managers.add(second)
    consultation = services.consultation_book(**world.book_kwargs())
    mail.outbox.clear()
    services.consultation_confirm(consultation=consultation, by=world.expert.user)
    emails = _send()
    assert [r.recipient for r in _records("consultation_confirmed")] == sorted(
        [world.manager, second], key=lambda u: u.email
    )
    assert _to(emails) == sorted([world.manager.email, second.email])
    english = next(e for e in emails if e.to == [world.manager.email])
    assert english.subject.startswith("Consultation confirmed: Strategy review")
    assert "(Vilnius time)" in english.body
    assert f"/consultations/{consultation.pk}/ics/" in english.body
    lithuanian = next(e for e in emails if e.to == [second.email])
    assert "Ekspertas:" in lithuanian.body and "Expert:" not in lithuanian.body

    mail.outbox.clear()
    services.consultation_decline(consultation=consultation, by=world.expert.user, reason="Ill")
    emails = _send()
    assert _to(emails) == sorted([world.manager.email, second.email])
    assert all("Ill" in e.body for e in emails)


def test_cancel_by_the_manager_tells_the_expert_only(world):
    consultation = services.consultation_book(**world.book_kwargs())
    _send()
    mail.outbox.clear()
    services.consultation_cancel(consultation=consultation, by=world.manager, reason="Budget moved")
    emails = _send()
    assert _to(emails) == [world.expert.user.email]
    assert "Budget moved" in emails[0].body
    assert len(_records("consultation_cancelled")) == 1


def test_cancel_by_staff_tells_the_managers(world):
    consultation = services.consultation_book(**world.book_kwargs())
    _send()
    mail.outbox.clear()
    services.consultation_cancel(consultation=consultation, by=StaffFactory(), reason="Programme change")
    assert _to(_send()) == [world.manager.email]


def test_reschedule_tells_the_expert_with_the_old_and_new_time(world):
    consultation = services.consultation_book(**world.book_kwargs())
    _send()
    mail.outbox.clear()
    new_start = local_at(4, 14)
    services.consultation_reschedule(
        consultation=consultation, starts_at=new_start, hours=Decimal("1"), by=world.manager, reason="Clash"
    )
    [email] = _send()
    assert email.to == [world.expert.user.email]
    assert timezone.localtime(new_start).strftime("%Y-%m-%d %H:%M") in email.body
    assert "Reason: Clash" in email.body  # the move's own reason, from its change row
    with timezone.override("Europe/Vilnius"), translation.override("en"):
        previous = day_and_time(local_at(3, 10))
    assert f"has moved this consultation from {previous} to the time below" in email.body


def test_a_message_about_a_state_that_changed_before_sending_is_skipped(world):
    consultation = services.consultation_book(**world.book_kwargs())
    services.consultation_cancel(consultation=consultation, by=world.manager, reason="Changed plans")
    _send()
    [requested] = _records("consultation_requested")
    assert requested.status == OutgoingMessage.Status.SKIPPED  # the request was cancelled before it went out
    assert _records("consultation_cancelled")[0].status == OutgoingMessage.Status.SENT


def test_reassignment_tells_the_new_expert(world):
    consultation = services.consultation_book(**world.book_kwargs())
    _send()
    mail.outbox.clear()
    from .factories import available_all_week

    new_expert = available_all_week(ExpertFactory(service_areas=[world.area]))
    services.consultation_reassign(consultation=consultation, expert=new_expert, by=StaffFactory())
    [email] = _send()
    assert email.to == [new_expert.user.email]


def test_outcome_logged_invites_the_managers_to_rate_once(world):
    consultation = ConsultationFactory(
        agreement=world.agreement,
        expert=world.expert,
        status=Consultation.Status.CONFIRMED,
        starts_at=local_at(-2, 10),
    )
    kwargs = {"consultation": consultation, "by": world.expert.user, "result": "held", "summary": "Good"}
    services.outcome_save(**kwargs, hours_delivered=Decimal("1"))
    services.outcome_save(**kwargs, hours_delivered=Decimal("1.25"))  # an edit announces nothing new
    [email] = _send()
    assert email.to == [world.manager.email]
    assert "rate" in email.body and f"/consultations/{consultation.pk}/" in email.body
    assert len(_records("consultation_outcome_logged")) == 1


# Sweeps ----------------------------------------------------------------------------------------------


def _confirmed(world, **kwargs):
    return ConsultationFactory(
        agreement=world.agreement, expert=world.expert, status=Consultation.Status.CONFIRMED, **kwargs
    )


def test_reminder_goes_to_both_sides_once_with_the_ics(world):
    now = timezone.now()
    due = _confirmed(world, starts_at=now + datetime.timedelta(hours=20))
    _confirmed(world, starts_at=now + datetime.timedelta(hours=30))  # not yet
    cancelled = _confirmed(world, starts_at=now + datetime.timedelta(hours=10))
    Consultation.objects.filter(pk=cancelled.pk).update(status=Consultation.Status.CANCELLED, status_reason="x")
    sweep = get_sweep("consultation_reminder")
    for _ in range(3):
        sweep_run(sweep, now=now)
    emails = _send()
    assert _to(emails) == sorted([world.expert.user.email, world.manager.email])
    assert {r.object_id for r in _records("consultation_reminder")} == {due.pk}
    name, content, mimetype = emails[0].attachments[0]
    assert name.endswith(".ics") and mimetype == "text/calendar" and "BEGIN:VEVENT" in str(content)


def test_reminder_for_a_session_cancelled_after_the_sweep_is_skipped(world):
    now = timezone.now()
    due = _confirmed(world, starts_at=now + datetime.timedelta(hours=20))
    sweep_run(get_sweep("consultation_reminder"), now=now)
    Consultation.objects.filter(pk=due.pk).update(status=Consultation.Status.CANCELLED, status_reason="x")
    assert _send() == []
    assert {r.status for r in _records("consultation_reminder")} == {OutgoingMessage.Status.SKIPPED}


def test_overdue_nudges_three_times_and_copies_staff_on_the_third(world):
    staff = StaffFactory()
    ended = timezone.now() - datetime.timedelta(days=1, hours=1)
    session = _confirmed(world, starts_at=ended - datetime.timedelta(hours=1))
    logged = _confirmed(world, starts_at=ended - datetime.timedelta(hours=3))
    Consultation.objects.filter(pk=logged.pk).update(status=Consultation.Status.HELD)
    sweep = get_sweep("consultation_outcome_overdue")
    now = timezone.now()
    assert overdue_number(session, now) == 1
    for days in (0, 1, 3, 6, 9, 12):
        sweep_run(sweep, now=now + datetime.timedelta(days=days))
    records = _records("consultation_outcome_overdue")
    assert sorted(r.occasion for r in records if r.recipient == world.expert.user) == [
        "outcome-overdue-1",
        "outcome-overdue-2",
        "outcome-overdue-3",
    ]
    assert [r.occasion for r in records if r.recipient == staff] == ["outcome-overdue-3"]
    assert {r.object_id for r in records} == {session.pk}
    emails = _send()
    assert len(emails) == 4
    assert all(f"/consultations/{session.pk}/outcome/" in e.body for e in emails)


def test_overdue_nudge_is_skipped_once_the_outcome_is_logged(world):
    ended = timezone.now() - datetime.timedelta(days=1, hours=1)
    session = _confirmed(world, starts_at=ended - datetime.timedelta(hours=1))
    sweep_run(get_sweep("consultation_outcome_overdue"))
    Consultation.objects.filter(pk=session.pk).update(status=Consultation.Status.HELD)
    assert _send() == []


def _many_sessions(count, *, starts_at):
    """``count`` confirmed sessions, each with its own expert and its own cluster with two managers."""
    for _ in range(count):
        cluster = ClusterFactory(managers=[UserFactory(), UserFactory()])
        agreement = ActiveAgreementFactory(cluster=cluster)
        ConsultationFactory(agreement=agreement, status=Consultation.Status.CONFIRMED, starts_at=starts_at)


SWEEP_QUERIES = {}


@pytest.mark.parametrize("count", [5, 50])
@pytest.mark.parametrize(
    ("name", "offset"),
    [
        ("consultation_reminder", datetime.timedelta(hours=1)),
        ("consultation_outcome_overdue", -datetime.timedelta(days=5)),
    ],
)
def test_sweeps_use_a_fixed_number_of_queries(count, name, offset):
    StaffFactory()
    now = timezone.now()
    _many_sessions(count, starts_at=now + offset)
    ContentType.objects.clear_cache()  # both counts include the one content-type lookup
    with CaptureQueriesContext(connection) as queries:
        offered = sweep_run(get_sweep(name), now=now, dispatch=False)
    assert offered == count * (3 if name == "consultation_reminder" else 1)
    assert OutgoingMessage.objects.filter(kind=name).count() == offered
    reads = [q["sql"] for q in queries.captured_queries if not q["sql"].lstrip().upper().startswith("INSERT")]
    SWEEP_QUERIES[(name, count)] = len(reads)
    print(f"{name} sweep reads at {count} consultations: {len(reads)}")
    if (name, 5) in SWEEP_QUERIES and (name, 50) in SWEEP_QUERIES:
        assert SWEEP_QUERIES[(name, 5)] == SWEEP_QUERIES[(name, 50)], SWEEP_QUERIES


def test_a_request_handed_to_another_expert_before_sending_reaches_only_the_new_one(world):
    from .factories import available_all_week

    consultation = services.consultation_book(**world.book_kwargs())
    new_expert = available_all_week(ExpertFactory(service_areas=[world.area]))
    services.consultation_reassign(consultation=consultation, expert=new_expert, by=StaffFactory())
    assert _to(_send()) == [new_expert.user.email]
    assert _records("consultation_requested")[0].status == OutgoingMessage.Status.SKIPPED


def test_a_time_change_in_an_email_names_both_times_as_the_reader_writes_them(world):
    consultation = services.consultation_book(**world.book_kwargs())
    services.consultation_propose(consultation=consultation, starts_at=local_at(5, 14), by=world.expert.user)
    _send()
    mail.outbox.clear()
    services.consultation_proposal_accept(consultation=consultation, by=world.manager)
    [email] = _send()
    with timezone.override("Europe/Vilnius"), translation.override("en"):
        old, new = day_and_time(local_at(3, 10)), day_and_time(local_at(5, 14))
    assert email.to == [world.expert.user.email]
    assert f"From {old} to {new} (Vilnius time)." in email.body
