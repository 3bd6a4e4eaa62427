"""What needs staff today: one list across the programme, at the top of the staff dashboard.

Each item counts what waits for staff, names the first few and links to where staff act on them. Every item is
one query (its first rows, each carrying the count of all of them), whatever the size of the programme. The rules
of what is due live with their owners (``awaiting_decision``, the outcome-overdue nudges' constants, ``fully_signed``,
``with_usage``); this module only gathers them.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Window
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement
from clusters.models import Cluster
from consultations.message_kinds import OVERDUE_AFTER, OVERDUE_EVERY, OVERDUE_TIMES
from consultations.models import Consultation, HourAllocation
from events.message_kinds import OUTCOME_REQUEST_AFTER
from events.models import Event, Participation
from notifications.models import OutgoingMessage

ROWS = 5  # the first rows an item names; its link lists them all
# An allocation is nearly spent when what remains is at most this share of what was granted.
NEARLY_SPENT_SHARE = Decimal("0.1")


@dataclass
class TodoItem:
    key: str
    title: str
    help: str
    count: int
    url: str  # where the whole list is
    rows: list[tuple[str, str]] = field(default_factory=list)  # (label, where staff act on it)


def _admin(name: str, *args, query: str = "") -> str:
    url = reverse(f"admin:{name}", args=args)
    return f"{url}?{query}" if query else url


def _item(key, title, help, queryset, url, row) -> TodoItem:
    # A window over the whole filtered set counts it before LIMIT keeps the first rows: no second query.
    first = list(queryset.annotate(todo_count=Window(Count("pk")))[:ROWS])
    rows = [row(obj) for obj in first]
    count = first[0].todo_count if first else 0
    return TodoItem(key=key, title=str(title), help=str(help), count=count, url=url, rows=rows)


def escalated_outcomes(now: datetime.datetime):
    """Confirmed sessions whose outcome is still missing after the last overdue nudge, which copies staff."""
    escalated_after = OVERDUE_AFTER + OVERDUE_EVERY * (OVERDUE_TIMES - 1)
    return Consultation.objects.filter(status=Consultation.Status.CONFIRMED, ends_at__lte=now - escalated_after)


def overdue_event_outcomes(now: datetime.datetime):
    """Approved applications to events (not cancelled) that ended over ``OUTCOME_REQUEST_AFTER`` ago, unreported."""
    return Participation.objects.filter(
        status=Participation.Status.APPROVED, outcome__isnull=True, event__ends_at__lte=now - OUTCOME_REQUEST_AFTER
    ).exclude(event__status=Event.Status.CANCELLED)


def agreements_missing_signatures(today: datetime.date):
    """Agreements not terminated nor over whose three signatures are not all there."""
    return (
        Agreement.objects.live()
        .filter(ends_on__gte=today)
        .exclude(pk__in=Agreement.objects.fully_signed().values("pk"))
    )


def allocations_nearly_spent(today: datetime.date):
    """Hours of running agreements with at most ``NEARLY_SPENT_SHARE`` of the grant left."""
    return (
        HourAllocation.objects.filter(agreement__in=Agreement.objects.active(today).values("pk"))
        .with_usage()
        .filter(hours_remaining__lte=F("hours_granted") * NEARLY_SPENT_SHARE)
    )


def programme_clusters_without_managers(today: datetime.date):
    """Clusters with a live agreement and no manager account: nobody receives their emails or statements."""
    return Cluster.objects.filter(
        Exists(Agreement.objects.live().filter(cluster=OuterRef("pk"), ends_on__gte=today)), managers__isnull=True
    )


def staff_todo(now: datetime.datetime | None = None) -> list[TodoItem]:
    now = now or timezone.now()
    today = timezone.localdate(now)
    Status = OutgoingMessage.Status
    items = [
        _item(
            "applications",
            _("Applications awaiting a decision"),
            _("All events; approve, waitlist or reject each."),
            Participation.objects.awaiting_decision().select_related("cluster", "event").order_by("applied_at", "pk"),
            _admin("events_participation_changelist", query="status__exact=applied"),
            lambda p: (f"{p.cluster} – {p.event}", _admin("events_participation_decide", p.pk)),
        ),
        _item(
            "event_outcomes",
            _("Event outcome reports overdue"),
            _("Approved clusters that have not reported what an event brought."),
            overdue_event_outcomes(now).select_related("cluster", "event").order_by("event__ends_at", "pk"),
            _admin("events_participation_changelist", query="status__exact=approved"),
            lambda p: (f"{p.cluster} – {p.event}", _admin("events_participation_change", p.pk)),
        ),
        _item(
            "escalated_outcomes",
            _("Consultation outcomes escalated after reminders"),
            _("The expert was reminded %(times)s times; log the outcome on their behalf or ask them.")
            % {"times": OVERDUE_TIMES},
            escalated_outcomes(now).select_related("cluster", "expert__user").order_by("ends_at", "pk"),
            _admin("consultations_consultation_changelist", query="status__exact=confirmed"),
            lambda c: (f"{c.topic} – {c.cluster} ({c.expert})", c.get_absolute_url()),
        ),
        _item(
            "signatures",
            _("Agreements missing a signature"),
            _("Not active until all three parties have signed."),
            agreements_missing_signatures(today).select_related("cluster").order_by("starts_on", "pk"),
            _admin("agreements_agreement_changelist", query="status=draft"),
            lambda a: (f"{a.number} – {a.cluster}", _admin("agreements_agreement_change", a.pk)),
        ),
        _item(
            "allocations",
            _("Hours nearly spent"),
            _("At most %(share)s%% of the granted hours left in a service area.")
            % {"share": int(NEARLY_SPENT_SHARE * 100)},
            allocations_nearly_spent(today)
            .select_related("agreement__cluster", "service_area")
            .order_by("hours_remaining", "pk"),
            _admin("consultations_hourallocation_changelist"),
            lambda h: (
                f"{h.agreement.cluster} – {h.service_area}: {h.hours_remaining.normalize():f} / "
                f"{h.hours_granted.normalize():f} h",
                _admin("consultations_hourallocation_change", h.pk),
            ),
        ),
        _item(
            "failed_messages",
            _("Messages that failed"),
            _("Sending gave up after its retries; retry them from the list."),
            OutgoingMessage.objects.filter(status=Status.FAILED).order_by("-created_at", "-pk"),
            _admin("notifications_outgoingmessage_changelist", query="status__exact=failed"),
            lambda m: (
                f"{m.subject or m.kind} → {m.recipient_email or '—'}",
                _admin("notifications_outgoingmessage_change", m.pk),
            ),
        ),
        _item(
            "unsent_messages",
            _("Messages nobody received"),
            _("No recipient, or one without an active account or email address."),
            OutgoingMessage.objects.filter(status=Status.SKIPPED).order_by("-created_at", "-pk"),
            _admin("notifications_outgoingmessage_changelist", query="status__exact=skipped"),
            lambda m: (f"{m.subject or m.kind} – {m.last_error}", _admin("notifications_outgoingmessage_change", m.pk)),
        ),
        _item(
            "clusters_without_managers",
            _("Programme clusters with no manager account"),
            _("Their emails and monthly statements reach nobody: add a manager."),
            programme_clusters_without_managers(today).order_by("name"),
            _admin("clusters_cluster_changelist"),
            lambda c: (c.name, _admin("clusters_cluster_change", c.pk)),
        ),
    ]
    return items
