"""The consultation emails: one kind per action, and the two sweeps (reminder 24 h before, overdue outcome nudges).

Action messages are enqueued by ``consultation_notify`` from inside each service's transaction, so the record
exists if and only if the change commits (exactly once), and ``message_enqueue`` hands the sending to Celery
only after the commit. The occasion names the moment of the action, so a second confirmation after a
reschedule is a new message while the same call never creates two.

Who is told: the side that did not act. The expert hears about requests, reschedules and cancellations by
the cluster and about sessions handed to them; the cluster's managers hear what the expert (or staff) decided.
Every kind re-checks at send time (``still_relevant``) that the consultation is still in the state the
message describes: a message about a session cancelled meanwhile is skipped, never sent.
"""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inolink.ical import absolute_url, build_calendar
from notifications.registry import MessageKind, register
from notifications.services import message_enqueue
from notifications.sweeps import Sweep, register_sweep

from .calendar import consultation_item
from .models import Consultation, ConsultationChange, ConsultationMessage, ExtraHours, SessionOutcome

Status = Consultation.Status

REMINDER_HOURS = 24
OVERDUE_AFTER = datetime.timedelta(hours=24)
OVERDUE_EVERY = datetime.timedelta(days=3)
OVERDUE_TIMES = 3

SELECT = ("cluster", "expert__user", "service_area", "status_changed_by")


def _stamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%S.%f")


def _start_key(consultation) -> str:
    return consultation.starts_at.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M")


def _subject(text):
    def subject(obj, ctx):
        when = timezone.localtime(obj.starts_at).strftime("%Y-%m-%d %H:%M")
        status = obj.get_status_display()
        return text % {"topic": obj.topic, "cluster": obj.cluster, "when": when, "status": status}

    return subject


def _managers(obj):
    return obj.cluster.managers.all()


def _expert(obj):
    return [obj.expert.user]


def _context(obj, message):
    context = {"ics_url": absolute_url(reverse("consultations:consultation-ics", args=[obj.pk]))}
    if message.context.get("previous_starts_at"):
        context["previous_starts_at"] = datetime.datetime.fromisoformat(message.context["previous_starts_at"])
    if message.context.get("change_id"):
        # The change the message is about, with its own author and reason (never the consultation's latest ones).
        context["change"] = (
            ConsultationChange.objects.select_related("by").filter(pk=message.context["change_id"]).first()
        )
    return context


def _same_time(obj, message) -> bool:
    """The session is still at the time the message speaks of (a later reschedule supersedes it)."""
    starts = message.context.get("starts_at")
    return starts is None or datetime.datetime.fromisoformat(starts) == obj.starts_at


def _reply_to(obj, message) -> list[str]:
    """Once the session is confirmed, a reply reaches the other side: the expert answers the cluster's managers,
    a manager the expert. Staff, and anyone before the confirmation, reply to the sender address."""
    if not obj.contacts_shared:
        return []
    managers = list(obj.cluster.managers.all())
    if message.recipient_id == obj.expert.user_id:
        return [manager.email for manager in managers if manager.pk != message.recipient_id]
    if any(manager.pk == message.recipient_id for manager in managers):
        return [obj.expert.user.email]
    return []


def _kind(key, verbose_name, subject, recipients, still_relevant, **extra):
    return register(
        MessageKind(
            key=key,
            model="consultations.Consultation",
            verbose_name=verbose_name,
            subject=_subject(subject),
            template=f"consultations/emails/{key}",
            recipients=recipients,
            context=extra.pop("context", _context),
            still_relevant=still_relevant,
            select_related=SELECT,
            reply_to=_reply_to,
            **extra,
        )
    )


