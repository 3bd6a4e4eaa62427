import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone

from accounts.tests.factories import StaffFactory, UserFactory
from agreements.tests.factories import AgreementFactory
from clusters.tests.factories import ClusterFactory
from events import services
from events.models import Event, FundingIntent, Outcome, Participation, PartnershipLead
from events.selectors import calendar_items_for_cluster

from .factories import (
    EventFactory,
    FundingCallFactory,
    FundingIntentFactory,
    OutcomeFactory,
    ParticipationFactory,
    PartnershipLeadFactory,
    PastEventFactory,
    in_days,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    user = UserFactory()
    ClusterFactory(managers=[user], name="Our Cluster")
    return user


@pytest.fixture
def cluster(manager):
    return manager.managed_clusters.get()


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def count_queries(client, url):
    client.get(url)  # warm per-process caches so only the page's own queries count
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def apply_data(*delegates, motivation="Meet buyers", total=2, **extra):
    data = {
        "motivation": motivation,
        "delegates-TOTAL_FORMS": str(total),
        "delegates-INITIAL_FORMS": "0",
        "delegates-MIN_NUM_FORMS": "0",
        "delegates-MAX_NUM_FORMS": str(total),
    }
    for i, (name, role) in enumerate(delegates):
        data |= {f"delegates-{i}-full_name": name, f"delegates-{i}-role": role}
    return data | extra


# The catalogue


def make_catalogue_rows(n, cluster):
    for i in range(n):
        event = EventFactory(country=["DE", "FI", "LT"][i % 3])
        ParticipationFactory(event=event, cluster=cluster, status=Participation.Status.APPROVED)
        ParticipationFactory(event=event)
        FundingIntentFactory(cluster=cluster)


@pytest.mark.parametrize("who", ["manager", "staff"])
def test_catalogue_does_the_same_number_of_queries_at_5_and_50_events(client, cluster, manager, who):
    client.force_login(manager if who == "manager" else StaffFactory())
    url = reverse("events:event-list") + "?past=on"
    make_catalogue_rows(5, cluster)
    small = count_queries(client, url)
    make_catalogue_rows(45, cluster)
    large = count_queries(client, url)
    assert small == large, (small, large)
    assert small <= 12


def test_catalogue_pages_twelve_cards_and_offers_each_country_once(manager_client):
    for i in range(13):
        EventFactory(country=["DE", "FI"][i % 2], places=2)
    response = manager_client.get(reverse("events:event-list"))
    assert len(response.context["page"].object_list) == 12
    assert response.context["page"].paginator.count == 13
    assert [code for code, _ in response.context["form"].fields["country"].choices] == ["", "DE", "FI"]
    assert response.content.decode().count("2 of 2 places left") == 12


def test_manager_sees_their_clusters_status_on_each_card(manager_client, cluster):
    approved = EventFactory(title="Approved one")
    ParticipationFactory(event=approved, cluster=cluster, status=Participation.Status.APPROVED)
    waiting = EventFactory(title="Waiting one")
    ParticipationFactory(event=waiting, cluster=cluster, status=Participation.Status.WAITLISTED)
    EventFactory(title="Untouched one")
    page = manager_client.get(reverse("events:event-list")).content.decode()
    assert "Approved</span>" in page and "Waiting list</span>" in page
    assert page.count("Your cluster can apply") == 1


def test_catalogue_filters(manager_client):
    fair = EventFactory(title="Fair in Finland", kind=Event.Kind.EXHIBITION, country="FI")
    closed = EventFactory(
        title="Closed in Germany", country="DE", registration_deadline=in_days(-1), starts_at=in_days(3)
    )
    later = EventFactory(title="Much later", country="LT", starts_at=in_days(200))
    EventFactory(title="Secret draft", status=Event.Status.DRAFT)
    PastEventFactory(title="Long gone")

    def titles(query=""):
        response = manager_client.get(reverse("events:event-list") + query)
        return {event.title for event in response.context["page"].object_list}

    assert titles() == {fair.title, closed.title, later.title}
    assert titles("?kind=exhibition") == {fair.title}
    assert titles("?country=DE") == {closed.title}
    assert titles("?open=on") == {fair.title, later.title}
    assert titles(f"?month={later.starts_at.astimezone(timezone.get_current_timezone()):%Y-%m}") == {later.title}
    assert "Long gone" in titles("?past=on")
    response = manager_client.get(reverse("events:event-list") + "?month=13-2027&kind=bogus")
    assert response.status_code == 200
    assert "YYYY-MM" in response.content.decode()


def test_detail_shows_places_left(manager_client):
    event = EventFactory(places=3)
    ParticipationFactory(event=event, status=Participation.Status.APPROVED)
    page = manager_client.get(event.get_absolute_url()).content.decode()
    assert "2 of 3 places left" in page
    assert "Apply for Our Cluster" in page


def test_event_ics(manager_client):
    event = EventFactory(title="Hannover Messe", city="Hannover")
    response = manager_client.get(reverse("events:event-ics", args=[event.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "SUMMARY:Hannover Messe" in body and f"UID:event-{event.pk}@inolink" in body


# Applying and withdrawing


def test_manager_applies_with_delegates(manager_client, cluster):
    event = EventFactory(delegates_per_cluster=2)
    response = manager_client.post(
        reverse("events:participation-apply", args=[event.pk]),
        apply_data(("Ona", "CEO"), ("Jonas", "CTO"), support_needed="on", support_details="Travel"),
    )
    participation = Participation.objects.get()
    assert response.status_code == 302 and response.url == participation.get_absolute_url()
    assert participation.cluster == cluster and participation.support_details == "Travel"
    assert participation.delegates.count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (apply_data(), "Give the delegate"),
        (apply_data(("Ona", "CEO"), ("Jonas", "CTO"), ("Petras", "CFO"), total=3), "at most 2"),
        (apply_data(("Ona", "")), "Give the delegate"),
        (apply_data(("Ona", "CEO"), motivation=""), "This field is required"),
        (apply_data(("Ona", "CEO"), support_needed="on"), "Say what support"),
        (apply_data(("Ona", "CEO"), support_details="Travel costs"), "or clear this text"),
    ],
)
def test_bad_applications_get_a_clear_message_and_change_nothing(manager_client, data, message):
    event = EventFactory(delegates_per_cluster=2)
    response = manager_client.post(reverse("events:participation-apply", args=[event.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Participation.objects.exists()


def test_support_typed_without_ticking_the_box_is_kept_and_shown_at_the_field(manager_client):
    event = EventFactory()
    response = manager_client.post(
        reverse("events:participation-apply", args=[event.pk]),
        apply_data(("Ona", "CEO"), support_details="A shared stand"),
    )
    form = response.context["form"]
    assert "clear this text" in " ".join(form.errors["support_details"])
    assert form["support_details"].value() == "A shared stand"  # shown again, not thrown away
    assert not Participation.objects.exists()


def test_the_first_delegate_is_required_and_a_further_one_is_named_with_a_role_or_left_out(manager_client, cluster):
    event = EventFactory(delegates_per_cluster=3)
    url = reverse("events:participation-apply", args=[event.pk])
    page = manager_client.get(url)
    first, second, _third = page.context["delegates"].forms
    assert first.fields["full_name"].required and first.fields["role"].required  # marked with an asterisk
    assert "Delegate 1" in page.content.decode() and "Delegate 2 (optional)" in page.content.decode()

    response = manager_client.post(url, apply_data(("", ""), ("Jonas", ""), total=3))
    first, second, third = response.context["delegates"].forms
    assert set(first.errors) == {"full_name", "role"}
    assert second.errors == {"role": ["Give the delegate's role."]}
    assert third.errors == {}
    assert not Participation.objects.exists()

    response = manager_client.post(url, apply_data(("Ona", "CEO"), total=3))
    assert response.status_code == 302
    assert [d.full_name for d in Participation.objects.get().delegates.all()] == ["Ona"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"registration_deadline": in_days(-1), "starts_at": in_days(2)}, "deadline for this event has passed"),
        ({"status": Event.Status.CANCELLED}, "cancelled"),
    ],
)
def test_applying_to_a_closed_event_redirects_with_a_message(manager_client, fields, message):
    event = EventFactory(**fields)
    response = manager_client.post(
        reverse("events:participation-apply", args=[event.pk]), apply_data(("Ona", "CEO")), follow=True
    )
    assert message in response.content.decode()
    assert not Participation.objects.exists()


def test_applying_to_a_draft_is_404(manager_client):
    event = EventFactory(status=Event.Status.DRAFT)
    response = manager_client.post(reverse("events:participation-apply", args=[event.pk]), apply_data(("A", "B")))
    assert response.status_code == 404


def test_applying_twice_sends_the_manager_to_their_application(manager_client, cluster):
    event = EventFactory()
    existing = ParticipationFactory(event=event, cluster=cluster)
    response = manager_client.post(
        reverse("events:participation-apply", args=[event.pk]), apply_data(("Ona", "CEO")), follow=True
    )
    assert response.redirect_chain[-1][0] == existing.get_absolute_url()
    assert "already applied" in response.content.decode()
    assert Participation.objects.count() == 1


def test_withdrawing_asks_first_and_only_the_post_withdraws(manager_client, cluster):
    event = EventFactory(places=1)
    mine = ParticipationFactory(event=event, cluster=cluster, status=Participation.Status.APPROVED)
    waiting = ParticipationFactory(event=event, status=Participation.Status.WAITLISTED)
    url = reverse("events:participation-withdraw", args=[mine.pk])
    detail = manager_client.get(mine.get_absolute_url()).content.decode()
    assert url in detail and "Once withdrawn, your cluster cannot apply to this event again." in detail

    confirm = manager_client.get(url)
    page = confirm.content.decode()
    assert confirm.status_code == 200
    assert "Once withdrawn, your cluster cannot apply to this event again." in page
    assert "the first cluster on the waiting list gets it" in page
    assert "Keep the application" in page and mine.get_absolute_url() in page
    mine.refresh_from_db()
    assert mine.status == Participation.Status.APPROVED  # looking at the question changes nothing

    response = manager_client.post(url, follow=True)
    assert "has been withdrawn" in response.content.decode()
    mine.refresh_from_db(), waiting.refresh_from_db()
    assert mine.status == Participation.Status.WITHDRAWN
    assert waiting.status == Participation.Status.APPROVED


def test_withdrawing_after_the_start_is_refused(manager_client, cluster):
    event = EventFactory(starts_at=in_days(-0.1), registration_deadline=in_days(-3))
    mine = ParticipationFactory(event=event, cluster=cluster, status=Participation.Status.APPROVED)
    url = reverse("events:participation-withdraw", args=[mine.pk])
    for method in (manager_client.get, manager_client.post):
        response = method(url, follow=True)
        assert response.redirect_chain[-1][0] == mine.get_absolute_url()
        assert "can no longer be withdrawn" in response.content.decode()
    mine.refresh_from_db()
    assert mine.status == Participation.Status.APPROVED


def test_after_withdrawing_the_manager_is_told_when_and_that_the_cluster_cannot_apply_again(manager_client, cluster):
    event = EventFactory()
    mine = ParticipationFactory(event=event, cluster=cluster)
    manager_client.post(reverse("events:participation-withdraw", args=[mine.pk]))
    mine.refresh_from_db()
    day = formats.date_format(timezone.localtime(mine.withdrawn_at))
    expected = f"Your cluster withdrew its application on {day} and cannot apply to this event again."

    response = manager_client.get(reverse("events:participation-apply", args=[event.pk]), follow=True)
    assert response.redirect_chain[-1][0] == mine.get_absolute_url()
    page = response.content.decode()
    assert expected in page and "already applied" not in page and "Nothing to do" not in page
    assert expected in manager_client.get(event.get_absolute_url()).content.decode()
    response = manager_client.get(reverse("events:participation-withdraw", args=[mine.pk]), follow=True)
    assert "already been withdrawn" in response.content.decode()


# The staff's view of an application


def test_staff_see_the_decision_and_may_change_it_only_where_the_rules_allow(client):
    staff = StaffFactory(first_name="Rasa", last_name="Officer")
    client.force_login(staff)
    decide_label, change_label = "Decide in the administration", "Change the decision in the administration"

    waiting = ParticipationFactory()
    page = client.get(waiting.get_absolute_url()).content.decode()
    assert "awaits a decision" in page and decide_label in page
    assert reverse("admin:events_participation_decide", args=[waiting.pk]) in page

    rejected = ParticipationFactory()
    services.participation_decide(participation=rejected, kind="rejected", user=staff, note="Outside the scope")
    page = client.get(rejected.get_absolute_url()).content.decode()
    assert "Rasa Officer" in page and "Outside the scope" in page
    assert decide_label not in page and change_label in page

    cancelled = ParticipationFactory(event=EventFactory(status=Event.Status.CANCELLED))
    services.participation_decide(participation=cancelled, kind="rejected", user=staff, note="Event cancelled")
    withdrawn = ParticipationFactory(status=Participation.Status.WITHDRAWN)
    for participation in (cancelled, withdrawn):
        page = client.get(participation.get_absolute_url()).content.decode()
        assert decide_label not in page and change_label not in page
        assert reverse("admin:events_participation_decide", args=[participation.pk]) not in page


# Outcomes


def outcome_data(*leads, attended="yes", contacts="4"):
    data = {
        "attended": attended,
        "contacts_made": contacts,
        "notes": "Useful",
        "leads-TOTAL_FORMS": "3",
        "leads-INITIAL_FORMS": "0",
    }
    for i, lead in enumerate(leads):
        data |= {f"leads-{i}-{key}": value for key, value in lead.items()}
    return data


def test_manager_reports_an_outcome_with_leads(manager_client, cluster):
    mine = ParticipationFactory(event=PastEventFactory(), cluster=cluster, status=Participation.Status.APPROVED)
    lead = {"organisation": "Partner Oy", "country": "FI", "topic": "Photonics", "next_step": "Visit"}
    response = manager_client.post(reverse("events:outcome-report", args=[mine.pk]), outcome_data(lead))
    assert response.status_code == 302
    outcome = Outcome.objects.get()
    assert outcome.attended and outcome.contacts_made == 4
    assert outcome.leads.get().organisation == "Partner Oy"


def test_the_outcome_form_names_indicator_areas_and_shows_them_again(manager_client, cluster):
    from clusters.models import IndicatorArea

    mine = ParticipationFactory(event=PastEventFactory(), cluster=cluster, status=Participation.Status.APPROVED)
    url = reverse("events:outcome-report", args=[mine.pk])
    interaction = IndicatorArea.objects.get(code="interaction")
    assert manager_client.post(url, outcome_data() | {"indicator_areas": [interaction.pk]}).status_code == 302
    assert list(Outcome.objects.get().indicator_areas.all()) == [interaction]
    assert manager_client.get(url).context["form"].initial["indicator_areas"] == [interaction]
    call = FundingCallFactory()
    data = {"status": "considering", "indicator_areas": [interaction.pk]}
    assert manager_client.post(reverse("events:funding-intent-edit", args=[call.pk]), data).status_code == 302
    assert list(call.funding_intents.get().indicator_areas.all()) == [interaction]


def test_an_incomplete_lead_gets_a_field_message(manager_client, cluster):
    mine = ParticipationFactory(event=PastEventFactory(), cluster=cluster, status=Participation.Status.APPROVED)
    response = manager_client.post(
        reverse("events:outcome-report", args=[mine.pk]), outcome_data({"organisation": "Partner Oy"})
    )
    assert response.status_code == 200
    assert "Give the topic." in response.content.decode()
    assert not Outcome.objects.exists()


@pytest.mark.parametrize(
    ("past", "status", "message"),
    [
        (False, Participation.Status.APPROVED, "once the event has ended"),
        (True, Participation.Status.REJECTED, "Only an approved application"),
        (True, Participation.Status.WITHDRAWN, "Only an approved application"),
    ],
)
def test_outcomes_refused_before_the_end_or_without_approval(manager_client, cluster, past, status, message):
    event = PastEventFactory() if past else EventFactory()
    mine = ParticipationFactory(event=event, cluster=cluster, status=status)
    response = manager_client.post(reverse("events:outcome-report", args=[mine.pk]), outcome_data(), follow=True)
    assert message in response.content.decode()
    assert not Outcome.objects.exists()


# Funding intents and the staff table


def test_manager_marks_an_intent_and_missing_dates_get_field_messages(manager_client, cluster):
    call = FundingCallFactory()
    url = reverse("events:funding-intent-edit", args=[call.pk])
    response = manager_client.post(url, {"status": "granted"})
    assert response.status_code == 200
    assert "Give the date the application was submitted." in response.content.decode()
    assert not FundingIntent.objects.exists()
    response = manager_client.post(url, {"status": "applied", "submitted_on": "2027-01-10"})
    assert response.status_code == 302
    assert FundingIntent.objects.get().cluster == cluster


def test_a_regular_event_takes_no_intent(manager_client):
    assert manager_client.get(reverse("events:funding-intent-edit", args=[EventFactory().pk])).status_code == 404


def make_calls(n, clusters):
    for _ in range(n):
        call = FundingCallFactory()
        for cluster in clusters:
            FundingIntentFactory(event=call, cluster=cluster, status=FundingIntent.Status.APPLYING)


def test_funding_table_does_the_same_number_of_queries_at_5_and_50_calls(client):
    client.force_login(StaffFactory())
    clusters = [ClusterFactory() for _ in range(4)]
    ClusterFactory()  # no intent and no agreement: not a row
    url = reverse("events:funding-table")
    make_calls(5, clusters)
    small = count_queries(client, url)
    make_calls(45, clusters)
    large = count_queries(client, url)
    assert small == large, (small, large)
    response = client.get(url)
    assert len(response.context["calls"]) == 50
    assert [row.cluster for row in response.context["rows"]] == sorted(clusters, key=lambda c: c.name)
    assert all(len(row.cells) == 50 and len(row.marked) == 50 for row in response.context["rows"])


def test_funding_table_lists_clusters_with_a_live_agreement_even_without_an_intent(client):
    client.force_login(StaffFactory())
    call = FundingCallFactory()
    marked = FundingIntentFactory(event=call, status=FundingIntent.Status.APPLYING).cluster
    live = AgreementFactory().cluster
    terminated = AgreementFactory(terminated_on=datetime.date.today(), termination_reason="Left").cluster
    rows = client.get(reverse("events:funding-table")).context["rows"]
    by_cluster = {row.cluster: row for row in rows}
    assert set(by_cluster) == {marked, live} and terminated not in by_cluster
    assert by_cluster[live].cells == [(call, None)] and by_cluster[live].marked == []


# Staff outcome page, the cluster page and the calendar


def test_staff_see_outcomes_per_event(client):
    client.force_login(StaffFactory())
    lead = PartnershipLeadFactory(organisation="Fraunhofer test partner")
    event = lead.outcome.participation.event
    response = client.get(reverse("events:event-outcomes", args=[event.pk]))
    assert "Fraunhofer test partner" in response.content.decode()
    assert "await a decision" not in response.content.decode()


def test_the_outcomes_page_counts_the_applications_awaiting_a_decision_and_links_to_them(client):
    client.force_login(StaffFactory())
    event = EventFactory()
    ParticipationFactory(event=event), ParticipationFactory(event=event)
    ParticipationFactory(event=event, status=Participation.Status.WAITLISTED)
    ParticipationFactory(event=event, status=Participation.Status.WITHDRAWN)
    page = client.get(reverse("events:event-outcomes", args=[event.pk])).content.decode()
    assert "2 applications await a decision." in page
    assert f"{reverse('admin:events_participation_changelist')}?event__id__exact={event.pk}" in page
    assert "No cluster has been approved yet." in page and "No cluster was approved" not in page


def make_history(n, cluster):
    for _ in range(n):
        outcome = OutcomeFactory(participation__cluster=cluster)
        PartnershipLeadFactory(outcome=outcome)
        ParticipationFactory(cluster=cluster, delegates=["A", "B"])


def test_cluster_page_shows_history_and_leads_in_a_fixed_number_of_queries(manager_client, cluster):
    make_history(5, cluster)
    small = count_queries(manager_client, cluster.get_absolute_url())
    make_history(45, cluster)
    large = count_queries(manager_client, cluster.get_absolute_url())
    assert small == large
    page = manager_client.get(cluster.get_absolute_url()).content.decode()
    assert PartnershipLead.objects.first().organisation in page
    assert reverse("events:event-ics", args=[Outcome.objects.first().participation.event_id]) in page


def test_calendar_items_list_only_the_clusters_approved_events(cluster):
    approved = ParticipationFactory(cluster=cluster, status=Participation.Status.APPROVED)
    ParticipationFactory(cluster=cluster, status=Participation.Status.WAITLISTED)
    ParticipationFactory(status=Participation.Status.APPROVED)
    cancelled = EventFactory(status=Event.Status.CANCELLED)
    ParticipationFactory(event=cancelled, cluster=cluster, status=Participation.Status.APPROVED)
    items = calendar_items_for_cluster(cluster)
    assert [item.uid for item in items] == [f"event-{approved.event_id}", f"event-{cancelled.pk}"] or sorted(
        item.uid for item in items
    ) == sorted([f"event-{approved.event_id}", f"event-{cancelled.pk}"])
    assert {item.uid: item.cancelled for item in items}[f"event-{cancelled.pk}"] is True
    assert all(isinstance(item.start, datetime.datetime) for item in items)


def test_managers_calendar_feed_lists_their_approved_events(client):
    from consultations.models import CalendarFeed
    from events.tests.factories import ParticipationFactory

    manager = UserFactory()
    cluster = ClusterFactory(managers=[manager])
    approved = ParticipationFactory(cluster=cluster, status=Participation.Status.APPROVED)
    ParticipationFactory(cluster=cluster, status=Participation.Status.APPLIED)
    ParticipationFactory(status=Participation.Status.APPROVED)  # another cluster's
    feed = CalendarFeed.objects.create(user=manager)
    body = client.get(reverse("consultations:calendar-feed", args=[feed.token])).content.decode()
    assert body.count("BEGIN:VEVENT") == 1
    assert f"event-{approved.event.pk}@inolink" in body
