"""Who may see or change which events data. Views ask here, nowhere else.

Everyone signed in sees the published catalogue and cancelled events' pages; only staff see drafts.
A cluster manager sees and changes only their own cluster's applications, outcomes and funding intents;
every other object answers 404.
"""

from django.shortcuts import get_object_or_404

from clusters.models import Cluster
from inolink.http import int_or_404

from .models import Event, Participation


def events_visible_to(user):
    events = Event.objects.with_place_counts()
    if user.is_authenticated and user.is_staff:
        return events
    if not user.is_authenticated:
        return events.none()
    return events.exclude(status=Event.Status.DRAFT)  # a cancelled event stays readable, marked so


def get_event_for(user, pk) -> Event:
    return get_object_or_404(events_visible_to(user), pk=int_or_404(pk))


def participations_visible_to(user):
    if not user.is_authenticated:
        return Participation.objects.none()
    if user.is_staff:
        return Participation.objects.all()
    return Participation.objects.filter(cluster__in=Cluster.objects.managed_by(user))


def get_participation_for(user, pk, *, queryset=None) -> Participation:
    """The application, or 404 when it does not exist or belongs to a cluster the person does not manage."""
    queryset = queryset if queryset is not None else Participation.objects.select_related("event", "cluster")
    visible = queryset.filter(pk__in=participations_visible_to(user).values("pk"))
    return get_object_or_404(visible, pk=int_or_404(pk))


def get_managed_participation(request, pk, *, queryset=None) -> Participation:
    """Like ``get_participation_for`` but for changes: only a manager of the application's cluster, never staff."""
    queryset = queryset if queryset is not None else Participation.objects.select_related("event", "cluster")
    managed = queryset.filter(cluster__in=Cluster.objects.managed_by(request.user))
    return get_object_or_404(managed, pk=int_or_404(pk))


def can_change_participation(user, participation) -> bool:
    """Only a manager of the application's cluster applies, withdraws and reports; staff decide in the admin."""
    return Cluster.objects.managed_by(user).filter(pk=participation.cluster_id).exists()
