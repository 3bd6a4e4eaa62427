import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import StaffFactory, UserFactory
from agreements.tests.factories import ActiveAgreementFactory, HourAllocationFactory, ProgrammeFactory
from clusters.models import LabelLevel
from clusters.tests.factories import ClusterFactory, LabelAwardFactory
from consultations.models import ServiceArea


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def staff(db):
    return StaffFactory(email="staff@example.com")


@pytest.fixture
def programme(db):
    today = timezone.localdate()
    return ProgrammeFactory(name="InoLink", starts_on=today - datetime.timedelta(days=400))


def make_programme_clusters(programme, count, *, hours=("10.50", "20", "7.25")):
    """``count`` programme clusters, each with a manager, an active agreement, allocations and a bronze label."""
    today = timezone.localdate()
    areas = list(ServiceArea.objects.order_by("position")[: len(hours)])
    clusters = []
    for index in range(count):
        cluster = ClusterFactory(managers=[UserFactory()])
        agreement = ActiveAgreementFactory(
            programme=programme,
            cluster=cluster,
            starts_on=today - datetime.timedelta(days=60),
            ends_on=today + datetime.timedelta(days=600),
        )
        for area, value in zip(areas, hours, strict=False):
            HourAllocationFactory(agreement=agreement, service_area=area, hours_granted=Decimal(value))
        LabelAwardFactory(cluster=cluster, level=LabelLevel.SILVER if index == 0 else LabelLevel.BRONZE)
        clusters.append(cluster)
    return clusters


@pytest.fixture(autouse=True)
def _english_labels(english):
    """Assertions below name sheets and columns in English."""


def add_activity(cluster, *, days_ago: int = 2):
    """For one programme cluster: a held session with its outcome, an overdue one, a cancelled one, and an
    attended event with an outcome and a partnership lead, all in the current week or month."""
    from consultations.models import Consultation
    from consultations.tests.factories import ConsultationFactory, SessionOutcomeFactory, local_at
    from events.models import Participation
    from events.tests.factories import OutcomeFactory, ParticipationFactory, PartnershipLeadFactory, PastEventFactory

    agreement = cluster.agreements.first()
    held = ConsultationFactory(agreement=agreement, status=Consultation.Status.HELD, starts_at=local_at(-days_ago, 9))
    SessionOutcomeFactory(consultation=held, hours_delivered=Decimal("1.5"))
    ConsultationFactory(agreement=agreement, status=Consultation.Status.CONFIRMED, starts_at=local_at(-days_ago, 12))
    ConsultationFactory(
        agreement=agreement, status=Consultation.Status.CANCELLED, status_reason="x", starts_at=local_at(-days_ago, 15)
    )
    event = PastEventFactory(
        starts_at=local_at(-days_ago, 9),
        ends_at=local_at(-days_ago, 17),
        registration_deadline=local_at(-days_ago - 5, 9),
    )
    participation = ParticipationFactory(event=event, cluster=cluster, status=Participation.Status.APPROVED)
    PartnershipLeadFactory(outcome=OutcomeFactory(participation=participation, contacts_made=4))
