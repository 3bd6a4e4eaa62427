"""Staff screens of the road to the label: benchmarkings, the rules, awards' validity and eligibility fields."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import StaffFactory
from clusters.models import Benchmarking, EligibilityCriterion, LabelAward, LabelRules
from clusters.services import benchmarking_record_result, label_award_from_benchmarking
from clusters.tests.factories import BenchmarkingFactory, ClusterFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def d(text):
    return datetime.date.fromisoformat(text)


def benchmarking_form(cluster, **fields):
    return {
        "cluster": cluster.pk,
        "kind": Benchmarking.Kind.FIRST_BRONZE,
        "month": "2027-03-19",
        "status": Benchmarking.Status.PLANNED,
        "expert": "",
        "notes": "",
        "area_results-TOTAL_FORMS": 0,
        "area_results-INITIAL_FORMS": 0,
        **fields,
    }


@pytest.mark.parametrize("name", ["benchmarking", "labelrules", "labelaward", "indicatorarea", "cluster"])
def test_label_screens_open(staff_client, name):
    benchmarking = BenchmarkingFactory()
    assert staff_client.get(reverse(f"admin:clusters_{name}_changelist")).status_code == 200
    cluster_page = staff_client.get(reverse("admin:clusters_cluster_change", args=[benchmarking.cluster_id]))
    assert "eccp_profile_url" in cluster_page.content.decode()
    assert "eligibility_waivers-TOTAL_FORMS" in cluster_page.content.decode()


def test_rules_can_be_changed_but_neither_added_nor_deleted(staff_client):
    rules = LabelRules.load()
    assert staff_client.get(reverse("admin:clusters_labelrules_add")).status_code == 403
    assert staff_client.get(reverse("admin:clusters_labelrules_delete", args=[rules.pk])).status_code == 403
    response = staff_client.get(reverse("admin:clusters_labelrules_change", args=[rules.pk]))
    assert "ECCP" in response.content.decode()


def test_planning_in_the_admin_stores_the_month_and_applies_the_rules(staff_client):
    cluster = ClusterFactory()
    response = staff_client.post(reverse("admin:clusters_benchmarking_add"), benchmarking_form(cluster))
    assert response.status_code == 302
    assert Benchmarking.objects.get().month == d("2027-03-01")
    with translation.override("en"):
        response = staff_client.post(
            reverse("admin:clusters_benchmarking_add"),
            benchmarking_form(cluster, kind=Benchmarking.Kind.SILVER),
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 200 and Benchmarking.objects.count() == 1


def award_form(award, **fields):
    return {
        "cluster": award.cluster_id,
        "level": award.level,
        "benchmarking": award.benchmarking_id,
        "awarded_on": award.awarded_on.isoformat(),
        "valid_until": "",
        "valid_until_override": "",
        "override_reason": "",
        "reference": "",
        **fields,
    }


def test_award_validity_follows_the_rules_unless_overridden_with_a_reason(staff_client):
    benchmarking = BenchmarkingFactory(month=d("2026-02-01"))
    benchmarking_record_result(benchmarking=benchmarking, today=d("2026-12-04"))
    award = label_award_from_benchmarking(benchmarking=benchmarking, awarded_on=d("2026-03-01"))
    url = reverse("admin:clusters_labelaward_change", args=[award.pk])
    assert "2028" in staff_client.get(url).content.decode()
    response = staff_client.post(url, award_form(award, valid_until_override="2028-06-30"))
    assert response.status_code == 200  # no reason
    response = staff_client.post(url, award_form(award, valid_until_override="2028-06-30", override_reason="ESCA"))
    assert response.status_code == 302
    award = LabelAward.objects.get()
    assert award.valid_until == d("2028-06-30") and award.computed_valid_until() == d("2028-02-29")
    staff_client.post(url, award_form(award, valid_until="2035-01-01"))
    assert LabelAward.objects.get().valid_until == d("2028-02-29")  # the rules again, not the typed date


def test_a_waiver_from_the_cluster_screen_records_who_waived(staff_client):
    cluster = ClusterFactory()
    data = {
        "name": cluster.name,
        "legal_name": "",
        "company_code": cluster.company_code,
        "status": cluster.status,
        "sector": cluster.sector,
        "region": cluster.region,
        "founded_year": "",
        "description": "",
        "website": "",
        "eccp_profile_url": "https://clustercollaboration.eu/x",
        "english_website_url": "",
        "management_fte": "0.75",
        "email": "",
        "phone": "",
        "memberships-TOTAL_FORMS": 0,
        "memberships-INITIAL_FORMS": 0,
        "label_awards-TOTAL_FORMS": 0,
        "label_awards-INITIAL_FORMS": 0,
        "eligibility_waivers-TOTAL_FORMS": 1,
        "eligibility_waivers-INITIAL_FORMS": 0,
        "eligibility_waivers-0-criterion": EligibilityCriterion.MEMBERS,
        "eligibility_waivers-0-reason": "National programme",
    }
    response = staff_client.post(reverse("admin:clusters_cluster_change", args=[cluster.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    cluster.refresh_from_db()
    assert cluster.management_fte == Decimal("0.75")
    waiver = cluster.eligibility_waivers.get()
    assert waiver.reason == "National programme" and waiver.waived_by.is_staff


def test_the_cluster_screen_lists_awards_but_edits_them_only_on_their_own(staff_client):
    benchmarking = BenchmarkingFactory(month=d("2026-02-01"))
    benchmarking_record_result(benchmarking=benchmarking, today=d("2026-12-04"))
    award = label_award_from_benchmarking(benchmarking=benchmarking, awarded_on=d("2026-03-01"))
    page = staff_client.get(reverse("admin:clusters_cluster_change", args=[award.cluster_id])).content.decode()
    assert reverse("admin:clusters_labelaward_change", args=[award.pk]) in page
    assert 'name="label_awards-0-valid_until"' not in page


def test_staff_record_and_award_through_the_services(staff_client):
    held = BenchmarkingFactory(month=d("2026-02-01"))
    to_come = BenchmarkingFactory(month=d("2099-01-01"))
    url = reverse("admin:clusters_benchmarking_changelist")
    staff_client.post(url, {"action": "record_held", "_selected_action": [held.pk, to_come.pk]})
    held.refresh_from_db()
    to_come.refresh_from_db()
    assert held.status == Benchmarking.Status.HELD and to_come.status == Benchmarking.Status.PLANNED
    staff_client.post(url, {"action": "award_label", "_selected_action": [held.pk]})
    award = LabelAward.objects.get(benchmarking=held)
    assert award.valid_until == d("2028-02-29")
