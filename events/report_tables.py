"""Report tables about events: applications and attendance per event, a cluster's own events, partnership leads.

Each builder runs a fixed number of queries whatever the data size (see ``inolink.tables``). An application
belongs to the period in which its event starts, and so does a funding intent (the call's start); a lead to the
period in which it was recorded.
"""

from django.db.models import Count, Prefetch, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agreements.models import Agreement
from inolink.bilingual import pick
from inolink.tables import CLUSTER, STAFF, Column, ReportScope, register_table

from .models import Delegate, Event, FundingIntent, Participation, PartnershipLead

Status = Participation.Status


def _participations_in_scope(scope: ReportScope):
    participations = Participation.objects.filter(
        event__starts_at__date__gte=scope.date_from, event__starts_at__date__lte=scope.date_to
    )
    if scope.programme is not None:
        participations = participations.filter(
            cluster__in=Agreement.objects.filter(programme=scope.programme).values("cluster")
        )
    if scope.cluster is not None:
        participations = participations.filter(cluster=scope.cluster)
    return participations


@register_table(
    "event_applications",
    _("Event applications and attendance"),
    columns=[
        Column("event", _("Event")),
        Column("kind", _("Kind")),
        Column("starts", _("Starts"), "date"),
        Column("applied", _("Applications"), "int", total=True),
        Column("approved", _("Approved"), "int", total=True),
        Column("waitlisted", _("Waiting list"), "int", total=True),
        Column("rejected", _("Rejected"), "int", total=True),
        Column("withdrawn", _("Withdrawn"), "int", total=True),
        Column("attended", _("Attended"), "int", total=True),
        Column("contacts", _("Contacts made"), "int", total=True),
        Column("leads", _("Partnership leads"), "int", total=True),
    ],
    audiences=(STAFF,),
    position=60,
    sheet=_("Event applications"),
)
def event_applications_table(scope: ReportScope):
    """Two queries: the application counts per event, and the leads per event."""
    participations = _participations_in_scope(scope)
    rows = (
        participations.values("event_id", "event__title_lt", "event__title_en", "event__kind", "event__starts_at")
        .annotate(
            applied=Count("pk"),
            approved=Count("pk", filter=Q(status=Status.APPROVED)),
            waitlisted=Count("pk", filter=Q(status=Status.WAITLISTED)),
            rejected=Count("pk", filter=Q(status=Status.REJECTED)),
            withdrawn=Count("pk", filter=Q(status=Status.WITHDRAWN)),
            attended=Count("pk", filter=Q(outcome__attended=True)),
            contacts=Sum("outcome__contacts_made"),
        )
        .order_by("event__starts_at", "event__title_lt", "event__title_en", "event_id")
    )
    leads = dict(
        PartnershipLead.objects.filter(outcome__participation__in=participations.values("pk"))
        .values("outcome__participation__event_id")
        .annotate(count=Count("pk"))
        .values_list("outcome__participation__event_id", "count")
    )
    kinds = dict(Event.Kind.choices)
    for row in rows:
        yield (
            pick(lt=row["event__title_lt"], en=row["event__title_en"]),
            str(kinds.get(row["event__kind"], row["event__kind"])),
            timezone.localtime(row["event__starts_at"]).date(),
            row["applied"],
            row["approved"],
            row["waitlisted"],
            row["rejected"],
            row["withdrawn"],
            row["attended"],
            row["contacts"] or 0,
            leads.get(row["event_id"], 0),
        )


@register_table(
    "cluster_events",
    _("Events"),
    columns=[
        Column("event", _("Event")),
        Column("kind", _("Kind")),
        Column("starts", _("Starts"), "date"),
        Column("status", _("Application")),
        Column("attended", _("Attended"), "bool"),
        Column("contacts", _("Contacts made"), "int", total=True),
        Column("leads", _("Partnership leads"), "int", total=True),
    ],
    audiences=(CLUSTER,),
    position=60,
    sheet=_("Events"),
)
def cluster_events_table(scope: ReportScope):
    """A cluster's own applications to events starting in the period, with what they brought."""
    participations = (
        _participations_in_scope(scope)
        .select_related("event", "outcome")
        .annotate(lead_count=Count("outcome__leads"))
        .order_by("event__starts_at", "pk")
    )
    for participation in participations:
        outcome = getattr(participation, "outcome", None)
        yield (
            participation.event.title,
            str(participation.event.get_kind_display()),
            timezone.localtime(participation.event.starts_at).date(),
            str(participation.get_status_display()),
            outcome.attended if outcome else None,
            outcome.contacts_made if outcome else 0,
            participation.lead_count,
        )


