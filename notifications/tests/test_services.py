import dataclasses
import datetime
import threading
from unittest import mock

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.formats import date_format

from accounts.tests.factories import StaffFactory, UserFactory
from agreements.message_kinds import agreements_ending
from agreements.models import Agreement
from agreements.tests.factories import ActiveAgreementFactory, AgreementFactory
from clusters.tests.factories import ClusterFactory, LabelAwardFactory
from inolink.ical import absolute_url
from notifications.models import OutgoingMessage
from notifications.services import message_enqueue, messages_retry, messages_send
from notifications.sweeps import get_sweep, sweep_run

from .factories import OutgoingMessageFactory

Status = OutgoingMessage.Status
QUERY_COUNTS: dict[str, set[int]] = {}  # filled by the parametrised query-count tests (5 and 50 rows)


def recipients_of(outbox):
    return sorted(address for email in outbox for address in email.to)


def run_sweep_and_send(name="agreement_ending", now=None):
    sweep_run(get_sweep(name), now=now, dispatch=False)
    return messages_send(now=now)


# Creating ----------------------------------------------------------------------------------------


def test_agreement_ending_goes_to_staff_and_managers_once_in_their_language(
    staff, manager, manager_lt, ending_agreement
):
    for _ in range(3):
        run_sweep_and_send()

    assert recipients_of(mail.outbox) == sorted([staff.email, manager.email, manager_lt.email])
    by_address = {email.to[0]: email for email in mail.outbox}
    english = by_address[manager.email]
    assert "AGR-ENDING" in english.subject and "ends on" in english.subject
    link = absolute_url(ending_agreement.get_absolute_url())
    assert link in english.body
    html, mimetype = english.alternatives[0]
    assert mimetype == "text/html" and link in html and '<html lang="en">' in html
    # An empty language preference means Lithuanian, dates as Lithuanians write them.
    lithuanian = by_address[manager_lt.email]
    assert '<html lang="lt">' in lithuanian.alternatives[0][0]
    with translation.override("en"):
        english_day = date_format(ending_agreement.ends_on, "DATE_FORMAT")
    with translation.override("lt"):
        lithuanian_day = date_format(ending_agreement.ends_on, "DATE_FORMAT")
    assert english.subject.endswith(f"ends on {english_day}") and f"ends on {english_day}." in english.body
    assert lithuanian.subject.endswith(f"baigiasi {lithuanian_day}")
    assert f"baigiasi {lithuanian_day}\n" in lithuanian.body  # the day's own full stop ends the sentence
    assert OutgoingMessage.objects.get(recipient=manager_lt).language == "lt"
    assert set(OutgoingMessage.objects.values_list("status", flat=True)) == {Status.SENT}


def test_changed_end_date_is_a_new_occasion(staff, ending_agreement):
    run_sweep_and_send()
    ending_agreement.ends_on += datetime.timedelta(days=5)
    ending_agreement.save()
    run_sweep_and_send()
    assert OutgoingMessage.objects.filter(recipient=staff).count() == 2


def test_agreement_outside_the_window_draft_or_terminated_gets_nothing(staff, cluster):
    today = timezone.localdate()
    ActiveAgreementFactory(starts_on=today - datetime.timedelta(days=10), ends_on=today + datetime.timedelta(days=31))
    AgreementFactory(starts_on=today - datetime.timedelta(days=10), ends_on=today + datetime.timedelta(days=5))
    ActiveAgreementFactory(
        starts_on=today - datetime.timedelta(days=10),
        ends_on=today + datetime.timedelta(days=5),
        terminated_on=today,
        termination_reason="Left the programme",
    )
    run_sweep_and_send()
    assert OutgoingMessage.objects.count() == 0
    assert mail.outbox == []


def test_label_expiring_in_90_days_but_not_when_renewed(staff, cluster, manager):
    today = timezone.localdate()
    expiring = LabelAwardFactory(
        cluster=cluster,
        awarded_on=today - datetime.timedelta(days=600),
        valid_until=today + datetime.timedelta(days=80),
    )
    renewed_cluster = ClusterFactory()
    LabelAwardFactory(
        cluster=renewed_cluster,
        awarded_on=today - datetime.timedelta(days=600),
        valid_until=today + datetime.timedelta(days=30),
    )
    LabelAwardFactory(
        cluster=renewed_cluster,
        awarded_on=today - datetime.timedelta(days=5),
        valid_until=today + datetime.timedelta(days=700),
    )
    LabelAwardFactory(cluster=ClusterFactory(), valid_until=today + datetime.timedelta(days=91))

    for _ in range(2):
        run_sweep_and_send("label_expiring")

    assert set(OutgoingMessage.objects.values_list("object_id", flat=True)) == {expiring.pk}
    assert staff.email in recipients_of(mail.outbox) and manager.email in recipients_of(mail.outbox)
    assert len(mail.outbox) == 3
    assert absolute_url(cluster.get_absolute_url()) in mail.outbox[0].body


