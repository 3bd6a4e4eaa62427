"""Writing and sending outgoing messages, exactly once.

Creating: ``message_enqueue`` (one object, from a service) and ``messages_create``
(many, from a sweep) insert records under the unique key (kind, object, recipient,
occasion) with ON CONFLICT DO NOTHING, so causing the same message twice creates
one record. Sending is handed to Celery only after the surrounding transaction
commits; if the broker is down the record simply waits for the next
``send_due_messages`` run.

Sending: ``messages_send`` claims a batch of due records with ``select_for_update(skip_locked=True)``
and, in that short transaction, gives them a lease (``NOTIFICATIONS_LEASE_SECONDS``, default
60 s): their next attempt moves to the lease's end, so no other sender takes them meanwhile.
Then, for each message, it hands the email to SMTP and at once marks it sent in its own
transaction. Two workers never send the same email, and a task that runs twice sends each once.
A failure is recorded on the row with a backoff; after ``NOTIFICATIONS_MAX_ATTEMPTS`` attempts
the row is ``failed`` and shows in the admin with its error.

The remaining window: if the sender dies (or loses the database) between SMTP's acceptance of a
message and the commit of its "sent" mark, that one message is sent again when the lease ends:
at most one duplicate per dead sender. The other messages it had claimed wait for the lease to
end and are sent then, by the retried task (a dead pool process's task is redelivered at once)
or by the periodic ``send_due_messages``. Measured by ``tests/test_worker.py`` (``kill -9`` of a
real worker mid-batch, 5 s lease, 10 runs): 0 duplicates, 0 lost, all sent 6.6–7.9 s after the
kill; the README's "Background work" gives the details.
"""

import datetime
import logging
import re
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Min, Q, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone, translation

from inolink.ical import absolute_url

from .models import OutgoingMessage
from .registry import MessageKind, get_kind

logger = logging.getLogger(__name__)

SEND_BATCH_SIZE = 50
ERROR_MAX_LENGTH = 2000


def max_attempts() -> int:
    return getattr(settings, "NOTIFICATIONS_MAX_ATTEMPTS", 5)


def retry_delay(attempts: int) -> datetime.timedelta:
    """Exponential backoff after the n-th failed attempt: 1, 4, 16, 64 minutes… capped at 6 hours."""
    base = max(getattr(settings, "NOTIFICATIONS_RETRY_BASE_SECONDS", 60), 1)  # never "due again at once"
    return datetime.timedelta(seconds=min(base * 4 ** max(attempts - 1, 0), 6 * 3600))


def dispatch_task(task, *args) -> None:
    """Hand work to Celery, never failing the caller: the database row is the source of truth.

    When the broker is unreachable the message stays pending and the periodic
    ``send_due_messages`` picks it up once the broker is back.
    """
    try:
        task.delay(*args)
    except Exception:
        logger.exception("Could not enqueue %s%r; the next sweep will do it.", task.name, args)


NOBODY = "Nobody to tell: no one receives this message (e.g. the cluster has no manager account)."


def _skip_reason(user) -> str:
    if user is None:
        return "The recipient no longer exists."
    if not user.is_active:
        return "The recipient's account is inactive."
    if not (user.email or "").strip():
        return "The recipient has no email address."
    return ""


@dataclass(frozen=True)
class Address:
    """Someone without an account yet (an invitee): an email address, the language to write in, a first name.

    Offered as a recipient like a user; its record has no ``recipient``, only ``recipient_email``, so the occasion
    must name the moment (an invitation's send) for the message to be created once.
    """

    email: str
    language: str
    first_name: str = ""
    pk = None
    is_active = True

    @property
    def preferred_language(self) -> str:
        return self.language or settings.LANGUAGE_CODE


def _recipient_of(message: OutgoingMessage, users: dict):
    """The user a record is for, or, for a record without one, the address it was written to."""
    if message.recipient_id is not None:
        return users.get(message.recipient_id)
    if message.recipient_email:
        return Address(message.recipient_email, message.language, (message.context or {}).get("first_name", ""))
    return None


@dataclass
class _Row:
    obj: object
    recipients: Iterable
    occasion: str
    context: dict = field(default_factory=dict)


