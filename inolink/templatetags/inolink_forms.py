from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def select_options(field):
    """The ``<option>`` elements of a bound single-choice field with flat choices, the chosen one selected.

    Built in Python because a template loop over a long list (a filter's hundred experts) took milliseconds.
    """
    chosen = str(field.value())
    return mark_safe(  # every value and label is escaped
        "".join(
            f'<option value="{escape("" if value is None else value)}"'
            f"{' selected' if str(value) == chosen else ''}>{escape(label)}</option>"
            for value, label in field.field.choices
        )
    )
