"""Forms validate what a person typed and show the errors; the services decide and write."""

import datetime
from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from inolink.admin import KeyCheckedModelChoiceField
from inolink.formatting import hours
from inolink.forms import FreeTextField, HoursField, InlineSelect, LinkField, validate_utc_representable
from inolink.text_limits import max_length_of

from .models import (
    AvailabilityException,
    Consultation,
    ConsultationChange,
    ConsultationMessage,
    Expert,
    Rating,
    ServiceArea,
    SessionOutcome,
    Weekday,
    WeeklyAvailability,
    weekly_overlap_message,
    weekly_overlaps,
)
from .places import CITY_CHOICES
from .selectors import BOOKING_LENGTHS, LAST_WEEK
from .services import LINK_TO_ADD, LINK_WITH_PROPOSAL, outcome_check


def length_choices():
    return [(str(length), hours(length)) for length in BOOKING_LENGTHS]


class NoTagHelperMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class AreaForm(NoTagHelperMixin, forms.Form):
    area = forms.ModelChoiceField(
        label=_("Service area"), queryset=ServiceArea.objects.all(), to_field_name="code", empty_label=None
    )
    length = forms.TypedChoiceField(label=_("Length"), choices=length_choices, coerce=Decimal, initial="1")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The form is sent with GET: a CSRF token would only end up in the address bar and the server logs.
        self.helper.disable_csrf = True


class SlotQueryForm(forms.Form):
    """The slot picker's query string: area, length, week, page of experts or one expert; bad values fall back."""

    area = forms.ModelChoiceField(queryset=ServiceArea.objects.all(), to_field_name="code")
    length = forms.TypedChoiceField(choices=length_choices, coerce=Decimal, required=False, empty_value=Decimal("1"))
    week = forms.IntegerField(min_value=0, max_value=LAST_WEEK, required=False)
    page = forms.IntegerField(min_value=1, max_value=1000, required=False)
    expert = forms.IntegerField(min_value=1, max_value=2**31 - 1, required=False)


class SlotChoiceForm(forms.Form):
    """A picked slot: which expert, when, how long (from hidden fields or the query string)."""

    expert = forms.IntegerField(widget=forms.HiddenInput)
    start = forms.DateTimeField(
        widget=forms.HiddenInput, input_formats=["%Y-%m-%dT%H:%M"], validators=[validate_utc_representable]
    )
    length = forms.TypedChoiceField(choices=length_choices, coerce=Decimal, widget=forms.HiddenInput)


# The fields each format asks for, and those of them it requires. The page's script (format-fields.js) shows only
# the chosen format's fields; without it all show and the other format's are ignored.
FORMAT_FIELDS = {Consultation.Format.ONSITE: ("city", "address"), Consultation.Format.ONLINE: ("meeting_url",)}
FORMAT_REQUIRED = {Consultation.Format.ONSITE: ("city", "address"), Consultation.Format.ONLINE: ()}


