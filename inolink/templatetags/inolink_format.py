"""Template filters over ``inolink.formatting`` (Python code imports that module, not this one)."""

from django import template
from django.utils.html import format_html

from inolink import formatting

register = template.Library()

register.filter("date_span", formatting.date_span)
register.filter("day_and_time", formatting.day_and_time)
register.filter("hours", formatting.hours)
register.filter("mid_sentence", formatting.mid_sentence)
register.filter("month_label", formatting.month_label)
register.filter("period", formatting.period)
register.simple_tag(formatting.date_span, name="date_span")


@register.filter
def nowrap(value):
    """The value in a span that never breaks across lines: a date or an agreement number inside a sentence.

    Inside ``{% blocktranslate with day=value|nowrap %}`` the span stays markup while the value is escaped.
    Apply it after ``mid_sentence``, which needs the plain text.
    """
    return format_html('<span class="text-nowrap">{}</span>', value)
