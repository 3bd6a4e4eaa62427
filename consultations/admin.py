from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.db import models
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from clusters.models import Cluster
from inolink.admin import DropdownListFilter, PlainActionCheckboxMixin, SubquerySearchMixin
from inolink.forms import HoursField

from . import services
from .forms import AvailabilityExceptionFormSet, WeeklyAvailabilityFormSet
from .models import (
    AvailabilityException,
    CalendarFeed,
    Consultation,
    Expert,
    Rating,
    ServiceArea,
    SessionOutcome,
    WeeklyAvailability,
)


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
    list_display = ["expert", "date", "kind", "start_time", "end_time", "note"]
    list_filter = ["kind", ("date", admin.DateFieldListFilter), expert_filter("expert_id")]
    search_fields = ["expert__user__email", "expert__user__last_name", "note"]
    list_select_related = ["expert__user"]
    autocomplete_fields = ["expert"]
    date_hierarchy = "date"


class ReassignForm(forms.Form):
    expert = forms.ModelChoiceField(label=_("New expert"), queryset=Expert.objects.none())

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        experts = Expert.objects.filter(is_active=True).select_related("user")
        for area in areas:
            experts = experts.filter(service_areas=area)
        self.fields["expert"].queryset = experts.distinct()


class ConsultationChangeList(ChangeList):
    def get_results(self, request):
        # Only the listed rows come from this queryset (the count ignores columns); actions build
        # their own from get_queryset() and receive whole consultations.
        self.queryset = self.queryset.only(*self.model_admin.list_columns)
        super().get_results(request)


@admin.register(Consultation)
class ConsultationAdmin(SubquerySearchMixin, PlainActionCheckboxMixin, SimpleHistoryAdmin):
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
    autocomplete_fields = ["expert", "booked_by", "status_changed_by"]
    raw_id_fields = ["cluster", "agreement"]
    readonly_fields = ["created_at", "updated_at", "confirmed_at", "declined_at", "cancelled_at"]
    # Who, when and how many hours change only through the services (the reassign action, the
    # managers' reschedule), so the overlap and hours rules always apply; staff may edit the rest.
    scheduling_fields = ["cluster", "agreement", "service_area", "expert", "booked_by", "starts_at", "ends_at", "hours"]
    actions = ["reassign"]

    def get_changelist(self, request, **kwargs):
        return ConsultationChangeList

    def has_add_permission(self, request):
        return False  # bookings are made by cluster managers, through the booking rules

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields + self.scheduling_fields if obj is not None else fields

    @admin.action(description=_("Reassign to another expert of the same area"))
    def reassign(self, request, queryset):
        consultations = list(queryset.select_related("service_area", "expert__user", "cluster"))
        areas = {c.service_area for c in consultations}
        form = ReassignForm(request.POST if "apply" in request.POST else None, areas=areas)
        if "apply" in request.POST and form.is_valid():
            done = 0
            for consultation in consultations:
                try:
                    services.consultation_reassign(
                        consultation=consultation, expert=form.cleaned_data["expert"], by=request.user
                    )
                except ValidationError as error:
                    self.message_user(request, f"{consultation}: {' '.join(error.messages)}", messages.ERROR)
                else:
                    done += 1
            if done:
                self.message_user(
                    request,
                    ngettext("%(n)d consultation reassigned.", "%(n)d consultations reassigned.", done) % {"n": done},
                    messages.SUCCESS,
                )
            return None
        return render(
            request,
            "admin/consultations/consultation/reassign.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Reassign consultations"),
                "consultations": consultations,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(SessionOutcome)
class SessionOutcomeAdmin(SubquerySearchMixin, SimpleHistoryAdmin):
    list_display = ["consultation", "cluster", "expert", "result", "hours_delivered", "created_at"]
    list_filter = [
        "result",
        "consultation__service_area",
        expert_filter("consultation__expert_id"),
        cluster_filter("consultation__cluster_id"),
        ("created_at", admin.DateFieldListFilter),
    ]
    search_fields = ["summary", "consultation__topic", "consultation__cluster__name"]
    list_select_related = ["consultation__cluster", "consultation__expert__user"]
    raw_id_fields = ["consultation"]
    formfield_overrides = {models.DecimalField: {"form_class": HoursField}}  # "1,75" or "1.75" in any browser

    def has_add_permission(self, request):
        return False  # outcomes are logged by the session's expert

    def get_readonly_fields(self, request, obj=None):
        return ["consultation", "created_at", "updated_at"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        """Staff corrections keep the consultation's status in step with the outcome's result.

        The consultation row is locked first, as the expert's outcome service does, so both take their locks
        (consultation, then the allocation's hours) in the same order.
        """
        consultation = Consultation.objects.select_for_update().get(pk=obj.consultation_id)
        super().save_model(request, obj, form, change)
        if consultation.status != obj.result:
            consultation.status = obj.result
            consultation.status_changed_by = request.user
            consultation.save(update_fields=["status", "status_changed_by", "updated_at"])

    @admin.display(description=_("cluster"), ordering="consultation__cluster__name")
    def cluster(self, obj):
        return obj.consultation.cluster

    @admin.display(description=_("expert"))
    def expert(self, obj):
        return obj.consultation.expert


@admin.register(Rating)
class RatingAdmin(SubquerySearchMixin, SimpleHistoryAdmin):
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
