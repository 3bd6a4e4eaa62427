"""Forms validate what a person typed and show the errors; the services decide and write."""

import uuid

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html, validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from clusters.models import LabelLevel, Region, Sector
from consultations.models import ServiceArea
from events.models import Event
from inolink.forms import FreeTextField

from .audiences import AUDIENCE_CHOICES, EventGroup, audience_for
from .models import BODY_MAX_LENGTH, SUBJECT_MAX_LENGTH


class InvitationAcceptForm(forms.Form):
    first_name = FreeTextField(label=_("First name"), max_length=150)
    last_name = FreeTextField(label=_("Last name"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, invitation, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            from django.contrib.auth import get_user_model

            probe = get_user_model()(
                email=self.invitation.email,
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                validate_password(first, probe)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ComposeForm(forms.Form):
    """A message to a group: the audience and its criteria, and the text in Lithuanian and English."""

    key = forms.CharField(widget=forms.HiddenInput, max_length=36)
    audience = forms.ChoiceField(
        label=_("Audience"),
        choices=[("", "---------"), *AUDIENCE_CHOICES],
        error_messages={
            "required": _("Choose an audience from the list."),
            "invalid_choice": _("Choose an audience from the list."),
        },
    )
    label = forms.TypedChoiceField(
        label=_("Holding the label"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("any or none")), *LabelLevel.choices],
    )
    region = forms.ChoiceField(label=_("Region"), required=False, choices=[("", _("any")), *Region.choices])
    sector = forms.ChoiceField(label=_("Sector"), required=False, choices=[("", _("any")), *Sector.choices])
    event = forms.ModelChoiceField(
        label=_("Event"),
        required=False,
        queryset=Event.objects.exclude(status=Event.Status.DRAFT).order_by("-starts_at"),
        error_messages={"invalid_choice": _("Choose an event from the list.")},
    )
    event_group = forms.ChoiceField(label=_("Clusters that"), required=False, choices=EventGroup.choices)
    service_area = forms.ModelChoiceField(label=_("Service area"), required=False, queryset=ServiceArea.objects.all())
    subject_lt = FreeTextField(label=_("Subject in Lithuanian"), required=False, max_length=SUBJECT_MAX_LENGTH)
    body_lt = FreeTextField(
        label=_("Text in Lithuanian"),
        required=False,
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The email begins with a greeting and ends with the programme's signature."),
    )
    subject_en = FreeTextField(label=_("Subject in English"), required=False, max_length=SUBJECT_MAX_LENGTH)
    body_en = FreeTextField(
        label=_("Text in English"),
        required=False,
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Each person receives their own language; the other one when only one is written."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_key(self):
        try:
            return uuid.UUID(self.cleaned_data["key"])
        except ValueError:
            raise ValidationError(_("This form is out of date: open it again.")) from None

    def clean(self):
        cleaned = super().clean()
        audience = audience_for(cleaned.get("audience") or "")
        if audience is not None:
            if "event" in audience.criteria and not cleaned.get("event") and "event" not in self.errors:
                self.add_error("event", _("Choose the event."))
            if "event" in audience.criteria and not cleaned.get("event_group"):
                self.add_error("event_group", _("Choose which of its clusters."))
            if "service_area" in audience.criteria and not cleaned.get("service_area"):
                self.add_error("service_area", _("Choose the service area."))
        for language in ("lt", "en"):
            subject, body = cleaned.get(f"subject_{language}"), cleaned.get(f"body_{language}")
            if bool(subject) != bool(body):
                field = f"body_{language}" if subject else f"subject_{language}"
                if field not in self.errors:
                    self.add_error(field, _("Write both the subject and the text in this language, or neither."))
        if not (cleaned.get("body_lt") or cleaned.get("body_en")) and "body_lt" not in self.errors:
            self.add_error("body_lt", _("Write the message in Lithuanian, in English, or in both."))
        return cleaned

    def chosen_audience(self):
        return audience_for(self.cleaned_data["audience"])

    def criteria(self) -> dict:
        names = self.chosen_audience().criteria
        return {name: self.cleaned_data.get(name) for name in names}

    def texts(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name in ("subject_lt", "body_lt", "subject_en", "body_en")}
