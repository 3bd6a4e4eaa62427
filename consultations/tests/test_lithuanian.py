"""The consultation pages in Lithuanian: the format is "Konsultacijos būdas", slots are named with the date as
Lithuanians write it ("pirmadienis, gruodžio 7 d."), expert languages are not capitalised mid-line."""

import re

from django.urls import reverse
from django.utils import timezone

from consultations import services

from .factories import ConsultationFactory, held_session, local_at

GENITIVE_MONTHS = "sausio|vasario|kovo|balandžio|gegužės|birželio|liepos|rugpjūčio|rugsėjo|spalio|lapkričio|gruodžio"
WEEKDAYS = "pirmadienis|antradienis|trečiadienis|ketvirtadienis|penktadienis|šeštadienis|sekmadienis"


def in_lithuanian(user):
    user.language = "lt"
    user.save(update_fields=["language"])


def test_slot_links_name_the_day_as_lithuanians_write_it(client, world):
    world.expert.languages = ["lt", "en"]
    world.expert.save()
    in_lithuanian(world.manager)
    client.force_login(world.manager)
    html = client.get(reverse("consultations:book-slots"), {"area": world.area.code}).content.decode()
    labels = re.findall(r'class="btn btn-sm btn-outline-primary slot"[^>]* aria-label="([^"]+)"', html)
    assert labels
    day = timezone.localtime(local_at(3, 0))
    # "Karen Gibson, sekmadienis, gruodžio 6 d., 08:00", not "…, sekmadienis, 6 gruodis, 08:00".
    pattern = rf"^{re.escape(str(world.expert))}, ({WEEKDAYS}), ({GENITIVE_MONTHS}) \d{{1,2}} d\., \d\d:\d\d$"
    bad = [label for label in labels if not re.match(pattern, label)]
    assert bad == [], bad[:3]
    assert "gruodis" not in html.lower().replace("gruodžio", "")
    assert f"{day.day} d." in " ".join(labels)
    # The expert's languages after the organisation, in a line: not capitalised.
    assert "lietuvių, anglų" in html and "Lietuvių" not in html


def test_the_consultation_format_is_konsultacijos_budas(client, world):
    consultation = ConsultationFactory(
        cluster=world.cluster, agreement=world.agreement, service_area=world.area, expert=world.expert
    )
    in_lithuanian(world.manager)
    client.force_login(world.manager)
    html = client.get(reverse("consultations:consultation-detail", args=[consultation.pk])).content.decode()
    assert "Konsultacijos būdas" in html and ">Forma<" not in html


def test_deadlines_inside_a_sentence_read_as_lithuanians_write_a_date(client, world):
    outcome = held_session(world, hours="2.5", booked="2")  # half an hour over the booking: the cluster may dispute it
    pattern = rf"\d{{4}} m\. ({GENITIVE_MONTHS}) \d{{1,2}} d\. \(({WEEKDAYS})\), \d\d:\d\d"
    in_lithuanian(world.expert.user)
    client.force_login(world.expert.user)
    html = client.get(reverse("consultations:consultation-outcome", args=[outcome.consultation_id])).content.decode()
    until = re.search(rf"galite redaguoti iki <span class=\"text-nowrap\">({pattern})</span>", html)
    assert until, "the outcome form's deadline is not a Lithuanian date"
    in_lithuanian(world.manager)
    client.force_login(world.manager)
    html = client.get(reverse("consultations:consultation-detail", args=[outcome.consultation_id])).content.decode()
    due = timezone.localtime(outcome.extra_due_at)
    assert re.search(rf"iki {pattern}", html) and f"{due.day} d." in html and due.strftime("%H:%M") in html
    assert outcome.extra_due_at.strftime("%Y-%m-%d") not in html


def test_a_move_in_the_history_names_both_times_as_lithuanians_write_them(client, world):
    consultation = services.consultation_book(**world.book_kwargs())
    services.consultation_reschedule(
        consultation=consultation, starts_at=local_at(4, 14), hours=consultation.hours, by=world.manager, reason="x"
    )
    in_lithuanian(world.manager)
    client.force_login(world.manager)
    html = client.get(reverse("consultations:consultation-detail", args=[consultation.pk])).content.decode()
    day = rf"\d{{4}} m\. (?:{GENITIVE_MONTHS}) \d{{1,2}} d\. \((?:{WEEKDAYS})\), \d\d:\d\d"
    assert re.search(rf"Perkelta: iš {day} į {day} \(", html), "the move's times are not Lithuanian dates"
