"""Funding calls have dates, not times: an opening and a closing day, the call's page, the cluster's intent and a
reminder before the call closes."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from accounts.tests.factories import UserFactory
from clusters.tests.factories import ClusterFactory
from events.models import Event, FundingIntent, call_period
from notifications.models import OutgoingMessage
from notifications.services import messages_send
from notifications.sweeps import get_sweep, sweep_run

from .factories import EventFactory, FundingCallFactory, FundingIntentFactory, PastEventFactory

pytestmark = pytest.mark.django_db

VILNIUS = datetime.timezone(datetime.timedelta(hours=2))  # winter time, as the dates below are


def _call(opens_on, closes_on, **fields):
    return FundingCallFactory(opens_on=opens_on, closes_on=closes_on, **fields)


def test_a_calls_moments_follow_its_days_in_vilnius_time():
    call = _call(datetime.date(2027, 1, 10), datetime.date(2027, 2, 15), starts_at=timezone.now())
    assert call.starts_at == datetime.datetime(2027, 1, 10, 0, 0, tzinfo=VILNIUS)
    assert call.ends_at == datetime.datetime(2027, 2, 16, 0, 0, tzinfo=VILNIUS)
    # Open (for intents) until its closing day is over: no deadline before it opens.
    assert call.registration_deadline == call.ends_at - datetime.timedelta(microseconds=1)
    assert call.is_open_for_applications(datetime.datetime(2027, 2, 15, 23, 59, tzinfo=VILNIUS))
    assert not call.is_open_for_applications(datetime.datetime(2027, 2, 16, 0, 0, tzinfo=VILNIUS))
    # Saving only some fields keeps the moments in step with new days.
    call.closes_on = datetime.date(2027, 3, 1)
    call.save(update_fields=["closes_on"])
    call.refresh_from_db()
    assert call.ends_at == datetime.datetime(2027, 3, 2, 0, 0, tzinfo=VILNIUS)
    assert timezone.localtime(call.registration_deadline).date() == datetime.date(2027, 3, 1)
    assert call_period(datetime.date(2027, 1, 10), datetime.date(2027, 1, 10))[1] - call.starts_at == (
        datetime.timedelta(days=1)
    )


def test_the_database_refuses_a_call_that_closes_before_it_opens_or_has_no_dates():
    call = _call(datetime.date(2027, 1, 10), datetime.date(2027, 1, 10))  # one day is enough
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=call.pk).update(closes_on=datetime.date(2027, 1, 9))
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=call.pk).update(opens_on=None)
    # An event that is not a call needs no dates.
    EventFactory(opens_on=None, closes_on=None)


def test_clean_asks_a_call_for_its_days_in_words_and_fills_its_moments(english):
    call = FundingCallFactory.build(opens_on=None, closes_on=None)
    call.starts_at = call.ends_at = call.registration_deadline = None
    with pytest.raises(ValidationError) as raised:
        call.clean()
    assert raised.value.message_dict == {
        "opens_on": ["Give the day the call opens."],
        "closes_on": ["Give the day the call closes."],
    }
    call.opens_on, call.closes_on = datetime.date(2027, 5, 2), datetime.date(2027, 5, 1)
    with pytest.raises(ValidationError) as raised:
        call.clean()
    assert raised.value.message_dict == {"closes_on": ["The call cannot close before it opens."]}
    call.closes_on = datetime.date(2027, 5, 2)
    call.registration_deadline = None
    call.clean()
    assert (call.starts_at, call.ends_at) == call_period(call.opens_on, call.closes_on)
    assert call.registration_deadline == call.ends_at - datetime.timedelta(microseconds=1)


def test_the_call_page_shows_dates_only_the_call_page_link_and_no_calendar(client):
    manager = UserFactory()
    ClusterFactory(managers=[manager])
    call = _call(
        datetime.date(2027, 1, 10), datetime.date(2027, 2, 15), external_url="https://example.org/call", places=None
    )
    client.force_login(manager)
    response = client.get(call.get_absolute_url())
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    assert "Call opens" in page and "Call closes" in page and "call page" in page
    assert "https://example.org/call" in page
    assert "Registration deadline" not in page and "Add to calendar" not in page
    assert "00:00" not in page and "Ends" not in page
    assert client.get(reverse("events:event-ics", args=[call.pk])).status_code == 404
    listing = client.get(reverse("events:event-list")).content.decode()
    assert "Closes" in listing


def test_only_an_event_still_to_come_offers_add_to_calendar(client):
    manager = UserFactory()
    ClusterFactory(managers=[manager])
    client.force_login(manager)
    coming, past = EventFactory(), PastEventFactory()
    assert "Add to calendar" in client.get(coming.get_absolute_url()).content.decode()
    assert "Add to calendar" not in client.get(past.get_absolute_url()).content.decode()
    assert coming.offers_calendar() and not past.offers_calendar()
    coming.status = Event.Status.CANCELLED
    assert not coming.offers_calendar()


def _intent(call, status, **fields):
    return FundingIntentFactory(event=call, cluster=ClusterFactory(managers=[UserFactory()]), status=status, **fields)


def test_a_reminder_goes_once_to_clusters_still_considering_or_preparing_a_week_before_the_call_closes(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    today = timezone.localdate()
    closing = _call(today - datetime.timedelta(days=20), today + datetime.timedelta(days=7))
    considering = _intent(closing, FundingIntent.Status.CONSIDERING)
    preparing = _intent(closing, FundingIntent.Status.APPLYING)
    _intent(closing, FundingIntent.Status.APPLIED, submitted_on=today)  # done: no reminder
    later = _call(today, today + datetime.timedelta(days=8))
    _intent(later, FundingIntent.Status.CONSIDERING)  # not yet
    for _ in range(2):
        sweep_run(get_sweep("funding_call_closing"))
    records = OutgoingMessage.objects.filter(kind="funding_call_closing")
    assert sorted(r.object_id for r in records) == sorted([considering.pk, preparing.pk])
    messages_send()
    assert len(mail.outbox) == 2
    body, subject = mail.outbox[0].body, mail.outbox[0].subject
    with translation.override("en"):
        day = date_format(closing.closes_on, "DATE_FORMAT")
    assert f"closes on {day}." in body and f"closes on {day}" in subject and "Ends" not in body
    assert reverse("events:funding-intent-edit", args=[closing.pk]) in body


def test_a_reminder_is_skipped_once_the_cluster_applied():
    today = timezone.localdate()
    call = _call(today - datetime.timedelta(days=20), today + datetime.timedelta(days=3))
    intent = _intent(call, FundingIntent.Status.APPLYING)
    sweep_run(get_sweep("funding_call_closing"))
    FundingIntent.objects.filter(pk=intent.pk).update(status=FundingIntent.Status.APPLIED, submitted_on=today)
    messages_send()
    assert OutgoingMessage.objects.get(kind="funding_call_closing").status == OutgoingMessage.Status.SKIPPED


def test_a_call_is_called_a_call_not_an_event_in_lithuanian(client):
    """The page's heading and the emails' row name a funding call "kvietimas", never "renginys"."""
    manager = UserFactory(language="lt")
    ClusterFactory(managers=[manager])
    client.force_login(manager)
    call = FundingCallFactory()
    page = client.get(call.get_absolute_url()).content.decode()
    assert "Apie kvietimą" in page and "Apie renginį" not in page
    event_page = client.get(EventFactory().get_absolute_url()).content.decode()
    assert "Apie renginį" in event_page
    with translation.override("lt"):
        assert render_to_string("events/emails/_event.txt", {"event": call}).startswith("Finansavimo kvietimas:")
        assert render_to_string("events/emails/_event.txt", {"event": EventFactory()}).startswith("Renginys:")
