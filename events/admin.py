from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.db.models.functions import TruncDate
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from exports.admin import ExportListMixin
from inolink.admin import DropdownListFilter, SubquerySearchMixin
from inolink.bilingual import pick
from inolink.forms import attach_service_errors

from . import services
from .forms import DecisionActionForm, DecisionForm, EventCancelForm
from .models import Decision, Delegate, Event, FundingIntent, Outcome, Participation, PartnershipLead
from .resources import FundingIntentResource, OutcomeResource, ParticipationResource, PartnershipLeadResource


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ParticipationInline(ReadOnlyInline):
    model = Participation
    fields = ["application_link", "status", "applied_at", "support_needed"]
    readonly_fields = fields
    ordering = ["status", "applied_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("cluster")

    @admin.display(description=_("cluster"))
    def application_link(self, obj):
        url = reverse("admin:events_participation_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.cluster)


@admin.register(Event)
class EventAdmin(SimpleHistoryAdmin):
    list_display = [
        "title",
        "kind",
        "status",
        "starts_at",
        "registration_deadline",
        "country",
        "city",
        "places_display",
        "applications",
        "outcomes_link",
    ]
    list_filter = ["status", "kind", "country"]
    search_fields = ["title_lt", "title_en", "organiser", "city"]
    date_hierarchy = "starts_at"
    list_per_page = 50
    inlines = [ParticipationInline]
    fieldsets = (
        # Both languages side by side: readers get theirs, or the other when one is left empty.
        (
            None,
            {
                "fields": (
                    ("title_lt", "title_en"),
                    "kind",
                    "organiser",
                    ("description_lt", "description_en"),
                    "external_url",
                )
            },
        ),
        (
            _("Status"),
            {"fields": ("status", "published_at", "cancelled_at", "cancel_reason", "status_changed_by")},
        ),
        (_("Where"), {"fields": ("country", "city", "venue")}),
        (_("When"), {"fields": ("starts_at", "ends_at", "registration_deadline")}),
        (_("Places"), {"fields": ("places", "delegates_per_cluster")}),
    )
    # The status changes only through the actions (event_publish, event_cancel), which record and tell.
    readonly_fields = ["status", "published_at", "cancelled_at", "cancel_reason", "status_changed_by"]
    actions = ["publish", "cancel"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_place_counts().with_application_counts()

    def has_delete_permission(self, request, obj=None):
        # Only a draft, one at a time: nobody has seen it or applied. Published events are cancelled.
        return obj is not None and obj.status == Event.Status.DRAFT and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        # Through the service: a published event whose date or place changes tells its approved clusters.
        services.event_save(event=obj, by=request.user)

    @admin.display(description=_("approved / places"))
    def places_display(self, obj):
        return f"{obj.approved_count} / {obj.places if obj.places is not None else '∞'}"

    @admin.display(description=_("live applications"), ordering="application_count")
    def applications(self, obj):
        url = reverse("admin:events_participation_changelist") + f"?event__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, obj.application_count)

    @admin.display(description=_("outcomes"))
    def outcomes_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("events:event-outcomes", args=[obj.pk]), _("outcomes"))

    def _each(self, request, events, write) -> int:
        """Run a service on each event, telling staff each refusal; returns how many succeeded."""
        count = 0
        for event in events:
            try:
                write(event)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                count += 1
        return count

    @admin.action(description=_("Publish selected events"))
    def publish(self, request, queryset):
        published = []
        count = self._each(
            request, queryset, lambda event: published.append(services.event_publish(event=event, by=request.user))
        )
        if count:
            self.message_user(
                request,
                ngettext("%(count)s event published.", "%(count)s events published.", count) % {"count": count},
                messages.SUCCESS,
            )
        # Announcing is a message to a chosen group (outreach), prefilled with the event: one link per event.
        for event in published:
            url = reverse("outreach:message-compose") + f"?announce={event.pk}"
            self.message_user(
                request,
                format_html('{}: <a href="{}">{}</a>', event.title, url, _("announce it to a chosen group")),
                messages.INFO,
            )

    @admin.action(description=_("Cancel selected events (give a reason)"))
    def cancel(self, request, queryset):
        events = list(queryset)
        form = EventCancelForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            reason = form.cleaned_data["reason"]
            count = self._each(
                request, events, lambda event: services.event_cancel(event=event, reason=reason, by=request.user)
            )
            if count:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)s event cancelled; the clusters that applied are told why.",
                        "%(count)s events cancelled; the clusters that applied are told why.",
                        count,
                    )
                    % {"count": count},
                    messages.WARNING,
                )
            return None
        return TemplateResponse(
            request,
            "admin/events/event/cancel.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Cancel events"),
                "events": events,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )


