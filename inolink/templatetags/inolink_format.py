from decimal import Decimal, InvalidOperation

from django import template
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext

register = template.Library()


@register.filter
def hours(value):
    """Hours in the active language: "1.5 h" in English, "1,5 val." in Lithuanian.

    The number and its unit are joined by a no-break space, so a line never ends between them.
    """
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value)).normalize()
    except (InvalidOperation, ValueError):
        return ""
    decimals = max(0, -number.as_tuple().exponent)
    # Translators: a number of hours, e.g. "1.5 h"; Lithuanian "1,5 val."
    return (gettext("%(hours)s h") % {"hours": floatformat(number, decimals)}).replace(" ", "\N{NO-BREAK SPACE}")


@register.filter
def nowrap(value):
    """The value in a span that never breaks across lines: a date or an agreement number inside a sentence.

    Inside ``{% blocktranslate with day=value|nowrap %}`` the span stays markup while the value is escaped.
    """
    return format_html('<span class="text-nowrap">{}</span>', value)


@register.filter
def period(start, end):
    """A session's time as lists show it, "Mon, 2026-11-30 10:00–11:00", in the active language and time zone.

    The same as ``start|date:"D, Y-m-d H:i"`` and ``end|time:"H:i"``, at a fraction of their cost (a list has a
    row per session).
    """
    start, end = timezone.localtime(start), timezone.localtime(end)
    return f"{WEEKDAYS_ABBR[start.weekday()]}, {start:%Y-%m-%d %H:%M}–{end:%H:%M}"


@register.simple_tag
def date_span(first, last):
    """Two days as one span in the active language: "30 November – 6 December 2026" in English, "2026 m.
    lapkričio 30 d. – gruodžio 6 d." in Lithuanian, where the year comes first."""
    if first.year != last.year:
        return f"{date_format(first, 'DATE_FORMAT')} – {date_format(last, 'DATE_FORMAT')}"
    # Translators: two days of one year, e.g. "30 November – 6 December 2026"; Lithuanian puts the year first.
    return gettext("%(start)s – %(end)s %(year)s") % {
        "start": date_format(first, "MONTH_DAY_FORMAT"),
        "end": date_format(last, "MONTH_DAY_FORMAT"),
        "year": first.year,
    }