_kind(
    "consultation_requested",
    _("Consultation requested"),
    _("New consultation request: %(topic)s on %(when)s"),
    _expert,
    # Still waiting for this expert at this time (not cancelled, moved or handed to someone else meanwhile).
    lambda obj, message: (
        obj.status == Status.REQUESTED and _same_time(obj, message) and obj.expert.user_id == message.recipient_id
    ),
)
_kind(
    "consultation_confirmed",
    _("Consultation confirmed"),
    _("Consultation confirmed: %(topic)s on %(when)s"),
    _managers,
    lambda obj, message: obj.status == Status.CONFIRMED and _same_time(obj, message),
)
_kind(
    "consultation_declined",
    _("Consultation declined"),
    _("Consultation declined: %(topic)s"),
    _managers,
    lambda obj, message: obj.status == Status.DECLINED,
)
_kind(
    "consultation_cancelled",
    _("Consultation cancelled"),
    _("Consultation cancelled: %(topic)s on %(when)s"),
    _expert,
    lambda obj, message: obj.status == Status.CANCELLED,
)
_kind(
    "consultation_rescheduled",
    _("Consultation rescheduled"),
    _("Consultation moved to %(when)s: %(topic)s"),
    _expert,
    lambda obj, message: obj.is_live and _same_time(obj, message),
)
_kind(
    "consultation_reassigned",
    _("Consultation handed to a new expert"),
    _("A consultation was handed to you: %(topic)s on %(when)s"),
    _expert,
    # Still with this expert (a second reassignment supersedes it) and still upcoming.
    lambda obj, message: obj.is_live and obj.expert.user_id == message.recipient_id and not obj.has_started,
)
_kind(
    "consultation_outcome_logged",
    _("Consultation outcome logged"),
    _("The outcome of %(topic)s is ready"),
    _managers,
    lambda obj, message: obj.status in (Status.HELD, Status.NO_SHOW),
    context=lambda obj, message: {
        **_context(obj, message),
        "can_rate": obj.status == Status.HELD,
    },
)
_kind(
    "consultation_status_changed",
    _("Consultation status changed by programme staff"),
    _("Consultation status changed to %(status)s: %(topic)s"),
    lambda obj: [*_expert(obj), *_managers(obj)],
    # Still in the status the message announces (a later change supersedes it).
    lambda obj, message: obj.status == message.context.get("status"),
    context=lambda obj, message: {**_context(obj, message), "reason": message.context.get("reason", "")},
)
_kind(
    "consultation_outcome_removed",
    _("Consultation outcome removed by programme staff"),
    _("Please log the outcome of %(topic)s again"),
    _expert,
    # Still waiting for its outcome (the expert may have logged it again meanwhile).
    lambda obj, message: obj.status == Status.CONFIRMED,
    context=lambda obj, message: {
        **_context(obj, message),
        "outcome_url": absolute_url(reverse("consultations:consultation-outcome", args=[obj.pk])),
    },
)


# Proposals, corrected details and extra hours (issue 16) ---------------------------------------------


def _outcome_context(obj, message):
    return {**_context(obj, message), "outcome": SessionOutcome.objects.filter(consultation=obj).first()}


def _extra_status_is(*statuses):
    return lambda obj, message: SessionOutcome.objects.filter(consultation=obj, extra_status__in=statuses).exists()


_kind(
    "consultation_proposed",
    _("Another time proposed by the expert"),
    _("The expert proposes another time for %(topic)s"),
    _managers,
    lambda obj, message: obj.status == Status.REQUESTED and obj.proposed_starts_at is not None,
)
_kind(
    "consultation_proposal_accepted",
    _("Proposed time accepted"),
    _("Your proposed time is accepted: %(topic)s on %(when)s"),
    _expert,
    lambda obj, message: obj.status == Status.CONFIRMED and _same_time(obj, message),
)
_kind(
    "consultation_proposal_declined",
    _("Proposed time declined"),
    _("Your proposed time is declined: %(topic)s"),
    _expert,
    lambda obj, message: obj.status == Status.REQUESTED,
)
_kind(
    "consultation_details_changed",
    _("Consultation details corrected"),
    _("Details corrected: %(topic)s on %(when)s"),
    _expert,
    lambda obj, message: obj.is_live,
)
_kind(
    "consultation_extra_accepted",
    _("Extra hours accepted"),
    _("The cluster accepted the extra hours of %(topic)s"),
    _expert,
    _extra_status_is(ExtraHours.ACCEPTED),
    context=_outcome_context,
)
_kind(
    "consultation_extra_disputed",
    _("Extra hours disputed"),
    _("The cluster disputes the extra hours of %(topic)s"),
    _expert,
    _extra_status_is(ExtraHours.DISPUTED),
    context=_outcome_context,
)
_kind(
    "consultation_extra_resolved",
    _("Extra hours decided by programme staff"),
    _("Programme staff decided on the extra hours of %(topic)s"),
    lambda obj: [*_expert(obj), *_managers(obj)],
    _extra_status_is(ExtraHours.ACCEPTED, ExtraHours.REFUSED),
    context=_outcome_context,
)


