"""Who may see which agreement. Views ask here, nowhere else."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from clusters.permissions import clusters_visible_to

from .selectors import agreements_with_usage


def get_agreement_for(user, pk):
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    return get_object_or_404(agreements_with_usage().filter(cluster__in=clusters_visible_to(user)), pk=pk)
