"""Data migrations: the hours per service area moved from the agreements app to this one (agreements/0003,
consultations/0011) without losing a row, a change in their history, or the permissions staff groups hold on
them; time off entered one date a row became ranges (0016, 0019)."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from agreements.tests.factories import ActiveAgreementFactory
from consultations.models import AvailabilityException, HourAllocation, ServiceArea
from consultations.tests.factories import ExpertFactory

BEFORE = [("agreements", "0002_hourallocation_hours_delivered"), ("consultations", "0010_outcome_created_index")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


# serialized_rollback: the flush afterwards leaves the content types for the next such test to restore with their ids.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_hour_allocations_move_to_consultations_with_their_rows_history_and_permissions():
    agreement = ActiveAgreementFactory()  # tables the move leaves alone
    area = ServiceArea.objects.get(code="legal")
    old = migrate(BEFORE)
    try:
        OldAllocation = old.get_model("agreements", "HourAllocation")
        allocation = OldAllocation.objects.create(
            agreement_id=agreement.pk,
            service_area_id=area.pk,
            hours_granted=Decimal("20"),
            hours_delivered=Decimal("2"),
        )
        old.get_model("agreements", "HistoricalHourAllocation").objects.create(
            id=allocation.pk,
            agreement_id=agreement.pk,
            service_area_id=area.pk,
            hours_granted=Decimal("20"),
            history_date="2026-01-05T10:00:00Z",
            history_type="+",
        )
        content_type, _created = ContentType.objects.get_or_create(app_label="agreements", model="hourallocation")
        permission, _created = Permission.objects.get_or_create(
            content_type=content_type, codename="change_hourallocation", defaults={"name": "Can change hour allocation"}
        )
        Group.objects.create(name="Hours staff").permissions.add(permission)
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()

    moved = HourAllocation.objects.with_usage().get(pk=allocation.pk)
    assert (moved.agreement_id, moved.service_area_id, moved.hours_granted, moved.hours_delivered) == (
        agreement.pk,
        area.pk,
        Decimal("20"),
        Decimal("2"),
    )
    assert moved.hours_remaining == Decimal("18")
    assert [row.history_type for row in moved.history.all()] == ["+"]
    assert ContentType.objects.get_for_model(HourAllocation).pk == content_type.pk
    assert list(
        Group.objects.get(name="Hours staff").permissions.values_list("content_type__app_label", "codename")
    ) == [("consultations", "change_hourallocation")]


def _rows(expert):
    return list(
        AvailabilityException.objects.filter(expert=expert)
        .order_by("start_date", "kind")
        .values_list("start_date", "end_date", "kind", "note")
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_time_off_entered_one_date_a_row_becomes_ranges():
    """Before 0016 each row was one date; 0016 gives each its own last day and 0019 joins an expert's whole days off
    with the same note when they touch, repeat, or stand either side of a weekend the expert does not work."""
    works_weekdays, other = ExpertFactory(), ExpertFactory()
    day = {n: datetime.date(2027, 1, n) for n in range(1, 32)}  # 4 January 2027 is a Monday
    old = migrate([("consultations", "0015_extra_hours_schedule")])
    try:
        Weekly = old.get_model("consultations", "WeeklyAvailability")
        Exception_ = old.get_model("consultations", "AvailabilityException")
        for expert in (works_weekdays, other):
            for weekday in range(5):
                Weekly.objects.create(
                    expert_id=expert.pk, weekday=weekday, start_time=datetime.time(9), end_time=datetime.time(17)
                )

        def off(expert, n, note="", **fields):
            Exception_.objects.create(expert_id=expert.pk, date=day[n], kind="off", note=note, **fields)

        # Adjacent days, a date entered twice, and the weekend between two working weeks: one holiday.
        for n in (4, 5, 6, 7, 7, 8, 11, 12):
            off(works_weekdays, n, "Holiday")
        # A working day between two days off: two ranges.
        off(works_weekdays, 18, "Training")
        off(works_weekdays, 20, "Training")
        off(works_weekdays, 21, "Conference")  # touches the training, but is another occasion
        off(works_weekdays, 22, "Dentist", start_time=datetime.time(9), end_time=datetime.time(11))  # a part day
        off(works_weekdays, 25, "Dentist")  # after the weekend, but the part day is not whole: left alone
        # Another expert's day next to the holiday stays theirs; extra hours on a Saturday keep the weekend apart.
        off(other, 13, "Holiday")
        off(other, 15, "Course")
        Exception_.objects.create(
            expert_id=other.pk, date=day[16], kind="extra", start_time=datetime.time(10), end_time=datetime.time(12)
        )
        off(other, 18, "Course")
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    assert _rows(works_weekdays) == [
        (day[4], day[12], "off", "Holiday"),
        (day[18], day[18], "off", "Training"),
        (day[20], day[20], "off", "Training"),
        (day[21], day[21], "off", "Conference"),
        (day[22], day[22], "off", "Dentist"),
        (day[25], day[25], "off", "Dentist"),
    ]
    assert _rows(other) == [
        (day[13], day[13], "off", "Holiday"),
        (day[15], day[15], "off", "Course"),
        (day[16], day[16], "extra", ""),
        (day[18], day[18], "off", "Course"),
    ]
