"""Journey 2: a cluster manager books a consultation in a free slot, reschedules it, and cancels another one."""

from decimal import Decimal

import pytest
from django.utils import translation
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, UserFactory
from agreements.tests.factories import ActiveAgreementFactory, HourAllocationFactory
from clusters.tests.factories import ClusterFactory
from consultations.models import Consultation, ServiceArea
from consultations.tests.factories import ConsultationFactory, ExpertFactory, available_all_week, local_at
from inolink.formatting import day_and_time

from .conftest import assert_accessible, more_times_link_name, sign_in, slot_link_name

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_manager_books_reschedules_and_cancels(page):
    legal = ServiceArea.objects.get(code="legal")
    manager = UserFactory(email="manager@example.com", first_name="Rasa", last_name="Petraitė")
    cluster = ClusterFactory(name="SMART Food Cluster", managers=[manager])
    agreement = ActiveAgreementFactory(cluster=cluster)
    HourAllocationFactory(agreement=agreement, service_area=legal, hours_granted=Decimal("20"))
    expert = available_all_week(
        ExpertFactory(user__first_name="Jonas", user__last_name="Jonaitis", service_areas=[legal])
    )
    other = ConsultationFactory(
        agreement=agreement,
        expert=expert,
        booked_by=manager,
        topic="Membership agreement review",
        status=Consultation.Status.CONFIRMED,
        starts_at=local_at(5, 14),
        hours=Decimal("2"),
    )

    sign_in(page, manager.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("SMART Food Cluster")
    hours_line = page.get_by_role("region", name="Hours left").locator("li", has_text="Legal")
    expect(hours_line).to_contain_text("18 h")  # 20 granted, 2 held by the confirmed session
    assert_accessible(page)

    # Book: area and length, a free slot of the expert, then format and topic.
    page.get_by_role("link", name="Book a consultation").click()
    page.get_by_role("combobox", name="Service area").select_option(label="Legal")
    page.get_by_role("combobox", name="Length").select_option(label="1.5 h")
    assert_accessible(page)
    page.get_by_role("button", name="See free times").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Free times in Legal")
    assert_accessible(page)
    # Each day shows its first starts (8:00 to 9:30); "+N more" opens the expert's whole week.
    expect(page.get_by_role("link", name=slot_link_name(expert, local_at(3, 10)))).to_have_count(0)
    page.get_by_role("link", name=more_times_link_name(expert, local_at(3, 10))).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Free times of Jonas Jonaitis")
    assert_accessible(page)
    page.get_by_role("link", name=slot_link_name(expert, local_at(3, 10))).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book a consultation")
    page.get_by_label("Topic").fill("Intellectual property of a joint product")
    page.get_by_label("Agenda").fill("Who owns what the members build together.")
    page.get_by_label("Online", exact=True).check()
    page.get_by_label("Meeting link").fill("https://meet.example.com/smart-food")
    assert_accessible(page)
    page.get_by_role("button", name="Send the request").click()

    expect(page.locator(".alert-success")).to_contain_text("The expert will confirm it")
    expect(page.get_by_role("heading", level=1)).to_have_text("Intellectual property of a joint product")
    expect(page.locator("main .badge").first).to_have_text("Requested")
    assert_accessible(page)
    booked = Consultation.objects.get(topic="Intellectual property of a joint product")
    assert (booked.status, booked.starts_at, booked.hours) == ("requested", local_at(3, 10), Decimal("1.5"))

    # Reschedule it to another free slot of the same expert.
    page.get_by_role("link", name="Reschedule").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pick a new time")
    assert_accessible(page)
    page.get_by_role("link", name=slot_link_name(expert, local_at(4, 13))).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reschedule the consultation")
    page.get_by_label("Reason").fill("Our board meets that morning.")
    assert_accessible(page)
    page.get_by_role("button", name="Send the new time").click()
    expect(page.locator(".alert-success")).to_contain_text("The new time is sent to the expert")
    with translation.override("en"):
        expect(page.locator("main")).to_contain_text(f"to {day_and_time(local_at(4, 13))}")
    expect(page.locator("main .badge").first).to_have_text("Requested")
    booked.refresh_from_db()
    assert (booked.status, booked.starts_at) == ("requested", local_at(4, 13))

    # Cancel the other upcoming consultation, more than 24 hours away, with a reason.
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Consultations").click()
    assert_accessible(page)
    page.get_by_role("link", name="Membership agreement review").click()
    page.locator("main").get_by_role("link", name="Cancel", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel the consultation")
    page.get_by_label("Reason").fill("The members signed the agreement already.")
    assert_accessible(page)
    page.get_by_role("button", name="Cancel the consultation").click()
    expect(page.locator(".alert-success")).to_contain_text("The consultation is cancelled")
    expect(page.locator("main .badge").first).to_have_text("Cancelled")
    expect(page.locator("main")).to_contain_text("The members signed the agreement already.")
    other.refresh_from_db()
    assert other.status == "cancelled"

    # The hours of the cancelled session are back; the rescheduled request holds 1.5 h.
    page.get_by_role("link", name="My cluster").click()
    expect(page.get_by_role("region", name="Hours left").locator("li", has_text="Legal")).to_contain_text("18.5 h")