def messages_create(*, kind: str, rows: Iterable[tuple]) -> int:
    """Insert the messages for many (obj, recipients, occasion, context) rows; existing ones are left alone.

    A recipient who cannot receive email (inactive, no address) gets a ``skipped``
    record with the reason, logged, so staff can see why nobody was told; so does an
    occasion with no recipient at all (a cluster without a manager account), as one
    ``skipped`` record without a recipient (``NOBODY``): nothing reads as told when
    nobody was. Returns the number of rows offered (existing ones included).
    """
    spec = get_kind(kind)
    records = []
    for row in rows:
        row = _Row(*row)
        content_type = ContentType.objects.get_for_model(row.obj)
        seen = set()
        recipients = list(row.recipients)
        if not recipients:
            logger.warning("Not sending %s about %s #%s: %s", kind, spec.model, row.obj.pk, NOBODY)
            records.append(
                OutgoingMessage(
                    kind=kind,
                    content_type=content_type,
                    object_id=row.obj.pk,
                    recipient=None,
                    language=settings.LANGUAGE_CODE,
                    occasion=row.occasion,
                    context=row.context or {},
                    status=OutgoingMessage.Status.SKIPPED,
                    last_error=NOBODY,
                )
            )
        for user in recipients:
            key = user.pk if user.pk is not None else (user.email or "").strip().lower()
            if key in seen:
                continue
            seen.add(key)
            reason = _skip_reason(user)
            if reason:
                logger.warning(
                    "Not sending %s about %s #%s to user %s: %s", kind, spec.model, row.obj.pk, user.pk, reason
                )
            records.append(
                OutgoingMessage(
                    kind=kind,
                    content_type=content_type,
                    object_id=row.obj.pk,
                    recipient=user if user.pk is not None else None,
                    recipient_email=(user.email or "").strip(),
                    language=user.preferred_language,
                    occasion=row.occasion,
                    context=row.context or {},
                    status=OutgoingMessage.Status.SKIPPED if reason else OutgoingMessage.Status.PENDING,
                    last_error=reason,
                )
            )
    if records:
        OutgoingMessage.objects.bulk_create(records, ignore_conflicts=True, batch_size=500)
    return len(records)


def message_enqueue(*, kind: str, obj, occasion: str, recipients: Iterable | None = None, context=None) -> list[int]:
    """Record one message per recipient for this occasion (idempotent) and send them after commit.

    ``recipients`` defaults to the kind's own recipients for the object;
    ``context`` (JSON-serialisable) is stored on the record and given to the templates.
    Returns the ids of the pending records for this occasion.
    """
    from .tasks import send_messages

    spec = get_kind(kind)
    if recipients is None:
        recipients = spec.recipients(obj)
    messages_create(kind=kind, rows=[(obj, recipients, occasion, context or {})])
    ids = list(
        OutgoingMessage.objects.filter(
            kind=kind,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=obj.pk,
            occasion=occasion,
            status=OutgoingMessage.Status.PENDING,
        ).values_list("pk", flat=True)
    )
    if ids:
        transaction.on_commit(partial(dispatch_task, send_messages, ids))
    return ids


def messages_retry(*, ids: Iterable[int]) -> int:
    """Give failed (or skipped) messages a fresh set of attempts, e.g. after fixing an address; staff only.

    Pending ones are left alone: one may be leased to a worker that is sending it right now.
    """
    from .tasks import send_messages

    ids = list(ids)
    count = OutgoingMessage.objects.filter(
        pk__in=ids, status__in=[OutgoingMessage.Status.FAILED, OutgoingMessage.Status.SKIPPED]
    ).update(status=OutgoingMessage.Status.PENDING, attempts=0, next_attempt_at=None, last_error="")
    if count:
        transaction.on_commit(partial(dispatch_task, send_messages, ids))
    return count


# Sending ---------------------------------------------------------------------


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    given_back: int = 0  # claimed, but the lease ran short before their turn
    out_of_time: bool = False

    def add(self, other: "SendResult") -> None:
        self.out_of_time = self.out_of_time or other.out_of_time
        self.sent += other.sent
        self.failed += other.failed
        self.skipped += other.skipped
        self.given_back += other.given_back


def lease_seconds() -> int:
    return getattr(settings, "NOTIFICATIONS_LEASE_SECONDS", 60)


def due_messages(now: datetime.datetime):
    """Pending messages whose backoff, or the lease of the sender that claimed them, has run out."""
    return OutgoingMessage.objects.filter(status=OutgoingMessage.Status.PENDING).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


def next_due_at(*, ids: Iterable[int], now: datetime.datetime) -> datetime.datetime | None:
    """When the first of these messages that are still pending becomes due (``now`` if one already is), or None."""
    return (
        OutgoingMessage.objects.filter(pk__in=list(ids), status=OutgoingMessage.Status.PENDING)
        .aggregate(at=Min(Coalesce("next_attempt_at", Value(now))))
        .get("at")
    )


