"""Journey: a cluster manager follows the road to the label from their start page, sees the eligibility gaps and
the thin areas, and takes the evidence pack (XLSX and printable) to the benchmarking interview."""

import datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, UserFactory
from agreements.tests.factories import ActiveAgreementFactory
from clusters.models import IndicatorArea
from clusters.tests.factories import ClusterFactory, LabelAwardFactory
from consultations.tests.factories import SessionOutcomeFactory

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_manager_follows_the_road_sees_the_gaps_and_downloads_the_evidence_pack(page):
    manager = UserFactory(email="manager@example.com", first_name="Rasa", last_name="Petraitė")
    cluster = ClusterFactory(name="Wellness Road Cluster", managers=[manager])
    agreement = ActiveAgreementFactory(cluster=cluster)
    LabelAwardFactory(cluster=cluster, awarded_on=datetime.date(2026, 3, 1), valid_until=datetime.date(2028, 3, 31))
    services = IndicatorArea.objects.get(code="services")
    for topic in ("Service catalogue", "Member survey"):
        outcome = SessionOutcomeFactory(
            consultation__agreement=agreement, consultation__topic=topic, hours_delivered=Decimal("2")
        )
        outcome.indicator_areas.set([services])

    sign_in(page, manager.email, PASSWORD)
    road_card = page.get_by_role("region", name="Road to the label")
    expect(road_card).to_contain_text("Bronze expires March 2028: renew by March 2029.")
    road_card.get_by_role("link", name="Open the road to the label").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Road to the label: Wellness Road Cluster")
    assert_accessible(page)

    # The gaps: each missing criterion with its fix.
    eligibility = page.get_by_role("region", name="Eligibility for bronze")
    expect(eligibility.get_by_text("Missing")).to_have_count(5)
    expect(eligibility).to_contain_text("Register the cluster organisation on the ECCP")
    # The evidence: services is solid, the other five areas are thin.
    evidence = page.get_by_role("region", name="Evidence per indicator area")
    expect(evidence).to_contain_text("2 sessions with evidence")
    expect(evidence.get_by_role("link", name="Structure of the cluster")).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Evidence pack (XLSX)").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as xlsx:  # the saved file has no extension: read it as a file
        workbook = load_workbook(xlsx)
    sessions = list(workbook["Sessions"].iter_rows(min_row=2, values_only=True))
    assert sorted(row[4] for row in sessions) == ["Member survey", "Service catalogue"]

    page.get_by_role("link", name="Evidence pack", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evidence pack: Wellness Road Cluster")
    expect(page.get_by_role("cell", name="2 h")).to_have_count(2)
    assert_accessible(page)
    page.emulate_media(media="print")
    expect(page.locator("nav.navbar")).to_be_hidden()
