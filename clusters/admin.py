from django.contrib import admin
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from agreements.models import Agreement
from inolink.admin import PlainActionCheckboxMixin

from .models import Cluster, LabelAward, LabelLevel, Membership, Organisation


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


class LabelAwardInline(admin.TabularInline):
    model = LabelAward
    extra = 0
    max_num = 20  # a label every two or three years
    fields = ["level", "awarded_on", "valid_until", "reference"]


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


@admin.register(Cluster)
class ClusterAdmin(PlainActionCheckboxMixin, SimpleHistoryAdmin):
    list_display = [
        "name",
        "company_code",
        "sector",
        "region",
        "current_label_display",
        "in_programme_display",
        "member_count",
        "status",
        "is_sample",
    ]
    list_filter = ["sector", "region", CurrentLabelFilter, InProgrammeFilter, "status", "is_sample"]
    search_fields = ["name", "legal_name", "company_code"]
    autocomplete_fields = ["managers"]
    inlines = [MembershipInline, LabelAwardInline]
    list_per_page = 50
    # Counting the annotated clusters again for an unfiltered total costs a query; "Show all" serves instead.
    show_full_result_count = False
    fieldsets = (
        (None, {"fields": ("name", "legal_name", "company_code", "status", "is_sample")}),
        (_("Profile"), {"fields": ("sector", "region", "founded_year", "description")}),
        (_("Contacts"), {"fields": ("website", "email", "phone")}),
        (_("Cluster managers"), {"fields": ("managers",)}),
    )

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
            .annotate(
                members_count=Coalesce(Subquery(members), 0),
                in_programme=Exists(Agreement.objects.live().filter(cluster=OuterRef("pk"))),
            )
            # Aggregating drops Meta.ordering; autocomplete pages need a stable order.
            .order_by("name")
        )

    @admin.display(description=_("current label"), ordering="current_label")
    def current_label_display(self, obj):
        return obj.current_label_level.label if obj.current_label_level else "—"

    @admin.display(description=_("in a programme"), boolean=True, ordering="in_programme")
    def in_programme_display(self, obj):
        return obj.in_programme

    @admin.display(description=_("members"), ordering="members_count")
    def member_count(self, obj):
        return obj.members_count


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "kind", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "code"]


@admin.register(LabelAward)
class LabelAwardAdmin(SimpleHistoryAdmin):
    list_display = ["cluster", "level", "awarded_on", "valid_until", "reference"]
    list_filter = ["level"]
    search_fields = ["cluster__name", "reference"]
    list_select_related = ["cluster"]
    autocomplete_fields = ["cluster"]
    date_hierarchy = "awarded_on"


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "cluster", "role", "joined_on"]
    list_filter = ["role"]
    search_fields = ["organisation__name", "cluster__name"]
    list_select_related = ["organisation", "cluster"]
    autocomplete_fields = ["organisation", "cluster"]
