from django import template
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import FundingStatus, ParticipationStatus

register = template.Library()

APPLICATION_STYLES = {
    ParticipationStatus.APPLIED: "text-bg-info",
    ParticipationStatus.APPROVED: "text-bg-success",
    ParticipationStatus.WAITLISTED: "text-bg-warning",
    ParticipationStatus.REJECTED: "text-bg-danger",
    ParticipationStatus.WITHDRAWN: "text-bg-secondary",
}

INTENT_STYLES = {
    FundingStatus.CONSIDERING: "text-bg-light border",
    FundingStatus.APPLYING: "text-bg-info",
    FundingStatus.APPLIED: "text-bg-primary",
    FundingStatus.GRANTED: "text-bg-success",
    FundingStatus.NOT_GRANTED: "text-bg-secondary",
}


@register.inclusion_tag("events/includes/badge.html")
def application_badge(status):
    """The application's status as words in a coloured badge (colour is never the only signal)."""
    if not status:
        return {"label": ""}
    return {"label": ParticipationStatus(status).label, "style": APPLICATION_STYLES[status]}


@register.inclusion_tag("events/includes/badge.html")
def intent_badge(status):
    if not status:
        return {"label": ""}
    return {"label": FundingStatus(status).label, "style": INTENT_STYLES[status]}


@register.simple_tag
def intent_cell(intent):
    """A cluster's intent for a call in the calls table: its status, and the dates it was submitted and decided."""
    badge = format_html(
        '<span class="badge rounded-pill {}">{}</span>',
        INTENT_STYLES[intent.status],
        FundingStatus(intent.status).label,
    )
    dates = [
        (_("submitted %(day)s"), intent.submitted_on),
        (_("decided %(day)s"), intent.decided_on),
    ]
    return format_html(
        "{}{}",
        badge,
        format_html_join(
            "",
            '<div class="small text-body-secondary">{}</div>',
            ((text % {"day": day.isoformat()},) for text, day in dates if day),
        ),
    )


# The card parts below are written in Python: as includes they were three template renders per card of the
# catalogue, most of its rendering time.


@register.simple_tag
def kind_badge(event):
    return format_html('<span class="badge event-kind event-kind-{}">{}</span>', event.kind, event.get_kind_display())


@register.simple_tag
def event_dates(event):
    """Start and end dates, or the day and its hours for a one-day event; a funding call's opening and closing
    days (it has no times)."""
    if event.is_funding_call and event.opens_on and event.closes_on:
        return format_html(
            "{} – {}",
            format_html(
                '<time datetime="{}">{}</time>', event.opens_on.isoformat(), formats.date_format(event.opens_on)
            ),
            format_html(
                '<time datetime="{}">{}</time>', event.closes_on.isoformat(), formats.date_format(event.closes_on)
            ),
        )
    starts, ends = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
    start = format_html('<time datetime="{}">{}</time>', starts.isoformat(), formats.date_format(starts))
    if starts.date() != ends.date():
        end = format_html('<time datetime="{}">{}</time>', ends.isoformat(), formats.date_format(ends))
        return format_html("{} – {}", start, end)
    return format_html("{}, {}–{}", start, formats.time_format(starts, "H:i"), formats.time_format(ends, "H:i"))


@register.simple_tag
def event_places(event):
    if event.places is None:
        return _("Unlimited places")
    left = event.places_left
    if left:
        return ngettext("%(counter)s of %(total)s place left", "%(counter)s of %(total)s places left", left) % {
            "counter": left,
            "total": event.places,
        }
    return format_html(
        '<span class="text-danger-emphasis">{}</span>',
        _("All %(total)s places taken (waiting list)") % {"total": event.places},
    )
