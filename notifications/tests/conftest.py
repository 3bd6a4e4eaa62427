import datetime

import pytest
from django.utils import timezone

from accounts.tests.factories import StaffFactory, UserFactory
from agreements.tests.factories import ActiveAgreementFactory
from clusters.tests.factories import ClusterFactory


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def staff(db):
    return StaffFactory(email="staff@example.com", language="en")


@pytest.fixture
def manager(db):
    return UserFactory(email="manager@example.com", language="en")


@pytest.fixture
def manager_lt(db):
    return UserFactory(email="vadove@example.com", language="")


@pytest.fixture
def cluster(manager, manager_lt):
    return ClusterFactory(name="Laser cluster", managers=[manager, manager_lt])


@pytest.fixture
def ending_agreement(cluster):
    starts = timezone.localdate() - datetime.timedelta(days=300)
    return ActiveAgreementFactory(
        cluster=cluster,
        number="AGR-ENDING",
        starts_on=starts,
        ends_on=timezone.localdate() + datetime.timedelta(days=20),
    )
