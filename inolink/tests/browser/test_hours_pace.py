"""Who is behind, on the demo data: axe-clean in both languages, nothing scrolls sideways on a phone, and at 1280 px
the table keeps inside its card and the staff menu on one line."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from agreements.models import Programme

from .conftest import assert_accessible
from .test_accessibility import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("language", ["lt", "en"])
def test_who_is_behind_passes_axe_and_fits_a_phone(page, language):
    call_command("load_demo", verbosity=0)
    User.objects.update(language=language)
    page.goto(reverse("accounts:login"))
    page.locator("#id_username").fill("staff@example.com")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    url = reverse("reports:hours-pace", args=[Programme.objects.order_by("-starts_on").first().pk])
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.goto(url).status == 200
        assert page.locator("svg.pace-chart polyline.actual-line").count() == 1
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if width == 1280:
            assert page.evaluate(TABLE_INSIDE_ITS_CARD), "the pace table (its bars) overflows its card"
            assert page.evaluate(MENU_ON_ONE_LINE), "the staff menu wraps"


TABLE_INSIDE_ITS_CARD = """(() => {
    const table = document.querySelector('.pace-table');
    return table.getBoundingClientRect().right <= table.closest('.card-body').getBoundingClientRect().right + 0.5;
})()"""
# Every link of the menu on the same line, each in one piece (a label broken over two lines has two boxes).
MENU_ON_ONE_LINE = """(() => {
    const links = [...document.querySelectorAll('#main-nav .nav-link')];
    const tops = new Set(links.map(link => Math.round(link.getBoundingClientRect().top)));
    return links.length > 6 && tops.size === 1 && links.every(link => link.getClientRects().length === 1
        && link.getBoundingClientRect().height < 2 * parseFloat(getComputedStyle(link).lineHeight));
})()"""
