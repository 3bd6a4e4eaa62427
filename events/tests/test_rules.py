"""Exact rules of the events app's services, models, selectors and permissions: boundaries, refusal words, who may
and who may not, and when (the tests that mutation testing called for)."""

import pytest

from accounts.tests.factories import UserFactory
from clusters.tests.factories import ClusterFactory
from events import services
from events.services import DelegateData

from .factories import ParticipationFactory

pytestmark = pytest.mark.django_db


def test_a_change_that_adds_delegates_keeps_each_ones_role_and_place_in_the_list():
    """Delegates added by a change are stored with the role typed and numbered after the kept ones."""
    manager = UserFactory()
    participation = ParticipationFactory(cluster=ClusterFactory(managers=[manager]), delegates=["Ona"])
    services.participation_change(
        participation=participation,
        user=manager,
        delegates=[DelegateData("Ona", "Manager"), DelegateData(" Jonas ", " CTO ")],
    )
    assert list(participation.delegates.order_by("pk").values_list("full_name", "role", "position")) == [
        ("Ona", "Manager", 0),
        ("Jonas", "CTO", 1),
    ]
