"""The slot picker's day cells, rendered in Python.

A week of free starts for a page of experts is a few hundred links. As a template loop, two date
filters and a translated accessible name per link took most of the page's time; here the names are
escaped once per cell, each day's name is formatted once per page, and each link is one f-string.
"""

from django import template
from django.utils import formats, timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from inolink.formatting import mid_sentence

register = template.Library()


def _day_name(context, date) -> str:
    """ "Thursday, 4 December" ("ketvirtadienis, gruodžio 4 d.") as it reads inside the links' names, in the
    language's own day-and-month format; formatted once per page for all the rows."""
    names = context.render_context.setdefault("slot_picker_day_names", {})
    if date not in names:
        day_and_month = formats.date_format(date, "MONTH_DAY_FORMAT")
        names[date] = mid_sentence(f"{formats.date_format(date, 'l')}, {day_and_month}")
    return names[date]


def _day_label(context, date) -> str:
    """The day a cell belongs to, shown above its starts when the week stacks into a card on a phone (the
    table's column heads say it on wider screens); formatted once per page for all the rows."""
    labels = context.render_context.setdefault("slot_picker_day_labels", {})
    if date not in labels:
        labels[date] = format_html(
            '<span class="slot-day-label" aria-hidden="true">{} <span class="fw-normal small text-body-secondary">'
            "{}</span></span>",
            formats.date_format(date, "D"),
            formats.date_format(date, "MONTH_DAY_FORMAT"),
        )
    return labels[date]


@register.simple_tag(takes_context=True)
def slot_cell(context, day, expert):
    """An expert's free starts on one day as links, and "+N more" to the expert's whole week when some are hidden.

    Reads from the context: ``slot_url`` and ``slot_query`` (where a start is taken, with which parameters
    besides the expert and the start) and ``expert_week_query`` (the page showing one expert's whole week).
    """
    day_label = _day_label(context, day.date)
    if not day.starts:
        return day_label + format_html(
            '<span aria-hidden="true" class="text-body-secondary">–</span><span class="visually-hidden">{}</span>',
            gettext("No free time"),
        )
    who, day_name = escape(str(expert)), escape(_day_name(context, day.date))
    label = escape(gettext("%(who)s, %(day)s at %(time)s"))
    href = escape(f"{context['slot_url']}?{context['slot_query']}&expert={expert.pk}&start=")
    links = []
    for start in day.shown:
        local = timezone.localtime(start)
        time = f"{local:%H:%M}"
        name = label % {"who": who, "day": day_name, "time": time}
        links.append(
            f'<a class="btn btn-sm btn-outline-primary slot" href="{href}{local:%Y-%m-%dT%H:%M}" aria-label="{name}">'
            f"{time}</a>"
        )
    cell = f'{day_label}<div class="slot-list">{"".join(links)}</div>'
    if day.hidden_count:
        more = ngettext("+%(count)s more", "+%(count)s more", day.hidden_count) % {"count": day.hidden_count}
        week = escape(f"?{context['expert_week_query']}&expert={expert.pk}")
        cell += (
            f'<a class="slot-more small" href="{week}">{escape(more)}'
            f'<span class="visually-hidden"> – {who}, {day_name}</span></a>'
        )
    # Safe: every value in the markup was escaped above.
    return mark_safe(cell)
