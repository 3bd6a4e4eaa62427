"""agreements.selectors: the agreements a list shows, by cluster or programme, newest first, in two queries."""

import datetime

import pytest

from agreements.models import Agreement
from agreements.selectors import agreements_listed
from clusters.tests.factories import ClusterFactory

from .factories import ActiveAgreementFactory, AgreementFactory, ProgrammeFactory, today

pytestmark = pytest.mark.django_db


def test_agreements_listed_newest_first_by_cluster_and_programme():
    cluster, programme = ClusterFactory(), ProgrammeFactory()
    old = AgreementFactory(cluster=cluster, starts_on=today() - datetime.timedelta(days=400))
    new = AgreementFactory(cluster=cluster, programme=programme)
    elsewhere = AgreementFactory(programme=programme, starts_on=today() - datetime.timedelta(days=100))
    assert list(agreements_listed()) == [new, elsewhere, old]
    assert list(agreements_listed(cluster=cluster)) == [new, old]
    assert list(agreements_listed(programme=programme)) == [new, elsewhere]
    assert list(agreements_listed(cluster=cluster, programme=programme)) == [new]


def test_agreements_listed_brings_programme_cluster_and_signatures_in_two_queries(django_assert_num_queries):
    ActiveAgreementFactory()
    AgreementFactory()
    with django_assert_num_queries(2):
        rows = [(a.programme.name, a.cluster.name, a.status_on()) for a in agreements_listed()]
    assert sorted(status for _, _, status in rows) == [Agreement.Status.ACTIVE, Agreement.Status.DRAFT]
