"""agreements.permissions: staff see every agreement, a cluster manager only their clusters'; others get a 404."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from accounts.tests.factories import UserFactory
from agreements.permissions import get_agreement_for
from clusters.tests.factories import ClusterFactory

from .factories import ActiveAgreementFactory

pytestmark = pytest.mark.django_db


def test_staff_get_any_agreement_a_manager_only_their_clusters(django_assert_num_queries):
    manager = UserFactory()
    own = ActiveAgreementFactory(cluster=ClusterFactory(managers=[manager]))
    other = ActiveAgreementFactory()
    staff = UserFactory(is_staff=True)
    assert get_agreement_for(staff, other.pk) == other
    assert get_agreement_for(manager, str(own.pk)) == own
    with django_assert_num_queries(2):  # the agreement with programme and cluster, its signatures
        found = get_agreement_for(manager, own.pk)
        assert (found.programme.name, found.cluster.name, found.status_on()) == (
            own.programme.name,
            own.cluster.name,
            own.Status.ACTIVE,
        )
    for user, pk in [(manager, other.pk), (AnonymousUser(), own.pk), (staff, "1x"), (staff, 10**9)]:
        with pytest.raises(Http404):
            get_agreement_for(user, pk)
