"""An event's title and description in both languages: each reader gets theirs on pages, in emails, in calendar
feeds and in the API, or the other language's when staff wrote only that one."""

import pytest
from django.core import mail
from django.db import IntegrityError
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import StaffFactory, UserFactory
from api.tests.factories import bearer, token_for
from clusters.tests.factories import ClusterFactory
from consultations.services import calendar_feed_for
from events import services
from events.models import Decision, Event, Participation
from notifications.services import messages_send

from .factories import EventFactory, ParticipationFactory

pytestmark = pytest.mark.django_db

BOTH = {
    "title_lt": "Klasterių diena Kaune",
    "title_en": "Cluster day in Kaunas",
    "description_lt": "Pristatymai ir susitikimai.",
    "description_en": "Presentations and meetings.",
}


def reader(language):
    return UserFactory(language=language)


def test_the_title_and_description_are_the_readers_or_the_other_languages():
    event = EventFactory(**BOTH)
    with translation.override("lt"):
        assert (event.title, event.description, str(event)) == (
            "Klasterių diena Kaune",
            "Pristatymai ir susitikimai.",
            "Klasterių diena Kaune",
        )
    with translation.override("en"):
        assert (event.title, event.description) == ("Cluster day in Kaunas", "Presentations and meetings.")
    english_only = EventFactory(title="Hannover Messe", description="A fair.")
    lithuanian_only = EventFactory(title="", title_lt="Forumas", description_lt="Programa rengiama.")
    with translation.override("lt"):
        assert (english_only.title, english_only.description) == ("Hannover Messe", "A fair.")
    with translation.override("en"):
        assert (lithuanian_only.title, lithuanian_only.description) == ("Forumas", "Programa rengiama.")


def test_the_database_refuses_an_event_without_a_title():
    event = EventFactory()
    with pytest.raises(IntegrityError):
        Event.objects.filter(pk=event.pk).update(title_en="", title_lt="")


def test_the_event_page_and_list_show_the_readers_language(client):
    event = EventFactory(**BOTH)
    for language, title, description, other in [
        ("lt", "Klasterių diena Kaune", "Pristatymai ir susitikimai.", "Cluster day in Kaunas"),
        ("en", "Cluster day in Kaunas", "Presentations and meetings.", "Klasterių diena Kaune"),
    ]:
        manager = reader(language)
        ClusterFactory(managers=[manager])
        client.force_login(manager)
        page = client.get(event.get_absolute_url()).content.decode()
        assert title in page and description in page
        assert other not in page
        assert title in client.get(reverse("events:event-list")).content.decode()


@pytest.fixture
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.mark.usefixtures("_locmem_email")
def test_emails_name_the_event_in_each_recipients_language(django_capture_on_commit_callbacks):
    english, lithuanian = reader("en"), reader("lt")
    participation = ParticipationFactory(
        event=EventFactory(**BOTH), cluster=ClusterFactory(managers=[english, lithuanian])
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.participation_decide(participation=participation, kind=Decision.Kind.APPROVED, user=StaffFactory())
    messages_send()
    emails = {email.to[0]: email for email in mail.outbox}
    assert "Cluster day in Kaunas" in emails[english.email].subject
    assert "Klasterių diena Kaune" not in emails[english.email].body
    assert "Klasterių diena Kaune" in emails[lithuanian.email].subject
    assert "Cluster day in Kaunas" not in emails[lithuanian.email].body


@pytest.mark.parametrize(("language", "summary"), [("en", "Cluster day in Kaunas"), ("lt", "Klasterių diena Kaune")])
def test_the_calendar_feed_is_in_its_owners_language(client, language, summary):
    manager = reader(language)
    cluster = ClusterFactory(managers=[manager])
    ParticipationFactory(event=EventFactory(**BOTH), cluster=cluster, status=Participation.Status.APPROVED)
    feed = calendar_feed_for(manager)
    # A calendar app sends no cookie and any Accept-Language: the owner's language still wins.
    other = "lt" if language == "en" else "en"
    body = client.get(feed.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=other).content.decode()
    assert f"SUMMARY:{summary}" in body


def test_the_api_gives_both_texts_and_the_requests_language(client):
    event = EventFactory(**BOTH)
    url = reverse("api:event-detail", args=[event.pk])
    data = client.get(url, HTTP_ACCEPT_LANGUAGE="en", **bearer(token_for(StaffFactory()))).json()
    assert {name: data[name] for name in BOTH} == BOTH
    assert (data["title"], data["description"]) == ("Cluster day in Kaunas", "Presentations and meetings.")
