"""Journeys of reaching people (issue 15): an invited manager sets a password and books, staff message the approved
clusters of an event, cancelling an event tells its applicants, and the two sides of a session write to each other.
"""

import time
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import User
from accounts.tests.factories import PASSWORD, StaffFactory, UserFactory
from agreements.tests.factories import ActiveAgreementFactory, HourAllocationFactory
from clusters.tests.factories import ClusterFactory
from consultations.models import Consultation, ServiceArea
from consultations.tests.factories import ConsultationFactory, ExpertFactory, available_all_week, local_at
from events.models import Event
from events.tests.factories import EventFactory, ParticipationFactory

from .conftest import assert_accessible, choose_in_autocomplete, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NEW_PASSWORD = "Saulėta-diena-4821"


def emails_to(address, *, wait=5.0):
    """The emails sent to ``address`` so far (the live server sends them in its own thread)."""
    deadline = time.monotonic() + wait
    while True:
        found = [email for email in mail.outbox if address in email.to]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def path_of(url: str) -> str:
    """The path of an emailed link (emails carry the configured site address, not the live server's)."""
    return url[url.index("/", url.index("//") + 2) :]


def link_in(email, fragment: str) -> str:
    [url] = {word.rstrip(".,") for word in email.body.split() if fragment in word}
    return path_of(url)


def second_context(page, live_server):
    return page.context.browser.new_context(
        base_url=live_server.url, locale="lt-LT", timezone_id="Europe/Vilnius", viewport={"width": 390, "height": 844}
    )


def test_staff_invite_a_manager_who_sets_a_password_and_books_in_lithuanian(page, live_server):
    staff = StaffFactory(email="officer@example.com")
    legal = ServiceArea.objects.get(code="legal")
    cluster = ClusterFactory(name="Laser and Engineering Technology Cluster")
    agreement = ActiveAgreementFactory(cluster=cluster)
    HourAllocationFactory(agreement=agreement, service_area=legal, hours_granted=Decimal("20"))
    available_all_week(ExpertFactory(user__first_name="Jonas", user__last_name="Jonaitis", service_areas=[legal]))

    # Staff invite the manager in the admin, in Lithuanian.
    sign_in(page, staff.email, PASSWORD)
    page.goto("/admin/outreach/invitation/add/")
    page.get_by_label("Email:").fill("aiste@lastech.lt")
    page.get_by_label("First name:").fill("Aistė")
    page.get_by_label("Last name:").fill("Kazlauskienė")
    page.get_by_label("Language:").select_option("lt")
    page.get_by_label("Role:").select_option("manager")
    choose_in_autocomplete(page, "id_cluster", "Laser and Engineering")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist .success")).to_have_count(1)
    [invitation_email] = emails_to("aiste@lastech.lt")
    assert invitation_email.subject and "Laba diena," in invitation_email.body

    # The person opens the link on a phone, sets a password and lands on the cluster's page, in Lithuanian.
    context = second_context(page, live_server)
    person = context.new_page()
    person.goto(link_in(invitation_email, "/outreach/invitation/"))
    expect(person.locator("html")).to_have_attribute("lang", "lt")
    expect(person.get_by_role("heading", level=1)).to_have_text("Sveiki atvykę į „InoLink“")
    assert_accessible(person)
    person.locator("#id_password1").fill(NEW_PASSWORD)
    person.locator("#id_password2").fill(NEW_PASSWORD)
    person.get_by_role("button", name="Sukurti paskyrą").click()
    expect(person.get_by_role("heading", level=1)).to_have_text(cluster.name)
    expect(person.locator(".alert-success")).to_contain_text("Sveiki atvykę į „InoLink“. Jūsų paskyra sukurta")
    expect(person.locator("html")).to_have_attribute("lang", "lt")
    assert_accessible(person)
    manager = User.objects.get(email="aiste@lastech.lt")
    assert manager.language == "lt" and cluster.managers.filter(pk=manager.pk).exists()

    # The same link again: already used, said in words.
    again = context.new_page()
    again.goto(link_in(invitation_email, "/outreach/invitation/"))
    expect(again.locator("main")).to_contain_text("jau panaudotas")

    # And books a consultation.
    person.locator("main").get_by_role("link", name="Užsakyti konsultaciją").first.click()
    person.locator("#id_area").select_option("legal")
    person.get_by_role("button", name="Rodyti laisvą laiką").click()
    person.locator(".slot-table td a").first.click()
    person.locator("#id_topic").fill("Bendro produkto intelektinė nuosavybė")
    person.locator("input[name=format][value=online]").check()
    person.locator("#id_meeting_url").fill("https://meet.example.com/lastech")
    assert_accessible(person)
    person.get_by_role("button", name="Pateikti užklausą").click()
    expect(person.locator(".alert-success")).to_contain_text("Jūsų užklausa išsiųsta")
    booked = Consultation.objects.get(topic="Bendro produkto intelektinė nuosavybė")
    assert (booked.cluster, booked.booked_by, booked.status) == (cluster, manager, "requested")
    context.close()


