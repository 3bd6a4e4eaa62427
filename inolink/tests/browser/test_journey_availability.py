"""Journey: an expert enters a two-week holiday in one row (a row added by the page's script, no round trip),
saves, and sees it in the preview; overlapping weekly hours are refused with a clear message. Axe-clean, also
on a phone."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD
from consultations.models import AvailabilityException
from consultations.tests.factories import ExpertFactory, available_all_week

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_two_week_holiday_entered_in_one_row(page):
    expert = available_all_week(ExpertFactory())
    first = timezone.localdate() + datetime.timedelta(days=3)
    last = first + datetime.timedelta(days=13)
    sign_in(page, expert.user.email, PASSWORD)
    page.goto("/consultations/availability/")
    assert_accessible(page)
    expect(page.locator("select option", has_text="---------")).to_have_count(0)

    page.get_by_role("button", name="Add time off or extra hours").click()
    page.locator("#id_exceptions-0-start_date").fill(first.isoformat())
    page.locator("#id_exceptions-0-end_date").fill(last.isoformat())
    page.locator("#id_exceptions-0-note").fill("Winter holiday")
    assert_accessible(page)
    page.get_by_role("button", name="Save availability").click()
    expect(page.get_by_text("Your availability is saved.")).to_be_visible()
    holiday = AvailabilityException.objects.get(expert=expert)
    assert (holiday.start_date, holiday.end_date, holiday.kind) == (first, last, "off")
    preview = page.locator(".availability-preview")
    # The preview covers two weeks from today: the holiday's days in it (from the 4th day on) read "Time off".
    expect(preview.get_by_text("Time off")).to_have_count(11)

    # Overlapping weekly hours: one row added, refused with both rows named, nothing saved.
    page.get_by_role("button", name="Add weekly hours").click()
    page.locator("#id_weekly-7-weekday").select_option("0")
    page.locator("#id_weekly-7-start_time").fill("19:00")
    page.locator("#id_weekly-7-end_time").fill("21:00")
    page.get_by_role("button", name="Save availability").click()
    expect(page.get_by_text("Monday 08:00–20:00 overlaps Monday 19:00–21:00.")).to_be_visible()
    assert_accessible(page)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/consultations/availability/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)
