"""Who a group message goes to: audiences chosen by criteria, never by hand.

Each audience names the criteria it takes and gives the people as one queryset of active users (``users``),
ordered by name, so the preview, the count and the sending read the same list.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement
from clusters.models import Cluster, LabelLevel, Region, Sector
from consultations.models import Consultation
from events.models import Participation


class EventGroup:
    APPLIED = "applied"
    APPROVED = "approved"
    WAITLISTED = "waitlisted"
    ATTENDED = "attended"

    choices = [
        (APPLIED, _("applied (waiting for a decision)")),
        (APPROVED, _("approved")),
        (WAITLISTED, _("on the waiting list")),
        (ATTENDED, _("attended (approved, and the event has ended)")),
    ]


@dataclass(frozen=True)
class Audience:
    key: str
    label: str
    criteria: tuple[str, ...]  # the form fields it reads
    clusters_or_users: Callable[[dict], QuerySet]
    describe: Callable[[dict], str]

    def users(self, criteria: dict) -> QuerySet:
        return (
            self.clusters_or_users(criteria)
            .filter(is_active=True)
            .distinct()
            .order_by("last_name", "first_name", "email")
        )


def _managers_of(clusters) -> QuerySet:
    return get_user_model().objects.filter(managed_clusters__in=clusters.values("pk"))


def programme_managers(criteria: dict) -> QuerySet:
    clusters = Cluster.objects.filter(pk__in=Agreement.objects.active().values("cluster_id"))
    if criteria.get("label"):
        clusters = clusters.with_current_label().filter(current_label=int(criteria["label"]))
    if criteria.get("region"):
        clusters = clusters.filter(region=criteria["region"])
    if criteria.get("sector"):
        clusters = clusters.filter(sector=criteria["sector"])
    return _managers_of(clusters)


def _describe_programme(criteria: dict) -> str:
    parts = [gettext("Managers of programme clusters")]
    if criteria.get("label"):
        parts.append(gettext("label: %(label)s") % {"label": LabelLevel(int(criteria["label"])).label})
    if criteria.get("region"):
        parts.append(str(Region(criteria["region"]).label))
    if criteria.get("sector"):
        parts.append(str(Sector(criteria["sector"]).label))
    return " · ".join(parts)


def event_managers(criteria: dict) -> QuerySet:
    event, group = criteria["event"], criteria["event_group"]
    participations = Participation.objects.filter(event=event)
    if group == EventGroup.ATTENDED:
        participations = participations.filter(status=Participation.Status.APPROVED, event__ends_at__lte=timezone.now())
    else:
        participations = participations.filter(status=group)
    return get_user_model().objects.filter(managed_clusters__in=participations.values("cluster_id"))


def _describe_event(criteria: dict) -> str:
    group = dict(EventGroup.choices)[criteria["event_group"]]
    return gettext("Managers of clusters %(group)s for %(event)s") % {"group": group, "event": criteria["event"]}


def area_experts(criteria: dict) -> QuerySet:
    return get_user_model().objects.filter(
        expert_profile__is_active=True, expert_profile__service_areas=criteria["service_area"]
    )


def managers_to_rate(criteria: dict) -> QuerySet:
    return get_user_model().objects.filter(managed_clusters__in=Consultation.objects.to_rate().values("cluster_id"))


AUDIENCES = {
    audience.key: audience
    for audience in [
        Audience(
            "programme_managers",
            _("Managers of programme clusters"),
            ("label", "region", "sector"),
            programme_managers,
            _describe_programme,
        ),
        Audience(
            "event_clusters",
            _("Managers of the clusters of an event"),
            ("event", "event_group"),
            event_managers,
            _describe_event,
        ),
        Audience(
            "area_experts",
            _("Experts of a service area"),
            ("service_area",),
            area_experts,
            lambda c: gettext("Experts in %(area)s") % {"area": c["service_area"]},
        ),
        Audience(
            "managers_to_rate",
            _("Managers with a session outcome to rate"),
            (),
            managers_to_rate,
            lambda c: gettext("Managers with a session outcome to rate"),
        ),
    ]
}

AUDIENCE_CHOICES = [(key, audience.label) for key, audience in AUDIENCES.items()]


def audience_for(key: str) -> Audience | None:
    return AUDIENCES.get(key)