def test_enqueue_is_idempotent_and_sends_after_commit(staff, ending_agreement, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message_enqueue(kind="agreement_ending", obj=ending_agreement, occasion="manual", recipients=[staff])
        message_enqueue(kind="agreement_ending", obj=ending_agreement, occasion="manual", recipients=[staff])
    # Nothing is sent before the transaction commits.
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert OutgoingMessage.objects.filter(occasion="manual").count() == 1
    assert recipients_of(mail.outbox) == [staff.email]


def test_unreachable_broker_keeps_the_request_alive_and_the_sweep_sends_later(
    staff, ending_agreement, django_capture_on_commit_callbacks
):
    with (
        mock.patch("notifications.tasks.send_messages.delay", side_effect=ConnectionError("Redis is down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        ids = message_enqueue(kind="agreement_ending", obj=ending_agreement, occasion="manual", recipients=[staff])
    assert OutgoingMessage.objects.get(pk__in=ids).status == Status.PENDING
    assert mail.outbox == []

    call_command("send_due_messages", "--no-sweeps", stdout=mock.MagicMock())
    assert OutgoingMessage.objects.get(pk__in=ids).status == Status.SENT
    assert len(mail.outbox) == 1


def test_recipients_without_address_or_inactive_are_skipped_and_the_rest_sent(staff, ending_agreement, cluster):
    no_address = UserFactory(email="")
    gone = UserFactory(email="gone@example.com", is_active=False)
    cluster.managers.add(no_address, gone)
    run_sweep_and_send()

    skipped = OutgoingMessage.objects.filter(status=Status.SKIPPED)
    assert {m.recipient_id for m in skipped} == {no_address.pk, gone.pk}
    assert all(m.last_error for m in skipped)
    assert recipients_of(mail.outbox) == sorted(["manager@example.com", "vadove@example.com", staff.email])


def test_user_deactivated_after_enqueue_and_deleted_object_are_skipped(staff):
    leaver = OutgoingMessageFactory()
    leaver.recipient.is_active = False
    leaver.recipient.save()
    orphan = OutgoingMessageFactory()
    OutgoingMessage.objects.filter(pk=orphan.pk).update(object_id=999_999)
    fine = OutgoingMessageFactory()
    messages_send()
    leaver.refresh_from_db()
    orphan.refresh_from_db()
    assert (leaver.status, orphan.status) == (Status.SKIPPED, Status.SKIPPED)
    assert orphan.last_error == "The object no longer exists."
    # Never tried again: the claim's lease must not linger as a "next attempt" (as on a message skipped at creation).
    assert (leaver.next_attempt_at, orphan.next_attempt_at) == (None, None)
    assert recipients_of(mail.outbox) == [fine.recipient_email]


# Sending: retries and failure --------------------------------------------------------------------


def test_smtp_failure_retries_with_backoff_then_shows_as_failed(settings, staff, ending_agreement, caplog):
    settings.EMAIL_BACKEND = "notifications.tests.backends.FailingBackend"
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    message = OutgoingMessageFactory(about=ending_agreement, recipient=staff)
    now = timezone.now()

    messages_send(now=now)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.PENDING, 1)
    assert "SMTPServerDisconnected" in message.last_error
    assert message.next_attempt_at > now

    # Not due again before the backoff has passed.
    messages_send(now=now + datetime.timedelta(seconds=30))
    message.refresh_from_db()
    assert message.attempts == 1

    later = message.next_attempt_at
    messages_send(now=later)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.PENDING, 2)
    assert message.next_attempt_at - later > later - now  # the backoff grows

    assert messages_send(now=message.next_attempt_at).failed == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == (Status.FAILED, 3, None)
    assert "Connection unexpectedly closed" in message.last_error
    logged = [r.getMessage() for r in caplog.records if r.name == "notifications.services"]
    error = "SMTPServerDisconnected: Connection unexpectedly closed"
    assert logged == [
        f"Message {message.pk} (agreement_ending) failed, will retry: Connection unexpectedly closed"
    ] * 2 + [f"Message {message.pk} (agreement_ending) failed for good: {error}"]

    messages_send(now=now + datetime.timedelta(days=30))
    message.refresh_from_db()
    assert message.attempts == 3


def test_a_failing_message_does_not_stop_the_batch(settings, staff, ending_agreement):
    broken = OutgoingMessageFactory(kind="agreement_ending", about=ending_agreement, recipient=staff)
    fine = OutgoingMessageFactory(about=ending_agreement)
    with mock.patch(
        "notifications.services.render_message",
        wraps=__import__("notifications.services", fromlist=["render_message"]).render_message,
    ) as render:
        original = render._mock_wraps

        def flaky(message, *args):
            if message.pk == broken.pk:
                raise ValueError("template exploded")
            return original(message, *args)

        render.side_effect = flaky
        messages_send()
    broken.refresh_from_db()
    fine.refresh_from_db()
    assert broken.status == Status.PENDING and "template exploded" in broken.last_error
    assert fine.status == Status.SENT
    assert recipients_of(mail.outbox) == [fine.recipient_email]


# Batches and query counts ------------------------------------------------------------------------


def _agreements_ending(count):
    today = timezone.localdate()
    for _ in range(count):
        ActiveAgreementFactory(
            cluster=ClusterFactory(managers=[UserFactory()]),
            starts_on=today - datetime.timedelta(days=100),
            ends_on=today + datetime.timedelta(days=10),
        )


@pytest.mark.parametrize("count", [5, 50])
def test_sweep_query_count_does_not_grow_with_rows(staff, count, monkeypatch):
    _agreements_ending(count)
    sweep = get_sweep("agreement_ending")
    ContentType.objects.get_for_model(Agreement)  # the content type cache is process-wide: warm it for both sizes
    with CaptureQueriesContext(connection) as queries:
        sweep_run(sweep, dispatch=False)
    assert OutgoingMessage.objects.count() == 2 * count
    # Reads: candidates, managers prefetch, staff (+ savepoints) — the same at 5 and 50 rows. Writes: the INSERTs
    # of the messages created, in chunks of the database's parameter limit (SQLite: ~70 rows each).
    reads = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith("INSERT")]
    inserts = len(queries) - len(reads)
    assert len(reads) <= 6 and inserts <= 1 + (2 * count) // 50
    QUERY_COUNTS.setdefault("sweep", set()).add(len(reads))
    assert len(QUERY_COUNTS["sweep"]) == 1


def test_sweep_walks_in_batches(staff):
    from dataclasses import replace

    _agreements_ending(7)
    sweep = replace(get_sweep("agreement_ending"), batch_size=3)
    with CaptureQueriesContext(connection) as queries:
        sweep_run(sweep, dispatch=False)
    assert OutgoingMessage.objects.count() == 14
    candidate_queries = [q for q in queries if 'FROM "agreements_agreement"' in q["sql"]]
    assert len(candidate_queries) == 3
    assert agreements_ending(timezone.now()).count() == 7


@pytest.mark.parametrize("count", [5, 50])
def test_send_query_count_per_batch_is_bounded(staff, count):
    _agreements_ending(count)
    sweep_run(get_sweep("agreement_ending"), dispatch=False)
    ContentType.objects.get_for_model(Agreement)
    with CaptureQueriesContext(connection) as queries:
        result = messages_send(batch_size=200)
    assert result.sent == 2 * count
    # One "sent" mark per email, committed right after its hand-over (a crash repeats at most that one email).
    updates = 'UPDATE "notifications_outgoingmessage"'
    marks = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(updates)]
    assert len(marks) == 1 + 2 * count  # and the claim's lease
    # The rest: claim and lease, users, objects (+ an empty claim to finish): the same at 5 and 50.
    others = len(queries) - len(marks)
    assert others <= 10
    QUERY_COUNTS.setdefault("send", set()).add(others)
    assert len(QUERY_COUNTS["send"]) == 1


