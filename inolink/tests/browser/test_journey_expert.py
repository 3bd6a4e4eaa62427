"""Journey 3: the expert confirms a request and logs a past session's outcome; the manager reads and rates it."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, UserFactory
from agreements.tests.factories import ActiveAgreementFactory, HourAllocationFactory
from clusters.tests.factories import ClusterFactory
from consultations.models import Consultation, Rating, ServiceArea, SessionOutcome
from consultations.tests.factories import ConsultationFactory, ExpertFactory, available_all_week, local_at

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def sign_out(page, name):
    page.get_by_role("button", name=name).click()
    page.get_by_role("button", name="Sign out").click()


def test_expert_confirms_and_logs_then_manager_rates(page):
    area = ServiceArea.objects.get(code="marketing")
    manager = UserFactory(email="manager@example.com", first_name="Rasa", last_name="Petraitė")
    cluster = ClusterFactory(name="Laser Cluster", managers=[manager])
    agreement = ActiveAgreementFactory(cluster=cluster)
    HourAllocationFactory(agreement=agreement, service_area=area, hours_granted=Decimal("20"))
    expert = available_all_week(
        ExpertFactory(
            user__email="expert@example.com", user__first_name="Jonas", user__last_name="Jonaitis", service_areas=[area]
        )
    )
    common = {"agreement": agreement, "service_area": area, "expert": expert, "booked_by": manager}
    request = ConsultationFactory(**common, topic="Export marketing plan", starts_at=local_at(6, 9))
    held = ConsultationFactory(
        **common,
        topic="Brand for the cluster",
        status=Consultation.Status.CONFIRMED,
        starts_at=local_at(-2, 10),
        hours=Decimal("2"),
    )

    # The expert answers the request and logs the session that has taken place.
    sign_in(page, expert.user.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("My sessions")
    assert_accessible(page)
    requests = page.get_by_role("region", name="Requests to answer")
    expect(requests).to_contain_text("Export marketing plan")
    requests.get_by_role("button", name="Confirm").click()
    expect(page.locator(".alert-success")).to_contain_text("The session is confirmed.")
    expect(page.get_by_role("region", name="Requests to answer")).to_contain_text("No requests waiting for you.")
    expect(page.get_by_role("region", name="Upcoming sessions")).to_contain_text("Export marketing plan")
    request.refresh_from_db()
    assert request.status == "confirmed"

    due = page.get_by_role("region", name="Outcome due")
    expect(due).to_contain_text("Brand for the cluster")
    due.get_by_role("link", name="Log the outcome").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Session outcome")
    page.get_by_label("Held", exact=True).check()
    page.get_by_label("Summary").fill("Agreed the cluster's brand story and three target markets.")
    page.get_by_label("Recommendations").fill("Test the story with two members first.")
    page.get_by_label("Agreed follow-up actions").fill("The cluster drafts the brand book by March.")
    # A decimal comma in an English browser: a number input would have taken it as 175.
    page.get_by_label("Hours delivered").fill("1,75")
    # The indicator areas the session served: the evidence for the cluster's road to the label.
    page.get_by_label("Achievements and recognition").check()
    page.get_by_label("Contacts and interaction within the cluster").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save the outcome").click()
    expect(page.locator(".alert-success")).to_contain_text("The outcome is saved.")
    expect(page.get_by_role("region", name="Outcome due")).to_contain_text("All your sessions are logged.")
    outcome = SessionOutcome.objects.get(consultation=held)
    assert (outcome.result, outcome.hours_delivered) == ("held", Decimal("1.75"))
    assert {area.code for area in outcome.indicator_areas.all()} == {"achievements", "interaction"}
    sign_out(page, str(expert))

    # The manager reads the outcome and rates the session.
    sign_in(page, manager.email, PASSWORD)
    waiting = page.get_by_role("region", name="What needs you")
    expect(waiting).to_contain_text("Brand for the cluster")
    assert_accessible(page)
    waiting.get_by_role("link", name="Read and rate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Brand for the cluster")
    outcome_card = page.get_by_role("region", name="Outcome")
    expect(outcome_card).to_contain_text("Agreed the cluster's brand story and three target markets.")
    expect(outcome_card).to_contain_text("1.75 h")
    expect(outcome_card).to_contain_text("The cluster drafts the brand book by March.")
    expect(outcome_card).to_contain_text("Achievements and recognition")
    assert_accessible(page)
    rate = page.get_by_role("region", name="Rate this session", exact=True)
    rate.get_by_label("4", exact=True).check()
    rate.get_by_label("Comment").fill("Clear and practical.")
    rate.get_by_role("button", name="Send rating").click()
    expect(page.locator(".alert-success")).to_contain_text("Thank you for rating the session.")
    expect(page.get_by_role("region", name="Rating")).to_contain_text("4/5")
    expect(page.get_by_role("region", name="Rating")).to_contain_text("Clear and practical.")
    assert_accessible(page)
    rating = Rating.objects.get(consultation=held)
    assert (rating.score, rating.rated_by) == (4, manager)
