from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from agreements.admin import AgreementAdmin as ProgrammeAgreementAdmin
from agreements.models import Agreement
from clusters.models import Cluster
from exports.admin import ExportListMixin
from inolink.admin import DropdownListFilter, PlainActionCheckboxMixin, SubquerySearchMixin
from inolink.forms import FreeTextField, HoursField
from inolink.text_limits import max_length_of

from . import services
from .forms import AvailabilityExceptionFormSet, OutcomeForm, ReassignForm, WeeklyAvailabilityFormSet
from .models import (
    AvailabilityException,
    CalendarFeed,
    Consultation,
    ConsultationChange,
    ConsultationMessage,
    Expert,
    HourAllocation,
    Rating,
    ServiceArea,
    SessionOutcome,
    WeeklyAvailability,
)
from .resources import ConsultationResource, RatingResource, SessionOutcomeResource


@admin.register(ServiceArea)
class ServiceAreaAdmin(SimpleHistoryAdmin):
    list_display = ["translated_name", "code", "position"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}

    @admin.display(description=_("name"), ordering="name")
    def translated_name(self, area):
        return str(area)


def expert_filter(expert_lookup: str):
    """A list filter by expert, its choices in one query (the related filter would query each expert's user)."""

    class ExpertFilter(DropdownListFilter):
        title = _("expert")
        parameter_name = expert_lookup.replace("__", "_")
        lookup = expert_lookup

        def lookups(self, request, model_admin):
            experts = Expert.objects.select_related("user").only("user__first_name", "user__last_name", "user__email")
            return [(str(e.pk), str(e)) for e in experts]

    return ExpertFilter


def cluster_filter(cluster_lookup: str, parameter_name: str = ""):
    """A list filter by the cluster at ``cluster_lookup``, every cluster a choice in one small query.

    Django's "related only" filter would first find the clusters in use with a DISTINCT over the whole
    (joined) table, 20 ms over the benchmark's outcomes.
    """

    class ClusterFilter(DropdownListFilter):
        title = _("cluster")
        lookup = cluster_lookup

        def lookups(self, request, model_admin):
            return [(str(pk), name) for pk, name in Cluster.objects.values_list("pk", "name")]

    # Named like the expert filter's unless told: the admin refuses query parameters that look like lookups
    # across two relations ("consultation__cluster__id__exact") when no filter of that name is declared.
    ClusterFilter.parameter_name = parameter_name or cluster_lookup.replace("__", "_")
    return ClusterFilter


class WeeklyAvailabilityInline(admin.TabularInline):
    model = WeeklyAvailability
    extra = 0
    max_num = WeeklyAvailabilityFormSet.max_num  # as many rows as the expert's own editor takes


class AvailabilityExceptionInline(admin.TabularInline):
    model = AvailabilityException
    extra = 0
    max_num = AvailabilityExceptionFormSet.max_num


