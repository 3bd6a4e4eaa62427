"""The event emails: decisions on applications, promotions from the waiting list, deadline and outcome reminders.

Decisions (approved, waitlisted, rejected, promoted) are ``Decision`` rows; ``decision_notify`` records one
message per decision for the cluster's managers inside the transaction that writes the decision and marks the
decision's ``notified_at`` in that same transaction, so a decision is announced exactly once and only if it
commits. The reminders are sweeps (see ``notifications.sweeps``).
"""

import datetime

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster
from inolink.ical import absolute_url
from notifications.registry import MessageKind, register
from notifications.services import message_enqueue
from notifications.sweeps import Sweep, register_sweep

from .models import Decision, Event, FundingIntent, Participation

DEADLINE_REMINDER_DAYS = 7
OUTCOME_REQUEST_AFTER = datetime.timedelta(days=3)
# Asked once; sessions older than this are no longer candidates, so the sweep's work stays bounded.
OUTCOME_REQUEST_WINDOW = datetime.timedelta(days=30)


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


# Decisions -----------------------------------------------------------------------------------------------


def _decision_subject(obj, ctx):
    values = {"event": obj.participation.event, "cluster": obj.participation.cluster}
    if obj.kind == Decision.Kind.APPROVED:
        return _("%(cluster)s is approved for %(event)s") % values
    if obj.kind == Decision.Kind.WAITLISTED:
        return _("%(cluster)s is on the waiting list for %(event)s") % values
    return _("Your application to %(event)s was not accepted") % values


def _decision_still_relevant(obj, message) -> bool:
    """The application still has the status this decision gave it (a later decision supersedes it)."""
    return obj.participation.status == Decision.RESULT[obj.kind]


DECISION_SELECT = ("participation__event", "participation__cluster")


def _decision_context(obj, message):
    return {
        "event": obj.participation.event,
        "participation": obj.participation,
        "event_url": absolute_url(obj.participation.event.get_absolute_url()),
        # A decision has no page of its own: link to the application.
        "object_url": absolute_url(obj.participation.get_absolute_url()),
    }


register(
    MessageKind(
        key="event_decision",
        model="events.Decision",
        verbose_name=_("Event application decision"),
        subject=_decision_subject,
        template="events/emails/event_decision",
        recipients=lambda obj: obj.participation.cluster.managers.all(),
        context=_decision_context,
        still_relevant=_decision_still_relevant,
        select_related=DECISION_SELECT,
    )
)

register(
    MessageKind(
        key="event_promoted",
        model="events.Decision",
        verbose_name=_("Promoted from an event's waiting list"),
        subject=lambda obj, ctx: (
            _("A place came free: %(cluster)s is approved for %(event)s")
            % {"event": obj.participation.event, "cluster": obj.participation.cluster}
        ),
        template="events/emails/event_promoted",
        recipients=lambda obj: obj.participation.cluster.managers.all(),
        context=_decision_context,
        still_relevant=_decision_still_relevant,
        select_related=DECISION_SELECT,
    )
)


def decision_notify(decision: Decision) -> list[int]:
    """Record the decision's email to the cluster's managers and mark it notified; inside its transaction.

    A cluster with nobody to tell (no manager account) is not marked notified: the outbox keeps a skipped
    record of the gap, and staff see it on their to-do list."""
    kind = "event_promoted" if decision.kind == Decision.Kind.PROMOTED else "event_decision"
    ids = message_enqueue(kind=kind, obj=decision, occasion="decision")
    if ids:
        decision.notified_at = timezone.now()
        decision.save(update_fields=["notified_at"])
    return ids


# Event cancelled: to the managers of every cluster that applied and was not rejected and did not withdraw ------


def _cancelled_context(obj, message):
    return {
        "event": obj.event,
        "event_url": absolute_url(obj.event.get_absolute_url()),
        "object_url": absolute_url(obj.get_absolute_url()),
    }


register(
    MessageKind(
        key="event_cancelled",
        model="events.Participation",
        verbose_name=_("Event cancelled"),
        subject=lambda obj, ctx: _("Cancelled: %(event)s") % {"event": obj.event},
        template="events/emails/event_cancelled",
        recipients=lambda obj: obj.cluster.managers.all(),
        context=_cancelled_context,
        still_relevant=lambda obj, message: obj.event.status == Event.Status.CANCELLED,
        select_related=("event", "cluster"),
    )
)


def event_cancelled_notify(event: Event) -> list[int]:
    """Record the cancellation email to the managers of each cluster whose application was live (applied,
    approved or waitlisted); inside the cancelling transaction, so they are told only if it commits."""
    ids = []
    for participation in event.participations.filter(status__in=Participation.LIVE_STATUSES).select_related("cluster"):
        participation.event = event
        ids += message_enqueue(kind="event_cancelled", obj=participation, occasion="event-cancelled")
    return ids


# Registration deadline in 7 days: to programme clusters that took part in this kind of event before ---------


