"""Who may see which agreement. Views ask here, nowhere else."""

from django.shortcuts import get_object_or_404

from clusters.permissions import clusters_visible_to
from inolink.http import int_or_404

from .selectors import agreements_listed


def agreements_visible_to(user):
    """Staff see every agreement; a cluster manager their clusters' (with signatures and today's status)."""
    return agreements_listed().filter(cluster__in=clusters_visible_to(user))


def get_agreement_for(user, pk):
    return get_object_or_404(agreements_visible_to(user), pk=int_or_404(pk))