# Two workers at once ----------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_at_once_send_each_email_once(settings):
    if not settings.IS_POSTGRES:
        pytest.skip("needs PostgreSQL row locks")
    settings.EMAIL_BACKEND = "notifications.tests.backends.SlowBackend"
    StaffFactory()
    _agreements_ending(4)
    sweep = get_sweep("agreement_ending")
    barrier = threading.Barrier(2)
    errors = []

    def worker():
        try:
            barrier.wait()
            sweep_run(sweep, dispatch=False)
            messages_send(batch_size=3)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert OutgoingMessage.objects.count() == 8
    assert len(mail.outbox) == 8
    assert len({(email.to[0], email.extra_headers["X-InoLink-Message"]) for email in mail.outbox}) == 8
    assert set(OutgoingMessage.objects.values_list("status", flat=True)) == {Status.SENT}


def test_a_real_unreachable_broker_fails_fast_and_the_message_waits(
    monkeypatch, staff, ending_agreement, django_capture_on_commit_callbacks
):
    import time

    from inolink.celery import app

    dead = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    monkeypatch.setenv("CELERY_BROKER_URL", dead)
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=dead, task_always_eager=False)
    app.close()
    try:
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            ids = message_enqueue(kind="agreement_ending", obj=ending_agreement, occasion="dead", recipients=[staff])
        assert time.monotonic() - started < 15
    finally:
        monkeypatch.undo()
        app.conf.update(saved)
        app.close()
    assert OutgoingMessage.objects.get(pk__in=ids).status == Status.PENDING
    messages_send()
    assert OutgoingMessage.objects.get(pk__in=ids).status == Status.SENT


def test_soft_time_limit_mid_batch_keeps_what_was_sent(staff):
    from celery.exceptions import SoftTimeLimitExceeded

    from notifications import services

    first, second, third = OutgoingMessageFactory.create_batch(3)
    real = services.render_message

    def render(message, *args):
        if message.pk == second.pk:
            raise SoftTimeLimitExceeded()
        return real(message, *args)

    with mock.patch.object(services, "render_message", side_effect=render):
        result = messages_send()
    assert result.out_of_time and result.sent == 1
    statuses = dict(OutgoingMessage.objects.values_list("pk", "status"))
    assert statuses == {first.pk: Status.SENT, second.pk: Status.PENDING, third.pk: Status.PENDING}
    assert recipients_of(mail.outbox) == [first.recipient_email]
    messages_send()
    assert len(mail.outbox) == 2  # the third now; the second after its short backoff