@admin.register(Expert)
class ExpertAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "organisation", "language_list", "is_active"]
    list_filter = ["is_active", "service_areas"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "organisation"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["service_areas"]
    inlines = [WeeklyAvailabilityInline, AvailabilityExceptionInline]

    @admin.display(description=_("languages"))
    def language_list(self, expert):
        return expert.language_names


@admin.register(WeeklyAvailability)
class WeeklyAvailabilityAdmin(SimpleHistoryAdmin):
    list_display = ["expert", "weekday", "start_time", "end_time"]
    list_filter = ["weekday", expert_filter("expert_id")]
    search_fields = ["expert__user__email", "expert__user__last_name"]
    list_select_related = ["expert__user"]
    autocomplete_fields = ["expert"]


@admin.register(AvailabilityException)
class AvailabilityExceptionAdmin(SimpleHistoryAdmin):
    list_display = ["expert", "start_date", "end_date", "kind", "start_time", "end_time", "note"]
    list_filter = ["kind", ("start_date", admin.DateFieldListFilter), expert_filter("expert_id")]
    search_fields = ["expert__user__email", "expert__user__last_name", "note"]
    list_select_related = ["expert__user"]
    autocomplete_fields = ["expert"]
    date_hierarchy = "start_date"


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(
        label=_("New status"), choices=[(status, status.label) for status in Consultation.STAFF_STATUSES]
    )
    reason = FreeTextField(
        label=_("Reason"),
        max_length=max_length_of(Consultation, "status_reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The expert and the cluster's managers receive it by email."),
    )


class ConsultationChangeList(ChangeList):
    def get_results(self, request):
        # Only the listed rows come from this queryset (the count ignores columns); actions build
        # their own from get_queryset() and receive whole consultations.
        self.queryset = self.queryset.only(*self.model_admin.list_columns)
        super().get_results(request)


class ConsultationChangeInline(admin.TabularInline):
    """Who moved or corrected the booking, in which role, why, and the times before and after (read only)."""

    model = ConsultationChange
    fields = ["created_at", "kind", "by", "role", "old_starts_at", "new_starts_at", "fields_changed", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


@admin.register(Consultation)
class ConsultationAdmin(ExportListMixin, SubquerySearchMixin, PlainActionCheckboxMixin, SimpleHistoryAdmin):
    resource_classes = [ConsultationResource]
    list_display = ["topic", "cluster", "service_area", "expert", "starts_at", "hours", "status"]
    list_filter = [
        "status",
        "service_area",
        expert_filter("expert_id"),
        # The parameter of the related-field filter this replaced, so saved links keep working.
        cluster_filter("cluster_id", parameter_name="cluster__id__exact"),
        ("starts_at", admin.DateFieldListFilter),
        "format",
    ]
    search_fields = ["topic", "agenda", "cluster__name", "expert__user__last_name", "expert__user__email"]
    list_select_related = ["cluster", "service_area", "expert__user"]
    # What the rows show (and each row's name, for its checkbox); the rest of these wide rows stays behind.
    list_columns = [
        "topic",
        "starts_at",
        "hours",
        "status",
        "cluster__name",
        "service_area__name",
        "expert__user__first_name",
        "expert__user__last_name",
        "expert__user__email",
    ]
    # No date_hierarchy: its list of years scans every consultation; the date filter covers the ranges.
    # Tens of thousands of rows: one COUNT for the filtered list, none for the unfiltered total.
    show_full_result_count = False
    list_per_page = 50
    autocomplete_fields = ["expert", "booked_by"]
    raw_id_fields = ["cluster", "agreement"]
    # The status changes only through the services (the "change the status" action, with a reason that the
    # parties are told; the experts' and managers' own actions; outcomes).
    readonly_fields = [
        "status",
        "status_reason",
        "status_changed_by",
        "created_at",
        "updated_at",
        "confirmed_at",
        "declined_at",
        "cancelled_at",
        # An expert's proposal of another time is made and answered through the services (it was editable here,
        # and an edited half made a 500 on the proposal's database check).
        "proposed_starts_at",
        "proposed_ends_at",
    ]
    # Who, when and how many hours change only through the services (the reassign action, the
    # managers' reschedule), so the overlap and hours rules always apply; staff may edit the rest.
    scheduling_fields = ["cluster", "agreement", "service_area", "expert", "booked_by", "starts_at", "ends_at", "hours"]
    actions = ["reassign", "change_status"]
    inlines = [ConsultationChangeInline]

    def get_changelist(self, request, **kwargs):
        return ConsultationChangeList

    def has_add_permission(self, request):
        return False  # bookings are made by cluster managers, through the booking rules

    def has_delete_permission(self, request, obj=None):
        return False  # bookings are cancelled (their hours return and the parties are told), never deleted

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields + self.scheduling_fields if obj is not None else fields

    @admin.action(description=_("Reassign to another expert of the same area"))
    def reassign(self, request, queryset):
        consultations = self._chosen(queryset)
        form = ReassignForm(
            request.POST if "apply" in request.POST else None, areas={c.service_area for c in consultations}
        )
        return self._each_through_service(
            request,
            consultations,
            form,
            service=lambda consultation: services.consultation_reassign(
                consultation=consultation, expert=form.cleaned_data["expert"], by=request.user
            ),
            done_message=lambda done: (
                ngettext("%(n)d consultation reassigned.", "%(n)d consultations reassigned.", done) % {"n": done}
            ),
            template="admin/consultations/consultation/reassign.html",
            title=_("Reassign consultations"),
        )

    @admin.action(description=_("Change the status (with a reason sent to the parties)"))
    def change_status(self, request, queryset):
        consultations = self._chosen(queryset)
        form = StatusChangeForm(request.POST if "apply" in request.POST else None)
        return self._each_through_service(
            request,
            consultations,
            form,
            service=lambda consultation: services.consultation_status_change(
                consultation=consultation,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            ),
            done_message=lambda done: (
                ngettext("%(n)d consultation changed.", "%(n)d consultations changed.", done) % {"n": done}
            ),
            template="admin/consultations/consultation/change_status.html",
            title=_("Change the status of consultations"),
        )

    @staticmethod
    def _chosen(queryset) -> list[Consultation]:
        return list(queryset.select_related("service_area", "expert__user", "cluster"))

    def _each_through_service(self, request, consultations, form, *, service, done_message, template, title):
        """An action that asks first (``form`` on ``template``), then calls ``service`` for each consultation: each
        refusal is told with its consultation, the rest are done and counted."""
        if "apply" not in request.POST or not form.is_valid():
            return render(
                request,
                template,
                {
                    **self.admin_site.each_context(request),
                    "title": title,
                    "consultations": consultations,
                    "form": form,
                    "opts": self.model._meta,
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        done = 0
        for consultation in consultations:
            try:
                service(consultation)
            except ValidationError as error:
                self.message_user(request, f"{consultation}: {' '.join(error.messages)}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)
        return None


class OutcomeAdminForm(OutcomeForm):
    """The expert's outcome form, for staff: the same fields and checks, against the outcome's consultation."""

    areas_required = False

    def __init__(self, *args, instance, **kwargs):
        super().__init__(*args, instance=instance, consultation=instance.consultation, **kwargs)


class ExtraHoursDecisionForm(forms.Form):
    decision = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("The extra hours count")), ("0", _("The extra hours do not count"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    note = FreeTextField(
        label=_("Reason"),
        max_length=max_length_of(SessionOutcome, "extra_decision_note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The expert and the cluster's managers receive it by email."),
    )


@admin.register(SessionOutcome)
class SessionOutcomeAdmin(ExportListMixin, SubquerySearchMixin, SimpleHistoryAdmin):
    resource_classes = [SessionOutcomeResource]
    list_display = ["consultation", "cluster", "expert", "result", "hours_delivered", "extra_status", "created_at"]
    actions = ["decide_extra_hours"]
    list_filter = [
        "extra_status",
        "result",
        "consultation__service_area",
        expert_filter("consultation__expert_id"),
        cluster_filter("consultation__cluster_id"),
        ("created_at", admin.DateFieldListFilter),
    ]
    search_fields = ["summary", "consultation__topic", "consultation__cluster__name"]
    list_select_related = ["consultation__cluster", "consultation__expert__user"]
    form = OutcomeAdminForm
    fields = [
        "consultation",
        "result",
        "summary",
        "recommendations",
        "follow_up_actions",
        "hours_delivered",
        "indicator_areas",
        "extra_status",
        "extra_due_at",
        "extra_dispute_reason",
        "extra_decision_note",
        "extra_decided_by",
        "created_at",
        "updated_at",
    ]
    # Extra hours are decided only through the "decide on the extra hours" action (outcome_extra_resolve).
    readonly_fields = [
        "consultation",
        "extra_status",
        "extra_due_at",
        "extra_dispute_reason",
        "extra_decision_note",
        "extra_decided_by",
        "created_at",
        "updated_at",
    ]

    @admin.action(description=_("Decide on the extra hours (with a reason sent to both sides)"))
    def decide_extra_hours(self, request, queryset):
        """Staff settle disputed (or still open) extra hours through ``services.outcome_extra_resolve``."""
        outcomes = list(queryset.select_related("consultation__cluster", "consultation__expert__user"))
        form = ExtraHoursDecisionForm(request.POST if "apply" in request.POST else None)
        if "apply" not in request.POST or not form.is_valid():
            return render(
                request,
                "admin/consultations/sessionoutcome/decide_extra_hours.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Decide on extra hours"),
                    "outcomes": outcomes,
                    "form": form,
                    "opts": self.model._meta,
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        done = 0
        for outcome in outcomes:
            try:
                services.outcome_extra_resolve(
                    outcome=outcome,
                    by=request.user,
                    accept=form.cleaned_data["decision"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                self.message_user(request, f"{outcome}: {' '.join(error.messages)}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(n)d decision saved.", "%(n)d decisions saved.", done) % {"n": done},
                messages.SUCCESS,
            )
        return None

    def has_add_permission(self, request):
        return False  # outcomes are logged by the session's expert

    def get_actions(self, request):
        # One outcome at a time, through outcome_delete: a bulk delete would skip its rule and its reopening.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        """A staff correction, through the same service rules (the status follows, the hours are recounted)."""
        try:
            services.outcome_correct(outcome=obj, by=request.user, **self._values(form))
        except ValidationError as error:  # the form checked the values; this is a rule that changed meanwhile
            self._refused(request, error)

    def save_related(self, request, form, formsets, change):
        """The indicator areas were written by ``outcome_correct`` with the rest (or refused with it)."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    @staticmethod
    def _values(form) -> dict:
        names = ["result", "summary", "recommendations", "follow_up_actions", "hours_delivered", "indicator_areas"]
        return {name: form.cleaned_data.get(name) for name in names}

    def delete_view(self, request, object_id, extra_context=None):
        outcome = self.get_object(request, unquote(object_id))
        refusal = outcome is not None and outcome.delete_refusal()
        if refusal:
            self.message_user(request, refusal, messages.ERROR)
            return redirect("admin:consultations_sessionoutcome_change", outcome.pk)
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        """Removing an outcome reopens the session for its outcome (``services.outcome_delete``)."""
        try:
            consultation = services.outcome_delete(outcome=obj, by=request.user)
        except ValidationError as error:
            self._refused(request, error)
        else:
            self.message_user(
                request,
                _("%(consultation)s is open for its outcome again: its hours are held until the expert logs it.")
                % {"consultation": consultation},
                messages.WARNING,
            )

    def _refused(self, request, error: ValidationError) -> None:
        request._outcome_refused = True
        self.message_user(request, " ".join(error.messages), messages.ERROR)

    def response_change(self, request, obj):
        if getattr(request, "_outcome_refused", False):
            return redirect(request.path)
        return super().response_change(request, obj)

    def response_delete(self, request, obj_display, obj_id):
        if getattr(request, "_outcome_refused", False):
            return redirect("admin:consultations_sessionoutcome_change", obj_id)
        return super().response_delete(request, obj_display, obj_id)

    @admin.display(description=_("cluster"), ordering="consultation__cluster__name")
    def cluster(self, obj):
        return obj.consultation.cluster

    @admin.display(description=_("expert"))
    def expert(self, obj):
        return obj.consultation.expert


@admin.register(Rating)
class RatingAdmin(ExportListMixin, SubquerySearchMixin, SimpleHistoryAdmin):
    resource_classes = [RatingResource]
    list_display = ["consultation", "cluster", "score", "rated_by", "created_at"]
    list_filter = [
        "score",
        "consultation__service_area",
        expert_filter("consultation__expert_id"),
        cluster_filter("consultation__cluster_id"),
        ("created_at", admin.DateFieldListFilter),
    ]
    search_fields = ["comment", "consultation__topic", "consultation__cluster__name"]
    list_select_related = ["consultation__cluster", "consultation__expert__user", "rated_by"]
    raw_id_fields = ["consultation"]
    autocomplete_fields = ["rated_by"]

    @admin.display(description=_("cluster"), ordering="consultation__cluster__name")
    def cluster(self, obj):
        return obj.consultation.cluster


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    readonly_fields = ["token"]
    autocomplete_fields = ["user"]


# --- Hours granted: on the agreement's page or in their own list, through the services -------------------------


class HourAllocationForm(forms.ModelForm):
    """One area's grant. A saved allocation keeps its agreement and area (its sessions draw on them); a grant
    below the hours already used gets the rule's message at the hours (``HourAllocation.hours_granted_refusal``)."""

    class Meta:
        model = HourAllocation
        fields = ["agreement", "service_area", "hours_granted"]
        field_classes = {"hours_granted": HoursField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in ("agreement", "service_area"):
                if name in self.fields:
                    self.fields[name].disabled = True

    def clean(self):
        cleaned = super().clean()
        agreement = cleaned.get("agreement")
        agreement_id = agreement.pk if agreement else self.instance.agreement_id
        area = cleaned.get("service_area")
        if agreement_id and area is not None and "hours_granted" in cleaned:
            refusal = HourAllocation(agreement_id=agreement_id, service_area=area).hours_granted_refusal(
                cleaned["hours_granted"]
            )
            if refusal:
                self.add_error("hours_granted", refusal)
        return cleaned


class HourAllocationFormSet(forms.BaseInlineFormSet):
    def clean(self):
        """Hours in use are never taken away: the row keeps them, with the rule's message at its hours."""
        super().clean()
        refused = False
        for row in self.deleted_forms:
            refusal = row.instance.pk and row.instance.hours_granted_refusal(None)
            if refusal:
                row.add_error("hours_granted", refusal)
                refused = True
        if refused:
            raise ValidationError(_("Hours that sessions already use cannot be taken away."))


class HourAllocationInline(admin.TabularInline):
    model = HourAllocation
    form = HourAllocationForm
    formset = HourAllocationFormSet
    extra = 0
    max_num = 20  # one row per service area
    fields = ["service_area", "hours_granted", "hours_delivered", "hours_held", "hours_remaining"]
    readonly_fields = ["hours_delivered", "hours_held", "hours_remaining"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_usage().select_related("service_area")

    @admin.display(description=_("held by upcoming bookings"))
    def hours_held(self, obj):
        return getattr(obj, "hours_held", None) if obj.pk else "—"

    @admin.display(description=_("remaining"))
    def hours_remaining(self, obj):
        return getattr(obj, "hours_remaining", None) if obj.pk else "—"


# An agreement's page also shows and edits its hours per service area, which this app keeps: it extends the
# agreements app's admin rather than the agreements app importing consultations.
admin.site.unregister(Agreement)


@admin.register(Agreement)
class AgreementAdmin(ProgrammeAgreementAdmin):
    inlines = [*ProgrammeAgreementAdmin.inlines, HourAllocationInline]

    def save_formset(self, request, form, formset, change):
        """The hours go through ``allocation_set_hours`` and ``allocation_delete``, never ``formset.save()``, which
        would also write back the delivered hours the form read, however stale. The lists the admin's change
        message reads are filled as ``formset.save()`` fills them."""
        if formset.model is not HourAllocation:
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for row in formset.forms:
            if row in formset.deleted_forms:
                if row.instance.pk:
                    services.allocation_delete(allocation=row.instance)
                    formset.deleted_objects.append(row.instance)
            elif row.has_changed():
                allocation = services.allocation_set_hours(
                    agreement=form.instance,
                    service_area=row.cleaned_data["service_area"],
                    hours_granted=row.cleaned_data["hours_granted"],
                )
                if row.instance.pk:
                    formset.changed_objects.append((allocation, row.changed_data))
                else:
                    formset.new_objects.append(allocation)


@admin.register(HourAllocation)
class HourAllocationAdmin(SimpleHistoryAdmin):
    """Every agreement's hours, with their history; a grant changes here as on its agreement's page."""

    form = HourAllocationForm
    list_display = ["agreement", "service_area", "hours_granted", "hours_remaining"]
    list_filter = ["service_area", "agreement__programme"]
    search_fields = ["agreement__number", "agreement__cluster__name"]
    list_select_related = ["agreement__cluster", "service_area"]
    autocomplete_fields = ["agreement"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_usage()

    def has_delete_permission(self, request, obj=None):
        return False  # hours are taken away on their agreement's page, where the rule is checked per row

    def save_model(self, request, obj, form, change):
        saved = services.allocation_set_hours(
            agreement=obj.agreement, service_area=obj.service_area, hours_granted=obj.hours_granted
        )
        obj.pk = saved.pk  # the admin's messages and redirect name the saved allocation

    @admin.display(description=_("remaining"), ordering="hours_remaining")
    def hours_remaining(self, obj):
        return obj.hours_remaining


# --- The sessions' threads: staff read them; the two sides write them in the front end ----------------------


@admin.register(ConsultationMessage)
class ConsultationMessageAdmin(SubquerySearchMixin, admin.ModelAdmin):
    list_display = ["consultation", "cluster", "author", "created_at"]
    list_filter = [cluster_filter("consultation__cluster_id"), ("created_at", admin.DateFieldListFilter)]
    search_fields = ["body", "consultation__topic", "consultation__cluster__name"]
    list_select_related = ["consultation__cluster", "consultation__expert__user", "author"]
    readonly_fields = ["consultation", "author", "body", "created_at"]
    fields = readonly_fields

    @admin.display(description=_("cluster"), ordering="consultation__cluster__name")
    def cluster(self, obj):
        return obj.consultation.cluster

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