class DelegateInline(ReadOnlyInline):
    model = Delegate
    fields = ["full_name", "role"]
    readonly_fields = fields


class DecisionInline(ReadOnlyInline):
    model = Decision
    fields = ["kind", "note", "decided_by", "decided_at", "notified_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("decided_by")


class EventFilter(DropdownListFilter):
    """By event, from a drop-down: a thousand events would make a sidebar of links nobody scans."""

    title = _("event")
    # The parameter of the related-field filter this replaces, which the events' "live applications" links use.
    parameter_name = "event__id__exact"
    lookup = "event_id"

    def lookups(self, request, model_admin):
        # Each event's day in the local time zone, from the database: formatting a thousand dates in Python
        # took longer than the rest of the page.
        events = Event.objects.annotate(day=TruncDate("starts_at")).order_by("-starts_at")
        return [
            (str(pk), f"{pick(lt=title_lt, en=title_en)} ({day.isoformat()})")
            for pk, title_lt, title_en, day in events.values_list("pk", "title_lt", "title_en", "day")
        ]


@admin.register(Participation)
class ParticipationAdmin(ExportListMixin, SubquerySearchMixin, SimpleHistoryAdmin):
    resource_classes = [ParticipationResource]
    # The status and the decision come right after the cluster: at 1400 px the columns after the event title
    # scrolled out of sight.
    list_display = [
        "cluster",
        "status_label",
        "decide_link",
        "event",
        "applied_at",
        "support_needed",
        "delegate_count",
    ]
    list_filter = ["status", "support_needed", "event__kind", EventFilter]
    search_fields = ["cluster__name", "event__title_lt", "event__title_en"]
    list_select_related = ["cluster", "event"]
    list_per_page = 50
    readonly_fields = [
        "event",
        "cluster",
        "status",
        "motivation",
        "support_needed",
        "support_details",
        "applied_by",
        "applied_at",
        "waitlisted_at",
        "withdrawn_at",
        "withdrawn_by",
        "decide_link",
    ]
    fields = readonly_fields
    inlines = [DelegateInline, DecisionInline]
    action_form = DecisionActionForm
    actions = ["approve", "waitlist", "reject"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_delegate_counts()

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, obj):
        return obj.status_display  # "Approved — event cancelled" when the event is off

    @admin.display(description=_("delegates"), ordering="delegates_total")
    def delegate_count(self, obj):
        return obj.delegates_total

    @admin.display(description=_("decide"))
    def decide_link(self, obj):
        if obj.pk is None or not obj.possible_decisions:
            return "—"
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:events_participation_decide", args=[obj.pk]),
            _("Decide"),
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name="events_participation_decide",
            ),
            *super().get_urls(),
        ]

    def decide_view(self, request, pk):
        """One application, one decision, with the error at the field when a rule says no."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        participation = get_object_or_404(
            Participation.objects.select_related("event", "cluster")
            .prefetch_related(Prefetch("decisions", queryset=Decision.objects.select_related("decided_by")))
            .with_delegate_counts(),
            pk=pk,
        )
        # Only the decisions the rules still allow are offered; none at all (a withdrawn application) shows why.
        can_decide = bool(participation.possible_decisions)
        form = DecisionForm(request.POST or None, participation=participation) if can_decide else None
        if request.method == "POST" and form is not None and form.is_valid():
            try:
                services.participation_decide(
                    participation=participation,
                    kind=form.cleaned_data["kind"],
                    user=request.user,
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                attach_service_errors(form, error)
            else:
                self.message_user(
                    request,
                    _("%(cluster)s: %(status)s.")
                    % {"cluster": participation.cluster, "status": participation.get_status_display()},
                    messages.SUCCESS,
                )
                return redirect("admin:events_participation_change", participation.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Decide on the application of %(cluster)s") % {"cluster": participation.cluster},
            "participation": participation,
            "event": participation.event,
            "form": form,
            "adminform": helpers.AdminForm(form, [(None, {"fields": ["kind", "note"]})], {}) if form else None,
        }
        return TemplateResponse(request, "admin/events/participation/decide.html", context)

    def _decide(self, request, queryset, kind):
        note = request.POST.get("note", "")
        decisions, errors = services.participations_decide(
            participations=queryset.select_related("cluster", "event").order_by("applied_at", "pk"),
            kind=kind,
            user=request.user,
            note=note,
        )
        if decisions:
            self.message_user(
                request,
                _("%(count)s applications decided: %(kind)s.")
                % {"count": len(decisions), "kind": Decision.Kind(kind).label},
                messages.SUCCESS,
            )
        for error in dict.fromkeys(errors):
            self.message_user(request, error, messages.ERROR)

    @admin.action(description=_("Approve selected applications"))
    def approve(self, request, queryset):
        self._decide(request, queryset, Decision.Kind.APPROVED)

    @admin.action(description=_("Put selected applications on the waiting list"))
    def waitlist(self, request, queryset):
        self._decide(request, queryset, Decision.Kind.WAITLISTED)

    @admin.action(description=_("Reject selected applications (give a note)"))
    def reject(self, request, queryset):
        self._decide(request, queryset, Decision.Kind.REJECTED)


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
    list_display = ["participation", "kind", "decided_by", "decided_at", "notified_at"]
    list_filter = ["kind", ("notified_at", admin.EmptyFieldListFilter)]
    list_select_related = ["participation__cluster", "participation__event", "decided_by"]
    search_fields = ["participation__cluster__name", "participation__event__title_lt", "participation__event__title_en"]
    readonly_fields = ["participation", "kind", "note", "decided_by", "decided_at", "notified_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PartnershipLeadInline(admin.TabularInline):
    model = PartnershipLead
    extra = 0
    can_delete = False
    fields = ["organisation", "country", "topic", "next_step"]


@admin.register(Outcome)
class OutcomeAdmin(ExportListMixin, SimpleHistoryAdmin):
    resource_classes = [OutcomeResource]
    list_display = ["cluster", "event", "attended", "contacts_made", "lead_count", "reported_by", "reported_at"]
    list_filter = ["attended", "participation__event", "participation__cluster"]
    search_fields = [
        "participation__cluster__name",
        "participation__event__title_lt",
        "participation__event__title_en",
        "notes",
    ]
    list_select_related = ["participation__cluster", "participation__event", "reported_by"]
    readonly_fields = ["participation", "reported_by", "reported_at"]
    fields = ["participation", "attended", "contacts_made", "notes", "reported_by", "reported_at"]
    inlines = [PartnershipLeadInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(leads_total=Count("leads"))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("cluster"), ordering="participation__cluster__name")
    def cluster(self, obj):
        return obj.participation.cluster

    @admin.display(description=_("event"), ordering="participation__event__starts_at")
    def event(self, obj):
        return obj.participation.event

    @admin.display(description=_("partnership leads"), ordering="leads_total")
    def lead_count(self, obj):
        return obj.leads_total


@admin.register(PartnershipLead)
class PartnershipLeadAdmin(ExportListMixin, SimpleHistoryAdmin):
    resource_classes = [PartnershipLeadResource]
    list_display = ["organisation", "country", "topic", "next_step", "cluster", "event"]
    list_filter = ["country", "outcome__participation__cluster", "outcome__participation__event"]
    search_fields = ["organisation", "topic", "outcome__participation__cluster__name"]
    list_select_related = ["outcome__participation__cluster", "outcome__participation__event"]
    readonly_fields = ["outcome"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("cluster"))
    def cluster(self, obj):
        return obj.outcome.participation.cluster

    @admin.display(description=_("event"))
    def event(self, obj):
        return obj.outcome.participation.event


@admin.register(FundingIntent)
class FundingIntentAdmin(ExportListMixin, SimpleHistoryAdmin):
    resource_classes = [FundingIntentResource]
    list_display = ["event", "cluster", "status", "submitted_on", "decided_on", "updated_by", "updated_at"]
    list_filter = ["status", "event"]
    search_fields = ["cluster__name", "event__title_lt", "event__title_en"]
    list_select_related = ["event", "cluster", "updated_by"]
    readonly_fields = ["event", "cluster", "updated_by", "created_at", "updated_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # clusters mark their intent themselves; staff read it here and in the calls table

    def has_delete_permission(self, request, obj=None):
        return False
