import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from clusters.tests.factories import ClusterFactory
from consultations.models import AvailabilityException, Consultation, HourAllocation, ServiceArea, WeeklyAvailability
from consultations.selectors import expert_choices, free_slots, slot_is_free

from .factories import (
    ConsultationFactory,
    ExpertFactory,
    RatingFactory,
    SessionOutcomeFactory,
    available_all_week,
    local_at,
)

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
        expert=world.expert,
        start_date=day,
        end_date=day,
        kind="off",
        start_time=datetime.time(8),
        end_time=datetime.time(18),
    )
    AvailabilityException.objects.create(
        expert=world.expert,
        start_date=day,
        end_date=day,
        kind="extra",
        start_time=datetime.time(20),
        end_time=datetime.time(21),
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


# --- Each rule's exact boundary (the mutation run, README "Mutation testing") ---------------------------------


def test_subtract_keeps_what_only_touches_the_busy_time():
    from consultations.selectors import _subtract

    day = [(10, 20)]
    assert _subtract(day, 20, 25) == [(10, 20)]  # starts where the interval ends
    assert _subtract(day, 5, 10) == [(10, 20)]  # ends where it starts
    assert _subtract(day, 12, 14) == [(10, 12), (14, 20)]
    assert _subtract(day, 10, 14) == [(14, 20)]
    assert _subtract(day, 12, 20) == [(10, 12)]
    assert _subtract(day, 9, 21) == []


def test_align_rounds_up_to_the_half_hour_grid():
    from consultations.selectors import _align

    on_grid = local_at(3, 10, 30)
    assert _align(on_grid) == on_grid
    assert _align(on_grid + datetime.timedelta(microseconds=1)) == local_at(3, 11)
    assert _align(local_at(3, 10, 1)) == local_at(3, 10, 30)
    assert _align(local_at(3, 10) + datetime.timedelta(seconds=1)) == local_at(3, 10, 30)


def test_working_intervals_take_time_off_then_add_extra_hours_and_merge_what_touches():
    from consultations.selectors import working_intervals

    day = local_at(3, 0).date()
    weekly = {day.weekday(): [WeeklyAvailability(start_time=datetime.time(8), end_time=datetime.time(12))]}
    off = AvailabilityException(
        start_date=day, end_date=day, kind="off", start_time=datetime.time(9), end_time=datetime.time(10)
    )
    extra = AvailabilityException(
        start_date=day, end_date=day, kind="extra", start_time=datetime.time(12), end_time=datetime.time(14)
    )
    later = AvailabilityException(
        start_date=day, end_date=day, kind="extra", start_time=datetime.time(15), end_time=datetime.time(16)
    )
    inside = AvailabilityException(
        start_date=day, end_date=day, kind="extra", start_time=datetime.time(15), end_time=datetime.time(15, 30)
    )
    assert working_intervals(day, weekly, {day: [extra, off, later, inside]}) == [
        (local_at(3, 8), local_at(3, 9)),
        (local_at(3, 10), local_at(3, 14)),
        (local_at(3, 15), local_at(3, 16)),
    ]
    whole_day_off = AvailabilityException(start_date=day, end_date=day, kind="off")
    assert working_intervals(day, weekly, {day: [whole_day_off, later]}) == [(local_at(3, 15), local_at(3, 16))]
    assert working_intervals(day, {}, {}) == []


def test_slot_is_free_inside_the_working_time_up_to_its_edges(world):
    assert slot_is_free(world.expert, starts_at=local_at(3, 8), ends_at=local_at(3, 20))
    assert not slot_is_free(world.expert, starts_at=local_at(3, 7, 30), ends_at=local_at(3, 9))
    assert not slot_is_free(world.expert, starts_at=local_at(3, 19, 30), ends_at=local_at(3, 20, 30))


def test_free_slots_start_at_the_notice_and_end_at_closing_time(world, settings):
    settings.CONSULTATION_MIN_NOTICE_HOURS = 24
    settings.CONSULTATION_BUFFER_MINUTES = 0
    now = local_at(1, 10)
    slots = free_slots([world.expert], first_day=now.date(), days=2, length=Decimal("2"), now=now, per_day=3)
    first, second = slots[0].days
    assert first.starts == []
    assert second.starts[0] == local_at(2, 10)  # exactly the minimum notice
    assert second.starts[-1] == local_at(2, 18)  # ends exactly at 20:00
    assert second.shown == second.starts[:3] and second.hidden_count == len(second.starts) - 3
    assert slots[0].has_slots
    unlimited = free_slots([world.expert], first_day=now.date(), days=2, length=Decimal("2"), now=now)[0].days[1]
    assert unlimited.shown == unlimited.starts and unlimited.hidden_count == 0


def test_free_slots_leave_the_buffer_around_live_bookings_and_can_leave_one_out(world, settings):
    settings.CONSULTATION_BUFFER_MINUTES = 30
    day = local_at(3, 0).date()
    booking = ConsultationFactory(expert=world.expert, agreement=world.agreement, starts_at=local_at(3, 12))
    starts = starts_on(free_slots([world.expert], first_day=day, days=1, length=Decimal("1")), day)
    assert local_at(3, 10, 30) in starts and local_at(3, 11) not in starts  # 11:00–12:00 touches the buffer
    assert local_at(3, 13, 30) in starts and local_at(3, 13) not in starts
    starts = starts_on(free_slots([world.expert], first_day=day, days=1, length=Decimal("1"), exclude=booking), day)
    assert local_at(3, 12) in starts


def test_an_expert_without_hours_has_no_slots(world):
    idle = ExpertFactory(service_areas=[world.area])
    assert not free_slots([idle], first_day=local_at(3, 0).date(), days=3, length=Decimal("1"))[0].has_slots


def test_bookable_experts_are_the_active_ones_of_the_area_by_name(world):
    from consultations.selectors import bookable_experts

    zed = ExpertFactory(service_areas=[world.area], user__last_name="Zed", user__first_name="A")
    abe = ExpertFactory(service_areas=[world.area], user__last_name="Abe", user__first_name="B")
    ExpertFactory(service_areas=[world.area], is_active=False)
    ExpertFactory(service_areas=[ServiceArea.objects.get(code="marketing")])
    world.expert.user.last_name = "Mid"
    world.expert.user.save()
    assert list(bookable_experts(world.area)) == [abe, world.expert, zed]


def test_booking_allocation_is_this_clusters_hours_in_the_area(world, other_world):
    from consultations.selectors import booking_allocation

    assert booking_allocation(world.cluster, world.area) == world.allocation
    assert booking_allocation(world.cluster, ServiceArea.objects.get(code="marketing")) is None


def test_cluster_choices_are_the_clusters_of_the_consultations_by_name(world, other_world):
    from consultations.selectors import cluster_choices

    world.cluster.name = "Beta"
    world.cluster.save()
    other_world.cluster.name = "Alpha"
    other_world.cluster.save()
    ConsultationFactory(agreement=world.agreement, expert=world.expert)
    ConsultationFactory(agreement=world.agreement, expert=world.expert, starts_at=local_at(4, 10))
    ConsultationFactory(agreement=other_world.agreement, expert=other_world.expert)
    assert cluster_choices(Consultation.objects.all()) == [
        (other_world.cluster.pk, "Alpha"),
        (world.cluster.pk, "Beta"),
    ]


def test_manager_dashboard_splits_upcoming_recent_and_to_rate(world):
    from consultations.selectors import manager_dashboard, manager_todo

    now = timezone.now()
    later = ConsultationFactory(agreement=world.agreement, starts_at=local_at(5, 10))
    soon = ConsultationFactory(agreement=world.agreement, starts_at=local_at(4, 10))
    ConsultationFactory(agreement=world.agreement, starts_at=local_at(6, 10), status="cancelled", status_reason="x")
    held = SessionOutcomeFactory(consultation__agreement=world.agreement).consultation
    older = SessionOutcomeFactory(
        consultation__agreement=world.agreement, consultation__starts_at=local_at(-5, 10)
    ).consultation
    board = manager_dashboard(world.cluster, now=now)
    assert board["upcoming"] == [soon, later]
    assert board["recent"] == [held, older]
    assert manager_todo(world.cluster, now=now)["to_rate"] == [held, older]
    assert manager_todo(ClusterFactory(), now=now)["to_rate"] == []


def test_expert_schedule_lists_requests_due_outcomes_upcoming_and_recent(world):
    from consultations.selectors import CappedList, expert_schedule

    now = timezone.now()
    of = {"agreement": world.agreement, "expert": world.expert}
    request = ConsultationFactory(**of, starts_at=local_at(4, 10))
    ConsultationFactory(**of, starts_at=now - datetime.timedelta(hours=1))  # a request that started unanswered
    confirmed = ConsultationFactory(**of, starts_at=local_at(5, 10), status="confirmed")
    due = ConsultationFactory(**of, starts_at=now - datetime.timedelta(hours=2), status="confirmed")
    held = SessionOutcomeFactory(consultation__expert=world.expert, consultation__agreement=world.agreement)
    schedule = expert_schedule(world.expert, now=now)
    assert (schedule["requests"].rows, schedule["requests"].total) == ([request], 1)
    assert schedule["outcome_due"].rows == [due]
    assert schedule["upcoming"].rows == [confirmed]
    assert schedule["recent"] == [held.consultation]
    assert schedule["recent"][0].hours_logged == held.hours_delivered
    assert CappedList(rows=[1, 2], total=5).more == 3
    assert not CappedList(rows=[], total=0) and CappedList(rows=[1], total=1)


def test_subtract_leaves_intervals_clear_of_the_busy_time_and_goes_on_to_the_next():
    from consultations.selectors import _subtract

    assert _subtract([(10, 20)], 30, 40) == [(10, 20)]
    assert _subtract([(10, 20)], 0, 5) == [(10, 20)]
    assert _subtract([(10, 20), (30, 40)], 32, 35) == [(10, 20), (30, 32), (35, 40)]


def test_bookings_just_across_midnight_still_block_with_their_buffer(world, settings):
    settings.CONSULTATION_BUFFER_MINUTES = 15
    day = local_at(5, 0).date()
    WeeklyAvailability.objects.filter(expert=world.expert).update(start_time=datetime.time(0))
    ConsultationFactory(expert=world.expert, agreement=world.agreement, starts_at=local_at(4, 23, 10))  # to 00:10
    starts = starts_on(free_slots([world.expert], first_day=day, days=1, length=Decimal("1")), day)
    assert starts[0] == local_at(5, 0, 30)


def test_a_booking_just_after_midnight_blocks_the_evening_with_its_buffer(world, settings):
    settings.CONSULTATION_BUFFER_MINUTES = 45
    day = local_at(5, 0).date()
    WeeklyAvailability.objects.filter(expert=world.expert).update(end_time=datetime.time(23, 59))
    ConsultationFactory(expert=world.expert, agreement=world.agreement, starts_at=local_at(6, 0))
    starts = starts_on(free_slots([world.expert], first_day=day, days=1, length=Decimal("1")), day)
    assert starts[-1] == local_at(5, 22)  # 22:30–23:30 would end inside the 45 minutes before 00:00


def test_bookable_experts_are_ordered_by_last_then_first_name_and_read_with_their_user(
    world, django_assert_num_queries
):
    from consultations.selectors import bookable_experts

    world.expert.user.last_name, world.expert.user.first_name = "Same", "Zoe"
    world.expert.user.save()
    adam = ExpertFactory(service_areas=[world.area], user__last_name="Same", user__first_name="Adam")
    with django_assert_num_queries(1):
        experts = list(bookable_experts(world.area))
        assert [expert.user.first_name for expert in experts] == ["Adam", "Zoe"]
    assert experts == [adam, world.expert]


def test_expert_choices_order_by_last_then_first_name(world):
    world.expert.user.last_name, world.expert.user.first_name = "Same", "Zoe"
    world.expert.user.save()
    adam = ExpertFactory(service_areas=[world.area], user__last_name="Same", user__first_name="Adam")
    bea = ExpertFactory(service_areas=[world.area], user__last_name="Able", user__first_name="Zed")
    for expert in (world.expert, adam, bea):
        ConsultationFactory(agreement=world.agreement, expert=expert)
    assert [pk for pk, _name in expert_choices(Consultation.objects.all())] == [bea.pk, adam.pk, world.expert.pk]


def test_consultation_list_reads_rows_with_cluster_and_expert_in_one_query(world, django_assert_num_queries):
    from consultations.selectors import consultation_list

    logged = SessionOutcomeFactory(consultation__agreement=world.agreement).consultation
    ConsultationFactory(agreement=world.agreement)
    with django_assert_num_queries(1):
        rows = list(consultation_list(Consultation.objects.all()))
        assert {(row.cluster.name, row.expert.user.email, row.service_area.name) for row in rows}
    assert not any(hasattr(row, "has_outcome") for row in rows)
    flags = {row.pk: row.has_outcome for row in consultation_list(Consultation.objects.all(), with_outcome=True)}
    assert flags[logged.pk] is True and list(flags.values()).count(True) == 1


def test_booking_allocation_draws_on_the_newest_active_agreement(world):
    from agreements.tests.factories import ActiveAgreementFactory, HourAllocationFactory
    from consultations.selectors import booking_allocation

    newer = ActiveAgreementFactory(cluster=world.cluster, starts_on=world.agreement.starts_on + datetime.timedelta(1))
    newest_hours = HourAllocationFactory(agreement=newer, service_area=world.area, hours_granted=Decimal("7"))
    assert booking_allocation(world.cluster, world.area) == newest_hours


def test_dashboards_cut_at_the_moment_they_are_asked_for(world):
    from consultations.selectors import expert_schedule, manager_dashboard

    of = {"agreement": world.agreement, "expert": world.expert}
    soon = ConsultationFactory(**of, starts_at=local_at(4, 10), status="confirmed")
    later = local_at(4, 12)  # after `soon` has ended
    board = manager_dashboard(world.cluster, now=later)
    assert (board["upcoming"], board["recent"]) == ([], [soon])
    schedule = expert_schedule(world.expert, now=local_at(4, 10, 30))
    assert schedule["outcome_due"].rows == [soon] and schedule["upcoming"].rows == []


def test_expert_schedule_shows_ten_rows_of_each_list_with_the_total(world):
    from consultations.selectors import SCHEDULE_ROWS, expert_schedule

    of = {"agreement": world.agreement, "expert": world.expert}
    for day in range(SCHEDULE_ROWS + 1):
        ConsultationFactory(**of, starts_at=local_at(4 + day, 10))
        ConsultationFactory(**of, starts_at=local_at(4 + day, 14), status="confirmed")
        ConsultationFactory(**of, starts_at=local_at(-1 - day, 10), status="confirmed")
    schedule = expert_schedule(world.expert)
    for name in ("requests", "upcoming", "outcome_due"):
        assert (len(schedule[name].rows), schedule[name].total, schedule[name].more) == (10, 11, 1), name
    empty = expert_schedule(ExpertFactory())
    assert (empty["requests"].rows, empty["requests"].total) == ([], 0)


def test_held_hours_count_only_this_allocations_bookings(world, other_world):
    marketing = ServiceArea.objects.get(code="marketing")
    world.expert.service_areas.add(marketing)
    HourAllocation.objects.create(agreement=world.agreement, service_area=marketing, hours_granted=Decimal("10"))
    # Different days: one expert's bookings never overlap (PostgreSQL's exclusion constraint refuses it).
    ConsultationFactory(agreement=world.agreement, expert=world.expert, hours=Decimal("2"), starts_at=local_at(3, 10))
    ConsultationFactory(
        agreement=world.agreement,
        expert=world.expert,
        service_area=marketing,
        hours=Decimal("3"),
        starts_at=local_at(4, 10),
    )
    ConsultationFactory(agreement=other_world.agreement, expert=other_world.expert, hours=Decimal("4"))
    held = dict(HourAllocation.objects.with_usage().values_list("pk", "hours_held"))
    assert held[world.allocation.pk] == Decimal("2")
    assert held[other_world.allocation.pk] == Decimal("4")


def test_free_slots_name_each_expert(world):
    slots = free_slots([world.expert], first_day=local_at(3, 0).date(), days=1, length=Decimal("1"))
    assert [expert_slots.expert for expert_slots in slots] == [world.expert]


def test_slot_is_free_reads_only_this_experts_hours(world):
    night_owl = ExpertFactory(service_areas=[world.area])
    available_all_week(night_owl, start=datetime.time(20), end=datetime.time(23))
    day = local_at(3, 0).date()
    AvailabilityException.objects.create(
        expert=night_owl,
        start_date=day,
        end_date=day,
        kind="extra",
        start_time=datetime.time(6),
        end_time=datetime.time(8),
    )
    assert not slot_is_free(world.expert, starts_at=local_at(3, 21), ends_at=local_at(3, 22))
    assert not slot_is_free(world.expert, starts_at=local_at(3, 6), ends_at=local_at(3, 7))


def test_consultation_detail_reads_everything_the_page_shows_in_one_query(world, django_assert_num_queries):
    from consultations.selectors import consultation_detail_queryset

    rating = RatingFactory(consultation__agreement=world.agreement, consultation__status_changed_by=world.manager)
    SessionOutcomeFactory(consultation=rating.consultation)
    with django_assert_num_queries(1):
        detail = consultation_detail_queryset(Consultation.objects.all()).get(pk=rating.consultation.pk)
        assert all(
            [
                detail.cluster.name,
                detail.agreement.pk,
                detail.service_area.name,
                detail.expert.user.email,
                detail.booked_by.email,
                detail.status_changed_by.email,
                detail.outcome.summary,
                detail.rating.score,
            ]
        )


def test_the_current_agreement_is_the_one_bookings_draw_on_else_the_newest_live_one(world):
    from agreements.tests.factories import AgreementFactory, HourAllocationFactory
    from consultations.selectors import agreements_with_usage, current_agreement

    tax = ServiceArea.objects.exclude(pk=world.area.pk).order_by("-position").first()
    HourAllocationFactory(agreement=world.agreement, service_area=tax, hours_granted=Decimal("3"))
    later = world.agreement.starts_on + datetime.timedelta(days=1)
    newer_draft = AgreementFactory(cluster=world.cluster, starts_on=later)
    current = current_agreement(world.cluster)
    assert current == world.agreement
    areas = sorted([world.area, tax], key=lambda area: area.position)
    assert [allocation.service_area for allocation in current.allocations.all()] == areas
    assert {allocation.service_area: allocation.hours_remaining for allocation in current.allocations.all()} == {
        world.area: Decimal("20"),
        tax: Decimal("3"),
    }
    # Without an agreement to book on, the newest live one (a draft awaiting signatures), else none.
    only_draft = AgreementFactory()
    assert current_agreement(only_draft.cluster) == only_draft
    assert current_agreement(ClusterFactory()) is None
    assert list(agreements_with_usage(cluster=world.cluster)) == [newer_draft, world.agreement]
    assert list(agreements_with_usage(programme=only_draft.programme)) == [only_draft]


def test_nothing_is_booked_beyond_the_local_midnight_ending_the_pickers_thirteenth_week():
    from consultations.selectors import latest_start

    # 23:30 UTC on 31 May is already 1 June in Vilnius: the thirteen weeks count from 1 June.
    now = datetime.datetime(2026, 5, 31, 23, 30, tzinfo=datetime.UTC)
    assert latest_start(now) == timezone.make_aware(datetime.datetime(2026, 8, 31))


def test_agreements_with_usage_take_three_queries_with_their_areas(world, django_assert_num_queries):
    from consultations.selectors import agreements_with_usage

    with django_assert_num_queries(3):  # agreements, signatures, allocations with their areas and usage
        names = [
            (agreement.number, [str(allocation.service_area) for allocation in agreement.allocations.all()])
            for agreement in agreements_with_usage(cluster=world.cluster)
        ]
    assert names == [(world.agreement.number, [str(world.area)])]
