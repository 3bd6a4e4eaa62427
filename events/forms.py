import datetime

from django import forms
from django.contrib.admin.helpers import ActionForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clusters.models import IndicatorArea
from inolink.forms import FreeTextField
from inolink.text_limits import max_length_of

from .countries import Country
from .models import Decision, Delegate, Event, FundingIntent, Outcome, Participation, PartnershipLead
from .selectors import CatalogueFilters
from .services import DelegateData, LeadData, check_support

MONTH_FORMAT_MESSAGE = _("Give the month as YYYY-MM, for example 2027-03.")


class CatalogueFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    month = forms.CharField(
        label=_("Month"),
        max_length=len("YYYY-MM"),
        required=False,
        error_messages={"max_length": MONTH_FORMAT_MESSAGE},
        widget=forms.DateInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
        help_text=_("Events taking place in this month."),
    )
    open = forms.BooleanField(label=_("Open for applications"), required=False)
    past = forms.BooleanField(label=_("Include past events"), required=False)

    def __init__(self, *args, countries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *Event.Kind.choices]
        labels = dict(Country.choices)
        self.fields["country"].choices = [("", _("All countries"))] + [
            (code, labels.get(code, code)) for code in countries
        ]

    def clean_month(self):
        value = self.cleaned_data["month"].strip()
        if not value:
            return None
        try:
            return datetime.datetime.strptime(value, "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError(MONTH_FORMAT_MESSAGE) from None

    def filters(self) -> CatalogueFilters:
        """The filters to apply; invalid parts are ignored (their errors show at the field)."""
        data = self.cleaned_data if self.is_bound else {}
        return CatalogueFilters(
            kind=data.get("kind") or "",
            country=data.get("country") or "",
            month=data.get("month"),
            open_only=bool(data.get("open")),
            include_past=bool(data.get("past")),
        )


class ApplicationForm(forms.Form):
    motivation = FreeTextField(
        label=_("Motivation"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=max_length_of(Participation, "motivation"),
        help_text=_("What your cluster wants to achieve at this event."),
    )
    support_needed = forms.BooleanField(label=_("We need support from the programme"), required=False)
    support_details = FreeTextField(
        label=_("Support wanted"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=max_length_of(Participation, "support_details"),
        help_text=_("E.g. travel costs, a shared stand, meetings arranged for us."),
    )

    def clean(self):
        cleaned = super().clean()
        try:
            check_support(
                support_needed=bool(cleaned.get("support_needed")), support_details=cleaned.get("support_details") or ""
            )
        except forms.ValidationError as error:
            self.add_error(None, error)  # the error names its field
        return cleaned


class ApplicationChangeForm(ApplicationForm):
    """What a cluster may change in its application until the deadline: the support it wants (and, in the
    formset beside it, the delegates). The motivation staff decided on stays as sent."""

    motivation = None


class DelegateForm(forms.Form):
    """One delegate: the first is required; a further one is optional (and not marked required), but named with
    a role or left empty."""

    full_name = FreeTextField(
        label=_("Full name"),
        max_length=max_length_of(Delegate, "full_name"),
        error_messages={"required": _("Give the delegate's name.")},
    )
    role = FreeTextField(
        label=pgettext_lazy("delegate", "Role"),
        max_length=max_length_of(Delegate, "role"),
        error_messages={"required": _("Give the delegate's role.")},
    )

    def __init__(self, *args, optional=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.optional = optional
        if optional:
            for field in self.fields.values():
                field.required = False

    def clean(self):
        cleaned = super().clean()
        if self.optional and any((cleaned.get(name) or "").strip() for name in ("full_name", "role")):
            for name in ("full_name", "role"):
                if not (cleaned.get(name) or "").strip() and name not in self.errors:
                    self.add_error(name, self.fields[name].error_messages["required"])
        return cleaned


class BaseDelegateFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index):
        # The first ``min_num`` delegates are required; the further ones are optional.
        return {**super().get_form_kwargs(index), "optional": index is not None and index >= self.min_num}

    def delegates(self) -> list[DelegateData]:
        """The named delegates; the formset leaves the optional ones nobody filled in without data."""
        return [
            DelegateData(full_name=f.cleaned_data["full_name"], role=f.cleaned_data["role"])
            for f in self.forms
            if f.cleaned_data.get("full_name")
        ]


def delegate_formset(event: Event, data=None, *, participation: Participation | None = None):
    """As many delegate forms as the event takes; the first must be filled in (``min_num``), the others may stay
    empty (a formset skips an extra form nobody changed). Changing an application starts from its delegates."""
    initial = None
    if participation is not None:
        initial = [{"full_name": d.full_name, "role": d.role} for d in participation.delegates.all()]
    formset_class = forms.formset_factory(
        DelegateForm,
        formset=BaseDelegateFormSet,
        min_num=1,
        extra=event.delegates_per_cluster - max(len(initial or ()), 1),
        max_num=event.delegates_per_cluster,
        absolute_max=event.delegates_per_cluster,
    )
    return formset_class(data=data, prefix="delegates", initial=initial)


class OutcomeForm(forms.Form):
    attended = forms.TypedChoiceField(
        label=_("Did your cluster attend?"),
        choices=[("yes", _("Yes, we attended")), ("no", _("No, we did not attend"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    contacts_made = forms.IntegerField(label=_("Contacts made"), min_value=0, max_value=10000, initial=0)
    notes = FreeTextField(
        label=_("Notes"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=max_length_of(Outcome, "notes"),
        help_text=_("What the event brought: meetings, offers, lessons for the next time."),
    )
    indicator_areas = forms.ModelMultipleChoiceField(
        label=_("Indicator areas served"),
        queryset=IndicatorArea.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Optional: the benchmarking's indicator areas the event built evidence for."),
    )


class LeadForm(forms.Form):
    organisation = FreeTextField(
        label=_("Organisation"), max_length=max_length_of(PartnershipLead, "organisation"), required=False
    )
    country = forms.ChoiceField(label=_("Country"), choices=[("", "—"), *Country.choices], required=False)
    topic = FreeTextField(label=_("Topic"), max_length=max_length_of(PartnershipLead, "topic"), required=False)
    next_step = FreeTextField(
        label=_("Next step"), max_length=max_length_of(PartnershipLead, "next_step"), required=False
    )

    def clean(self):
        cleaned = super().clean()
        if not any((cleaned.get(name) or "").strip() for name in ("organisation", "topic", "next_step", "country")):
            return cleaned
        for name, message in (
            ("organisation", _("Give the organisation.")),
            ("country", _("Choose the country.")),
            ("topic", _("Give the topic.")),
        ):
            if not (cleaned.get(name) or "").strip():
                self.add_error(name, message)
        return cleaned

    def lead(self) -> LeadData | None:
        data = self.cleaned_data
        if not (data.get("organisation") or "").strip():
            return None
        return LeadData(
            organisation=data["organisation"], country=data["country"], topic=data["topic"], next_step=data["next_step"]
        )


LeadFormSet = forms.formset_factory(LeadForm, extra=3, max_num=10, absolute_max=10)


class FundingIntentForm(forms.ModelForm):
    class Meta:
        model = FundingIntent
        fields = ["status", "submitted_on", "decided_on", "note", "indicator_areas"]
        field_classes = {"note": FreeTextField}
        widgets = {
            "submitted_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "decided_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 2}),
            "indicator_areas": forms.CheckboxSelectMultiple,
        }


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect(attrs={"class": "radiolist"}),
        error_messages={
            "invalid_choice": _("This decision is no longer possible: the application has changed meanwhile.")
        },
    )
    note = FreeTextField(
        label=_("Note to the cluster"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=max_length_of(Decision, "note"),
        help_text=_("Required for a rejection."),
    )

    def __init__(self, *args, participation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind, Decision.Kind(kind).label) for kind in participation.possible_decisions]


class DecisionActionForm(ActionForm):
    note = FreeTextField(
        label=_("Note (required to reject)"),
        required=False,
        max_length=max_length_of(Decision, "note"),
        widget=forms.TextInput(attrs={"size": 40}),
    )


class EventCancelForm(forms.Form):
    """Staff's reason for cancelling events, sent to the clusters that applied."""

    reason = FreeTextField(
        label=_("Reason"),
        max_length=max_length_of(Event, "cancel_reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The managers of every cluster that applied (and did not withdraw) receive it by email."),
    )
