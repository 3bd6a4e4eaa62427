"""Journey 1: staff create a tripartite agreement in the admin, see it active, award a label and see KPI progress."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, StaffFactory
from agreements.tests.factories import ProgrammeFactory
from clusters.tests.factories import ClusterFactory

from .conftest import assert_accessible, choose_in_autocomplete, sign_in

# serialized_rollback keeps the rows data migrations made (service areas, schedules) for the tests after this one.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_staff_sign_an_agreement_and_award_a_label(page):
    staff = StaffFactory(email="officer@example.com")
    programme = ProgrammeFactory(name="InoLink", bronze_target=6, silver_target=1)
    ClusterFactory(name="SMART Food Cluster")
    today = timezone.localdate()

    sign_in(page, staff.email, PASSWORD)
    page.get_by_role("link", name="Dashboard", exact=True).click()
    assert_accessible(page)
    expect(page.locator("main")).to_contain_text("0 / 6")

    page.goto("/admin/agreements/agreement/add/")
    page.get_by_label("Programme:").select_option(label=programme.name)
    choose_in_autocomplete(page, "id_cluster", "SMART Food Cluster")
    page.get_by_label("Agreement number:").fill("INO-2026-03")
    page.get_by_label("Period starts:").fill((today - datetime.timedelta(days=1)).isoformat())
    page.get_by_label("Period ends:").fill((today + datetime.timedelta(days=3 * 365)).isoformat())
    for index, (party, signer) in enumerate([("Agency", "K. Šetkus"), ("Partner", "LIC"), ("Cluster", "Manager")]):
        page.get_by_role("button", name="Add another signature").click()
        page.locator(f"#id_signatures-{index}-party").select_option(label=party)
        page.locator(f"#id_signatures-{index}-signer_name").fill(signer)
        page.locator(f"#id_signatures-{index}-signer_role").fill("Director")
        page.locator(f"#id_signatures-{index}-signed_on").fill(today.isoformat())
    page.get_by_role("button", name="Add another hour allocation").click()
    page.locator("#id_allocations-0-service_area").select_option(label="Strategy making")
    page.locator("#id_allocations-0-hours_granted").fill("30")
    page.get_by_role("button", name="Save and continue editing").click()

    expect(page.locator(".messagelist .success")).to_have_count(1)
    expect(page.locator(".field-status_display")).to_contain_text("Active")

    page.goto("/admin/clusters/labelaward/add/")
    choose_in_autocomplete(page, "id_cluster", "SMART Food Cluster")
    page.get_by_label("Label:").select_option(label="Bronze")
    page.get_by_label("Awarded on:").fill(today.isoformat())
    page.get_by_label("Valid until:").fill((today + datetime.timedelta(days=730)).isoformat())
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist .success")).to_have_count(1)

    page.goto("/reports/")
    expect(page.locator("main")).to_contain_text("1 / 6")
    page.goto(f"/admin/agreements/programme/{programme.pk}/change/")
    expect(page.locator(".field-kpi_summary")).to_contain_text("bronze 1 / 6, silver 0 / 1")


def test_staff_plan_a_renewal_in_the_planner_and_see_the_projection_change(page):
    from agreements.tests.factories import ActiveAgreementFactory
    from clusters.models import LabelAward, LabelLevel, add_months, month_start

    staff = StaffFactory(email="planner@example.com")
    programme = ProgrammeFactory(name="InoLink", bronze_target=6, silver_target=1)
    cluster = ClusterFactory(name="Expiring Cluster")
    ActiveAgreementFactory(
        programme=programme, cluster=cluster, starts_on=programme.starts_on, ends_on=programme.ends_on
    )
    awarded = add_months(month_start(timezone.localdate()), -20)
    LabelAward.objects.create(
        cluster=cluster, level=LabelLevel.BRONZE, awarded_on=awarded, valid_until=add_months(awarded, 24)
    )

    sign_in(page, staff.email, PASSWORD)
    page.get_by_role("link", name="Label planner").first.click()
    assert_accessible(page)
    expect(page.locator("[data-kpi=bronze-planned]")).to_have_text("0 / 6")
    expect(page.locator(".planner-risks")).to_contain_text("unless renewed")

    page.get_by_label("Cluster", exact=True).select_option(label="Expiring Cluster")
    page.get_by_label("Kind", exact=True).select_option(label="Bronze renewal")
    page.get_by_label("Month", exact=True).fill(f"{add_months(month_start(timezone.localdate()), 2):%Y-%m}")
    page.get_by_label("Benchmarking expert or organisation").fill("ESCA expert")
    page.get_by_role("button", name="Plan", exact=True).click()

    expect(page.locator(".alert-success")).to_contain_text("Bronze renewal")
    expect(page.locator("[data-kpi=bronze-planned]")).to_have_text("1 / 6")
    expect(page.locator(".planner-chart .benchmarking-mark.planned")).to_have_count(1)
    assert_accessible(page)
