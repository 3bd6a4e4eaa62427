"""Every text a cluster manager or expert types into a consultation has a limit: the form says it, the database
holds it, and the pages and the calendar feed show the text whole."""

import datetime

import icalendar
import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from clusters.models import IndicatorArea
from consultations.models import AvailabilityException, Consultation, Expert, Rating, SessionOutcome
from inolink.text_limits import max_length_of

from .factories import ConsultationFactory, ExpertFactory, RatingFactory, SessionOutcomeFactory

pytestmark = pytest.mark.django_db


def too_long(limit: int) -> str:
    return "ą" * (limit + 1)  # a letter that takes two bytes: the limits count characters


def message(limit: int) -> str:
    return f"Shorten this to at most {limit:,} characters; you wrote {limit + 1:,}."


def slot_value(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def booking_data(world, **overrides):
    return {
        "expert": world.expert.pk,
        "starts_at": slot_value(timezone.localtime().replace(hour=10, minute=0) + datetime.timedelta(days=3)),
        "hours": "1",
        "format": "onsite",
        "city": "Kaunas",
        "address": "Laisvės al. 1",
        "meeting_url": "",
        "topic": "Sutarčių peržiūra",
        "agenda": "Narystės sutartis",
        **overrides,
    }


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("topic", {}),
        ("agenda", {}),
        ("address", {}),
        ("meeting_url", {"format": "online", "city": "", "address": ""}),
    ],
)
def test_booking_over_a_limit_gets_the_message_and_books_nothing(client, world, field, overrides):
    limit = max_length_of(Consultation, field)
    value = too_long(limit)
    if field == "meeting_url":
        value = "https://teams.example.com/l/meetup-join/" + "a" * (
            limit + 1 - len("https://teams.example.com/l/meetup-join/")
        )
    client.force_login(world.manager)
    response = client.post(
        f"{reverse('consultations:book-new')}?area={world.area.code}",
        booking_data(world, **overrides, **{field: value}),
    )
    assert response.status_code == 200
    assert message(limit) in response.content.decode()
    assert not Consultation.objects.exists()


def test_a_long_meeting_link_from_a_real_invitation_fits(client, world):
    """Teams links run to some 300 characters: Django's default of 200 would refuse them (or fail on PostgreSQL)."""
    link = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_" + "N" * 200 + "%40thread.v2/0?context=%7b%7d"
    client.force_login(world.manager)
    data = booking_data(world, format="online", city="", address="", meeting_url=link)
    response = client.post(f"{reverse('consultations:book-new')}?area={world.area.code}", data)
    assert response.status_code == 302, response.context["form"].errors
    assert Consultation.objects.get().meeting_url == link


