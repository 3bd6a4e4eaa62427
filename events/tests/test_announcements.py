"""Event announcements (issue 15): moving a published event tells its approved clusters; cancelling tells all
that applied (see test_messages for the cancellation's own tests)."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import StaffFactory, UserFactory
from clusters.tests.factories import ClusterFactory
from events import services
from events.models import Event, Participation
from notifications.models import OutgoingMessage

from .factories import EventFactory, ParticipationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _participation(event, status, language="en"):
    manager = UserFactory(language=language)
    return ParticipationFactory(event=event, cluster=ClusterFactory(managers=[manager]), status=status), manager


def test_moving_a_published_event_tells_only_the_approved(django_capture_on_commit_callbacks):
    event = EventFactory()
    approved, approved_manager = _participation(event, Participation.Status.APPROVED, language="lt")
    _participation(event, Participation.Status.APPLIED)
    _participation(event, Participation.Status.WAITLISTED)
    old_start = event.starts_at
    event.starts_at = old_start + datetime.timedelta(days=2)
    event.ends_at = event.starts_at + datetime.timedelta(hours=8)
    event.city = "Hamburg"
    with django_capture_on_commit_callbacks(execute=True):
        services.event_save(event=event, by=StaffFactory())
    [email] = mail.outbox
    assert email.to == [approved_manager.email]
    assert "Hamburg" in email.body and "Berlin" in email.body  # the new place and, struck out, the old one
    assert "Vokietija" in email.body  # the previous place named in the reader's language
    assert email.body.startswith("Laba diena,")


def test_other_edits_and_drafts_tell_nobody(django_capture_on_commit_callbacks):
    event = EventFactory()
    _participation(event, Participation.Status.APPROVED)
    event.description_en = "New text"
    with django_capture_on_commit_callbacks(execute=True):
        services.event_save(event=event, by=StaffFactory())
    draft = EventFactory(status=Event.Status.DRAFT)
    draft.city = "Hamburg"
    with django_capture_on_commit_callbacks(execute=True):
        services.event_save(event=draft, by=StaffFactory())
    assert mail.outbox == [] and not OutgoingMessage.objects.filter(kind="event_moved").exists()


def test_saving_keeps_the_committed_status():
    event = EventFactory()
    stale = Event.objects.get(pk=event.pk)
    services.event_cancel(event=event, reason="Fair cancelled", by=StaffFactory())
    stale.title_en = "Renamed"
    services.event_save(event=stale, by=StaffFactory())
    event.refresh_from_db()
    assert (event.title_en, event.status) == ("Renamed", Event.Status.CANCELLED)


def test_the_admin_form_goes_through_the_service(client, django_capture_on_commit_callbacks):
    event = EventFactory()
    _participation(event, Participation.Status.APPROVED)
    staff = StaffFactory()
    client.force_login(staff)
    url = reverse("admin:events_event_change", args=[event.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {key: ("" if value is None else value) for key, value in data.items()}
    data["city"] = "Hamburg"
    for name in ("starts_at", "ends_at", "registration_deadline"):
        moment = getattr(event, name).astimezone(datetime.timezone(datetime.timedelta(hours=2)))
        data[f"{name}_0"], data[f"{name}_1"] = moment.strftime("%Y-%m-%d"), moment.strftime("%H:%M:%S")
        data.pop(name, None)
    data |= {
        "participations-TOTAL_FORMS": "0",
        "participations-INITIAL_FORMS": "0",
        "participations-MIN_NUM_FORMS": "0",
        "participations-MAX_NUM_FORMS": "1000",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert OutgoingMessage.objects.filter(kind="event_moved").count() == 1


def test_cancelling_tells_every_cluster_that_applied(django_capture_on_commit_callbacks):
    event = EventFactory()
    managers = [_participation(event, status)[1] for status in ("applied", "approved", "waitlisted")]
    _participation(event, Participation.Status.WITHDRAWN)
    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel(event=event, reason="The fair is cancelled", by=StaffFactory())
    assert sorted(address for email in mail.outbox for address in email.to) == sorted(m.email for m in managers)
    assert all("The fair is cancelled" in email.body for email in mail.outbox)
