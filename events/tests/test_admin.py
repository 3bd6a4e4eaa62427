import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import StaffFactory, UserFactory
from events import services
from events.models import Decision, Event, Participation

from .factories import (
    EventFactory,
    FundingIntentFactory,
    OutcomeFactory,
    ParticipationFactory,
    PartnershipLeadFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return StaffFactory()


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def local(dt: datetime.datetime):
    value = timezone.localtime(dt)
    return {"0": value.strftime("%Y-%m-%d"), "1": value.strftime("%H:%M:%S")}


def event_form(**overrides):
    start = timezone.now() + datetime.timedelta(days=30)
    times = {
        "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=6),
        "registration_deadline": start - datetime.timedelta(days=7),
    }
    times |= {k: overrides.pop(k) for k in list(overrides) if k in times}
    data = {
        "title_lt": "Hannover Messe: Lietuvos paviljonas",
        "title_en": "Hannover Messe",
        "kind": "exhibition",
        "status": "published",
        "organiser": "Deutsche Messe",
        "description_lt": "Lietuvos klasterių stendas.",
        "description_en": "",
        "external_url": "",
        "country": "DE",
        "city": "Hannover",
        "venue": "",
        "places": "3",
        "delegates_per_cluster": "2",
        "participations-TOTAL_FORMS": "0",
        "participations-INITIAL_FORMS": "0",
    }
    for name, value in times.items():
        data |= {f"{name}_{part}": text for part, text in local(value).items()}
    return data | overrides


def test_staff_create_and_publish_an_event(staff_client, staff):
    response = staff_client.post(reverse("admin:events_event_add"), event_form())
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = Event.objects.get()
    assert event.status == Event.Status.DRAFT  # the status is not a form field: a new event is a draft
    assert (event.title_lt, event.title_en, event.description_lt, event.description_en) == (
        "Hannover Messe: Lietuvos paviljonas",
        "Hannover Messe",
        "Lietuvos klasterių stendas.",
        "",
    )
    changelist = reverse("admin:events_event_changelist")
    staff_client.post(changelist, {"action": "publish", ACTION_CHECKBOX_NAME: [event.pk]})
    event.refresh_from_db()
    assert (event.status, event.status_changed_by) == (Event.Status.PUBLISHED, staff)
    assert event.published_at is not None
    # Publishing twice is refused with the rule's words, and changes nothing.
    response = staff_client.post(changelist, {"action": "publish", ACTION_CHECKBOX_NAME: [event.pk]}, follow=True)
    assert "is already published." in response.content.decode()
    change = staff_client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    assert 'name="status"' not in change


def test_an_event_needs_a_title_in_one_language_at_least(staff_client):
    response = staff_client.post(reverse("admin:events_event_add"), event_form(title_lt="", title_en=""))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["title_lt"] == [
        "Write the title in Lithuanian, in English, or in both."
    ]
    assert not Event.objects.exists()
    response = staff_client.post(reverse("admin:events_event_add"), event_form(title_lt=""))
    assert response.status_code == 302
    assert Event.objects.get().title_en == "Hannover Messe"


def test_cancelling_events_needs_a_reason_and_tells_every_cluster_that_applied(staff_client, staff):
    from django.core import mail

    from notifications.models import OutgoingMessage
    from notifications.services import messages_send

    event = EventFactory()
    live = [
        ParticipationFactory(event=event, status=status)
        for status in (Participation.Status.APPLIED, Participation.Status.APPROVED, Participation.Status.WAITLISTED)
    ]
    for status in (Participation.Status.WITHDRAWN, Participation.Status.REJECTED):
        ParticipationFactory(event=event, status=status)
    managers = []
    for participation in Participation.objects.filter(event=event).select_related("cluster"):
        manager = UserFactory()
        participation.cluster.managers.add(manager)
        if participation in live:
            managers.append(manager)
    changelist = reverse("admin:events_event_changelist")
    action = {"action": "cancel", ACTION_CHECKBOX_NAME: [event.pk]}
    page = staff_client.post(changelist, action)
    assert page.status_code == 200 and "reason" in page.context["form"].fields
    page = staff_client.post(changelist, {**action, "apply": "1", "reason": "  "})
    assert page.context["form"].errors["reason"]
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    staff_client.post(changelist, {**action, "apply": "1", "reason": "The venue burnt down"})
    event.refresh_from_db()
    assert (event.status, event.cancel_reason, event.status_changed_by) == (
        Event.Status.CANCELLED,
        "The venue burnt down",
        staff,
    )
    told = OutgoingMessage.objects.filter(kind="event_cancelled")
    assert {m.recipient_id for m in told} == {m.pk for m in managers}
    messages_send()
    assert sorted(address for email in mail.outbox for address in email.to) == sorted(m.email for m in managers)
    assert all("The venue burnt down" in email.body for email in mail.outbox)
    # A second cancellation is refused and tells nobody again.
    response = staff_client.post(changelist, {**action, "apply": "1", "reason": "Again"}, follow=True)
    assert "is already cancelled." in response.content.decode()
    assert told.count() == len(managers)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends_at": timezone.now() + datetime.timedelta(days=29)}, "ends_at", "must end after it starts"),
        (
            {"registration_deadline": timezone.now() + datetime.timedelta(days=31)},
            "registration_deadline",
            "cannot be after the event starts",
        ),
        ({"places": "0"}, "places", "greater than or equal to 1"),
    ],
)
def test_impossible_events_get_a_message_at_the_field(staff_client, overrides, field, message):
    response = staff_client.post(reverse("admin:events_event_add"), event_form(**overrides))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors[field])
    assert not Event.objects.exists()


def decide_url(participation):
    return reverse("admin:events_participation_decide", args=[participation.pk])


