"""Journeys of issue 16: extra hours disputed and decided by staff; a reschedule whose history says who, why and both
times; an expert's proposed time accepted; a booking's details corrected."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, StaffFactory, UserFactory
from agreements.tests.factories import ActiveAgreementFactory, HourAllocationFactory
from clusters.tests.factories import ClusterFactory
from consultations import services
from consultations.models import Consultation, HourAllocation, ServiceArea, SessionOutcome
from consultations.tests.factories import ConsultationFactory, ExpertFactory, available_all_week, local_at
from inolink.formatting import day_and_time
from notifications.models import OutgoingMessage

from .conftest import assert_accessible, sign_in, slot_link_name

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def cast():
    legal = ServiceArea.objects.get(code="legal")
    manager = UserFactory(email="manager@example.com", first_name="Rasa", last_name="Petraitė")
    cluster = ClusterFactory(name="SMART Food Cluster", managers=[manager])
    agreement = ActiveAgreementFactory(cluster=cluster)
    allocation = HourAllocationFactory(agreement=agreement, service_area=legal, hours_granted=Decimal("20"))
    expert = available_all_week(
        ExpertFactory(user__first_name="Tomas", user__last_name="Ekspertas", service_areas=[legal])
    )
    return manager, agreement, allocation, expert


def wall(moment) -> str:
    """A moment as the history states it, in English."""
    with translation.override("en"):
        return day_and_time(moment)


def test_extra_hours_are_disputed_by_the_manager_and_decided_by_staff(page):
    manager, agreement, allocation, expert = cast()
    start = timezone.now() - datetime.timedelta(hours=4)
    consultation = ConsultationFactory(
        agreement=agreement,
        expert=expert,
        booked_by=manager,
        topic="Export contracts",
        starts_at=start,
        hours=Decimal("2"),
        status=Consultation.Status.CONFIRMED,
    )
    services.outcome_save(
        consultation=consultation,
        by=expert.user,
        result="held",
        summary="Went through the contracts.",
        hours_delivered=Decimal("2.5"),
    )

    # The manager finds them on the start page's to-do list.
    sign_in(page, manager.email, PASSWORD)
    todo = page.locator("section[aria-labelledby=todo]")
    todo.locator(".todo-extra-hours").get_by_role("link", name="Accept or dispute").click()
    extra = page.locator("#extra-hours")
    expect(extra).to_contain_text("Logged 2.5 h on a booking of 2 h (0.5 h more)")
    expect(extra).to_contain_text("counted toward the cluster's hours: 2 h")
    assert_accessible(page)
    extra.get_by_role("link", name="Dispute").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dispute the extra hours")
    page.get_by_label("Reason").fill("We stopped at noon, as planned.")
    assert_accessible(page)
    page.get_by_role("button", name="Dispute").click()
    expect(page.locator(".alert-success")).to_contain_text("programme staff will decide")
    expect(page.locator("#extra-hours")).to_contain_text("Disputed")
    expect(page.locator("#extra-hours")).to_contain_text("We stopped at noon, as planned.")
    assert HourAllocation.objects.get(pk=allocation.pk).hours_delivered == Decimal("2")

    page.context.clear_cookies()
    staff = StaffFactory(email="officer@example.com")
    sign_in(page, staff.email, PASSWORD)
    page.goto("/admin/consultations/sessionoutcome/?extra_status__exact=disputed")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    page.locator("#result_list tbody tr input.action-select").check()
    page.locator("select[name=action]").select_option("decide_extra_hours")
    page.locator("button[name=index]").click()
    expect(page.locator("#content")).to_contain_text("We stopped at noon, as planned.")
    page.get_by_label("The extra hours do not count").check()
    page.get_by_label("Reason").fill("The minutes end at noon.")
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator(".messagelist .success")).to_contain_text("1 decision saved.")
    outcome = SessionOutcome.objects.get(consultation=consultation)
    assert (outcome.extra_status, outcome.extra_decided_by) == ("refused", staff)
    assert HourAllocation.objects.get(pk=allocation.pk).hours_delivered == Decimal("2")

    # The manager reads the decision and its reason; the extra hours are off the to-do list (rating stays on it).
    page.context.clear_cookies()
    sign_in(page, manager.email, PASSWORD)
    expect(page.locator("section[aria-labelledby=todo] .todo-rate")).to_contain_text("Export contracts")
    expect(page.locator("section[aria-labelledby=todo] .todo-extra-hours")).to_have_count(0)
    page.goto(consultation.get_absolute_url())
    extra = page.locator("#extra-hours")
    expect(extra).to_contain_text("Extra hours: Not counted")
    expect(extra).to_contain_text("Staff decision: The minutes end at noon.")
    expect(extra).to_contain_text("counted toward the cluster's hours: 2 h")
    expect(extra.get_by_role("button", name="Accept the extra hours")).to_have_count(0)
    assert_accessible(page)


def test_extra_hours_accepted_by_the_manager_count_at_once(page):
    manager, agreement, allocation, expert = cast()
    consultation = ConsultationFactory(
        agreement=agreement,
        expert=expert,
        booked_by=manager,
        topic="Board rules",
        starts_at=timezone.now() - datetime.timedelta(hours=4),
        hours=Decimal("2"),
        status=Consultation.Status.CONFIRMED,
    )
    services.outcome_save(
        consultation=consultation,
        by=expert.user,
        result="held",
        summary="Rules drafted.",
        hours_delivered=Decimal("2.5"),
    )
    assert HourAllocation.objects.get(pk=allocation.pk).hours_delivered == Decimal("2")

    sign_in(page, manager.email, PASSWORD)
    todo = page.locator("section[aria-labelledby=todo]")
    todo.locator(".todo-extra-hours").get_by_role("link", name="Accept or dispute").click()
    page.locator("#extra-hours").get_by_role("button", name="Accept the extra hours").click()
    expect(page.locator(".alert-success")).to_contain_text("The extra hours are accepted and count now.")
    extra = page.locator("#extra-hours")
    expect(extra).to_contain_text("Extra hours: Accepted")
    expect(extra).to_contain_text("counted toward the cluster's hours: 2.5 h")
    assert_accessible(page)
    assert HourAllocation.objects.get(pk=allocation.pk).hours_delivered == Decimal("2.5")


def test_a_reschedule_shows_who_moved_it_why_and_both_times(page):
    manager, agreement, _allocation, expert = cast()
    consultation = services.consultation_book(
        cluster=agreement.cluster,
        service_area=ServiceArea.objects.get(code="legal"),
        expert=expert,
        starts_at=local_at(3, 10),
        hours=Decimal("1"),
        format="online",
        meeting_url="https://meet.example.com/a",
        topic="Membership agreement",
        booked_by=manager,
    )
    services.consultation_confirm(consultation=consultation, by=expert.user)

    sign_in(page, manager.email, PASSWORD)
    page.goto(consultation.get_absolute_url())
    page.get_by_role("link", name="Reschedule").click()
    page.get_by_role("link", name=slot_link_name(expert, local_at(4, 13))).click()
    page.get_by_label("Reason").fill("Our board meets that morning.")
    page.get_by_role("button", name="Send the new time").click()
    expect(page.locator(".alert-success")).to_contain_text("sent to the expert")

    # The expert confirms the new time; the reason stays the manager's.
    services.consultation_confirm(consultation=Consultation.objects.get(pk=consultation.pk), by=expert.user)
    page.reload()
    history = page.locator("section[aria-labelledby=history]")
    expect(history).to_contain_text(
        f"Moved: from {wall(local_at(3, 10))} to {wall(local_at(4, 13))}, by Rasa Petraitė (cluster manager)"
    )
    expect(history).to_contain_text("Our board meets that morning.")
    expect(page.locator("main")).not_to_contain_text("(Tomas Ekspertas)")
    assert_accessible(page)

    # The expert reads the same: who moved it, why, and both times.
    page.context.clear_cookies()
    sign_in(page, expert.user.email, PASSWORD)
    page.goto(consultation.get_absolute_url())
    history = page.locator("section[aria-labelledby=history]")
    expect(history).to_contain_text(
        f"Moved: from {wall(local_at(3, 10))} to {wall(local_at(4, 13))}, by Rasa Petraitė (cluster manager)"
    )
    expect(history).to_contain_text("Our board meets that morning.")
    assert_accessible(page)


def test_the_expert_proposes_another_time_and_the_manager_accepts(page):
    manager, agreement, _allocation, expert = cast()
    consultation = services.consultation_book(
        cluster=agreement.cluster,
        service_area=ServiceArea.objects.get(code="legal"),
        expert=expert,
        starts_at=local_at(3, 10),
        hours=Decimal("1"),
        format="online",
        meeting_url="https://meet.example.com/a",
        topic="Grant eligibility",
        booked_by=manager,
    )

    sign_in(page, expert.user.email, PASSWORD)
    page.goto(consultation.get_absolute_url())
    page.get_by_role("link", name="Propose another time").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Propose another time")
    assert_accessible(page)
    page.get_by_role("link", name=slot_link_name(expert, local_at(5, 14))).click()
    page.get_by_label("Note to the cluster").fill("I am travelling on that day.")
    assert_accessible(page)
    page.get_by_role("button", name="Send the proposal").click()
    expect(page.locator(".alert-success")).to_contain_text("Your proposal is sent")

    # The manager finds the proposal on the start page's to-do list.
    page.context.clear_cookies()
    sign_in(page, manager.email, PASSWORD)
    page.locator("section[aria-labelledby=todo] .todo-proposal").get_by_role("link", name="Answer the proposal").click()
    proposal = page.locator("section[aria-labelledby=proposal-heading]")
    expect(proposal).to_be_visible()
    expect(page.locator("section[aria-labelledby=history]")).to_contain_text("I am travelling on that day.")
    assert_accessible(page)
    proposal.get_by_role("button", name="Accept the proposed time").click()
    expect(page.locator(".alert-success")).to_contain_text("moved to the proposed time and confirmed")
    expect(page.locator("main .badge").first).to_have_text("Confirmed")
    history = page.locator("section[aria-labelledby=history]")
    moved_from, moved_to = wall(local_at(3, 10)), wall(local_at(5, 14))
    expect(history).to_contain_text(
        f"Another time proposed: from {moved_from} to {moved_to}, by Tomas Ekspertas (expert)"
    )
    expect(history).to_contain_text(
        f"Proposed time accepted: from {moved_from} to {moved_to}, by Rasa Petraitė (cluster manager)"
    )
    page.goto("/")
    expect(page.locator("section[aria-labelledby=todo] .todo-proposal")).to_have_count(0)
    moved = Consultation.objects.get(pk=consultation.pk)
    assert (moved.status, moved.starts_at) == ("confirmed", local_at(5, 14))


def test_the_manager_corrects_the_details(page):
    manager, agreement, _allocation, expert = cast()
    consultation = services.consultation_book(
        cluster=agreement.cluster,
        service_area=ServiceArea.objects.get(code="legal"),
        expert=expert,
        starts_at=local_at(3, 10),
        hours=Decimal("1"),
        format="online",
        meeting_url="https://meet.example.com/a",
        topic="Grant eligibilty",
        booked_by=manager,
    )

    sign_in(page, manager.email, PASSWORD)
    page.goto(consultation.get_absolute_url())
    page.get_by_role("link", name="Edit details").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit the details")
    assert_accessible(page)
    page.get_by_label("Topic").fill("Grant eligibility")
    page.get_by_label("On-site in Lithuania").check()
    page.get_by_label("City").select_option("Vilnius")
    page.get_by_label("Address").fill("Gedimino pr. 1, Vilnius")
    page.get_by_role("button", name="Save the details").click()
    expect(page.locator(".alert-success")).to_contain_text("the expert is told")
    expect(page.get_by_role("heading", level=1)).to_have_text("Grant eligibility")
    expect(page.locator("main")).to_contain_text("Gedimino pr. 1, Vilnius")
    expect(page.locator("main")).not_to_contain_text("Vilnius, Vilnius")
    expect(page.locator("section[aria-labelledby=history]")).to_contain_text(
        "Details corrected by Rasa Petraitė (cluster manager)"
    )
    assert_accessible(page)

    # The expert is told, and reads the corrected booking.
    told = OutgoingMessage.objects.get(kind="consultation_details_changed", object_id=consultation.pk)
    assert told.recipient == expert.user
    page.context.clear_cookies()
    sign_in(page, expert.user.email, PASSWORD)
    page.goto(consultation.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Grant eligibility")
    expect(page.locator("main")).to_contain_text("Gedimino pr. 1, Vilnius")
    expect(page.locator("section[aria-labelledby=history]")).to_contain_text(
        "Details corrected by Rasa Petraitė (cluster manager)"
    )
    assert_accessible(page)