def deadline_reminders_due(now: datetime.datetime):
    """Open events (not funding calls) whose registration deadline is within the next 7 days."""
    return (
        Event.objects.open_for_applications(now)
        .exclude(kind__in=Event.FUNDING_KINDS)
        .filter(registration_deadline__lte=now + datetime.timedelta(days=DEADLINE_REMINDER_DAYS))
        .prefetch_related(
            Prefetch("participations", queryset=Participation.objects.only("pk", "event_id", "cluster_id"))
        )
    )


def _experienced_clusters(run) -> dict[str, list[Cluster]]:
    """Per event kind: the programme clusters (a live agreement) approved for an earlier event of that kind.

    Loaded once per sweep run (two queries), whatever the number of events.
    """
    cached = getattr(run, "_event_kind_clusters", None)
    if cached is not None:
        return cached
    pairs = list(Participation.objects.took_part(run.now).values_list("event__kind", "cluster_id").distinct())
    clusters = Cluster.objects.prefetch_related("managers").in_bulk({cluster_id for _, cluster_id in pairs})
    cached = {}
    for kind, cluster_id in pairs:
        cached.setdefault(kind, []).append(clusters[cluster_id])
    run._event_kind_clusters = cached
    return cached


def _deadline_recipients(event, occasion, run):
    applied = {participation.cluster_id for participation in event.participations.all()}
    recipients = []
    for cluster in _experienced_clusters(run).get(event.kind, []):
        if cluster.pk not in applied:
            recipients.extend(cluster.managers.all())
    return recipients


def _deadline_occasion(event, now=None) -> str:
    return f"deadline-{event.registration_deadline.astimezone(datetime.UTC):%Y%m%dT%H%M}"


def _clusters_yet_to_apply(event, message):
    """The recipient's programme clusters that took part in an earlier event of the kind and have not applied to
    this one (as the sweep chose them, see ``_experienced_clusters``)."""
    experienced = Participation.objects.took_part().filter(event__kind=event.kind).values("cluster_id")
    return Cluster.objects.filter(managers=message.recipient_id, pk__in=experienced).exclude(
        event_participations__event=event
    )


def _deadline_still_relevant(event, message) -> bool:
    """Still open at the same deadline, and one of the recipient's clusters has still not applied."""
    if not event.is_open_for_applications() or message.occasion != _deadline_occasion(event):
        return False
    return _clusters_yet_to_apply(event, message).exists()


register(
    MessageKind(
        key="event_deadline",
        model="events.Event",
        verbose_name=_("Event registration deadline reminder"),
        subject=lambda obj, ctx: (
            _("Apply by %(deadline)s: %(event)s") % {"event": obj, "deadline": _local(obj.registration_deadline)}
        ),
        template="events/emails/event_deadline",
        context=lambda obj, message: {
            "apply_url": absolute_url(reverse("events:participation-apply", args=[obj.pk])),
            "clusters": [cluster.name for cluster in _clusters_yet_to_apply(obj, message).order_by("name")],
        },
        still_relevant=_deadline_still_relevant,
    )
)

register_sweep(
    Sweep(
        name="event_deadline",
        kind="event_deadline",
        candidates=deadline_reminders_due,
        occasion=_deadline_occasion,
        recipients=_deadline_recipients,
    )
)


# Outcome report 3 days after an attended event ends -------------------------------------------------------


def outcome_requests_due(now: datetime.datetime):
    """Approved applications to events that ended 3 (up to 30) days ago, with no outcome reported."""
    return (
        Participation.objects.filter(
            status=Participation.Status.APPROVED,
            outcome__isnull=True,
            event__ends_at__lte=now - OUTCOME_REQUEST_AFTER,
            event__ends_at__gt=now - OUTCOME_REQUEST_WINDOW,
        )
        .exclude(event__status=Event.Status.CANCELLED)
        .select_related("event", "cluster")
        .prefetch_related("cluster__managers")
    )


register(
    MessageKind(
        key="event_outcome_request",
        model="events.Participation",
        verbose_name=_("Event outcome report request"),
        subject=lambda obj, ctx: _("What did %(event)s bring? Please report the outcome") % {"event": obj.event},
        template="events/emails/event_outcome_request",
        recipients=lambda obj: obj.cluster.managers.all(),
        context=lambda obj, message: {
            "report_url": absolute_url(reverse("events:outcome-report", args=[obj.pk])),
        },
        still_relevant=lambda obj, message: (
            obj.status == Participation.Status.APPROVED
            and obj.event.status != Event.Status.CANCELLED
            and not hasattr(obj, "outcome")
        ),
        select_related=("event", "cluster", "outcome"),
    )
)

register_sweep(
    Sweep(
        name="event_outcome_request",
        kind="event_outcome_request",
        candidates=outcome_requests_due,
        occasion=lambda obj, now: "outcome-request",
        recipients=lambda obj, occasion, run: obj.cluster.managers.all(),
    )
)


# Funding call closing in 7 days: to the managers of each cluster that is considering or preparing an application --


FUNDING_REMINDER_DAYS = 7


