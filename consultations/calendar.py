"""What a person's private calendar feed shows: items from every source, each a function of the user.

Another app adds its own entries with one line, e.g. ``CALENDAR_SOURCES.append(events.calendar.approved_events)``
(a function taking the user and returning ``CalendarItem`` objects in a bounded number of queries).
"""

import datetime
from collections.abc import Callable, Iterable

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters.models import Cluster
from inolink.ical import CalendarItem, absolute_url

from .models import Consultation

FEED_PAST_DAYS = 180


def consultation_item(consultation: Consultation) -> CalendarItem:
    description = [
        f"{_('Cluster')}: {consultation.cluster}",
        f"{_('Expert')}: {consultation.expert}",
        f"{_('Service area')}: {consultation.service_area}",
        f"{_('Status')}: {consultation.get_status_display()}",
    ]
    if consultation.agenda:
        description += ["", consultation.agenda]
    return CalendarItem(
        uid=f"consultation-{consultation.pk}",
        summary=f"{consultation.topic} ({consultation.cluster})",
        start=consultation.starts_at,
        end=consultation.ends_at,
        description="\n".join(description),
        location=consultation.location,
        url=absolute_url(consultation.get_absolute_url()),
        cancelled=consultation.status in (Consultation.Status.CANCELLED, Consultation.Status.DECLINED),
    )


def consultation_items(user) -> Iterable[CalendarItem]:
    """The person's sessions as expert and their clusters' consultations as manager, in one query."""
    since = timezone.now() - datetime.timedelta(days=FEED_PAST_DAYS)
    consultations = (
        Consultation.objects.filter(
            Q(expert__user=user) | Q(cluster__in=Cluster.objects.managed_by(user).values("pk")), ends_at__gte=since
        )
        .select_related("cluster", "expert__user", "service_area")
        .order_by("starts_at")
    )
    return [consultation_item(consultation) for consultation in consultations]


CALENDAR_SOURCES: list[Callable[..., Iterable[CalendarItem]]] = [consultation_items]


def feed_items(user) -> list[CalendarItem]:
    return [item for source in CALENDAR_SOURCES for item in source(user)]