# Action → kind and who is told ------------------------------------------------------------------------

ACTION_KINDS = {
    "requested": "consultation_requested",
    "confirmed": "consultation_confirmed",
    "declined": "consultation_declined",
    "cancelled": "consultation_cancelled",
    "rescheduled": "consultation_rescheduled",
    "reassigned": "consultation_reassigned",
    "outcome_logged": "consultation_outcome_logged",
    "status_changed": "consultation_status_changed",
    "outcome_removed": "consultation_outcome_removed",
    "proposed": "consultation_proposed",
    "proposal_accepted": "consultation_proposal_accepted",
    "proposal_declined": "consultation_proposal_declined",
    "details_changed": "consultation_details_changed",
    "extra_accepted": "consultation_extra_accepted",
    "extra_disputed": "consultation_extra_disputed",
    "extra_resolved": "consultation_extra_resolved",
}


def _other_side(consultation, by):
    """A manager acted: the expert is told; the expert or staff acted: the cluster's managers."""
    if consultation.cluster.is_managed_by(by):
        return _expert(consultation)
    return list(_managers(consultation))


def consultation_notify(
    action: str, consultation, *, by=None, previous_starts_at=None, change=None, note: str = ""
) -> list[int]:
    """Record the email(s) for ``action`` on ``consultation``; call inside the service's transaction.

    ``note``: what the expert wrote when confirming (also kept in the session's thread)."""
    kind = ACTION_KINDS.get(action)
    if kind is None:
        return []
    recipients = None
    if action in ("cancelled", "rescheduled"):
        recipients = _other_side(consultation, by)
    context = {"starts_at": consultation.starts_at.isoformat(), "action": action}
    if action == "status_changed":
        context |= {"status": consultation.status, "reason": consultation.status_reason}
    if previous_starts_at is not None:
        context["previous_starts_at"] = previous_starts_at.isoformat()
    if change is not None:
        context["change_id"] = change.pk
    if note:
        context["note"] = note
    # The outcome is announced once: later edits within the week hit the same occasion and add nothing.
    occasion = action if action == "outcome_logged" else f"{action}-{_stamp(timezone.now())}"
    return message_enqueue(
        kind=kind,
        obj=consultation,
        occasion=occasion,
        recipients=recipients,
        context=context,
    )


# Reminder 24 hours before, with the .ics -------------------------------------------------------------


def _reminder_occasion(obj, now=None) -> str:
    return f"reminder-{_start_key(obj)}"


def _ics(obj, message):
    return [
        (
            f"consultation-{obj.pk}.ics",
            build_calendar([consultation_item(obj)], name=str(obj.topic)),
            "text/calendar",
        )
    ]


_kind(
    "consultation_reminder",
    _("Consultation reminder"),
    _("Reminder: %(topic)s on %(when)s"),
    lambda obj: [*_expert(obj), *_managers(obj)],
    # Still confirmed, and still at the time the reminder was for (a moved session gets its own reminder).
    lambda obj, message: obj.status == Status.CONFIRMED and message.occasion == _reminder_occasion(obj),
    attachments=_ics,
)


