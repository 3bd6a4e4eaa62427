"""Permission-matrix entries of reports (see inolink/tests/matrix.py): tables for staff, a road for its cluster."""

from accounts.tests.factories import StaffFactory, UserFactory
from clusters.tests.factories import ClusterFactory
from inolink.tests.matrix import Case, register


@register("reports:table-csv")
def table_csv():
    return Case(kwargs={"key": "agreements"}, rightful=[StaffFactory()])


@register("reports:table-xlsx")
def table_xlsx():
    return Case(kwargs={"key": "agreements"}, rightful=[StaffFactory()])


@register("reports:table")
def table_page():
    return Case(kwargs={"key": "agreements"}, rightful=[StaffFactory()])


@register("reports:hours-pace")
def hours_pace():
    from agreements.tests.factories import ProgrammeFactory

    return Case(kwargs={"pk": ProgrammeFactory().pk}, rightful=[StaffFactory()])


def _own_cluster_case():
    """A cluster's road and evidence pack: its managers and staff; another cluster's manager gets a 404."""
    manager = UserFactory()
    cluster = ClusterFactory(managers=[manager])
    return Case(kwargs={"pk": cluster.pk}, rightful=[manager, StaffFactory()])


register("reports:cluster-road")(_own_cluster_case)
register("reports:evidence-pack")(_own_cluster_case)
register("reports:evidence-pack-xlsx")(_own_cluster_case)
