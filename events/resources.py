"""The admin's exports of event applications, outcomes, partnership leads and funding intents
(see inolink/resources.py)."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from inolink.resources import (
    ExportResource,
    column,
    computed_column,
    date_column,
    datetime_column,
    number_column,
    yes_no_column,
)

from .models import Delegate, FundingIntent, Outcome, Participation, PartnershipLead


class ParticipationResource(ExportResource):
    id = number_column("id", _("No."))
    event = column("event__title", _("event"))
    event_kind = column("event__get_kind_display", _("kind"))
    event_starts_at = datetime_column("event__starts_at", _("starts"))
    event_status = column("event__get_status_display", _("event status"))
    cluster = column("cluster__name", _("cluster"))
    status = column("status_display", _("status"))
    applied_at = datetime_column("applied_at", _("applied"))
    applied_by = column("applied_by", _("applied by"))
    motivation = column("motivation", _("motivation"))
    support_needed = yes_no_column("support_needed", _("support needed"))
    support_details = column("support_details", _("support wanted"))
    delegate_count = number_column("delegate_count", _("delegates"))
    delegates = computed_column(_("delegates (name, role)"))

    select_related = ("event", "cluster", "applied_by")
    prefetch_related = (Prefetch("delegates", queryset=Delegate.objects.order_by("position", "pk")),)

    class Meta:
        model = Participation
        name = pgettext_lazy("export", "Applications with their delegates")
        fields = [
            "id",
            "event",
            "event_kind",
            "event_starts_at",
            "event_status",
            "cluster",
            "status",
            "applied_at",
            "applied_by",
            "motivation",
            "support_needed",
            "support_details",
            "delegate_count",
            "delegates",
        ]

    def dehydrate_delegate_count(self, participation):
        return len(participation.delegates.all())

    def dehydrate_delegates(self, participation):
        return "; ".join(f"{delegate.full_name} ({delegate.role})" for delegate in participation.delegates.all())


class OutcomeResource(ExportResource):
    event = column("participation__event__title", _("event"))
    event_starts_at = datetime_column("participation__event__starts_at", _("starts"))
    cluster = column("participation__cluster__name", _("cluster"))
    attended = yes_no_column("attended", _("attended"))
    contacts_made = number_column("contacts_made", _("contacts made"))
    lead_count = number_column("lead_count", _("partnership leads"))
    leads = computed_column(_("leads (organisation, country: topic; next step)"))
    indicator_areas = computed_column(_("indicator areas"))
    notes = column("notes", _("notes"))
    reported_by = column("reported_by", _("reported by"))
    reported_at = datetime_column("reported_at", _("reported"))

    select_related = ("participation__event", "participation__cluster", "reported_by")
    prefetch_related = (Prefetch("leads", queryset=PartnershipLead.objects.order_by("pk")), "indicator_areas")

    class Meta:
        model = Outcome
        name = pgettext_lazy("export", "Event outcomes with their partnership leads")
        fields = [
            "event",
            "event_starts_at",
            "cluster",
            "attended",
            "contacts_made",
            "lead_count",
            "leads",
            "indicator_areas",
            "notes",
            "reported_by",
            "reported_at",
        ]

    def dehydrate_lead_count(self, outcome):
        return len(outcome.leads.all())

    def dehydrate_leads(self, outcome):
        return "; ".join(
            f"{lead.organisation} ({lead.get_country_display()}): {lead.topic}"
            + (f" — {lead.next_step}" if lead.next_step else "")
            for lead in outcome.leads.all()
        )

    def dehydrate_indicator_areas(self, outcome):
        return "; ".join(str(area) for area in outcome.indicator_areas.all())


class PartnershipLeadResource(ExportResource):
    event = column("outcome__participation__event__title", _("event"))
    cluster = column("outcome__participation__cluster__name", _("cluster"))
    organisation = column("organisation", _("organisation"))
    country = column("get_country_display", _("country"))
    topic = column("topic", _("topic"))
    next_step = column("next_step", _("next step"))
    created_at = datetime_column("created_at", _("recorded"))

    select_related = ("outcome__participation__event", "outcome__participation__cluster")

    class Meta:
        model = PartnershipLead
        name = pgettext_lazy("export", "Partnership leads")
        fields = ["event", "cluster", "organisation", "country", "topic", "next_step", "created_at"]


class FundingIntentResource(ExportResource):
    event = column("event__title", _("funding call"))
    deadline = datetime_column("event__registration_deadline", _("registration deadline"))
    cluster = column("cluster__name", _("cluster"))
    status = column("get_status_display", _("status"))
    submitted_on = date_column("submitted_on", _("application submitted on"))
    decided_on = date_column("decided_on", _("decision received on"))
    note = column("note", _("note"))
    indicator_areas = computed_column(_("indicator areas"))
    updated_by = column("updated_by", _("updated by"))
    updated_at = datetime_column("updated_at", _("updated"))

    select_related = ("event", "cluster", "updated_by")
    prefetch_related = ("indicator_areas",)

    class Meta:
        model = FundingIntent
        name = pgettext_lazy("export", "Funding-call intents")
        fields = [
            "event",
            "deadline",
            "cluster",
            "status",
            "submitted_on",
            "decided_on",
            "note",
            "indicator_areas",
            "updated_by",
            "updated_at",
        ]

    def dehydrate_indicator_areas(self, intent):
        return "; ".join(str(area) for area in intent.indicator_areas.all())
