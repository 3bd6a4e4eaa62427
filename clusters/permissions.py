"""Who may see which cluster. Views ask here, nowhere else."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from inolink.http import int_or_404

from .models import Cluster, Membership, Organisation


def clusters_visible_to(user):
    """Staff see the whole registry; a cluster manager sees only the clusters they manage."""
    if not user.is_authenticated:
        return Cluster.objects.none()
    if user.is_staff:
        return Cluster.objects.all()
    return Cluster.objects.managed_by(user)


def organisations_visible_to(user):
    """Staff see every organisation; a cluster manager the members of their clusters (as their cluster pages show)."""
    if user.is_authenticated and user.is_staff:
        return Organisation.objects.all()
    members = Membership.objects.filter(cluster__in=clusters_visible_to(user)).values("organisation_id")
    return Organisation.objects.filter(pk__in=members)


def get_cluster_for(user, pk):
    """The cluster, or 404 when it does not exist, the id is malformed, or the person may not see it."""
    return get_object_or_404(clusters_visible_to(user), pk=int_or_404(pk))


def managed_clusters_for(request) -> list:
    """The clusters ``request.user`` manages, by name (few), cached on the request (one query): the navigation,
    the manager's pages and their cluster switcher all ask."""
    cached = getattr(request, "_inolink_managed_clusters", None)
    if cached is None or cached[0] is not request.user:
        clusters = list(Cluster.objects.managed_by(request.user).order_by("name").only("pk", "name"))
        cached = (request.user, clusters)
        request._inolink_managed_clusters = cached
    return cached[1]


def current_cluster_for_manager(request):
    """The cluster a manager is working on: their choice kept in the session, else their first.

    Returns None when the person manages no cluster.
    """
    managed = managed_clusters_for(request)
    if not managed:
        return None
    chosen = request.session.get("current_cluster_id")
    for cluster in managed:
        if cluster.pk == chosen:
            return cluster
    return managed[0]


def require_current_cluster(request):
    """The cluster a manager is working on; 404 for people who manage none."""
    cluster = current_cluster_for_manager(request)
    if cluster is None:
        raise Http404
    return cluster
