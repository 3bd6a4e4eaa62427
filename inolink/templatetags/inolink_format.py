from decimal import Decimal, InvalidOperation

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext

register = template.Library()


@register.filter
def hours(value):
    """Hours in the active language: "1.5 h" in English, "1,5 val." in Lithuanian."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value)).normalize()
    except (InvalidOperation, ValueError):
        return ""
    decimals = max(0, -number.as_tuple().exponent)
    # Translators: a number of hours, e.g. "1.5 h"; Lithuanian "1,5 val."
    return gettext("%(hours)s h") % {"hours": floatformat(number, decimals)}
