"""Browser journeys: Playwright for Python driving Debian's Chromium against pytest-django's live server.

Each journey is a real user's path through the real pages. A failing journey leaves a screenshot in
test-artifacts/. Pages visited are checked with axe-core for WCAG 2.1 AA violations.
"""

import json
import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

from inolink.tests import frontend

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
AXE_SCRIPT = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session", autouse=True)
def _serialized_contents_in_every_context(django_db_setup):
    """Let serialized_rollback restore migration data in the journeys, whichever tests ran before them.

    Playwright's sync API runs an event loop, after which Django hands out new connection objects (connections are
    context-local). pytest-django restores a transactional test's migration data (service areas) from
    ``_test_serialized_contents``, which the test database setup stored on the first connection object only; a new
    one lacks it, so after any other transactional test flushed the database the journeys started without data.
    """
    from django.db.utils import ConnectionHandler

    contents = {alias: getattr(connections[alias], "_test_serialized_contents", None) for alias in connections}
    original = ConnectionHandler.create_connection

    def create_connection(self, alias):
        connection = original(self, alias)
        if contents.get(alias) is not None:
            connection._test_serialized_contents = contents[alias]
        return connection

    ConnectionHandler.create_connection = create_connection
    yield
    ConnectionHandler.create_connection = original


@pytest.fixture(scope="session")
def chromium_browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    if frontend.MISSING:
        pytest.skip(frontend.REASON)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_settings(settings):
    # The live server speaks plain http on 127.0.0.1; production keeps secure cookies and redirects.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_SSL_REDIRECT = False
    settings.LANGUAGE_CODE = "en"
    return settings


@pytest.fixture
def page(chromium_browser, live_server, browser_settings, request):
    context = chromium_browser.new_context(
        base_url=live_server.url, locale="en-GB", timezone_id="Europe/Vilnius", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def sign_in(page, email, password):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.locator("main").get_by_role("button", name="Sign in").click()


def assert_accessible(page):
    """Fail on any WCAG 2.1 AA violation axe-core finds on the current page, once its transitions have ended (a
    button just clicked, caught halfway between two colours, has a contrast it never shows for longer)."""
    page.evaluate(
        "() => Promise.all(document.getAnimations()"
        ".filter((animation) => animation.effect?.getComputedTiming().endTime !== Infinity)"
        ".map((animation) => animation.finished.catch(() => null)))"
    )
    page.evaluate(AXE_SCRIPT.read_text())
    result = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    violations = [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]
    assert violations == [], f"{page.url}: {json.dumps(violations, indent=2)}"


def choose_in_autocomplete(page, select_id, text):
    """Pick an option in a Django admin autocomplete (select2) field by typing, as a person would."""
    page.locator(f"#{select_id} + .select2").click()
    page.locator(".select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def slot_link_name(expert, moment):
    """The accessible name of a free-slot link in the slot picker, as a screen reader announces it (English)."""
    from django.utils import dateformat, timezone, translation

    with translation.override("en"):
        local = timezone.localtime(moment)
        return f"{expert}, {dateformat.format(local, 'l, j F')} at {local:%H:%M}"


def more_times_link_name(expert, moment):
    """The end of the accessible name of "+N more" in the slot picker, which opens the expert's week (English)."""
    from django.utils import dateformat, timezone, translation

    with translation.override("en"):
        return f"more – {expert}, {dateformat.format(timezone.localtime(moment), 'l, j F')}"