def test_agenda_line_breaks_count_as_the_browser_counts_them_and_are_kept_as_one_character(client, world):
    """A browser stops a text area at its maxlength counting each line break once, then sends it as CR LF."""
    limit = max_length_of(Consultation, "agenda")
    agenda = "ab\r\n" * (limit // 3) + "x" * (limit % 3)  # the limit as the browser counts, a third more as sent
    client.force_login(world.manager)
    response = client.post(
        f"{reverse('consultations:book-new')}?area={world.area.code}", booking_data(world, agenda=agenda)
    )
    assert response.status_code == 302, response.context["form"].errors
    stored = Consultation.objects.get().agenda
    assert "\r" not in stored
    assert len(stored) == limit


def test_the_booking_page_counts_the_agenda_against_its_limit(client, world):
    client.force_login(world.manager)
    start = slot_value(timezone.localtime().replace(hour=10, minute=0) + datetime.timedelta(days=3))
    url = f"{reverse('consultations:book-new')}?area={world.area.code}&expert={world.expert.pk}&start={start}&length=1"
    html = client.get(url).content.decode()
    assert f'maxlength="{max_length_of(Consultation, "agenda")}"' in html
    assert "js/text-counter" in html and "data-room=" in html


@pytest.mark.parametrize("action", ["consultation-cancel", "consultation-decline"])
def test_a_reason_over_its_limit_gets_the_message(client, world, action):
    consultation = ConsultationFactory(agreement=world.agreement, expert=world.expert)
    client.force_login(world.manager if action == "consultation-cancel" else world.expert.user)
    limit = max_length_of(Consultation, "status_reason")
    response = client.post(reverse(f"consultations:{action}", args=[consultation.pk]), {"reason": too_long(limit)})
    assert message(limit) in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.REQUESTED


@pytest.mark.parametrize("field", ["summary", "recommendations", "follow_up_actions"])
def test_an_outcome_over_a_limit_gets_the_message(client, world, field):
    consultation = ConsultationFactory(
        agreement=world.agreement,
        expert=world.expert,
        status="confirmed",
        starts_at=timezone.now() - datetime.timedelta(hours=2),
    )
    limit = max_length_of(SessionOutcome, field)
    data = {
        "result": "held",
        "summary": "Aptarėme",
        "hours_delivered": "1",
        "indicator_areas": [IndicatorArea.objects.first().pk],
        field: too_long(limit),
    }
    client.force_login(world.expert.user)
    response = client.post(reverse("consultations:consultation-outcome", args=[consultation.pk]), data)
    assert message(limit) in response.content.decode()
    assert not SessionOutcome.objects.exists()


def test_a_rating_comment_over_its_limit_gets_the_message(client, world):
    outcome = SessionOutcomeFactory(consultation__agreement=world.agreement, consultation__expert=world.expert)
    limit = max_length_of(Rating, "comment")
    client.force_login(world.manager)
    response = client.post(
        reverse("consultations:consultation-rate", args=[outcome.consultation.pk]),
        {"score": "4", "comment": too_long(limit)},
    )
    assert message(limit) in response.content.decode()
    assert not Rating.objects.exists()


def test_an_availability_note_over_its_limit_gets_the_message(client, world):
    limit = max_length_of(AvailabilityException, "note")
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    data = {"weekly-TOTAL_FORMS": "0", "weekly-INITIAL_FORMS": "0", "exceptions-TOTAL_FORMS": "1"}
    data |= {"exceptions-INITIAL_FORMS": "0", "exceptions-0-start_date": tomorrow, "exceptions-0-kind": "off"}
    data["exceptions-0-note"] = too_long(limit)
    client.force_login(world.expert.user)
    assert f'maxlength="{limit}"' in client.get(reverse("consultations:availability")).content.decode()
    response = client.post(reverse("consultations:availability"), data)
    assert message(limit) in response.content.decode()
    assert not AvailabilityException.objects.exists()


# The database refuses what comes past the forms (a script, the shell, a future import), on SQLite and PostgreSQL.


@pytest.mark.parametrize(
    ("make", "model", "field"),
    [
        (ConsultationFactory, Consultation, "agenda"),
        (ConsultationFactory, Consultation, "status_reason"),
        (SessionOutcomeFactory, SessionOutcome, "summary"),
        (SessionOutcomeFactory, SessionOutcome, "recommendations"),
        (SessionOutcomeFactory, SessionOutcome, "follow_up_actions"),
        (RatingFactory, Rating, "comment"),
        (ExpertFactory, Expert, "bio"),
    ],
)
def test_the_database_refuses_text_over_its_limit(make, model, field):
    row = make()
    limit = max_length_of(model, field)
    model.objects.filter(pk=row.pk).update(**{field: "ą" * limit})  # the limit itself fits
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=row.pk).update(**{field: too_long(limit)})


# What the pages and the feed show is bounded by the limits, and shown whole.


def test_the_feed_carries_a_full_agenda_whole_and_stays_small(client, world):
    agenda_limit = max_length_of(Consultation, "agenda")
    line = "Aptarti narystės sutartį, įstatus ir sprendimų priėmimo tvarką – ąčęėįšųūž „kabutės“ 😀;,\\\n"
    agenda = (line * (agenda_limit // len(line) + 1))[:agenda_limit]
    sessions = [
        ConsultationFactory(
            agreement=world.agreement,
            expert=world.expert,
            starts_at=timezone.now() + datetime.timedelta(days=day),
            topic="T" * max_length_of(Consultation, "topic"),
            agenda=agenda,
        )
        for day in range(2, 12)
    ]
    client.force_login(world.expert.user)
    feed_url = client.get(reverse("consultations:calendar")).context["feed_url"]
    response = client.get(feed_url)
    assert response.status_code == 200
    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == len(sessions)
    assert all(str(event["description"]).endswith("\n\n" + agenda) for event in events)
    # Ten sessions at every limit: about 6 kB each (the agenda's 4,000 characters as UTF-8, escaped and folded).
    assert len(response.content) < 10 * 8 * 1024


def test_a_body_far_over_every_limit_is_refused_before_any_form_echoes_it(client, world):
    """An 11.9 MB agenda used to be stored; refused by the form alone, it would still come back in the error page."""
    consultation = ConsultationFactory(agreement=world.agreement, expert=world.expert)
    client.force_login(world.manager)
    response = client.post(
        reverse("consultations:consultation-cancel", args=[consultation.pk]), {"reason": "x" * 2**20}
    )
    assert response.status_code == 400
    assert len(response.content) < 100_000
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.REQUESTED
