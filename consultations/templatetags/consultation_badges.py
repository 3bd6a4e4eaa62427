"""A consultation's status as a badge: a filter, because lists render one per row and an include per row is slow."""

from django import template
from django.utils.html import format_html

register = template.Library()

BADGE_CLASSES = {
    "requested": "text-bg-warning",
    "confirmed": "text-bg-primary",
    "held": "text-bg-success",
    "no_show": "text-bg-dark",
}


@register.filter
def status_badge(consultation):
    return format_html(
        '<span class="badge rounded-pill {}">{}</span>',
        BADGE_CLASSES.get(consultation.status, "text-bg-secondary"),
        consultation.get_status_display(),
    )