def messages_send(
    *, ids: Iterable[int] | None = None, now=None, batch_size: int = SEND_BATCH_SIZE, time_budget: float | None = None
) -> SendResult:
    """Send the due messages (all of them, or those among ``ids``), batch by batch.

    Each batch is claimed in its own short transaction (``_claim``: a lease), then each message
    is handed to SMTP and at once marked sent in its own transaction, so a sender that dies
    mid-batch leaves at most the one message it was handing over unmarked (sent again later:
    the only duplicate), and the batch's other messages come back when the lease ends. With
    ``time_budget`` (seconds) no new batch starts after it is spent, so a task stops well
    inside its time limit.
    """
    ids = None if ids is None else list(ids)
    result = SendResult()
    stop_at = time.monotonic() + time_budget if time_budget else None
    while stop_at is None or time.monotonic() < stop_at:
        batch_now = now or timezone.now()  # a fresh clock per batch, or the lease would start in the past
        batch = _claim(ids=ids, now=batch_now, batch_size=batch_size)
        if not batch:
            break
        batch_result = _send_batch(batch, batch_now)
        result.add(batch_result)
        if (len(batch) < batch_size and not batch_result.given_back) or result.out_of_time:
            break
    return result


def _claim(*, ids: list[int] | None, now: datetime.datetime, batch_size: int) -> list[OutgoingMessage]:
    """Take up to ``batch_size`` due messages for this sender, and commit: a lease of ``NOTIFICATIONS_LEASE_SECONDS``.

    The rows are locked only while they are claimed (``skip_locked``: two senders never claim the same
    row); the claim moves each row's next attempt to the end of the lease, so no other sender takes it
    while this one works, and a sender that dies gives it back when the lease ends. The claim counts
    the attempt, so a message whose sending kills the worker every time fails after
    ``NOTIFICATIONS_MAX_ATTEMPTS`` instead of taking the worker down for ever.
    """
    with transaction.atomic():
        claim = due_messages(now).select_for_update(skip_locked=True).order_by("pk")
        if ids is not None:
            claim = claim.filter(pk__in=ids)
        batch = list(claim[:batch_size])
        if batch:
            lease_end = now + datetime.timedelta(seconds=lease_seconds())
            OutgoingMessage.objects.filter(pk__in=[message.pk for message in batch]).update(
                attempts=F("attempts") + 1, next_attempt_at=lease_end
            )
            for message in batch:
                message.attempts += 1
                message.next_attempt_at = lease_end
    return batch


def _load_objects(batch) -> dict[tuple[str, int], object]:
    """The objects the batch is about: one query per kind in the batch."""
    wanted = defaultdict(set)
    for message in batch:
        wanted[message.kind].add(message.object_id)
    objects = {}
    for key, pks in wanted.items():
        try:
            spec = get_kind(key)
        except LookupError:
            logger.error("Messages of unknown kind %r cannot be sent.", key)
            continue
        queryset = spec.model_class()._default_manager.select_related(*spec.select_related)
        for pk, obj in queryset.in_bulk(pks).items():
            objects[(key, pk)] = obj
    return objects


def _missing_object_reason(message, obj) -> str:
    """Why the message has nothing to be about ("" when its object was found)."""
    if obj is not None:
        return ""
    try:
        get_kind(message.kind)
    except LookupError as unknown:
        return str(unknown)
    return "The object no longer exists."


def _still_relevant(message, obj) -> bool:
    try:
        return get_kind(message.kind).still_relevant(obj, message)
    except SoftTimeLimitExceeded:
        raise  # the sender's time is up: not a broken check
    except Exception:
        # A broken check must not block the batch; sending is the safer default for a notice.
        logger.exception("Relevance check of message %s (%s) failed; sending it.", message.pk, message.kind)
        return True


def _mark_sent(message: OutgoingMessage, email) -> None:
    """Record the hand-over at once, in its own transaction: from here on a dead sender cannot send it again."""
    message.status, message.sent_at, message.last_error = OutgoingMessage.Status.SENT, timezone.now(), ""
    message.subject, message.next_attempt_at = email.subject[:255], None
    OutgoingMessage.objects.filter(pk=message.pk).update(
        status=message.status,
        sent_at=message.sent_at,
        last_error="",
        subject=message.subject,
        next_attempt_at=None,
    )