def test_soft_time_limit_between_sends_still_records_what_was_sent(staff):
    from celery.exceptions import SoftTimeLimitExceeded

    from notifications import registry

    first, second = OutgoingMessageFactory.create_batch(2)
    kind = registry.get_kind(first.kind)

    def relevant(obj, message):
        if message.pk == second.pk:
            raise SoftTimeLimitExceeded()  # inside the kind's own check, which guards against broken checks
        return kind.still_relevant(obj, message)

    with mock.patch.dict(registry._registry, {kind.key: dataclasses.replace(kind, still_relevant=relevant)}):
        result = messages_send()
    assert result.out_of_time and result.sent == 1
    statuses = dict(OutgoingMessage.objects.values_list("pk", "status"))
    assert statuses == {first.pk: Status.SENT, second.pk: Status.PENDING}
    messages_send()
    assert recipients_of(mail.outbox) == [first.recipient_email, second.recipient_email]  # nobody twice


def test_nothing_is_sent_when_the_cause_went_away_before_sending(staff, ending_agreement, cluster, caplog):
    sweep_run(get_sweep("agreement_ending"), dispatch=False)
    today = timezone.localdate()
    label = LabelAwardFactory(
        cluster=cluster,
        awarded_on=today - datetime.timedelta(days=600),
        valid_until=today + datetime.timedelta(days=60),
    )
    sweep_run(get_sweep("label_expiring"), dispatch=False)
    # Meanwhile: the agreement is terminated and the label renewed.
    ending_agreement.terminated_on = today
    ending_agreement.termination_reason = "Cluster dissolved"
    ending_agreement.save()
    LabelAwardFactory(
        cluster=cluster, level=label.level, awarded_on=today, valid_until=today + datetime.timedelta(days=700)
    )

    messages_send()
    assert mail.outbox == []
    assert set(OutgoingMessage.objects.values_list("status", flat=True)) == {Status.SKIPPED}
    reason = "No longer relevant: the object changed after the message was created."
    assert OutgoingMessage.objects.filter(last_error=reason).count() == 6
    skipped = OutgoingMessage.objects.filter(kind="agreement_ending", recipient=staff).get()
    assert f"Skipping message {skipped.pk} (agreement_ending): {reason}" in [r.getMessage() for r in caplog.records]


# A sender that dies mid-batch ---------------------------------------------------------------------


def test_a_sender_killed_mid_batch_sends_nothing_twice_and_the_rest_after_its_lease(settings, staff):
    from .backends import WorkerKilled

    settings.EMAIL_BACKEND = "notifications.tests.backends.DyingBackend"
    messages = OutgoingMessageFactory.create_batch(6)
    now = timezone.now()
    with pytest.raises(WorkerKilled):
        messages_send(now=now)
    statuses = dict(OutgoingMessage.objects.values_list("pk", "status"))
    # Each "sent" mark was committed right after its hand-over; the third was accepted by the server, then the
    # sender died before recording it.
    assert [statuses[m.pk] for m in messages] == [Status.SENT] * 2 + [Status.PENDING] * 4

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    lease = datetime.timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)
    assert messages_send(now=now + lease - datetime.timedelta(seconds=1)).sent == 0  # still the dead one's
    assert messages_send(now=now + lease).sent == 4
    sent = [int(email.extra_headers["X-InoLink-Message"]) for email in mail.outbox]
    assert sorted(sent) == sorted([m.pk for m in messages] + [messages[2].pk])  # one duplicate, none lost


def test_a_message_that_kills_its_sender_every_time_fails_after_the_last_attempt(settings, staff, caplog):
    from .backends import WorkerKilled

    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    settings.EMAIL_BACKEND = "notifications.tests.backends.PoisonBackend"
    message = OutgoingMessageFactory()
    message.last_error = "MemoryError"
    message.save()
    lease = datetime.timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)
    now = timezone.now()
    for _ in range(2):
        with pytest.raises(WorkerKilled):
            messages_send(now=now)
        now += lease
    assert messages_send(now=now).failed == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == (Status.FAILED, 2, None)
    assert message.last_error == "Gave up: 2 attempts ended without a result. MemoryError"
    assert f"Message {message.pk} (agreement_ending) failed for good: {message.last_error}" in [
        r.getMessage() for r in caplog.records
    ]


def test_a_sender_whose_lease_runs_short_gives_the_rest_back_and_claims_them_again(settings, staff, caplog):
    settings.EMAIL_BACKEND = "notifications.tests.backends.SlowBackend"  # 0.2 s a message
    settings.NOTIFICATIONS_LEASE_SECONDS = 1  # no hand-over after 0.75 s
    messages = OutgoingMessageFactory.create_batch(6)
    result = messages_send()
    assert result.sent == 6 and result.given_back > 0
    assert "The lease of this batch is running out" in caplog.text
    assert len(mail.outbox) == 6
    # Each message was tried once: the claims of those given back, untried, are not counted.
    assert set(OutgoingMessage.objects.values_list("status", "attempts")) == {(Status.SENT, 1)}
    assert {m.pk for m in messages} == {int(e.extra_headers["X-InoLink-Message"]) for e in mail.outbox}


