from dataclasses import dataclass
from decimal import Decimal

import pytest

from accounts.tests.factories import UserFactory
from agreements.tests.factories import ActiveAgreementFactory, HourAllocationFactory
from clusters.tests.factories import ClusterFactory
from consultations.models import ServiceArea

from .factories import ExpertFactory, available_all_week


@dataclass
class World:
    area: ServiceArea
    cluster: object
    manager: object
    agreement: object
    allocation: object
    expert: object

    def book_kwargs(self, **overrides):
        from .factories import local_at

        kwargs = {
            "cluster": self.cluster,
            "service_area": self.area,
            "expert": self.expert,
            "starts_at": local_at(3, 10),
            "hours": Decimal("1"),
            "format": "online",
            "meeting_url": "https://meet.example.com/room",
            "topic": "Strategy review",
            "agenda": "Goals",
            "booked_by": self.manager,
        }
        kwargs.update(overrides)
        return kwargs


def make_world(hours=Decimal("20")) -> World:
    area = ServiceArea.objects.get(code="legal")
    manager = UserFactory()
    cluster = ClusterFactory(managers=[manager])
    agreement = ActiveAgreementFactory(cluster=cluster)
    allocation = HourAllocationFactory(agreement=agreement, service_area=area, hours_granted=hours)
    expert = available_all_week(ExpertFactory(service_areas=[area]))
    return World(area, cluster, manager, agreement, allocation, expert)


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def other_world(db):
    return make_world()
