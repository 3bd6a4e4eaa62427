"""The hours per service area moved from the agreements app to this one (agreements/0003, consultations/0011)
without losing a row, a change in their history, or the permissions staff groups hold on them."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from agreements.tests.factories import ActiveAgreementFactory
from consultations.models import HourAllocation, ServiceArea

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