def test_sending_failed_messages_again_leaves_a_message_being_sent_to_its_sender(staff):
    failed = OutgoingMessageFactory(status=Status.FAILED, attempts=5, last_error="boom")
    being_sent = OutgoingMessageFactory(attempts=1, next_attempt_at=timezone.now() + datetime.timedelta(seconds=30))
    assert messages_retry(ids=[failed.pk, being_sent.pk]) == 1
    being_sent.refresh_from_db()
    assert being_sent.attempts == 1 and being_sent.next_attempt_at > timezone.now()  # its lease holds
    messages_send()
    assert recipients_of(mail.outbox) == [failed.recipient_email]


def test_a_message_reads_as_kind_address_and_occasion_or_the_recipients_id_without_an_address(db):
    user = UserFactory(email="person@example.com")
    message = OutgoingMessageFactory(recipient=user, occasion="ends-2026-12-31")
    assert str(message) == "agreement_ending → person@example.com (ends-2026-12-31)"
    message.recipient_email = ""
    assert str(message) == f"agreement_ending → {user.pk} (ends-2026-12-31)"


def test_an_occasion_with_no_recipient_is_recorded_skipped_once_and_never_sent(ending_agreement):
    """Issue 14: nothing reads as sent when nobody was told (a cluster without managers)."""
    for _ in range(2):
        assert message_enqueue(kind="agreement_ending", obj=ending_agreement, occasion="gap", recipients=[]) == []
    [record] = OutgoingMessage.objects.filter(occasion="gap")
    assert record.recipient is None and record.status == Status.SKIPPED
    assert record.last_error.startswith("Nobody to tell")
    messages_send()
    record.refresh_from_db()
    assert record.status == Status.SKIPPED and record.sent_at is None
    assert mail.outbox == []


# The exact rules: defaults, backoff, words, headers ----------------------------------------------


def test_without_settings_five_attempts_a_minute_lease_and_a_minute_backoff(settings):
    from notifications.services import lease_seconds, max_attempts, retry_delay

    del settings.NOTIFICATIONS_MAX_ATTEMPTS
    del settings.NOTIFICATIONS_LEASE_SECONDS
    del settings.NOTIFICATIONS_RETRY_BASE_SECONDS
    assert (max_attempts(), lease_seconds()) == (5, 60)
    assert retry_delay(1) == datetime.timedelta(minutes=1)


def test_backoff_is_1_4_16_64_minutes_capped_at_six_hours(settings):
    from notifications.services import retry_delay

    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 60
    minutes = [retry_delay(attempts) / datetime.timedelta(minutes=1) for attempts in range(0, 6)]
    assert minutes == [1, 1, 4, 16, 64, 256]
    assert retry_delay(6) == retry_delay(20) == datetime.timedelta(hours=6)
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 7
    assert retry_delay(1) == datetime.timedelta(seconds=7)
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 0  # never "due again at once"
    assert retry_delay(1) == datetime.timedelta(seconds=1)


def test_plain_text_keeps_one_blank_line_at_most_and_the_text_as_written():
    from notifications.services import plain_text

    assert plain_text("\n\n  Dear Ona,\n\n\n\nReply to X\n\n") == "  Dear Ona,\n\nReply to X\n"
    assert plain_text("One\n\nTwo") == "One\n\nTwo\n"


