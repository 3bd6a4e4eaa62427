"""A consultation's status as a badge: a filter, because lists render one per row and an include per row is slow."""

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()

BADGE_CLASSES = {
    "requested": "text-bg-warning",
    "confirmed": "text-bg-primary",
    "held": "text-bg-success",
    "no_show": "text-bg-dark",
}


@register.filter
def status_badge(consultation):
    """The status; a confirmed session that has ended is waiting for the expert's report, and says so."""
    if consultation.status == "confirmed" and consultation.ends_at <= timezone.now():
        return format_html('<span class="badge rounded-pill text-bg-info">{}</span>', _("Report outstanding"))
    return format_html(
        '<span class="badge rounded-pill {}">{}</span>',
        BADGE_CLASSES.get(consultation.status, "text-bg-secondary"),
        consultation.get_status_display(),
    )
