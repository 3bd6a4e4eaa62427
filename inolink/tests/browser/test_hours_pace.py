"""Who is behind, on the demo data: axe-clean in both languages, and nothing scrolls sideways on a phone."""

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