def test_staff_message_the_approved_clusters_of_an_event_each_in_their_language(page):
    staff = StaffFactory(email="officer@example.com")
    event = EventFactory(title="Hannover Messe", places=5)
    lt = UserFactory(email="lt@klasteris.lt", first_name="Rasa", last_name="Petraitė", language="lt")
    en = UserFactory(email="en@cluster.eu", first_name="John", last_name="Smith", language="en")
    waiting = UserFactory(email="waiting@klasteris.lt", language="lt")
    for manager in (lt, en):
        ParticipationFactory(event=event, status="approved", cluster=ClusterFactory(managers=[manager]))
    ParticipationFactory(event=event, status="waitlisted", cluster=ClusterFactory(managers=[waiting]))

    sign_in(page, staff.email, PASSWORD)
    page.get_by_role("link", name="Messages to groups").first.click()
    page.get_by_role("link", name="New message").click()
    page.get_by_label("Audience").select_option(label="Managers of the clusters of an event")
    page.get_by_label("Event", exact=True).select_option(label="Hannover Messe")
    page.get_by_label("Clusters that").select_option(label="approved")
    page.get_by_label("Subject in Lithuanian").fill("Paviljono įrengimas")
    page.get_by_label("Text in Lithuanian").fill("Stendą įrengsime gegužės 2 d.")
    page.get_by_label("Subject in English").fill("Setting up the pavilion")
    page.get_by_label("Text in English").fill("We set up the stand on 2 May.")
    assert_accessible(page)
    page.get_by_role("button", name="Preview").click()

    preview = page.get_by_role("region", name="Preview")
    expect(preview).to_contain_text("Managers of clusters approved for Hannover Messe")
    expect(preview).to_contain_text("2 people receive this message.")
    expect(preview).to_contain_text("lt@klasteris.lt")
    expect(preview).to_contain_text("en@cluster.eu")
    expect(preview).not_to_contain_text("waiting@klasteris.lt")
    expect(preview).to_contain_text("Paviljono įrengimas")
    expect(preview).to_contain_text("We set up the stand on 2 May.")
    assert mail.outbox == []  # a preview sends nothing
    assert_accessible(page)
    page.get_by_role("button", name="Send to 2 people").click()

    expect(page.locator(".alert-success")).to_contain_text("The message is on its way to 2 people.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Setting up the pavilion")
    expect(page.locator("main .badge", has_text="Delivered")).to_have_count(2)
    assert_accessible(page)
    [to_lt] = emails_to(lt.email)
    [to_en] = emails_to(en.email)
    assert to_lt.subject == "Paviljono įrengimas" and "Stendą įrengsime gegužės 2 d." in to_lt.body
    assert to_en.subject == "Setting up the pavilion" and "We set up the stand on 2 May." in to_en.body
    assert emails_to(waiting.email, wait=0) == [] and len(mail.outbox) == 2

    page.get_by_role("link", name="Messages to groups").first.click()
    expect(page.locator("main table")).to_contain_text("Setting up the pavilion")
    assert_accessible(page)


def test_staff_cancel_an_event_and_every_applicant_is_told_why(page):
    staff = StaffFactory(email="officer@example.com")
    event = EventFactory(title="Baltic Sea Matchmaking", places=5)
    told = {}
    for status in ("applied", "approved", "waitlisted"):
        manager = UserFactory(email=f"{status}@klasteris.lt", language="lt" if status == "approved" else "en")
        ParticipationFactory(event=event, status=status, cluster=ClusterFactory(managers=[manager]))
        told[status] = manager
    withdrawn = UserFactory(email="withdrawn@klasteris.lt")
    ParticipationFactory(event=event, status="withdrawn", cluster=ClusterFactory(managers=[withdrawn]))

    sign_in(page, staff.email, PASSWORD)
    page.goto("/admin/events/event/")
    page.locator(f"input[name=_selected_action][value='{event.pk}']").check()
    page.locator("select[name=action]").select_option("cancel")
    page.locator("button[name=index]").click()
    expect(page.locator("#content")).to_contain_text("Baltic Sea Matchmaking")
    page.get_by_label("Reason").fill("The organiser called the fair off.")
    page.get_by_role("button", name="Cancel the events").click()
    expect(page.locator(".messagelist")).to_contain_text("the clusters that applied are told why")

    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    for manager in told.values():
        [email] = emails_to(manager.email)
        assert "The organiser called the fair off." in email.body
    assert emails_to(told["approved"].email)[0].body.startswith("Laba diena,")  # in the manager's language
    assert emails_to(withdrawn.email, wait=0) == []

    page.goto(event.get_absolute_url())
    expect(page.locator("main")).to_contain_text("The organiser called the fair off.")
    assert_accessible(page)