def funding_reminders_due(now: datetime.datetime):
    """Intents still open (considering, preparing) for published calls that close within the next 7 days."""
    today = timezone.localdate(now)
    return (
        FundingIntent.objects.filter(
            status__in=FundingIntent.OPEN,
            event__status=Event.Status.PUBLISHED,
            event__kind__in=Event.FUNDING_KINDS,
            event__closes_on__gte=today,
            event__closes_on__lte=today + datetime.timedelta(days=FUNDING_REMINDER_DAYS),
        )
        .select_related("event", "cluster")
        .prefetch_related("cluster__managers")
    )


def _funding_occasion(intent, now=None) -> str:
    """One reminder per closing day: a call whose closing day moves is reminded of again."""
    return f"call-closes-{intent.event.closes_on:%Y%m%d}"


def _funding_still_relevant(intent, message) -> bool:
    """Still considering or preparing, the call still published and closing on the day the reminder names."""
    return (
        intent.status in FundingIntent.OPEN
        and intent.event.status == Event.Status.PUBLISHED
        and message.occasion == _funding_occasion(intent)
        and intent.event.closes_on >= timezone.localdate()
    )


# Event moved (date or place changed): to the managers of every approved cluster (issue 15) --------------------


def _moved_context(obj, message):
    previous = message.context or {}
    return {
        "event": obj.event,
        "previous_starts_at": datetime.datetime.fromisoformat(previous["starts_at"])
        if previous.get("starts_at")
        else None,
        "previous_ends_at": datetime.datetime.fromisoformat(previous["ends_at"]) if previous.get("ends_at") else None,
        # Named in the reader's language: the country is stored as its code.
        "previous_location": Event(
            venue=previous.get("venue", ""), city=previous.get("city", ""), country=previous.get("country", "")
        ).location,
        "object_url": absolute_url(obj.get_absolute_url()),
    }


register(
    MessageKind(
        key="funding_call_closing",
        model="events.FundingIntent",
        verbose_name=_("Funding call closing reminder"),
        subject=lambda obj, ctx: (
            _("%(call)s closes on %(day)s")
            % {"call": obj.event, "day": date_format(obj.event.closes_on, "DATE_FORMAT")}
        ),
        template="events/emails/funding_call_closing",
        recipients=lambda obj: obj.cluster.managers.all(),
        context=lambda obj, message: {
            "event": obj.event,
            "object_url": absolute_url(obj.event.get_absolute_url()),
            "intent_url": absolute_url(reverse("events:funding-intent-edit", args=[obj.event_id])),
        },
        still_relevant=_funding_still_relevant,
        select_related=("event", "cluster"),
    )
)

register_sweep(
    Sweep(
        name="funding_call_closing",
        kind="funding_call_closing",
        candidates=funding_reminders_due,
        occasion=_funding_occasion,
        recipients=lambda obj, occasion, run: obj.cluster.managers.all(),
    )
)


# Application received: to the managers of the cluster, when it applies -------------------------------------------


register(
    MessageKind(
        key="event_application_received",
        model="events.Participation",
        verbose_name=_("Event application received"),
        subject=lambda obj, ctx: (
            (
                _("%(cluster)s is on the waiting list for %(event)s")
                if obj.status == Participation.Status.WAITLISTED
                else _("Application received: %(event)s")
            )
            % {"event": obj.event, "cluster": obj.cluster}
        ),
        template="events/emails/event_application_received",
        recipients=lambda obj: obj.cluster.managers.all(),
        context=lambda obj, message: {
            "event": obj.event,
            "object_url": absolute_url(obj.get_absolute_url()),
        },
        still_relevant=lambda obj, message: obj.is_live,
        select_related=("event", "cluster"),
    )
)


register(
    MessageKind(
        key="event_moved",
        model="events.Participation",
        verbose_name=_("Event date or place changed"),
        subject=lambda obj, ctx: _("Changed: %(event)s") % {"event": obj.event},
        template="events/emails/event_moved",
        recipients=lambda obj: obj.cluster.managers.all(),
        context=_moved_context,
        # Still going ahead with this cluster on it (a cancellation or a withdrawal since makes it moot).
        still_relevant=lambda obj, message: (
            obj.event.status == Event.Status.PUBLISHED and obj.status == Participation.Status.APPROVED
        ),
        select_related=("event", "cluster"),
    )
)


def application_received_notify(participation: Participation) -> list[int]:
    """Confirm a new application to its cluster's managers; inside the applying transaction."""
    return message_enqueue(kind="event_application_received", obj=participation, occasion="applied")


def event_moved_notify(event: Event, *, before: Event) -> list[int]:
    """Record, inside the saving transaction, the email telling each approved cluster's managers the new date or
    place, with the previous one; one per change (the occasion names the moment)."""
    occasion = f"moved-{timezone.now().astimezone(datetime.UTC):%Y%m%dT%H%M%S.%f}"
    context = {
        "starts_at": before.starts_at.isoformat(),
        "ends_at": before.ends_at.isoformat(),
        "venue": before.venue,
        "city": before.city,
        "country": before.country,
    }
    ids = []
    approved = event.participations.filter(status=Participation.Status.APPROVED).select_related("cluster")
    for participation in approved:
        participation.event = event
        ids += message_enqueue(kind="event_moved", obj=participation, occasion=occasion, context=context)
    return ids