def test_an_unreachable_broker_is_logged_with_the_task_and_its_ids(
    staff, ending_agreement, django_capture_on_commit_callbacks, caplog
):
    with (
        mock.patch("notifications.tasks.send_messages.delay", side_effect=ConnectionError("Redis is down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        ids = message_enqueue(kind="agreement_ending", obj=ending_agreement, occasion="manual", recipients=[staff])
    [record] = [r for r in caplog.records if r.name == "notifications.services"]
    assert record.getMessage() == (
        f"Could not enqueue notifications.tasks.send_messages({ids!r},); the next sweep will do it."
    )


def test_skipped_messages_say_why_in_words(staff):
    inactive = OutgoingMessageFactory(recipient=UserFactory(is_active=False))
    no_address = OutgoingMessageFactory(recipient=UserFactory(email=" "))
    nobody = OutgoingMessageFactory(recipient=None, recipient_email="")
    assert messages_send().skipped == 3
    assert set(OutgoingMessage.objects.values_list("status", "attempts")) == {(Status.SKIPPED, 0)}  # never tried
    reasons = dict(OutgoingMessage.objects.values_list("pk", "last_error"))
    assert reasons == {
        inactive.pk: "The recipient's account is inactive.",
        no_address.pk: "The recipient has no email address.",
        nobody.pk: "The recipient no longer exists.",
    }
    assert mail.outbox == []


def test_retry_resets_the_attempts_and_sends_only_the_messages_retried(staff, django_capture_on_commit_callbacks):
    earlier = timezone.now() - datetime.timedelta(hours=1)
    failed = OutgoingMessageFactory(status=Status.FAILED, attempts=5, last_error="boom", next_attempt_at=earlier)
    skipped = OutgoingMessageFactory(status=Status.SKIPPED, last_error="The recipient has no email address.")
    other_failed = OutgoingMessageFactory(status=Status.FAILED, attempts=5, last_error="boom")
    other_due = OutgoingMessageFactory()  # pending and due, but not asked for
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert messages_retry(ids=[failed.pk, skipped.pk]) == 2
    rows = {m.pk: (m.status, m.attempts, m.next_attempt_at, m.last_error) for m in OutgoingMessage.objects.all()}
    assert rows[failed.pk] == rows[skipped.pk] == (Status.PENDING, 0, None, "")
    assert rows[other_failed.pk] == (Status.FAILED, 5, None, "boom")
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert recipients_of(mail.outbox) == sorted([failed.recipient_email, skipped.recipient_email])
    other_due.refresh_from_db()
    assert other_due.status == Status.PENDING


def test_retry_with_the_broker_down_leaves_the_messages_to_the_sweep(staff, django_capture_on_commit_callbacks):
    failed = OutgoingMessageFactory(status=Status.FAILED, attempts=5, last_error="boom")
    with (
        mock.patch("notifications.tasks.send_messages.delay", side_effect=ConnectionError("Redis is down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert messages_retry(ids=[failed.pk]) == 1
    failed.refresh_from_db()
    assert failed.status == Status.PENDING and mail.outbox == []


def test_enqueue_returns_and_sends_only_this_occasions_messages(
    staff, manager, ending_agreement, django_capture_on_commit_callbacks
):
    other_agreement = ActiveAgreementFactory()
    others = [
        OutgoingMessageFactory(about=ending_agreement, recipient=manager, occasion="earlier"),
        OutgoingMessageFactory(about=ending_agreement, recipient=manager, occasion="manual", kind="label_expiring"),
        OutgoingMessageFactory(about=other_agreement, recipient=manager, occasion="manual"),
        OutgoingMessageFactory(about=ClusterFactory(), recipient=manager, occasion="manual"),
    ]
    # The same kind, id and occasion, about an object of another model.
    OutgoingMessage.objects.filter(pk=others[-1].pk).update(object_id=ending_agreement.pk)
    with django_capture_on_commit_callbacks(execute=True):
        ids = message_enqueue(kind="agreement_ending", obj=ending_agreement, occasion="manual", recipients=[staff])
    assert ids == list(OutgoingMessage.objects.filter(recipient=staff).values_list("pk", flat=True))
    assert recipients_of(mail.outbox) == [staff.email]
    assert {m.status for m in OutgoingMessage.objects.filter(pk__in=[m.pk for m in others])} == {Status.PENDING}


def test_a_sent_message_records_its_subject_and_clears_its_error_and_next_attempt(settings, staff, ending_agreement):
    from notifications import registry

    kind = registry.get_kind("agreement_ending")
    long_kind = dataclasses.replace(kind, subject=lambda obj, ctx: "Ending " + "x" * 300)
    message = OutgoingMessageFactory(about=ending_agreement, recipient=staff, last_error="SMTPServerDisconnected")
    with mock.patch.dict(registry._registry, {kind.key: long_kind}):
        assert messages_send().sent == 1
    message.refresh_from_db()
    assert message.status == Status.SENT and message.sent_at is not None
    assert message.subject == ("Ending " + "x" * 300)[:255]
    assert (message.last_error, message.next_attempt_at) == ("", None)


NOTE_TEMPLATES = {
    "tests/note.txt": (
        "{{ recipient.email }}|{{ recipient.first_name }}|{{ recipient.preferred_language }}|{{ message.pk }}|"
        "{{ site_url }}|{{ object_url }}|{{ subject }}|{{ extra }}|{{ note }}"
    ),
    "tests/note.html": "<p>{{ subject }}</p>",
}


@pytest.fixture
def note_kind(settings):
    """A kind with every option, and templates that print what they are given."""
    from notifications import registry
    from notifications.registry import MessageKind

    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", NOTE_TEMPLATES)]},
        }
    ]
    kind = MessageKind(
        key="test_note",
        model="agreements.Agreement",
        subject=lambda obj, ctx: f"Note  about\n {obj.number}: {ctx['extra']}",
        template="tests/note",
        context=lambda obj, message: {"extra": message.context.get("extra", "none")},
        attachments=lambda obj, message: [("note", f"message {message.pk}", "text/plain")],
        reply_to=lambda obj, message: ["expert@example.com", "", "other@example.com"],
    )
    with mock.patch.dict(registry._registry, {kind.key: kind}):
        yield kind


def test_the_email_carries_subject_body_sender_reply_to_headers_and_attachments(settings, staff, note_kind):
    from notifications.services import render_message

    agreement = ActiveAgreementFactory(number="AGR-7")
    message = OutgoingMessageFactory(
        kind="test_note", about=agreement, recipient=staff, context={"extra": "hi", "note": "see you"}
    )
    email = render_message(message, note_kind, agreement, staff)
    assert email.subject == "Note about AGR-7: hi"
    link = absolute_url(agreement.get_absolute_url())
    assert (
        email.body
        == f"staff@example.com|{staff.first_name}|en|{message.pk}|{settings.SITE_URL}|{link}|{email.subject}|hi|"
        "see you\n"
    )
    assert email.alternatives[0] == ("<p>Note about AGR-7: hi</p>", "text/html")
    assert (email.from_email, email.to) == (settings.DEFAULT_FROM_EMAIL, ["staff@example.com"])
    assert email.reply_to == ["expert@example.com", "other@example.com"]
    assert email.extra_headers == {"Auto-Submitted": "auto-generated", "X-InoLink-Message": str(message.pk)}
    assert email.attachments == [("note", f"message {message.pk}", "text/plain")]


def test_an_invitee_without_an_account_is_written_to_by_address_language_and_first_name(staff, note_kind):
    agreement = ActiveAgreementFactory(number="AGR-8")
    named = OutgoingMessageFactory(
        kind="test_note",
        about=agreement,
        recipient=None,
        recipient_email="ona@example.com",
        language="en",
        context={"first_name": "Ona", "extra": "welcome"},
    )
    unnamed = OutgoingMessageFactory(
        kind="test_note", about=agreement, recipient=None, recipient_email="anon@example.com", language="en"
    )
    assert messages_send().sent == 2
    bodies = {email.to[0]: email.body.split("|")[:3] for email in mail.outbox}
    assert bodies == {
        "ona@example.com": ["ona@example.com", "Ona", "en"],
        "anon@example.com": ["anon@example.com", "", "en"],
    }
    assert {named.pk, unnamed.pk} == {int(e.extra_headers["X-InoLink-Message"]) for e in mail.outbox}


def test_a_broken_relevance_check_is_logged_and_the_message_sent(staff, caplog):
    from notifications import registry

    message = OutgoingMessageFactory()
    kind = registry.get_kind(message.kind)

    def broken(obj, message):
        raise ValueError("check exploded")

    with mock.patch.dict(registry._registry, {kind.key: dataclasses.replace(kind, still_relevant=broken)}):
        assert messages_send().sent == 1
    assert f"Relevance check of message {message.pk} (agreement_ending) failed; sending it." in [
        r.getMessage() for r in caplog.records
    ]
    assert recipients_of(mail.outbox) == [message.recipient_email]


def test_a_message_of_an_unknown_kind_is_logged_and_skipped_and_the_rest_sent(staff, caplog):
    unknown = OutgoingMessageFactory(kind="retired_kind")
    fine = OutgoingMessageFactory()
    result = messages_send()
    assert (result.sent, result.skipped) == (1, 1)
    assert "Messages of unknown kind 'retired_kind' cannot be sent." in [r.getMessage() for r in caplog.records]
    unknown.refresh_from_db()
    assert unknown.last_error == "Unknown message kind 'retired_kind'; register it in <app>/message_kinds.py."
    assert recipients_of(mail.outbox) == [fine.recipient_email]


def test_sending_some_ids_leaves_the_other_due_messages(staff):
    asked, other = OutgoingMessageFactory.create_batch(2)
    assert messages_send(ids=iter([asked.pk])).sent == 1
    assert recipients_of(mail.outbox) == [asked.recipient_email]
    other.refresh_from_db()
    assert other.status == Status.PENDING


def test_full_batches_go_on_until_nothing_is_due(staff):
    OutgoingMessageFactory.create_batch(4)
    assert messages_send(batch_size=2).sent == 4
    assert len(mail.outbox) == 4


def test_no_batch_starts_once_the_time_budget_is_spent(settings, staff):
    settings.EMAIL_BACKEND = "notifications.tests.backends.SlowBackend"  # 0.2 s a message
    OutgoingMessageFactory.create_batch(3)
    assert messages_send(batch_size=1, time_budget=0.1).sent == 1
    assert OutgoingMessage.objects.filter(status=Status.PENDING).count() == 2


def test_creating_logs_who_is_not_told_and_why(ending_agreement, caplog):
    from notifications.services import NOBODY

    inactive = UserFactory(is_active=False)
    message_enqueue(kind="agreement_ending", obj=ending_agreement, occasion="gap", recipients=[], context={"a": 1})
    message_enqueue(kind="agreement_ending", obj=ending_agreement, occasion="left", recipients=[inactive])
    assert [r.getMessage() for r in caplog.records if r.name == "notifications.services"] == [
        f"Not sending agreement_ending about agreements.Agreement #{ending_agreement.pk}: {NOBODY}",
        f"Not sending agreement_ending about agreements.Agreement #{ending_agreement.pk} to user {inactive.pk}: "
        "The recipient's account is inactive.",
    ]
    nobody = OutgoingMessage.objects.get(occasion="gap")
    assert (nobody.language, nobody.context, nobody.last_error) == ("lt", {"a": 1}, NOBODY)
    left = OutgoingMessage.objects.get(occasion="left")
    assert (left.status, left.last_error) == (Status.SKIPPED, "The recipient's account is inactive.")


def test_each_recipient_once_by_account_or_by_address_whatever_its_case(staff, manager, ending_agreement):
    from notifications.services import Address

    no_address = UserFactory(email="")
    recipients = [
        staff,
        staff,
        manager,
        no_address,
        Address("Ona@Example.com", "en", "Ona"),
        Address(" ona@example.com", "en"),
        Address("jonas@example.com", "lt"),
    ]
    message_enqueue(
        kind="agreement_ending", obj=ending_agreement, occasion="once", recipients=recipients, context={"x": 2}
    )
    rows = OutgoingMessage.objects.filter(occasion="once")
    assert sorted((m.recipient_id or 0, m.recipient_email, m.status) for m in rows) == sorted(
        [
            (staff.pk, staff.email, Status.PENDING),
            (manager.pk, manager.email, Status.PENDING),
            (no_address.pk, "", Status.SKIPPED),
            (0, "Ona@Example.com", Status.PENDING),
            (0, "jonas@example.com", Status.PENDING),
        ]
    )
    assert {m.language for m in rows if not m.recipient_id} == {"en", "lt"}
    assert {tuple(m.context.items()) for m in rows} == {(("x", 2),)}


def test_a_batch_goes_over_one_mail_connection_opened_and_closed_once(settings, staff, caplog):
    from .backends import CountingBackend

    settings.EMAIL_BACKEND = "notifications.tests.backends.CountingBackend"
    CountingBackend.opened = CountingBackend.closed = 0
    CountingBackend.carried = []
    OutgoingMessageFactory.create_batch(3)
    assert messages_send().sent == 3
    assert (CountingBackend.opened, CountingBackend.closed) == (1, 1)
    assert len(CountingBackend.carried) == 3 and len(set(CountingBackend.carried)) == 1
    assert [r for r in caplog.records if r.name == "notifications.services"] == []


def test_a_refused_connection_is_logged_and_each_message_still_sent(settings, staff, caplog):
    settings.EMAIL_BACKEND = "notifications.tests.backends.UnopenableBackend"
    OutgoingMessageFactory.create_batch(2)
    assert messages_send().sent == 2
    [record] = [r for r in caplog.records if r.name == "notifications.services"]
    assert record.getMessage() == "Could not open the mail connection; each message will try on its own."
    assert record.exc_info[0] is ConnectionRefusedError


def test_a_connection_that_fails_to_close_is_logged_and_the_sent_stay_sent(settings, staff, caplog):
    settings.EMAIL_BACKEND = "notifications.tests.backends.UnclosableBackend"
    message = OutgoingMessageFactory()
    assert messages_send().sent == 1
    [record] = [r for r in caplog.records if r.name == "notifications.services"]
    assert (record.levelname, record.getMessage()) == ("WARNING", "Could not close the mail connection.")
    assert record.exc_info[0] is ConnectionResetError
    message.refresh_from_db()
    assert message.status == Status.SENT


@pytest.mark.parametrize("batch_size", [1, 50])
def test_the_result_counts_each_outcome_once_over_one_batch_or_many(settings, staff, batch_size):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    gave_up = OutgoingMessageFactory.create_batch(2, attempts=2, last_error="MemoryError")  # two claims died
    for _ in range(2):
        OutgoingMessageFactory(recipient=UserFactory(is_active=False))
    sent = OutgoingMessageFactory()
    result = messages_send(batch_size=batch_size)
    assert (result.sent, result.failed, result.skipped, result.given_back, result.out_of_time) == (1, 2, 2, 0, False)
    assert set(OutgoingMessage.objects.filter(pk__in=[m.pk for m in gave_up]).values_list("status", "attempts")) == {
        (Status.FAILED, 2)
    }
    assert recipients_of(mail.outbox) == [sent.recipient_email]


def test_no_hand_over_in_the_last_quarter_of_the_lease(settings, staff, monkeypatch, caplog):
    from types import SimpleNamespace

    from notifications import services

    settings.NOTIFICATIONS_LEASE_SECONDS = 60  # hand-overs until 45 s into the batch
    # Each hand-over takes 15 s: the fourth starts at exactly 45 s, the fifth would start at 60 s.
    monkeypatch.setattr(services, "time", SimpleNamespace(monotonic=lambda: 1000 + 15 * len(mail.outbox)))
    OutgoingMessageFactory.create_batch(6)
    result = services.messages_send()
    assert (result.sent, result.given_back) == (6, 2)
    logged = [r.getMessage() for r in caplog.records if r.name == "notifications.services"]
    assert logged == ["The lease of this batch is running out; 2 messages go back."]
    assert set(OutgoingMessage.objects.values_list("status", "attempts")) == {(Status.SENT, 1)}


def test_a_claim_takes_at_most_batch_size_messages(settings, staff, monkeypatch, caplog):
    from types import SimpleNamespace

    from notifications import services

    settings.NOTIFICATIONS_LEASE_SECONDS = 60

    # As above: each hand-over takes 15 s of a 60 s lease, so a claim of more than four would give some back.
    monkeypatch.setattr(services, "time", SimpleNamespace(monotonic=lambda: 1000 + 15 * len(mail.outbox)))
    OutgoingMessageFactory.create_batch(6)
    result = services.messages_send(batch_size=3)
    assert (result.sent, result.given_back) == (6, 0)
    assert [r for r in caplog.records if r.name == "notifications.services"] == []


def test_each_message_that_fails_for_good_in_a_batch_is_counted(settings, staff):
    settings.EMAIL_BACKEND = "notifications.tests.backends.FailingBackend"
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 1
    OutgoingMessageFactory.create_batch(3)
    assert messages_send().failed == 3
    assert set(OutgoingMessage.objects.values_list("status", "attempts")) == {(Status.FAILED, 1)}
