from django.contrib import admin
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from inolink.admin import PlainActionCheckboxMixin

from .models import Agreement, HourAllocation, Programme, Signature


class SignatureInline(admin.TabularInline):
    model = Signature
    extra = 0
    max_num = 3
    fields = ["party", "signer_name", "signer_role", "signed_on"]


class HourAllocationInline(admin.TabularInline):
    model = HourAllocation
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


class AgreementStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Agreement.Status.choices

    def queryset(self, request, queryset):
        value = self.value()
        today = timezone.localdate()
        Status = Agreement.Status
        if value == Status.ACTIVE:
            return queryset.active()
        if value == Status.TERMINATED:
            return queryset.filter(terminated_on__isnull=False)
        signed = queryset.live().fully_signed().values("pk")
        if value == Status.DRAFT:
            return queryset.live().exclude(pk__in=signed)
        if value == Status.SIGNED:
            return queryset.filter(pk__in=signed, starts_on__gt=today)
        if value == Status.COMPLETED:
            return queryset.filter(pk__in=signed, ends_on__lt=today)
        return queryset


@admin.register(Agreement)
class AgreementAdmin(PlainActionCheckboxMixin, SimpleHistoryAdmin):
    list_display = ["number", "cluster", "programme", "starts_on", "ends_on", "status_display", "missing_signatures"]
    list_filter = [AgreementStatusFilter, "programme"]
    search_fields = ["number", "cluster__name", "cluster__company_code"]
    list_select_related = ["cluster", "programme"]
    autocomplete_fields = ["cluster"]
    date_hierarchy = "starts_on"
    inlines = [SignatureInline, HourAllocationInline]
    readonly_fields = ["status_display", "missing_signatures"]
    # As on the clusters list: a page staff can scan; the status and programme filters narrow the rest.
    list_per_page = 50
    # An unfiltered total would count the agreements a second time; "Show all" serves instead.
    show_full_result_count = False
    fieldsets = (
        (None, {"fields": ("programme", "cluster", "number", "status_display", "missing_signatures")}),
        (_("Period"), {"fields": ("starts_on", "ends_on")}),
        (_("Document"), {"fields": ("document",)}),
        (_("Termination"), {"fields": ("terminated_on", "termination_reason"), "classes": ["collapse"]}),
        (_("Notes"), {"fields": ("notes",)}),
    )

    def get_queryset(self, request):
        # Status and missing signatures need only who signed.
        signed = Prefetch("signatures", queryset=Signature.objects.only("agreement_id", "party"))
        return super().get_queryset(request).prefetch_related(signed)

    @admin.display(description=_("status"))
    def status_display(self, obj):
        return obj.status.label if obj.pk else Agreement.Status.DRAFT.label

    @admin.display(description=_("not signed by"))
    def missing_signatures(self, obj):
        if not obj.pk:
            return "—"
        return ", ".join(str(party) for party in obj.missing_parties()) or "—"


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "starts_on", "ends_on", "kpi_summary"]
    search_fields = ["name", "code"]
    list_select_related = ["agency", "partner"]
    readonly_fields = ["kpi_summary"]
    fieldsets = (
        (None, {"fields": ("name", "code", "agency", "partner", "description")}),
        (_("Period"), {"fields": ("starts_on", "ends_on")}),
        (_("KPI targets"), {"fields": ("bronze_target", "silver_target", "target_date", "kpi_summary")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).with_kpi_progress()

    @admin.display(description=_("KPI progress"))
    def kpi_summary(self, obj):
        return obj.kpi_summary if obj.pk else "—"


@admin.register(Signature)
class SignatureAdmin(SimpleHistoryAdmin):
    """Signatures are edited on their agreement; this list gives their history and a cross-agreement view."""

    list_display = ["agreement", "party", "signer_name", "signer_role", "signed_on"]
    list_filter = ["party"]
    search_fields = ["agreement__number", "agreement__cluster__name", "signer_name"]
    list_select_related = ["agreement__cluster"]
    autocomplete_fields = ["agreement"]
    date_hierarchy = "signed_on"


@admin.register(HourAllocation)
class HourAllocationAdmin(SimpleHistoryAdmin):
    list_display = ["agreement", "service_area", "hours_granted", "hours_remaining"]
    list_filter = ["service_area", "agreement__programme"]
    search_fields = ["agreement__number", "agreement__cluster__name"]
    list_select_related = ["agreement__cluster", "service_area"]
    autocomplete_fields = ["agreement"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_usage()

    @admin.display(description=_("remaining"), ordering="hours_remaining")
    def hours_remaining(self, obj):
        return obj.hours_remaining
