import datetime

from django import forms
from django.forms.boundfield import BoundField
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agreements.models import Programme
from clusters.models import Benchmarking, Cluster, LabelRules
from clusters.services import benchmarking_plan_refusal
from inolink.forms import InlineSelect
from inolink.tables import ReportScope


class BootstrapBoundField(BoundField):
    """Marks a field with errors ``is-invalid``, so Bootstrap shows its feedback, as crispy forms would."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if self.errors:
            widget_class = (widget or self.field.widget).attrs.get("class", "")
            attrs["class"] = f"{widget_class} is-invalid".strip()
        return attrs


class ReportFilterForm(forms.Form):
    """Period and cluster filters of the dashboard and its downloads (GET parameters).

    Rendered as plain Bootstrap markup in ``reports/includes/filters.html``, not through crispy forms, whose
    templates took a quarter of the dashboard's time.
    """

    bound_field_class = BootstrapBoundField

    date_from = forms.DateField(
        label=pgettext_lazy("start of a period", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=pgettext_lazy("end of a period", "To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.order_by("-starts_on"),
        required=False,
        empty_label=_("All programmes"),
        widget=InlineSelect(attrs={"class": "form-select"}),
    )
    cluster = forms.ModelChoiceField(
        label=_("Cluster"),
        queryset=Cluster.objects.order_by("name").only("pk", "name"),
        required=False,
        empty_label=_("All clusters"),
        widget=InlineSelect(attrs={"class": "form-select"}),
    )

    MAX_DAYS = 366 * 10

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end of the period must not be before its start."))
        elif start and end and (end - start).days > self.MAX_DAYS:
            self.add_error("date_to", _("Choose a period of at most ten years."))
        return cleaned

    @staticmethod
    def default_period() -> tuple[datetime.date, datetime.date]:
        today = timezone.localdate()
        return today.replace(month=1, day=1), today.replace(month=12, day=31)

    def scope(self) -> ReportScope:
        """The chosen scope; invalid or missing values fall back to the current calendar year and no filter."""
        default_from, default_to = self.default_period()
        data = self.cleaned_data if self.is_valid() else {}
        return ReportScope(
            date_from=data.get("date_from") or default_from,
            date_to=data.get("date_to") or default_to,
            programme=data.get("programme"),
            cluster=data.get("cluster"),
        )


class BenchmarkingPlanForm(forms.Form):
    """Staff plan a benchmarking for one of the programme's clusters from the planner.

    The label rules' refusal (``benchmarking_plan_refusal``) is shown next to the month; the write is the
    service's, which checks the rule again under the cluster's lock.
    """

    bound_field_class = BootstrapBoundField

    cluster = forms.ModelChoiceField(
        label=_("Cluster"), queryset=Cluster.objects.none(), widget=forms.Select(attrs={"class": "form-select"})
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Benchmarking.Kind.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    month = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m"],
        help_text=_("Year and month, e.g. 2027-04."),
        widget=forms.DateInput(attrs={"type": "month", "class": "form-control"}, format="%Y-%m"),
    )
    expert = forms.CharField(
        label=_("Benchmarking expert or organisation"),
        max_length=Benchmarking._meta.get_field("expert").max_length,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args, clusters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cluster"].queryset = clusters

    def clean(self):
        data = super().clean()
        if {"cluster", "kind", "month"} <= data.keys():
            refusal = benchmarking_plan_refusal(
                cluster=data["cluster"], kind=data["kind"], month=data["month"], rules=LabelRules.load()
            )
            if refusal:
                self.add_error("month", refusal)
        return data
