"""Permission-matrix entries of clusters (see inolink/tests/matrix.py)."""

from accounts.tests.factories import StaffFactory, UserFactory
from clusters.tests.factories import ClusterFactory
from inolink.tests.matrix import Case, register


@register("clusters:cluster-detail")
def cluster_detail():
    manager = UserFactory()
    cluster = ClusterFactory(managers=[manager])
    return Case(kwargs={"pk": cluster.pk}, rightful=[manager, StaffFactory()])
