"""Journey: the cluster manager's start page on a phone (390 px) is a to-do list. What needs the manager is on the
first screen, before the hours and the sessions; each item leads to the page where it is done; the rest of the list
is one tap away. No sideways scroll, axe-clean, in Lithuanian and English."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD
from consultations.models import Consultation, ServiceArea
from consultations.templatetags.consultation_badges import status_badge
from consultations.tests.conftest import make_world
from consultations.tests.factories import ConsultationFactory, RatingFactory, SessionOutcomeFactory, local_at
from consultations.views import TODOS_SHOWN
from events.models import FundingIntent, Participation
from events.tests.factories import (
    EventFactory,
    FundingCallFactory,
    FundingIntentFactory,
    ParticipationFactory,
    in_days,
)

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}


def a_week_of_work(world):
    """One of every kind of to-do, each with its own title, and the address it must lead to (the anchor, if any,
    is an element of that page)."""
    agreement = world.agreement
    proposed_at = local_at(6, 10)
    proposal = ConsultationFactory(
        agreement=agreement,
        topic="Proposal: grant eligibility",
        starts_at=local_at(5, 10),
        proposed_starts_at=proposed_at,
        proposed_ends_at=proposed_at + datetime.timedelta(hours=1),
    )
    extra = SessionOutcomeFactory(
        consultation__agreement=agreement,
        consultation__topic="Extra: export contracts",
        hours_delivered=Decimal("1.5"),
        extra_status="pending",
        extra_due_at=timezone.now() + datetime.timedelta(days=4),
    ).consultation
    RatingFactory(consultation=extra)  # rated already: its one to-do is the extra hours
    to_rate = SessionOutcomeFactory(
        consultation__agreement=agreement, consultation__topic="Rate: brand story"
    ).consultation
    # In an area the cluster has not booked since (a booking since would take it off the list).
    declined = ConsultationFactory(
        agreement=agreement,
        service_area=ServiceArea.objects.get(code="financial"),
        topic="Rebook: membership rules",
        status=Consultation.Status.DECLINED,
        status_reason="Away that week",
        starts_at=local_at(4, 10),
    )
    Consultation.objects.filter(pk=declined.pk).update(declined_at=timezone.now() - datetime.timedelta(days=1))
    event = EventFactory(title="Apply: Cluster day in Kaunas", registration_deadline=in_days(3), starts_at=in_days(20))
    ended = EventFactory(title="Report: Hannover fair", starts_at=in_days(-5), registration_deadline=in_days(-20))
    report = ParticipationFactory(event=ended, cluster=world.cluster, status=Participation.Status.APPROVED)
    today = timezone.localdate()
    call = FundingCallFactory(
        title="Call: Innovation Express", opens_on=today, closes_on=today + datetime.timedelta(days=10)
    )
    FundingIntentFactory(event=call, cluster=world.cluster, status=FundingIntent.Status.APPLYING)
    return {
        proposal.topic: (proposal.get_absolute_url(), "proposal"),
        extra.topic: (extra.get_absolute_url(), "extra-hours"),
        to_rate.topic: (to_rate.get_absolute_url(), "rate"),
        declined.topic: (declined.get_absolute_url(), None),
        event.title: (event.get_absolute_url(), None),
        ended.title: (reverse("events:outcome-report", args=[report.pk]), None),
        call.title: (call.get_absolute_url(), None),
    }


def top(locator) -> float:
    return locator.bounding_box()["y"]


def assert_fits_a_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


@pytest.mark.parametrize("language", ["lt", "en"])
def test_the_managers_to_do_home_on_a_phone(page, language):
    world = make_world()
    world.manager.language = language
    world.manager.save(update_fields=["language"])
    work = a_week_of_work(world)
    # Sessions: one ahead, one cancelled and one declined ahead (they leave "Upcoming"), one held whose report the
    # expert has not written yet (it says so, not "Confirmed").
    ahead = ConsultationFactory(agreement=world.agreement, topic="Ahead: pricing", status="confirmed")
    cancelled = ConsultationFactory(
        agreement=world.agreement, topic="Cancelled: logo", status="cancelled", status_reason="No longer needed"
    )
    unreported = ConsultationFactory(
        agreement=world.agreement, topic="Unreported: roadmap", status="confirmed", starts_at=local_at(-1, 10)
    )
    with translation.override(language):  # the badges' words in the page's language
        report_outstanding = strip_tags(status_badge(unreported))
        confirmed = str(Consultation.Status.CONFIRMED.label)

    page.set_viewport_size(PHONE)
    sign_in(page, world.manager.email, PASSWORD)
    expect(page).to_have_url(re.compile(re.escape(reverse("consultations:dashboard")) + "$"))
    expect(page.locator("html")).to_have_attribute("lang", language)
    todo = page.locator("section[aria-labelledby=todo]")
    hours = page.locator("section[aria-labelledby=hours-summary]")
    upcoming = page.locator("section[aria-labelledby=upcoming]")
    recent = page.locator("section[aria-labelledby=recent]")

    # What needs the manager comes first: the first to-do and its button are on the first screen, above the hours
    # and the sessions.
    items = todo.locator(".todo-item")
    expect(items.filter(visible=True)).to_have_count(TODOS_SHOWN)
    first_button = items.first.get_by_role("link")
    box = first_button.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"]
    assert top(todo) < top(hours) < top(upcoming) < top(recent)
    assert_fits_a_phone(page)
    assert_accessible(page)

    # The rest is one tap away.
    todo.locator("summary").click()
    expect(items.filter(visible=True)).to_have_count(len(work))
    assert_accessible(page)

    # Upcoming keeps only what will happen; a session held but not yet reported says so.
    expect(upcoming).to_contain_text(ahead.topic)
    expect(upcoming.locator(".consultation-item", has_text=ahead.topic)).to_contain_text(confirmed)
    for gone in (cancelled.topic, "Rebook: membership rules", unreported.topic):
        expect(upcoming).not_to_contain_text(gone)
    expect(recent.locator(".consultation-item", has_text=unreported.topic)).to_contain_text(report_outstanding)

    # Each item leads to the page where it is done.
    for title, (path, anchor) in work.items():
        page.goto(reverse("consultations:dashboard"))
        todo.locator("summary").click()
        item = items.filter(has_text=title)
        expect(item).to_have_count(1)
        item.get_by_role("link").click()
        expect(page).to_have_url(re.compile(re.escape(path + (f"#{anchor}" if anchor else "")) + "$"))
        expect(page.locator("main")).to_contain_text(title)
        if anchor:
            expect(page.locator(f"#{anchor}")).to_be_visible()
        assert_fits_a_phone(page)
    assert_accessible(page)
