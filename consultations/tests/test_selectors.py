import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from consultations.models import AvailabilityException, Consultation, HourAllocation
from consultations.selectors import expert_choices, free_slots

from .factories import ConsultationFactory, ExpertFactory, SessionOutcomeFactory, available_all_week, local_at

pytestmark = pytest.mark.django_db


def starts_on(slots, day):
    return [s for d in slots[0].days if d.date == day for s in d.starts]


def test_free_slots_respect_hours_bookings_buffer_and_notice(world, settings):
    settings.CONSULTATION_BUFFER_MINUTES = 15
    day = local_at(3, 0).date()
    ConsultationFactory(expert=world.expert, agreement=world.agreement, starts_at=local_at(3, 10), hours=Decimal("1"))
    ConsultationFactory(
        expert=world.expert,
        agreement=world.agreement,
        starts_at=local_at(3, 14),
        status=Consultation.Status.CANCELLED,
        status_reason="x",
    )
    slots = free_slots([world.expert], first_day=timezone.localdate(), days=7, length=Decimal("1"))
    starts = [timezone.localtime(s).strftime("%H:%M") for s in starts_on(slots, day)]
    # 8:00–20:00, a booking 10–11 widened by 15 min: 8:00–8:30 end before 9:45; next start on the grid at 11:30.
    assert starts[:4] == ["08:00", "08:30", "11:30", "12:00"]
    assert "09:00" not in starts and "14:00" in starts  # cancelled bookings free the time
    assert starts[-1] == "19:00"
    # Nothing inside the minimum notice.
    assert all(s >= timezone.now() + datetime.timedelta(hours=24) for d in slots[0].days for s in d.starts)


def test_time_off_and_extra_hours(world):
    day = local_at(4, 0).date()
    AvailabilityException.objects.create(
        expert=world.expert, date=day, kind="off", start_time=datetime.time(8), end_time=datetime.time(18)
    )
    AvailabilityException.objects.create(
        expert=world.expert, date=day, kind="extra", start_time=datetime.time(20), end_time=datetime.time(21)
    )
    slots = free_slots([world.expert], first_day=day, days=1, length=Decimal("1"))
    starts = [timezone.localtime(s).strftime("%H:%M") for s in starts_on(slots, day)]
    assert starts == ["18:00", "18:30", "19:00", "19:30", "20:00"]


def test_a_week_for_30_experts_takes_three_queries(world, django_assert_num_queries):
    experts = [available_all_week(ExpertFactory(service_areas=[world.area])) for _ in range(30)]
    for expert in experts[:10]:
        ConsultationFactory(expert=expert, agreement=world.agreement)
    with django_assert_num_queries(3):
        slots = free_slots(experts, first_day=timezone.localdate(), days=7, length=Decimal("2"))
    assert len(slots) == 30 and all(row.has_slots for row in slots)


def test_usage_annotations(world):
    ConsultationFactory(agreement=world.agreement, hours=Decimal("2"))  # requested, upcoming: held
    ConsultationFactory(agreement=world.agreement, hours=Decimal("1"), status="cancelled", status_reason="x")
    ConsultationFactory(agreement=world.agreement, hours=Decimal("1"), starts_at=local_at(-2, 10))  # stale request
    SessionOutcomeFactory(consultation__agreement=world.agreement, hours_delivered=Decimal("1.25"))
    allocation = HourAllocation.objects.with_usage().get(pk=world.allocation.pk)
    assert allocation.hours_delivered == Decimal("1.25")
    assert allocation.hours_held == Decimal("2")
    assert allocation.hours_remaining == Decimal("16.75")


def test_expert_choices_name_the_experts_of_the_consultations_by_name(world):
    from accounts.tests.factories import UserFactory

    nameless = ExpertFactory(user=UserFactory(first_name="", last_name="", email="zz@example.com"))
    anna = ExpertFactory(user__first_name="Anna", user__last_name="Aarons")
    ExpertFactory()  # no consultation with the cluster
    for day, expert in enumerate((nameless, anna, anna), start=2):
        ConsultationFactory(agreement=world.agreement, expert=expert, starts_at=local_at(day, 10))
    choices = expert_choices(Consultation.objects.filter(cluster=world.cluster))
    assert choices == [(nameless.pk, "zz@example.com"), (anna.pk, "Anna Aarons")]
    assert [name for _, name in choices] == [str(nameless), str(anna)]
