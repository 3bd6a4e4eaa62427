"""Journeys of issue 16 around events (test_journey_events.py has applying, approval and the outcome report): an
application changed before the deadline, a waiting list joined, a funding call with dates only, and an event read in
Lithuanian with its Lithuanian title. Each page is axe clean and, on a phone, scrolls no sideways."""

import datetime

import pytest
from django.core import mail
from django.utils import formats, timezone
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, UserFactory
from clusters.tests.factories import ClusterFactory
from events.models import FundingIntent, Participation
from events.tests.factories import EventFactory, FundingCallFactory, ParticipationFactory

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}


def assert_no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


@pytest.fixture
def manager(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    user = UserFactory(email="manager@example.com", first_name="Rasa", last_name="Petraitė", language="en")
    ClusterFactory(name="Laser Cluster", managers=[user])
    return user


def test_an_application_is_confirmed_by_email_and_changed_before_the_deadline(page, manager):
    EventFactory(title="Nordic Food Expo", delegates_per_cluster=2)
    sign_in(page, manager.email, PASSWORD)
    page.goto("/events/")
    page.get_by_role("link", name="Nordic Food Expo").click()
    page.get_by_role("link", name="Apply for Laser Cluster").click()
    page.get_by_label("Full name").nth(0).fill("Rasa Petraitė")
    page.get_by_label("Role").nth(0).fill("Cluster manager")
    page.get_by_label("Motivation").fill("Meet Nordic retailers.")
    page.get_by_role("button", name="Send the application").click()
    expect(page.locator(".alert-success")).to_contain_text("Your application has been sent")
    [confirmation] = [email for email in mail.outbox if email.to == [manager.email]]
    assert "Application received: Nordic Food Expo" in confirmation.subject

    # Before the deadline: a second delegate and the support the cluster wants.
    page.get_by_role("link", name="Change delegates or support").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the application of Laser Cluster")
    page.get_by_label("Full name").nth(1).fill("Tomas Tomaitis")
    page.get_by_label("Role").nth(1).fill("CEO of a member")
    page.get_by_label("We need support from the programme").check()
    page.get_by_label("Support wanted").fill("A shared stand with another cluster.")
    assert_accessible(page)
    page.get_by_role("button", name="Save the changes").click()
    expect(page.locator(".alert-success")).to_contain_text("Your application has been changed")
    expect(page.locator("main")).to_contain_text("Tomas Tomaitis")
    expect(page.locator("main")).to_contain_text("A shared stand with another cluster.")
    assert_accessible(page)
    application = Participation.objects.get()
    assert (application.delegates.count(), application.support_details) == (2, "A shared stand with another cluster.")


def test_a_full_event_offers_the_waiting_list_and_tells_the_position(page, manager):
    event = EventFactory(title="Slush", places=1, delegates_per_cluster=1)
    ParticipationFactory(event=event, status=Participation.Status.APPROVED)
    ParticipationFactory(event=event, status=Participation.Status.WAITLISTED)
    sign_in(page, manager.email, PASSWORD)
    page.goto(event.get_absolute_url())
    expect(page.locator("main")).to_contain_text("Your cluster would be number 2 on the waiting list.")
    assert_accessible(page)
    page.get_by_role("link", name="Join the waiting list").click()
    page.get_by_label("Full name").nth(0).fill("Rasa Petraitė")
    page.get_by_label("Role").nth(0).fill("Cluster manager")
    page.get_by_label("Motivation").fill("Meet investors.")
    page.get_by_role("button", name="Join the waiting list").click()
    expect(page.locator("main")).to_contain_text("Laser Cluster is number 2 on the waiting list.")
    assert_accessible(page)
    assert Participation.objects.get(cluster__name="Laser Cluster").status == Participation.Status.WAITLISTED


def test_a_funding_call_shows_dates_only_and_takes_the_intent(page, manager):
    today = timezone.localdate()
    opens_on, closes_on = today - datetime.timedelta(days=5), today + datetime.timedelta(days=20)
    call = FundingCallFactory(title="Innovation Express", opens_on=opens_on, closes_on=closes_on)
    sign_in(page, manager.email, PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto(call.get_absolute_url())
    main = page.locator("main")
    expect(main).to_contain_text(formats.date_format(call.opens_on))
    expect(main).to_contain_text(formats.date_format(call.closes_on))
    expect(main).not_to_contain_text("Add to calendar")
    expect(main).not_to_contain_text(":00")  # no time of day anywhere
    expect(page.get_by_role("heading", name="About the call")).to_be_visible()
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    page.get_by_role("link", name="Mark your intent").click()
    page.get_by_label("Status").select_option(label="Preparing an application")
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".alert-success")).to_contain_text("Your cluster's intent for this call has been saved")
    expect(main).to_contain_text("Preparing an application")
    assert FundingIntent.objects.get().status == FundingIntent.Status.APPLYING


def test_a_lithuanian_reader_gets_the_lithuanian_title_and_description(page, manager):
    manager.language = "lt"
    manager.save(update_fields=["language"])
    EventFactory(
        title="Cluster day in Kaunas",
        title_lt="Klasterių diena Kaune",
        description="Presentations and meetings.",
        description_lt="Pristatymai ir susitikimai su tyrėjais.",
    )
    sign_in(page, manager.email, PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto("/events/")
    page.get_by_role("link", name="Klasterių diena Kaune").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Klasterių diena Kaune")
    expect(page.locator("main")).to_contain_text("Pristatymai ir susitikimai su tyrėjais.")
    expect(page.locator("main")).not_to_contain_text("Cluster day in Kaunas")
    assert_accessible(page)
    assert_no_sideways_scroll(page)
