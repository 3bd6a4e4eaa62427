from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from exports.admin import ImportExportListMixin
from inolink.admin import PlainActionCheckboxMixin
from inolink.forms import FreeTextField

from .models import (
    Benchmarking,
    BenchmarkingAreaResult,
    Cluster,
    EligibilityCriterion,
    EligibilityWaiver,
    IndicatorArea,
    LabelAward,
    LabelLevel,
    LabelRules,
    Membership,
    Organisation,
    month_start,
)
from .resources import ClusterRegistryResource, ClusterResource
from .services import (
    benchmarking_plan_refusal,
    benchmarking_record_result,
    eligibility_waiver_record,
    label_award_from_benchmarking,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


class EligibilityWaiverInline(admin.TabularInline):
    model = EligibilityWaiver
    extra = 0
    max_num = len(EligibilityCriterion)  # one waiver per criterion
    fields = ["criterion", "reason", "waived_by", "waived_at"]
    readonly_fields = ["waived_by", "waived_at"]


class LabelAwardInline(admin.TabularInline):
    """Awards are listed here and edited on their own screen: validity follows the rules or a reasoned override."""

    model = LabelAward
    extra = 0
    fields = ["level", "awarded_on", "valid_until", "valid_until_override", "benchmarking", "reference"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CurrentLabelFilter(admin.SimpleListFilter):
    title = _("current label")
    parameter_name = "label"

    def lookups(self, request, model_admin):
        return [("none", _("No label")), *[(str(value), label) for value, label in LabelLevel.choices]]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "none":
            return queryset.filter(current_label__isnull=True)
        if value in {str(level) for level in LabelLevel.values}:
            return queryset.filter(current_label=int(value))
        return queryset


@admin.register(Cluster)
class ClusterAdmin(ImportExportListMixin, PlainActionCheckboxMixin, SimpleHistoryAdmin):
    # The list exports with members, managers and labels; the national registry file imports with a preview.
    def get_export_resource_classes(self, request):
        return [ClusterResource]

    def get_import_resource_classes(self, request):
        return [ClusterRegistryResource]

    list_display = [
        "name",
        "company_code",
        "sector",
        "region",
        "current_label_display",
        "member_count",
        "status",
        "is_sample",
    ]
    list_filter = ["sector", "region", CurrentLabelFilter, "status", "is_sample"]
    search_fields = ["name", "legal_name", "company_code"]
    autocomplete_fields = ["managers"]
    inlines = [MembershipInline, LabelAwardInline, EligibilityWaiverInline]
    list_per_page = 50
    # Counting the annotated clusters again for an unfiltered total costs a query; "Show all" serves instead.
    show_full_result_count = False
    fieldsets = (
        (None, {"fields": ("name", "legal_name", "company_code", "status", "is_sample")}),
        (_("Profile"), {"fields": ("sector", "region", "founded_year", "description")}),
        (_("Contacts"), {"fields": ("website", "email", "phone")}),
        (_("Label eligibility"), {"fields": ("eccp_profile_url", "english_website_url", "management_fte")}),
        (_("Cluster managers"), {"fields": ("managers",)}),
    )

    def save_formset(self, request, form, formset, change):
        if formset.model is not EligibilityWaiver:
            return super().save_formset(request, form, formset, change)
        # Waivers go through the service, which records who waived and when.
        for waiver in formset.save(commit=False):
            eligibility_waiver_record(
                cluster=form.instance, criterion=waiver.criterion, reason=waiver.reason, by=request.user
            )
        for waiver in formset.deleted_objects:
            waiver.delete()

    def get_queryset(self, request):
        members = (
            Membership.objects.filter(cluster=OuterRef("pk"))
            .values("cluster")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return (
            super()
            .get_queryset(request)
            .with_current_label()
            .annotate(members_count=Coalesce(Subquery(members), 0))
            # Aggregating drops Meta.ordering; autocomplete pages need a stable order.
            .order_by("name")
        )

    @admin.display(description=_("current label"), ordering="current_label")
    def current_label_display(self, obj):
        return obj.current_label_level.label if obj.current_label_level else "—"

    @admin.display(description=_("members"), ordering="members_count")
    def member_count(self, obj):
        return obj.members_count


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "kind", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "code"]


class LabelAwardForm(forms.ModelForm):
    class Meta:
        model = LabelAward
        fields = [
            "cluster",
            "level",
            "benchmarking",
            "awarded_on",
            "valid_until",
            "valid_until_override",
            "override_reason",
            "reference",
        ]
        field_classes = {"override_reason": FreeTextField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["valid_until"].required = False
        self.fields["valid_until"].help_text = _(
            "Only for a label recorded without its benchmarking; otherwise the label rules or the override set it."
        )

    def clean(self):
        """The validity queries read: the override, else the rules' computed value, else the date typed."""
        data = super().clean()
        override, reason = data.get("valid_until_override"), (data.get("override_reason") or "").strip()
        if override and not reason:
            self.add_error("override_reason", _("Give the reason for overriding the validity."))
        if reason and not override:
            self.add_error("valid_until_override", _("Give the validity the reason is for, or clear the reason."))
        award = LabelAward(
            cluster=data.get("cluster"), benchmarking=data.get("benchmarking"), awarded_on=data.get("awarded_on")
        )
        award.pk = self.instance.pk
        computed = award.computed_valid_until() if award.benchmarking and award.awarded_on else None
        valid_until = override or computed or data.get("valid_until")
        if valid_until:
            data["valid_until"] = self.instance.valid_until = valid_until
        elif "valid_until" not in self.errors:  # a date that did not parse has its own message already
            self.add_error("valid_until", _("Give the date the label is valid until."))
        return data


@admin.register(LabelAward)
class LabelAwardAdmin(SimpleHistoryAdmin):
    form = LabelAwardForm
    list_display = ["cluster", "level", "awarded_on", "valid_until", "computed_validity", "overridden", "reference"]
    list_filter = ["level"]
    search_fields = ["cluster__name", "reference"]
    list_select_related = ["cluster", "benchmarking"]
    autocomplete_fields = ["cluster"]
    raw_id_fields = ["benchmarking"]
    readonly_fields = ["computed_validity"]
    date_hierarchy = "awarded_on"

    @admin.display(description=_("validity by the rules"))
    def computed_validity(self, obj):
        computed = obj.computed_valid_until() if obj.pk else None
        return computed or "—"

    @admin.display(description=_("overridden"), boolean=True)
    def overridden(self, obj):
        return obj.valid_until_override is not None


class BenchmarkingAreaResultInline(admin.TabularInline):
    model = BenchmarkingAreaResult
    extra = 0
    fields = ["area", "score", "notes"]


class BenchmarkingForm(forms.ModelForm):
    class Meta:
        model = Benchmarking
        fields = [
            "cluster",
            "kind",
            "month",
            "status",
            "expert",
            "improvement_area_1",
            "improvement_area_2",
            "improvement_area_3",
            "notes",
        ]
        field_classes = {"notes": FreeTextField}

    def clean_month(self):
        month = self.cleaned_data["month"]
        return month_start(month) if month else month

    def clean(self):
        data = super().clean()
        planning = self.instance.pk is None and data.get("status") == Benchmarking.Status.PLANNED
        if planning and data.get("cluster") and data.get("kind") and data.get("month"):
            refusal = benchmarking_plan_refusal(
                cluster=data["cluster"], kind=data["kind"], month=data["month"], rules=LabelRules.load()
            )
            if refusal:
                raise forms.ValidationError(refusal)
        return data


@admin.register(Benchmarking)
class BenchmarkingAdmin(SimpleHistoryAdmin):
    form = BenchmarkingForm
    list_display = ["cluster", "kind", "month_display", "status", "expert"]
    list_filter = ["kind", "status"]
    search_fields = ["cluster__name", "expert"]
    list_select_related = ["cluster"]
    autocomplete_fields = ["cluster"]
    inlines = [BenchmarkingAreaResultInline]
    date_hierarchy = "month"
    actions = ["record_held", "award_label"]

    def _each(self, request, queryset, service, done):
        """Run the service on each chosen benchmarking; its refusals are shown, the others still go through."""
        count = 0
        for benchmarking in queryset:
            try:
                service(benchmarking)
            except ValidationError as error:
                self.message_user(request, f"{benchmarking}: {' '.join(error.messages)}", messages.ERROR)
            else:
                count += 1
        if count:
            self.message_user(request, done(count) % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Record as held"))
    def record_held(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda benchmarking: benchmarking_record_result(benchmarking=benchmarking),
            lambda count: ngettext(
                "%(count)s benchmarking recorded as held.", "%(count)s benchmarkings recorded as held.", count
            ),
        )

    @admin.action(description=_("Award the label earned (today)"))
    def award_label(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda benchmarking: label_award_from_benchmarking(
                benchmarking=benchmarking, awarded_on=timezone.localdate()
            ),
            lambda count: ngettext("%(count)s label awarded.", "%(count)s labels awarded.", count),
        )

    @admin.display(description=_("month"), ordering="month")
    def month_display(self, obj):
        return f"{obj.month:%Y-%m}"


@admin.register(IndicatorArea)
class IndicatorAreaAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "position"]
    list_editable = ["position"]


@admin.register(LabelRules)
class LabelRulesAdmin(SimpleHistoryAdmin):
    fieldsets = (
        (
            _("Bronze"),
            {"fields": ("bronze_validity_months", "renewal_grace_months", "renewal_extension_months")},
        ),
        (
            _("Silver and gold"),
            {
                "fields": (
                    "silver_window_from_months",
                    "silver_window_to_months",
                    "silver_validity_months",
                    "gold_validity_months",
                )
            },
        ),
        (
            _("ECCP validation criteria"),
            {"fields": ("min_members", "min_member_kinds", "min_management_fte", "english_website_required")},
        ),
    )

    def has_add_permission(self, request):
        return not LabelRules.objects.exists()  # one row: the rules in force

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "cluster", "role", "joined_on"]
    list_filter = ["role"]
    search_fields = ["organisation__name", "cluster__name"]
    list_select_related = ["organisation", "cluster"]
    autocomplete_fields = ["organisation", "cluster"]
