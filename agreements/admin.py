from django.contrib import admin
from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from clusters.admin import ClusterAdmin as RegistryClusterAdmin
from clusters.admin import CurrentLabelFilter
from clusters.models import Cluster
from inolink.admin import PlainActionCheckboxMixin

from .models import Agreement, Programme, Signature


class SignatureInline(admin.TabularInline):
    model = Signature
    extra = 0
    max_num = 3
    fields = ["party", "signer_name", "signer_role", "signed_on"]


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
    # The status and the missing signatures before the long cluster and programme names: at 1400 px the last
    # columns scrolled out of sight.
    list_display = ["number", "status_display", "missing_signatures", "cluster", "programme", "starts_on", "ends_on"]
    list_filter = [AgreementStatusFilter, "programme"]
    search_fields = ["number", "cluster__name", "cluster__company_code"]
    list_select_related = ["cluster", "programme"]
    autocomplete_fields = ["cluster"]
    date_hierarchy = "starts_on"
    inlines = [SignatureInline]  # the consultations app adds the hours per service area
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
    search_fields = ["name_lt", "name_en", "code"]
    list_select_related = ["agency", "partner"]
    readonly_fields = ["kpi_summary"]
    fieldsets = (
        (None, {"fields": ("name_lt", "name_en", "code", "agency", "partner", "description")}),
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


class InProgrammeFilter(admin.SimpleListFilter):
    title = _("in a programme")
    parameter_name = "in_programme"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(in_programme=True)
        if self.value() == "no":
            return queryset.filter(in_programme=False)
        return queryset


# The registry's list of clusters, with whether each has a live agreement in a programme: that is this app's to
# know, so it extends the clusters app's admin rather than the clusters app importing agreements.
admin.site.unregister(Cluster)


def _after(items: list, anchor, item) -> list:
    at = items.index(anchor) + 1
    return [*items[:at], item, *items[at:]]


@admin.register(Cluster)
class ClusterAdmin(RegistryClusterAdmin):
    list_display = _after(RegistryClusterAdmin.list_display, "current_label_display", "in_programme_display")
    list_filter = _after(RegistryClusterAdmin.list_filter, CurrentLabelFilter, InProgrammeFilter)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(in_programme=Exists(Agreement.objects.live().filter(cluster=OuterRef("pk"))))
        )

    @admin.display(description=_("in a programme"), boolean=True, ordering="in_programme")
    def in_programme_display(self, obj):
        return obj.in_programme
