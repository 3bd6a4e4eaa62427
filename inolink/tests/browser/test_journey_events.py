"""Journey 4: a manager applies to an event, staff approve it in the admin, the manager reports an outcome."""

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, StaffFactory, UserFactory
from clusters.tests.factories import ClusterFactory
from events.models import Participation
from events.tests.factories import EventFactory, ParticipationFactory, PastEventFactory

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def sign_out(page, name):
    page.get_by_role("button", name=name).click()
    page.get_by_role("button", name="Sign out").click()


def open_event(page, title, *, past=False):
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Events").click()
    if past:
        page.get_by_label("Include past events").check()
        page.get_by_role("button", name="Apply").click()
    assert_accessible(page)
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    assert_accessible(page)


def test_manager_applies_staff_approve_manager_reports(page):
    manager = UserFactory(email="manager@example.com", first_name="Rasa", last_name="Petraitė")
    cluster = ClusterFactory(name="Laser Cluster", managers=[manager])
    staff = StaffFactory(email="officer@example.com", first_name="Ona", last_name="Onaitė")
    EventFactory(title="Nordic Food Expo", city="Copenhagen", country="DK", delegates_per_cluster=2)
    past = ParticipationFactory(
        event=PastEventFactory(title="Photonics West"),
        cluster=cluster,
        applied_by=manager,
        status=Participation.Status.APPROVED,
    )

    # The manager applies with two delegates and a motivation.
    sign_in(page, manager.email, PASSWORD)
    open_event(page, "Nordic Food Expo")
    page.get_by_role("link", name="Apply for Laser Cluster").click()
    page.get_by_label("Full name").nth(0).fill("Rasa Petraitė")
    page.get_by_label("Role").nth(0).fill("Cluster manager")
    page.get_by_label("Full name").nth(1).fill("Tomas Tomaitis")
    page.get_by_label("Role").nth(1).fill("CEO of a member")
    page.get_by_label("Motivation").fill("Meet Nordic retailers for our members' laser-cut packaging.")
    assert_accessible(page)
    page.get_by_role("button", name="Send the application").click()
    expect(page.locator(".alert-success")).to_contain_text("Your application has been sent")
    expect(page.locator("main")).to_contain_text("Applied")
    expect(page.locator("main")).to_contain_text("Tomas Tomaitis")
    assert_accessible(page)
    application = Participation.objects.get(event__title_en="Nordic Food Expo")
    assert (application.status, application.delegates.count()) == ("applied", 2)
    sign_out(page, str(manager))

    # Staff approve it with the admin's bulk action.
    sign_in(page, staff.email, PASSWORD)
    page.get_by_role("link", name="Administration", exact=True).click()
    page.locator("#content-main .app-events").get_by_role("link", name="Applications", exact=True).click()
    page.get_by_role("row", name="Nordic Food Expo").get_by_role("checkbox").check()
    page.get_by_label("Action:").select_option(label="Approve selected applications")
    page.get_by_role("button", name="Go", exact=True).click()
    expect(page.locator(".messagelist .success")).to_contain_text("1 applications decided")
    application.refresh_from_db()
    assert application.status == "approved"
    page.goto("/")
    sign_out(page, str(staff))

    # The manager sees the approval, then reports what the past event brought.
    sign_in(page, manager.email, PASSWORD)
    open_event(page, "Nordic Food Expo")
    expect(page.locator("main")).to_contain_text("Application of Laser Cluster: Approved")
    open_event(page, "Photonics West", past=True)
    page.get_by_role("link", name="Report the outcome").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What the event brought")
    page.get_by_label("Yes, we attended").check()
    page.get_by_label("Contacts made").fill("12")
    page.get_by_label("Notes").fill("Two distributors asked for samples.")
    page.get_by_label("Organisation").nth(0).fill("Photonics Finland Oy")
    page.get_by_label("Country").nth(0).select_option(label="Finland")
    page.get_by_label("Topic").nth(0).fill("Joint Horizon Europe proposal")
    page.get_by_label("Next step").nth(0).fill("Call in January")
    assert_accessible(page)
    page.get_by_role("button", name="Save the outcome").click()
    expect(page.locator(".alert-success")).to_contain_text("the outcome has been saved")
    expect(page.locator("main")).to_contain_text("Photonics Finland Oy")
    expect(page.locator("main")).to_contain_text("Joint Horizon Europe proposal")
    assert_accessible(page)
    past.refresh_from_db()
    assert (past.outcome.attended, past.outcome.contacts_made) == (True, 12)
    assert list(past.outcome.leads.values_list("organisation", "country")) == [("Photonics Finland Oy", "FI")]
