from django import template

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
