"""The cluster registry's export (clusters with members, managers and labels) and import (the national registry
file, idempotent by company code) for the admin (see inolink/resources.py)."""

import re

from django.db.models import Prefetch
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets

from inolink.resources import (
    ChoiceWidget,
    ExportResource,
    ImportResourceMixin,
    YesNoImportWidget,
    column,
    computed_column,
    number_column,
    yes_no_column,
)

from . import services
from .models import Cluster, LabelAward, Membership, Region, Sector

MEMBERS_SEPARATOR = ";"
MEMBER = re.compile(r"^(?P<name>[^\[\]]+?)\s*(?:\[(?P<code>[^\[\]]*)\])?$")


class ClusterResource(ExportResource):
    company_code = column("company_code", _("company code"))
    name = column("name", _("name"))
    legal_name = column("legal_name", _("legal name"))
    sector = column("get_sector_display", _("sector"))
    region = column("get_region_display", _("region"))
    founded_year = number_column("founded_year", _("founding year"))
    website = column("website", _("website"))
    email = column("email", _("contact email"))
    phone = column("phone", _("contact phone"))
    status = column("get_status_display", _("status"))
    is_sample = yes_no_column("is_sample", _("sample data"))
    current_label = column("current_label_level__label", _("current label"))
    label_awards = computed_column(_("label awards"))
    member_count = number_column("member_count", _("members"))
    members = computed_column(_("members (organisation [code], role)"))
    managers = computed_column(_("cluster managers"))

    prefetch_related = (
        Prefetch("memberships", queryset=Membership.objects.select_related("organisation").order_by("-role", "pk")),
        Prefetch("label_awards", queryset=LabelAward.objects.order_by("awarded_on", "pk")),
        "managers",
    )

    class Meta:
        model = Cluster
        name = pgettext_lazy("export", "Clusters with members, managers and labels")
        fields = [
            "company_code",
            "name",
            "legal_name",
            "sector",
            "region",
            "founded_year",
            "website",
            "email",
            "phone",
            "status",
            "is_sample",
            "current_label",
            "label_awards",
            "member_count",
            "members",
            "managers",
        ]

    def with_relations(self, queryset):
        # The admin's list is annotated with the current label already; a queryset of its own is annotated here.
        if "current_label" not in queryset.query.annotations:
            queryset = queryset.with_current_label()
        return super().with_relations(queryset)

    def dehydrate_member_count(self, cluster):
        return len(cluster.memberships.all())

    def dehydrate_members(self, cluster):
        return f"{MEMBERS_SEPARATOR} ".join(
            f"{m.organisation.name}"
            + (f" [{m.organisation.code}]" if m.organisation.code else "")
            + f" ({m.get_role_display()})"
            for m in cluster.memberships.all()
        )

    def dehydrate_managers(self, cluster):
        return f"{MEMBERS_SEPARATOR} ".join(f"{user} <{user.email}>" for user in cluster.managers.all())

    def dehydrate_label_awards(self, cluster):
        return f"{MEMBERS_SEPARATOR} ".join(
            f"{award.get_level_display()} {award.awarded_on:%Y-%m-%d}–{award.valid_until:%Y-%m-%d}"
            for award in cluster.label_awards.all()
        )


class YearWidget(widgets.IntegerWidget):
    """A year; text that is not one is the row's error at the column (not a failure of the whole import)."""

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row=row, **kwargs)
        except (ArithmeticError, ValueError) as error:
            raise ValueError(gettext("Write a year, e.g. 2010.")) from error


class MembersWidget(widgets.Widget):
    """The members cell: organisations separated by ";", each "Name [organisation code]" (the code optional)."""

    def clean(self, value, row=None, **kwargs):
        members = []
        for part in str(value or "").split(MEMBERS_SEPARATOR):
            part = part.strip()
            if not part:
                continue
            match = MEMBER.match(part)
            if match is None:
                raise ValueError(
                    gettext("“%(member)s” is not written as “Name [organisation code]”.") % {"member": part}
                )
            name, code = match["name"].strip(), (match["code"] or "").strip()
            if len(name) > 255 or len(code) > 30:
                raise ValueError(gettext("“%(member)s” is too long for a member's name or code.") % {"member": part})
            members.append((name, code))
        return members

    def render(self, value, obj=None, **kwargs):
        return f"{MEMBERS_SEPARATOR} ".join(f"{name} [{code}]" if code else name for name, code in value or ())


class ClusterRegistryResource(ImportResourceMixin, resources.ModelResource):
    """One row a cluster of the national registry, found by its company code: a new code adds the cluster, a
    known one updates its registry details, and members the row lists are added (``registry_members_add``).
    An unchanged row is skipped, so the same file imported twice changes nothing."""

    company_code = fields.Field(attribute="company_code", column_name=_("company code"))
    name = fields.Field(attribute="name", column_name=_("name"))
    legal_name = fields.Field(attribute="legal_name", column_name=_("legal name"), default="")
    sector = fields.Field(
        attribute="sector", column_name=_("sector"), widget=ChoiceWidget(Sector.choices), default=Sector.OTHER
    )
    region = fields.Field(attribute="region", column_name=_("region"), widget=ChoiceWidget(Region.choices))
    founded_year = fields.Field(attribute="founded_year", column_name=_("founding year"), widget=YearWidget())
    website = fields.Field(attribute="website", column_name=_("website"), default="")
    email = fields.Field(attribute="email", column_name=_("contact email"), default="")
    phone = fields.Field(attribute="phone", column_name=_("contact phone"), default="")
    is_sample = fields.Field(attribute="is_sample", column_name=_("sample data"), widget=YesNoImportWidget())
    members = fields.Field(attribute="registry_members", column_name=_("members"), widget=MembersWidget())

    class Meta:
        model = Cluster
        name = pgettext_lazy("import", "National cluster registry")
        import_id_fields = ["company_code"]
        fields = [
            "company_code",
            "name",
            "legal_name",
            "sector",
            "region",
            "founded_year",
            "website",
            "email",
            "phone",
            "is_sample",
            "members",
        ]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """Skipped when nothing in the row differs from the registry: its details and its members."""
        if import_validation_errors or original is None or original.pk is None:
            return False
        for field in self.get_import_fields():
            if field.attribute != "registry_members" and field.get_value(instance) != field.get_value(original):
                return False
        wanted = getattr(instance, "registry_members", None) or []
        return not services.registry_members_missing(cluster=original, members=wanted)

    def after_save_instance(self, instance, row, **kwargs):
        super().after_save_instance(instance, row, **kwargs)
        services.registry_members_add(cluster=instance, members=getattr(instance, "registry_members", None) or [])
