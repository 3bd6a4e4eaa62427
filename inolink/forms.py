"""Form helpers every app's views share."""

import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from inolink.formatting import hours_number
from inolink.text_limits import TextLengthValidator


class InlineSelect(forms.Select):
    """A single select of flat choices written in Python, for the long lists of filters (clusters, experts).

    Django renders each option through its widget templates, which took a millisecond or more per list of
    sixty to a hundred options on every view of a filtered page.
    """

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        options = "".join(
            f'<option value="{escape("" if option_value is None else option_value)}"'
            f"{' selected' if str(option_value) in chosen else ''}>{escape(label)}</option>"
            for option_value, label in self.choices
        )
        return format_html(  # every value and label above is escaped
            '<select name="{}"{}>{}</select>', name, flatatt(self.build_attrs(self.attrs, attrs)), mark_safe(options)
        )


class HoursField(forms.DecimalField):
    """A number of hours typed with a decimal comma or point, whatever the interface language ("1,75" or "1.75").

    A number input would follow the browser's locale instead (in an English browser "1,75" becomes "175"), so
    this is a text input that phones open with the number keyboard. The value is shown as the interface
    language writes it ("1,75" in Lithuanian).
    """

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def use_message(self, message) -> None:
        """Give ``message`` for anything that is not such a number, in place of Django's several messages
        (digits before and after the point, "Enter a number")."""
        for code in ("invalid", "max_digits", "max_decimal_places", "max_whole_digits"):
            self.error_messages[code] = message

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)

    def prepare_value(self, value):
        # What the person typed is shown back as typed; a stored or initial number in their language's format.
        return hours_number(value) if isinstance(value, Decimal | int) else value


class FreeTextField(forms.CharField):
    """Text a person types, at most ``max_length`` characters, which every such field must have.

    Browsers count a text area's line break as one character against its ``maxlength`` (and in the live counter)
    but send it as CR LF; the value keeps LF only, so the form, the page and the database count alike. Over the
    limit the message gives the limit and the count.
    """

    def __init__(self, *, max_length: int, **kwargs):
        if max_length is None:  # e.g. a ModelForm's TextField that has no max_length yet
            raise TypeError("FreeTextField needs a max_length.")
        super().__init__(max_length=max_length, **kwargs)
        self.validators = [
            *(v for v in self.validators if not isinstance(v, MaxLengthValidator)),
            TextLengthValidator(max_length),
        ]

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


class LinkField(FreeTextField, forms.URLField):
    """A web address a person types, with the same limit and message as other text."""


def submitted_data(request):
    """The data to bind a form to: an empty POST is still a submission and shows "required" at the fields."""
    return request.POST if request.method == "POST" else None


def attach_service_errors(form, error: ValidationError) -> None:
    """Show a service's rule error at the field it names, or above the form for fields the form lacks."""
    if hasattr(error, "error_dict"):
        for field, messages in error.error_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error)


def validate_utc_representable(value: datetime.datetime) -> None:
    """A date and time that UTC can hold: the database stores UTC, and comparing an aware year-1 midnight in
    Vilnius (before 0001-01-01 UTC) with another time raises OverflowError."""
    try:
        value.astimezone(datetime.UTC)
    except OverflowError:
        raise ValidationError(_("Enter a date and time between the years 2 and 9999."), code="out_of_range") from None