def _send_batch(batch: list[OutgoingMessage], now) -> SendResult:
    result = SendResult()
    # Hand nothing over in the lease's last quarter: that leaves room for the last hand-over (EMAIL_TIMEOUT)
    # and for clocks that differ between hosts before another sender may claim what is left.
    hand_over_until = time.monotonic() + lease_seconds() * 3 / 4
    settled = 0  # batch[:settled] have their outcome; the rest go back unattempted
    users = get_user_model().objects.in_bulk({m.recipient_id for m in batch if m.recipient_id})
    objects = _load_objects(batch)
    connection = get_connection()
    try:
        connection.open()
    except Exception:
        logger.exception("Could not open the mail connection; each message will try on its own.")
    try:
        for message in batch:
            if settled and time.monotonic() > hand_over_until:  # the first always goes: every claim makes progress
                logger.warning("The lease of this batch is running out; %s messages go back.", len(batch) - settled)
                break
            if message.attempts > max_attempts():
                # Every attempt so far ended without a result: the sender died while sending it.
                message.last_error = (
                    f"Gave up: {max_attempts()} attempts ended without a result. {message.last_error}"
                )[:ERROR_MAX_LENGTH]
                logger.error("Message %s (%s) failed for good: %s", message.pk, message.kind, message.last_error)
                message.status, message.next_attempt_at = OutgoingMessage.Status.FAILED, None
                message.attempts -= 1  # this claim tried nothing
                result.failed += 1
                settled += 1
                continue
            user = _recipient_of(message, users)
            obj = objects.get((message.kind, message.object_id))
            reason = _skip_reason(user) or _missing_object_reason(message, obj)
            if not reason and not _still_relevant(message, obj):
                reason = "No longer relevant: the object changed after the message was created."
            if reason:
                logger.warning("Skipping message %s (%s): %s", message.pk, message.kind, reason)
                message.status, message.last_error = OutgoingMessage.Status.SKIPPED, reason
                message.next_attempt_at = None  # never tried again: no "next attempt" left from the claim
                message.attempts -= 1  # never tried
                result.skipped += 1
                settled += 1
                continue
            try:
                email = render_message(message, get_kind(message.kind), obj, user)
                email.connection = connection
                email.send()
            except Exception as exc:
                settled += 1
                message.last_error = f"{type(exc).__name__}: {exc}"[:ERROR_MAX_LENGTH]
                if isinstance(exc, SoftTimeLimitExceeded):
                    # Stop before the hard limit kills us; what was sent is already recorded, the rest goes back.
                    message.next_attempt_at = now + retry_delay(message.attempts)
                    result.out_of_time = True
                    break
                if message.attempts >= max_attempts():
                    logger.error("Message %s (%s) failed for good: %s", message.pk, message.kind, message.last_error)
                    message.status, message.next_attempt_at = OutgoingMessage.Status.FAILED, None
                    result.failed += 1
                else:
                    logger.warning("Message %s (%s) failed, will retry: %s", message.pk, message.kind, exc)
                    message.next_attempt_at = now + retry_delay(message.attempts)
            else:
                _mark_sent(message, email)
                result.sent += 1
                settled += 1
    except SoftTimeLimitExceeded:
        # The limit fired between two sends (loading, checks): stop; the rest goes back below.
        result.out_of_time = True
    finally:
        try:
            connection.close()
        except Exception:
            logger.warning("Could not close the mail connection.", exc_info=True)
    result.given_back = len(batch) - settled
    for message in batch[settled:]:
        message.attempts -= 1
        message.next_attempt_at = None  # due again at once, for this sender's next batch or another's
    # Skips, failures and the messages given back: one write for the batch (a crash before it only repeats them).
    OutgoingMessage.objects.bulk_update(
        [message for message in batch if message.status != OutgoingMessage.Status.SENT],
        ["status", "attempts", "next_attempt_at", "last_error"],
    )
    return result


def plain_text(rendered: str) -> str:
    """A plain-text body without the runs of blank lines that template tags leave behind: one blank line at most."""
    return re.sub(r"\n{3,}", "\n\n", rendered.strip("\n")) + "\n"


def render_message(message: OutgoingMessage, spec: MessageKind, obj, user) -> EmailMultiAlternatives:
    """The email in the recipient's language: plain text, HTML alternative, the kind's attachments."""
    with translation.override(message.language or settings.LANGUAGE_CODE):
        object_url = absolute_url(obj.get_absolute_url()) if hasattr(obj, "get_absolute_url") else settings.SITE_URL
        context = {
            "obj": obj,
            "recipient": user,
            "message": message,
            "site_url": settings.SITE_URL,
            "object_url": object_url,
            **(message.context or {}),
            **spec.context(obj, message),
        }
        subject = " ".join(str(spec.subject(obj, context)).split())
        context["subject"] = subject
        text = plain_text(render_to_string(f"{spec.template}.txt", context))
        html = render_to_string(f"{spec.template}.html", context)
        attachments = spec.attachments(obj, message) if spec.attachments else []
        reply_to = [address for address in (spec.reply_to(obj, message) if spec.reply_to else ()) if address]
    email = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        reply_to=reply_to,
        headers={"Auto-Submitted": "auto-generated", "X-InoLink-Message": str(message.pk)},
    )
    email.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        email.attach(filename, content, mimetype)
    return email
