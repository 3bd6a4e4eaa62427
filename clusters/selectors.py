from django.db.models import Prefetch

from .models import Cluster, LabelAward, Membership


def cluster_detail(pk):
    """One cluster with its members and label history, in a fixed number of queries."""
    return (
        Cluster.objects.with_current_label()
        .prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.select_related("organisation")),
            Prefetch("label_awards", queryset=LabelAward.objects.order_by("-awarded_on")),
        )
        .get(pk=pk)
    )
