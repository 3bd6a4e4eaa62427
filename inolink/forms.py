"""Form helpers every app's views share."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe


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