class BookingForm(NoTagHelperMixin, forms.Form):
    expert = forms.IntegerField(widget=forms.HiddenInput)
    starts_at = forms.DateTimeField(
        widget=forms.HiddenInput, input_formats=["%Y-%m-%dT%H:%M"], validators=[validate_utc_representable]
    )
    hours = forms.TypedChoiceField(label=_("Length"), choices=length_choices, coerce=Decimal, widget=forms.HiddenInput)
    format = forms.ChoiceField(
        label=pgettext_lazy("consultation", "Format"),
        choices=Consultation.Format.choices,
        widget=forms.RadioSelect,
        initial="onsite",
    )
    city = forms.ChoiceField(
        label=_("City"),
        choices=[("", "—")] + CITY_CHOICES,
        help_text=_("On-site only."),
        error_messages={"required": _("Choose the city in Lithuania where the consultation takes place.")},
    )
    address = FreeTextField(
        label=_("Address"),
        max_length=max_length_of(Consultation, "address"),
        help_text=_("On-site only: the street and number, e.g. Gedimino pr. 1 (the city is chosen above)."),
        error_messages={"required": _("Give the street address.")},
    )
    meeting_url = LinkField(
        label=_("Meeting link"),
        max_length=max_length_of(Consultation, "meeting_url"),
        required=False,
        assume_scheme="https",
        help_text=_(
            "Online only, e.g. a Teams or Zoom link. You may leave it empty: the expert adds it when confirming."
        ),
    )
    topic = FreeTextField(label=_("Topic"), max_length=max_length_of(Consultation, "topic"))
    agenda = FreeTextField(
        label=_("Agenda"),
        max_length=max_length_of(Consultation, "agenda"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you would like to discuss, and who will attend."),
    )

    field_order = ["expert", "starts_at", "hours", "topic", "agenda", "format", "city", "address", "meeting_url"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.group_format_fields()

    def group_format_fields(self):
        """Each format's fields in a group the page's script shows or hides (data-format-fields)."""
        grouped = {name for names in FORMAT_FIELDS.values() for name in names}
        self.helper.layout = Layout(
            *(name for name in self.fields if name not in grouped),
            *(Div(*names, data_format_fields=fmt) for fmt, names in FORMAT_FIELDS.items()),
        )

    def full_clean(self):
        # The fields a format requires are marked required on the page (every format's, as the script may show
        # any); only the chosen format's are required when the form is checked.
        chosen = self.data.get(self.add_prefix("format"))
        required = {name for fmt, names in FORMAT_REQUIRED.items() for name in names}
        for name in required:
            self.fields[name].required = name in FORMAT_REQUIRED.get(chosen, required)
        try:
            super().full_clean()
        finally:
            for name in required:
                self.fields[name].required = True


class ReasonForm(NoTagHelperMixin, forms.Form):
    reason = FreeTextField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=max_length_of(Consultation, "status_reason"),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Give a reason."))
        return reason


class RescheduleForm(ReasonForm):
    starts_at = forms.DateTimeField(
        widget=forms.HiddenInput, input_formats=["%Y-%m-%dT%H:%M"], validators=[validate_utc_representable]
    )
    hours = forms.TypedChoiceField(label=_("Length"), choices=length_choices, coerce=Decimal, widget=forms.HiddenInput)


class ProposeForm(NoTagHelperMixin, forms.Form):
    """The expert's proposed time (picked from their free slots), the meeting link when the cluster left it to
    them, and an optional note to the cluster."""

    starts_at = forms.DateTimeField(
        widget=forms.HiddenInput, input_formats=["%Y-%m-%dT%H:%M"], validators=[validate_utc_representable]
    )
    meeting_url = LinkField(
        label=_("Meeting link"),
        max_length=max_length_of(Consultation, "meeting_url"),
        assume_scheme="https",
        error_messages={"required": LINK_WITH_PROPOSAL},
        help_text=_(
            "The cluster left the link to you: give your Teams or Zoom room. Starts with https://. If the cluster "
            "takes the time you propose, the session is confirmed with this link."
        ),
    )
    reason = FreeTextField(
        label=_("Note to the cluster"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=max_length_of(ConsultationChange, "reason"),
        required=False,
        help_text=_("Optional: why the booked time does not suit you."),
    )

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, **kwargs)
        if not consultation.awaits_meeting_link:
            del self.fields["meeting_url"]


class OptionalReasonForm(NoTagHelperMixin, forms.Form):
    reason = FreeTextField(
        label=_("Reason (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=max_length_of(ConsultationChange, "reason"),
        required=False,
    )


class DetailsForm(BookingForm):
    """The booking's topic, agenda and place, corrected by the cluster (the time has its own reschedule)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("expert", "starts_at", "hours"):
            del self.fields[name]
        self.group_format_fields()

    @classmethod
    def initial_of(cls, consultation: Consultation) -> dict:
        return {
            name: getattr(consultation, name)
            for name in ("format", "city", "address", "meeting_url", "topic", "agenda")
        }


class OutcomeForm(NoTagHelperMixin, forms.ModelForm):
    class Meta:
        model = SessionOutcome
        fields = ["result", "summary", "recommendations", "follow_up_actions", "hours_delivered", "indicator_areas"]
        field_classes = {
            "summary": FreeTextField,
            "recommendations": FreeTextField,
            "follow_up_actions": FreeTextField,
            "hours_delivered": HoursField,
        }
        widgets = {
            "result": forms.RadioSelect,
            "summary": forms.Textarea(attrs={"rows": 4}),
            "recommendations": forms.Textarea(attrs={"rows": 4}),
            "follow_up_actions": forms.Textarea(attrs={"rows": 3}),
            "indicator_areas": forms.CheckboxSelectMultiple,
        }

    # The expert names the areas a held session served; staff correcting an outcome logged before the areas
    # existed may leave them empty (``OutcomeAdminForm``).
    areas_required = True

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultation = consultation
        hours = self.fields["hours_delivered"]
        hours.required = False
        hours.help_text = _("In quarter hours (e.g. 1.75). Leave empty for a no-show.")
        hours.use_message(consultation.hours_delivered_message())

    def clean(self):
        cleaned = super().clean()
        # The service checks again under its lock; this shows the same messages at the fields before it is asked.
        if (
            self.areas_required
            and cleaned.get("result") == SessionOutcome.Result.HELD
            and not cleaned.get("indicator_areas")
        ):
            # The road to the label counts a session as evidence in the areas its expert names.
            self.add_error("indicator_areas", _("Choose at least one indicator area the session served."))
        if "result" not in self.errors:
            try:
                outcome_check(
                    consultation=self.consultation,
                    result=cleaned.get("result"),
                    summary=cleaned.get("summary"),
                    hours_delivered=cleaned.get("hours_delivered"),
                )
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    if field not in self.errors:  # one message per field: the field's own comes first
                        self.add_error(field, messages)
        return cleaned

    def _post_clean(self):
        # The service validates against the consultation; the model's own full_clean would run before it exists.
        pass


# The history keeps a change's reason in simple-history's history_change_reason, a varchar(100).
STAFF_NOTE_MAX_LENGTH = 100


class StaffOutcomeForm(OutcomeForm):
    """The expert's outcome form for programme staff logging or correcting it on the expert's behalf: the same
    fields and checks (areas optional, as in the admin), and a note on why, kept in the outcome's history."""

    areas_required = False

    note = FreeTextField(
        label=_("Note for the history"),
        max_length=STAFF_NOTE_MAX_LENGTH,
        help_text=_("Why staff log or correct this outcome, e.g. “Expert sent the summary by email”."),
    )


class ReassignForm(NoTagHelperMixin, forms.Form):
    """Staff hand a consultation to another active expert of its service area (``consultation_reassign``)."""

    expert = KeyCheckedModelChoiceField(label=_("New expert"), queryset=Expert.objects.none())

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        experts = Expert.objects.filter(is_active=True).select_related("user")
        for area in areas:
            experts = experts.filter(service_areas=area)
        self.fields["expert"].queryset = experts.distinct()


class RatingForm(NoTagHelperMixin, forms.Form):
    score = forms.TypedChoiceField(
        label=_("Rating"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("5 is excellent, 1 is poor."),
    )
    comment = FreeTextField(
        label=_("Comment"),
        max_length=max_length_of(Rating, "comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _filter_select():
    return InlineSelect(attrs={"class": "form-select form-select-sm"})


FILTER_LOOKUPS = (("status", "status"), ("area", "service_area_id"), ("cluster", "cluster_id"), ("expert", "expert_id"))


class ConsultationFilterForm(forms.Form):
    """A consultation list's filters. A manager's list filters by expert (``experts``), an expert's by cluster
    (``clusters``); ``when`` is what the list shows before any filter is chosen."""

    when = forms.ChoiceField(
        label=_("When"),
        choices=[
            ("upcoming", _("Upcoming")),
            ("past", _("Past")),
            ("all", pgettext_lazy("consultations of any time", "All")),
        ],
        required=False,
        widget=_filter_select(),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Any status"))] + Consultation.Status.choices,
        required=False,
        widget=_filter_select(),
    )
    # Areas, clusters and experts are offered as (pk, name) pairs read as values: a model choice field would
    # build a model per option (over a hundred experts) and read through a server-side cursor.
    area = forms.TypedChoiceField(
        label=_("Service area"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=_filter_select(),
    )
    cluster = forms.TypedChoiceField(
        label=_("Cluster"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=_filter_select(),
    )
    expert = forms.TypedChoiceField(
        label=_("Expert"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=_filter_select(),
    )

    def __init__(self, *args, experts=None, clusters=None, when="upcoming", **kwargs):
        """``experts``, ``clusters``: (pk, name) pairs to choose from; the list leaves out the one not given."""
        super().__init__(*args, **kwargs)
        self.default_when = when
        self.fields["when"].initial = when
        if self.is_bound and not self.data.get("when"):
            # Other filters or a page number without "when": the list and the drop-down both show the default.
            self.data = self.data.copy()
            self.data["when"] = when
        areas = ServiceArea.objects.values_list("pk", "name")
        self.fields["area"].choices = [("", _("Any area"))] + [
            (pk, ServiceArea.display_name(name)) for pk, name in areas
        ]
        for name, choices, anything in (("expert", experts, _("Any expert")), ("cluster", clusters, _("Any cluster"))):
            if choices is None:
                del self.fields[name]
            else:
                self.fields[name].choices = [("", anything), *choices]

    def apply(self, queryset):
        data = self.cleaned_data if self.is_valid() else {}
        when = data.get("when") or self.default_when
        if when == "upcoming":
            queryset = queryset.upcoming().order_by("starts_at")
        elif when == "past":
            queryset = queryset.past().order_by("-starts_at")
        else:
            queryset = queryset.order_by("-starts_at")
        for field, lookup in FILTER_LOOKUPS:
            if data.get(field):
                queryset = queryset.filter(**{lookup: data[field]})
        return queryset


class RowBoundField(BoundField):
    """A field of an editor's row: Bootstrap's "is-invalid" with its errors (Django adds aria-invalid and points
    aria-describedby at "<id>_error")."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if self.errors:
            attrs["class"] = f"{(widget or self.field.widget).attrs.get('class', '')} is-invalid".strip()
        return attrs


def _row_widget_class(field) -> str:
    if isinstance(field.widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(field.widget, forms.Select):
        return "form-select form-select-sm"
    return "form-control form-control-sm"


class AvailabilityRowForm(forms.ModelForm):
    """A row of the availability editor, rendered field by field with Bootstrap's small controls."""

    bound_field_class = RowBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", _row_widget_class(field))


class WeeklyAvailabilityForm(AvailabilityRowForm):
    class Meta:
        model = WeeklyAvailability
        fields = ["weekday", "start_time", "end_time"]
        widgets = {
            "start_time": forms.TimeInput(attrs={"type": "time", "step": 900}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time", "step": 900}, format="%H:%M"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A new row's day reads as a prompt, not Django's "---------".
        self.fields["weekday"].choices = [("", _("Choose a day"))] + Weekday.choices


# How far ahead time off and extra hours may be entered.
EXCEPTION_HORIZON = datetime.timedelta(days=730)


class AvailabilityExceptionForm(AvailabilityRowForm):
    class Meta:
        model = AvailabilityException
        fields = ["start_date", "end_date", "kind", "start_time", "end_time", "note"]
        field_classes = {"note": FreeTextField}
        labels = {"start_date": _("First day"), "end_date": _("Last day")}
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "start_time": forms.TimeInput(attrs={"type": "time", "step": 900}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time", "step": 900}, format="%H:%M"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The last day may be left empty for a single day; the form fills it in.
        self.fields["end_date"].required = False

    def clean_start_date(self):
        date = self.cleaned_data["start_date"]
        # A row already under way keeps its first day (a holiday that began yesterday can still be extended).
        unchanged = self.instance.pk and date == self.instance.start_date
        if date < timezone.localdate() and not unchanged:
            raise ValidationError(_("The first day is in the past."))
        if date > timezone.localdate() + EXCEPTION_HORIZON:
            raise ValidationError(_("Give a date within the next two years."))
        return date

    def clean_end_date(self):
        date = self.cleaned_data.get("end_date")
        if date is not None and date > timezone.localdate() + EXCEPTION_HORIZON:
            raise ValidationError(_("Give a date within the next two years."))
        return date

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("end_date") is None and cleaned.get("start_date") and "end_date" not in self.errors:
            cleaned["end_date"] = cleaned["start_date"]
            self.instance.end_date = cleaned["start_date"]
        return cleaned


class ExpertRowsFormSet(forms.BaseModelFormSet):
    """Rows of one expert; an id that is not among them (tampered or deleted meanwhile) is refused."""

    def clean(self):
        super().clean()
        for form in self.initial_forms:
            if form.instance.pk is None:
                raise ValidationError(_("A row no longer exists; reload the page and try again."))

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if self.can_delete and "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove")
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"

    def kept_instances(self) -> list:
        """The rows as they will be after saving: unchanged, changed and new ones, without those removed or left
        empty; only when the formset is valid (the instances carry the cleaned values)."""
        kept = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue  # an empty extra row
            if self.can_delete and self._should_delete_form(form):
                continue
            kept.append(form.instance)
        return kept


class WeeklyRowsFormSet(ExpertRowsFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        # Overlapping hours on one day are refused at the row that starts later, with both rows named.
        forms_by_row = {id(form.instance): form for form in self.forms}
        for first, second in weekly_overlaps(self.kept_instances()):
            form = forms_by_row[id(second)]
            message = weekly_overlap_message(first, second)
            if message not in form.non_field_errors():
                form.add_error(None, message)
        if any(self.errors):
            raise ValidationError(_("Some weekly hours overlap; see the marked rows."), code="overlap")


WeeklyAvailabilityFormSet = forms.modelformset_factory(
    WeeklyAvailability,
    form=WeeklyAvailabilityForm,
    formset=WeeklyRowsFormSet,
    extra=0,
    can_delete=True,
    max_num=50,
    absolute_max=50,  # Django's default builds up to max_num + 1000 forms before saying "at most 50"
    validate_max=True,
)
AvailabilityExceptionFormSet = forms.modelformset_factory(
    AvailabilityException,
    form=AvailabilityExceptionForm,
    formset=ExpertRowsFormSet,
    extra=0,
    can_delete=True,
    max_num=100,
    absolute_max=100,
    validate_max=True,
)


# The two sides of a session (issue 15) ------------------------------------------------------------------


class ThreadMessageForm(NoTagHelperMixin, forms.Form):
    body = FreeTextField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=max_length_of(ConsultationMessage, "body"),
        help_text=_("The other side receives it by email, with a link back here."),
        error_messages={"required": _("Write a message.")},
    )

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise ValidationError(_("Write a message."))
        return body


class ConfirmForm(NoTagHelperMixin, forms.Form):
    """The expert confirms, and may give or replace the meeting link of an online session and add a note."""

    meeting_url = LinkField(
        label=_("Meeting link"),
        required=False,
        max_length=max_length_of(Consultation, "meeting_url"),
        assume_scheme="https",
        help_text=_("Replace the link the cluster gave, e.g. with your own Teams or Zoom room. Starts with https://."),
    )
    note = FreeTextField(
        label=_("Note to the cluster"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=max_length_of(ConsultationMessage, "body"),
        help_text=_("Optional: what to prepare, who should join. It is also kept in the session's messages."),
    )

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, **kwargs)
        if consultation.format != Consultation.Format.ONLINE:
            del self.fields["meeting_url"]
        elif consultation.awaits_meeting_link:
            # The cluster left the link to the expert: the session is confirmed with one (``consultation_confirm``).
            link = self.fields["meeting_url"]
            link.required = True
            link.error_messages["required"] = LINK_TO_ADD
            link.help_text = _("The cluster left the link to you: give your Teams or Zoom room. Starts with https://.")
        else:
            self.fields["meeting_url"].initial = consultation.meeting_url