def test_a_manager_and_an_expert_write_on_a_confirmed_session(page, live_server):
    legal = ServiceArea.objects.get(code="legal")
    manager = UserFactory(email="manager@example.com", first_name="Rasa", last_name="Petraitė", language="lt")
    manager.phone = "+370 600 11111"
    manager.save()
    cluster = ClusterFactory(name="SMART Food Cluster", managers=[manager])
    agreement = ActiveAgreementFactory(cluster=cluster)
    HourAllocationFactory(agreement=agreement, service_area=legal, hours_granted=Decimal("20"))
    expert = ExpertFactory(user__first_name="Jonas", user__last_name="Jonaitis", service_areas=[legal])
    expert.user.phone = "+370 600 22222"
    expert.user.save()
    session = ConsultationFactory(
        agreement=agreement,
        expert=expert,
        booked_by=manager,
        topic="Membership agreement review",
        status=Consultation.Status.CONFIRMED,
        starts_at=local_at(2, 10),
        hours=Decimal("1"),
    )

    # The manager (Lithuanian, on a phone) sees the expert's contacts and writes.
    context = second_context(page, live_server)
    side = context.new_page()
    sign_in_lt(side, manager.email)
    side.goto(session.get_absolute_url())
    contacts = side.get_by_role("region", name="Eksperto kontaktai")
    expect(contacts).to_contain_text(expert.user.email)
    expect(contacts).to_contain_text("+370 600 22222")
    assert_accessible(side)
    thread = side.locator("#thread")
    thread.get_by_label("Žinutė").fill("Ar galime pradėti 10:15?")
    thread.get_by_role("button", name="Siųsti").click()
    expect(side.locator(".alert-success")).to_contain_text("Žinutė išsiųsta.")
    expect(side.locator("#thread")).to_contain_text("Ar galime pradėti 10:15?")
    assert_accessible(side)

    # The expert (English) is emailed with a link back, replies to the manager, opens it and answers.
    [to_expert] = emails_to(expert.user.email)
    assert "Ar galime pradėti 10:15?" in to_expert.body and to_expert.reply_to == [manager.email]
    sign_in(page, expert.user.email, PASSWORD)
    page.goto(link_in(to_expert, f"/consultations/{session.pk}/"))
    contacts = page.get_by_role("region", name="The cluster's contacts")
    expect(contacts).to_contain_text(manager.email)
    expect(contacts).to_contain_text("+370 600 11111")
    expect(page.locator("#thread")).to_contain_text("Ar galime pradėti 10:15?")
    page.locator("#thread").get_by_label("Message").fill("Yes, 10:15 is fine.")
    page.locator("#thread").get_by_role("button", name="Send").click()
    expect(page.locator(".alert-success")).to_contain_text("Your message is sent.")
    assert_accessible(page)

    [to_manager] = emails_to(manager.email)
    assert "Yes, 10:15 is fine." in to_manager.body and to_manager.reply_to == [expert.user.email]
    assert to_manager.body.startswith("Laba diena,")  # the manager's language
    link_back = link_in(to_manager, f"/consultations/{session.pk}/")
    assert link_back.endswith("#thread")
    # The manager's tab is on this page already: the same address with its fragment would not load it again.
    side.goto(link_back.removesuffix("#thread"))
    expect(side.locator("#thread li")).to_have_count(2)
    expect(side.locator("#thread li").last).to_contain_text("Yes, 10:15 is fine.")
    context.close()


def sign_in_lt(page, email):
    page.goto("/accounts/login/")
    page.locator("main input[type=email], main input[name=username]").first.fill(email)
    page.locator("main input[type=password]").fill(PASSWORD)
    page.locator("main button[type=submit]").first.click()
    expect(page.locator("html")).to_have_attribute("lang", "lt")