def decide(client, participation, kind, note=""):
    return client.post(
        reverse("admin:events_participation_decide", args=[participation.pk]), {"kind": kind, "note": note}
    )


def test_single_decision_from_the_decide_page(staff_client, staff):
    participation = ParticipationFactory()
    assert staff_client.get(reverse("admin:events_participation_decide", args=[participation.pk])).status_code == 200
    response = decide(staff_client, participation, "approved")
    assert response.status_code == 302
    participation.refresh_from_db()
    assert participation.status == Participation.Status.APPROVED
    assert participation.decisions.get().decided_by == staff


def test_the_decide_page_shows_rule_errors_at_the_field(staff_client):
    participation = ParticipationFactory()
    response = decide(staff_client, participation, "rejected")
    assert "reason for the rejection" in " ".join(response.context["form"].errors["note"])
    withdrawn = ParticipationFactory(status=Participation.Status.WITHDRAWN)
    response = decide(staff_client, withdrawn, "approved")
    assert response.status_code == 200
    assert "has withdrawn" in response.content.decode()
    full = EventFactory(places=1)
    ParticipationFactory(event=full, status=Participation.Status.APPROVED)
    response = decide(staff_client, ParticipationFactory(event=full), "approved")
    assert "No places left" in response.content.decode()
    assert Decision.objects.count() == 0


def test_the_decide_page_offers_only_the_decisions_the_rules_allow(staff_client, staff):
    approved = ParticipationFactory()
    services.participation_decide(participation=approved, kind="approved", user=staff, note="Welcome")
    response = staff_client.get(decide_url(approved))
    assert [value for value, _label in response.context["form"].fields["kind"].choices] == ["waitlisted", "rejected"]
    page = response.content.decode()
    assert "Latest decision" in page and "Welcome" in page
    assert 'class="form-row' in page and "admin/css/forms.css" in page  # laid out as the admin's forms

    response = decide(staff_client, approved, "approved")  # e.g. from a page opened before the approval
    assert "no longer possible" in " ".join(response.context["form"].errors["kind"])
    assert approved.decisions.count() == 1

    withdrawn = ParticipationFactory(status=Participation.Status.WITHDRAWN)
    response = staff_client.get(decide_url(withdrawn))
    assert response.context["form"] is None and "has withdrawn" in response.content.decode()
    changelist = staff_client.get(reverse("admin:events_participation_changelist")).content.decode()
    assert decide_url(approved) in changelist and decide_url(withdrawn) not in changelist


def run_action(client, action, participations, note=""):
    return client.post(
        reverse("admin:events_participation_changelist"),
        {"action": action, ACTION_CHECKBOX_NAME: [p.pk for p in participations], "note": note, "index": 0},
        follow=True,
    )


def test_bulk_approval_stops_at_the_places_and_says_why(staff_client):
    event = EventFactory(places=2)
    applications = [ParticipationFactory(event=event) for _ in range(3)]
    response = run_action(staff_client, "approve", applications)
    page = response.content.decode()
    assert "2 applications decided" in page and "No places left" in page
    assert Participation.objects.filter(status=Participation.Status.APPROVED).count() == 2


def test_bulk_rejection_needs_a_note(staff_client):
    applications = [ParticipationFactory() for _ in range(2)]
    run_action(staff_client, "reject", applications)
    assert not Decision.objects.exists()
    run_action(staff_client, "reject", applications, note="Outside the programme's scope")
    assert Participation.objects.filter(status=Participation.Status.REJECTED).count() == 2
    assert set(Decision.objects.values_list("note", flat=True)) == {"Outside the programme's scope"}


def make_rows(n):
    for _ in range(n):
        lead = PartnershipLeadFactory()
        ParticipationFactory(event=lead.outcome.participation.event, delegates=["A", "B"])
        FundingIntentFactory()
        OutcomeFactory()


def admin_urls():
    from events.models import FundingIntent, Outcome, PartnershipLead

    urls = []
    for model in (Event, Participation, Decision, Outcome, PartnershipLead, FundingIntent):
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        obj = model.objects.order_by("pk").first()
        if obj is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
    urls.append(reverse("admin:events_participation_decide", args=[Participation.objects.order_by("pk").first().pk]))
    return urls


def count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_admin_pages_stay_within_a_fixed_budget(staff_client):
    make_rows(2)
    small = {url: count(staff_client, url) for url in admin_urls()}
    make_rows(8)
    for url, queries in small.items():
        assert queries <= 25, (url, queries)
        assert count(staff_client, url) == queries, url


def test_applications_filter_by_event_and_count_live_ones(staff_client):
    hannover, forum = EventFactory(title="Hannover Messe"), EventFactory(title="Baltic Forum")
    application = ParticipationFactory(event=hannover, delegates=["Ona", "Petras"])
    ParticipationFactory(event=hannover, status=Participation.Status.WITHDRAWN)
    ParticipationFactory(event=forum)

    url = reverse("admin:events_participation_changelist")
    page = staff_client.get(url, {"event__id__exact": hannover.pk})
    assert [p.pk for p in page.context["cl"].result_list if p.event_id != hannover.pk] == []
    assert len(page.context["cl"].result_list) == 2
    assert {p.pk: p.delegates_total for p in page.context["cl"].result_list}[application.pk] == 2
    assert f'<option value="{hannover.pk}" selected>Hannover Messe (' in page.content.decode()
    # A tampered value leaves the list unfiltered rather than failing.
    assert len(staff_client.get(url, {"event__id__exact": "x"}).context["cl"].result_list) == 3

    events = staff_client.get(reverse("admin:events_event_changelist")).context["cl"].result_list
    assert {e.pk: e.application_count for e in events} == {hannover.pk: 1, forum.pk: 1}