def reminders_due(now: datetime.datetime):
    """Confirmed sessions starting within the next 24 hours."""
    return (
        Consultation.objects.filter(
            status=Status.CONFIRMED,
            starts_at__gt=now,
            starts_at__lte=now + datetime.timedelta(hours=REMINDER_HOURS),
        )
        .select_related("expert__user")
        .prefetch_related("cluster__managers")
    )


register_sweep(
    Sweep(
        name="consultation_reminder",
        kind="consultation_reminder",
        candidates=reminders_due,
        occasion=_reminder_occasion,
        recipients=lambda obj, occasion, run: [obj.expert.user, *obj.cluster.managers.all()],
    )
)


# Outcome overdue: 24 h after the end, then every 3 days, at most 3 times; staff copied on the third ----


def overdue_number(obj, now: datetime.datetime) -> int | None:
    """Which nudge is due at ``now`` (1, 2 or 3), or None before the first and after the last."""
    late = now - obj.ends_at - OVERDUE_AFTER
    if late < datetime.timedelta(0):
        return None
    number = 1 + late // OVERDUE_EVERY
    return number if number <= OVERDUE_TIMES else None


def _overdue_occasion(obj, now):
    number = overdue_number(obj, now)
    return f"outcome-overdue-{number}" if number else None


def outcomes_overdue(now: datetime.datetime):
    """Confirmed sessions (so no outcome yet) that ended between 24 h and the last nudge's window ago."""
    window = OVERDUE_AFTER + OVERDUE_EVERY * OVERDUE_TIMES
    return Consultation.objects.filter(
        status=Status.CONFIRMED, ends_at__lte=now - OVERDUE_AFTER, ends_at__gt=now - window
    ).select_related("expert__user")


def _overdue_recipients(obj, occasion, run):
    if occasion.endswith(f"-{OVERDUE_TIMES}"):
        return [obj.expert.user, *run.staff]
    return [obj.expert.user]


_kind(
    "consultation_outcome_overdue",
    _("Consultation outcome overdue"),
    _("Please log the outcome of %(topic)s (%(when)s)"),
    lambda obj: [obj.expert.user],
    lambda obj, message: obj.status == Status.CONFIRMED,
    context=lambda obj, message: {
        **_context(obj, message),
        "outcome_url": absolute_url(reverse("consultations:consultation-outcome", args=[obj.pk])),
        "nudge": int(message.occasion.rsplit("-", 1)[-1]),
        "last_nudge": message.occasion.endswith(f"-{OVERDUE_TIMES}"),
        "to_expert": message.recipient_id == obj.expert.user_id,
    },
)

register_sweep(
    Sweep(
        name="consultation_outcome_overdue",
        kind="consultation_outcome_overdue",
        candidates=outcomes_overdue,
        occasion=_overdue_occasion,
        recipients=_overdue_recipients,
    )
)


# The session's thread: each message emails the other side, with a link back ----------------------------


def thread_recipients(message: ConsultationMessage) -> list:
    """The side that did not write: the expert when a manager wrote, the cluster's managers when the expert did."""
    consultation = message.consultation
    if message.author_id == consultation.expert.user_id:
        return [manager for manager in consultation.cluster.managers.all() if manager.pk != message.author_id]
    return [consultation.expert.user]


def _thread_reply_to(obj, message) -> list[str]:
    return [obj.author.email] if obj.consultation.contacts_shared else []


register(
    MessageKind(
        key="consultation_message",
        model="consultations.ConsultationMessage",
        verbose_name=_("Message in a consultation's thread"),
        subject=lambda obj, ctx: (
            _("%(author)s wrote about %(topic)s") % {"author": obj.author, "topic": obj.consultation.topic}
        ),
        template="consultations/emails/consultation_message",
        recipients=thread_recipients,
        reply_to=_thread_reply_to,
        select_related=("author", "consultation__expert__user", "consultation__cluster", "consultation__service_area"),
    )
)


def thread_message_notify(message: ConsultationMessage) -> list[int]:
    """Record the email to the other side; call inside the service's transaction."""
    return message_enqueue(kind="consultation_message", obj=message, occasion="posted")