@register_table(
    "partnership_leads",
    _("Partnership leads"),
    columns=[
        Column("cluster", _("Cluster")),
        Column("event", _("Event")),
        Column("organisation", _("Organisation")),
        Column("country", _("Country")),
        Column("topic", _("Topic")),
        Column("next_step", _("Next step")),
        Column("recorded", _("Recorded"), "date"),
    ],
    audiences=(STAFF, CLUSTER),
    position=70,
    sheet=_("Partnership leads"),
)
def partnership_leads_table(scope: ReportScope):
    leads = PartnershipLead.objects.filter(created_at__date__gte=scope.date_from, created_at__date__lte=scope.date_to)
    if scope.programme is not None:
        leads = leads.filter(
            outcome__participation__cluster__in=Agreement.objects.filter(programme=scope.programme).values("cluster")
        )
    if scope.cluster is not None:
        leads = leads.filter(outcome__participation__cluster=scope.cluster)
    leads = leads.select_related("outcome__participation__cluster", "outcome__participation__event")
    for lead in leads.order_by("outcome__participation__cluster__name", "created_at", "pk"):
        participation = lead.outcome.participation
        yield (
            participation.cluster.name,
            participation.event.title,
            lead.organisation,
            str(lead.get_country_display()),
            lead.topic,
            lead.next_step,
            timezone.localtime(lead.created_at).date(),
        )


@register_table(
    "event_participants",
    _("Event participants and their delegates"),
    columns=[
        Column("event", _("Event")),
        Column("kind", _("Kind")),
        Column("starts", _("Starts"), "date"),
        Column("country", _("Country")),
        Column("cluster", _("Cluster")),
        Column("status", _("Application")),
        Column("delegate", _("Delegate")),
        Column("role", pgettext_lazy("delegate", "Role")),
        Column("attended", _("Attended"), "bool"),
    ],
    audiences=(STAFF,),
    position=62,
    sheet=_("Event participants"),
)
def event_participants_table(scope: ReportScope):
    """Every application to an event starting in the period, one row per delegate (one row when it names none).

    Two queries: the applications with their event, cluster and outcome, and their delegates.
    """
    participations = (
        _participations_in_scope(scope)
        .select_related("event", "cluster", "outcome")
        .prefetch_related(Prefetch("delegates", queryset=Delegate.objects.order_by("position", "pk")))
        .order_by("event__starts_at", "event__title_lt", "event__title_en", "event_id", "cluster__name", "pk")
    )
    for participation in participations:
        event = participation.event
        outcome = getattr(participation, "outcome", None)
        common = (
            event.title,
            str(event.get_kind_display()),
            timezone.localtime(event.starts_at).date(),
            str(event.get_country_display()),
            participation.cluster.name,
            str(participation.get_status_display()),
        )
        attended = outcome.attended if outcome else None
        for delegate in participation.delegates.all() or [None]:
            yield (*common, delegate.full_name if delegate else "", delegate.role if delegate else "", attended)


@register_table(
    "funding_intents",
    _("Funding intents"),
    columns=[
        Column("call", _("Funding call")),
        Column("starts", _("Starts"), "date"),
        Column("cluster", _("Cluster")),
        Column("status", _("Status")),
        Column("submitted_on", _("Application submitted on"), "date"),
        Column("decided_on", _("Decision received on"), "date"),
        Column("note", _("Note")),
    ],
    audiences=(STAFF,),
    position=65,
    sheet=_("Funding intents"),
)
def funding_intents_table(scope: ReportScope):
    """Where each cluster stands with the funding calls starting in the period (one query)."""
    intents = FundingIntent.objects.filter(
        event__starts_at__date__gte=scope.date_from, event__starts_at__date__lte=scope.date_to
    )
    if scope.programme is not None:
        intents = intents.filter(cluster__in=Agreement.objects.filter(programme=scope.programme).values("cluster"))
    if scope.cluster is not None:
        intents = intents.filter(cluster=scope.cluster)
    intents = intents.select_related("event", "cluster").order_by(
        "event__starts_at", "event__title_lt", "event__title_en", "cluster__name"
    )
    for intent in intents:
        yield (
            intent.event.title,
            timezone.localtime(intent.event.starts_at).date(),
            intent.cluster.name,
            str(intent.get_status_display()),
            intent.submitted_on,
            intent.decided_on,
            intent.note,
        )
