"""Journey (issues 15 and 16): a manager finds an expert's next free time three weeks ahead, books an online
session and leaves the meeting link to the expert; the expert (reading Lithuanian) confirms and adds the link; the
manager sees it. Every page at 1280 px and at 390 px: axe-clean, and no sideways scroll on the phone."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, UserFactory
from agreements.tests.factories import ActiveAgreementFactory, HourAllocationFactory
from clusters.tests.factories import ClusterFactory
from consultations.models import AvailabilityException, Consultation, ServiceArea
from consultations.selectors import pickers_range
from consultations.tests.factories import ExpertFactory, available_all_week, local_at

from .conftest import assert_accessible, sign_in, slot_link_name

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDE, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}


def check_both_widths(page):
    """The page is axe-clean at 1280 px, and on a phone too, without scrolling sideways; back to 1280 px after."""
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url
    assert_accessible(page)
    page.set_viewport_size(WIDE)


def lt(text):
    with translation.override("lt"):
        return gettext(text)


def test_next_free_time_an_online_booking_without_a_link_and_the_expert_adding_it(page):
    legal = ServiceArea.objects.get(code="legal")
    manager = UserFactory(email="manager@example.com", first_name="Rasa", last_name="Petraitė", language="en")
    cluster = ClusterFactory(name="SMART Food Cluster", managers=[manager])
    HourAllocationFactory(agreement=ActiveAgreementFactory(cluster=cluster), service_area=legal, hours_granted=20)
    expert = available_all_week(
        ExpertFactory(user__first_name="Jonas", user__last_name="Jonaitis", user__language="lt", service_areas=[legal])
    )
    today, _last = pickers_range()
    AvailabilityException.objects.create(
        expert=expert, start_date=today, end_date=today + datetime.timedelta(days=20), kind="off", note="Holiday"
    )
    first_free = local_at(21, 8)

    # The manager: this week the expert is away; "Next available time" jumps to the week of the first free start.
    sign_in(page, manager.email, PASSWORD)
    page.goto(f"/consultations/book/slots/?area={legal.code}&length=1")
    expect(page.get_by_role("heading", level=1)).to_have_text("Free times in Legal")
    expect(page.get_by_text("No free time this week.")).to_be_visible()
    expect(page.get_by_role("link", name="Next month")).to_be_visible()
    check_both_widths(page)
    page.locator(".slot-next a").click()
    expect(page.get_by_text("Next available time:")).to_be_visible()
    page.get_by_role("link", name=slot_link_name(expert, first_free)).click()

    # Step 3 asks only what applies: on site the city and the address (required), online the link (optional).
    expect(page.get_by_role("heading", level=1)).to_have_text("Book a consultation")
    expect(page.get_by_label("City*")).to_be_visible()
    expect(page.get_by_label("Meeting link")).to_be_hidden()
    page.get_by_label("Online", exact=True).check()
    expect(page.get_by_label("City*")).to_be_hidden()
    expect(page.get_by_label("Address*")).to_be_hidden()
    expect(page.get_by_label("Meeting link")).to_be_visible()
    page.get_by_label("Topic").fill("Intellectual property of a joint product")
    check_both_widths(page)
    page.get_by_role("button", name="Send the request").click()
    expect(page.locator(".alert-success")).to_contain_text("The expert will confirm it")
    expect(page.locator("main")).to_contain_text("The expert will send the link when confirming.")
    check_both_widths(page)
    booked = Consultation.objects.get()
    assert (booked.starts_at, booked.format, booked.meeting_url) == (first_free, "online", "")

    # The expert, reading Lithuanian on a phone, confirms with a link of their own room.
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    sign_in(page, expert.user.email, PASSWORD)
    check_both_widths(page)
    page.set_viewport_size(PHONE)
    page.get_by_role("link", name=lt("Confirm and add the link")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(lt("Confirm the session"))
    page.get_by_role("button", name=lt("Confirm")).click()  # without the link: the rule, at the field
    expect(page.locator("main")).to_contain_text(
        lt("Add the meeting link: the cluster left it for you to give when confirming.")
    )
    check_both_widths(page)
    page.set_viewport_size(PHONE)
    page.get_by_label(lt("Meeting link")).fill("https://teams.example.com/l/jonas")
    page.get_by_role("button", name=lt("Confirm")).click()
    expect(page.locator(".alert-success")).to_contain_text(lt("The session is confirmed."))
    booked.refresh_from_db()
    assert (booked.status, booked.meeting_url) == ("confirmed", "https://teams.example.com/l/jonas")
    page.goto(booked.get_absolute_url())
    expect(page.get_by_role("link", name=lt("Cancel the session"))).to_be_visible()
    expect(page.get_by_role("link", name=lt("Decline"), exact=True)).to_have_count(0)
    check_both_widths(page)

    # The manager sees the link.
    page.context.clear_cookies()
    sign_in(page, manager.email, PASSWORD)
    page.goto(booked.get_absolute_url())
    expect(page.get_by_role("link", name="https://teams.example.com/l/jonas")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("will send the link")
    check_both_widths(page)
    assert booked.hours == Decimal("1")
