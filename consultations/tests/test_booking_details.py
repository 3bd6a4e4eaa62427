"""Finding a time and asking only what applies (issues 15 and 16): each expert's next free time and moving by
month in the slot picker; the booking form's fields per format; an online booking whose link the expert adds when
confirming; and the walk's findings on the detail pages and the expert's grid of proposals."""

import datetime

import pytest
from crispy_forms.utils import render_crispy_form
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.forms import BookingForm, ConfirmForm, DetailsForm
from consultations.models import AvailabilityException, Consultation
from consultations.selectors import LAST_WEEK, free_slots, pickers_range, week_months_away, week_of

from .factories import ConsultationFactory, ExpertFactory, available_all_week, local_at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def slot_value(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


# --- The database: an online booking may be without its link; on site needs city and address --------------------


def test_the_database_takes_an_online_booking_without_a_link(world):
    consultation = ConsultationFactory(agreement=world.agreement, expert=world.expert, meeting_url="")
    assert consultation.awaits_meeting_link


@pytest.mark.parametrize("missing", [{"city": ""}, {"address": ""}])
def test_the_database_refuses_an_onsite_booking_without_its_place(world, missing):
    place = {"format": "onsite", "city": "Vilnius", "address": "Gedimino pr. 1", "meeting_url": ""} | missing
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsultationFactory(agreement=world.agreement, expert=world.expert, **place)


def test_the_database_refuses_an_unknown_format(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsultationFactory(agreement=world.agreement, expert=world.expert, format="phone")


# --- The model's rules ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "awaits"),
    [
        ({"format": "online", "meeting_url": ""}, True),
        ({"format": "online", "meeting_url": "https://m.example.com/x"}, False),
        ({"format": "onsite", "meeting_url": "", "city": "Vilnius", "address": "A 1"}, False),
    ],
)
def test_only_an_online_session_without_a_link_awaits_one(fields, awaits):
    assert ConsultationFactory.build(**fields).awaits_meeting_link is awaits


def test_the_link_to_come_is_sent_when_confirming_a_request():
    consultation = ConsultationFactory.build(meeting_url="")
    assert consultation.meeting_link_to_come == "The expert will send the link when confirming."
    consultation.status = Consultation.Status.CONFIRMED
    assert consultation.meeting_link_to_come == "The expert will send the link."


def test_a_past_or_closed_session_says_nothing_about_changes():
    start = local_at(3, 10)
    consultation = ConsultationFactory.build(starts_at=start, status=Consultation.Status.CONFIRMED)
    assert consultation.change_notice(now=start - datetime.timedelta(hours=48)) is None  # changes are open
    assert "24 hours before the start" in consultation.change_notice(now=start - datetime.timedelta(hours=23))
    assert consultation.change_notice(now=start) is None  # it has started
    assert consultation.change_notice(now=start + datetime.timedelta(days=2)) is None
    consultation.status = Consultation.Status.CANCELLED
    assert consultation.change_notice(now=start - datetime.timedelta(hours=23)) is None


def test_a_proposal_is_another_time_than_the_booked_one():
    consultation = ConsultationFactory.build(starts_at=local_at(3, 10))
    assert consultation.proposed_time_refusal(local_at(3, 10)) == "Pick a time other than the booked one."
    assert consultation.proposed_time_refusal(local_at(3, 10, 30)) is None


# --- The booking form asks only what applies ------------------------------------------------------------------


def booking_data(world, **overrides):
    return {
        "expert": world.expert.pk,
        "starts_at": slot_value(local_at(3, 10)),
        "hours": "1",
        "format": "online",
        "city": "",
        "address": "",
        "meeting_url": "",
        "topic": "Contracts",
        "agenda": "",
    } | overrides


def test_the_form_marks_the_place_required_and_the_link_optional(world):
    form = BookingForm()
    assert form.fields["city"].required and form.fields["address"].required
    assert not form.fields["meeting_url"].required
    html = render_crispy_form(form)
    assert 'data-format-fields="onsite"' in html and 'data-format-fields="online"' in html


def test_an_online_booking_needs_no_place_nor_link(world):
    form = BookingForm(booking_data(world))
    assert form.is_valid(), form.errors
    # Checking the form left the place marked required for the page, whichever format was chosen.
    assert form.fields["city"].required and form.fields["address"].required


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("city", "Choose the city in Lithuania where the consultation takes place."),
        ("address", "Give the street address."),
    ],
)
def test_an_onsite_booking_needs_its_city_and_address(world, field, message):
    data = booking_data(world, format="onsite", city="Vilnius", address="Gedimino pr. 1") | {field: ""}
    form = BookingForm(data)
    assert not form.is_valid()
    assert form.errors[field] == [message]


def test_the_details_form_groups_the_fields_of_each_format(world):
    form = DetailsForm()
    html = render_crispy_form(form)
    assert 'data-format-fields="onsite"' in html and 'name="meeting_url"' in html
    assert 'name="starts_at"' not in html


def test_the_expert_must_give_the_link_the_cluster_left(world):
    without = ConsultationFactory(agreement=world.agreement, expert=world.expert, meeting_url="")
    form = ConfirmForm({"meeting_url": "", "note": ""}, consultation=without)
    assert not form.is_valid()
    assert form.errors["meeting_url"] == ["Add the meeting link: the cluster left it for you to give when confirming."]
    given = ConsultationFactory(agreement=world.agreement, expert=world.expert, starts_at=local_at(4, 10))
    form = ConfirmForm({"meeting_url": "", "note": ""}, consultation=given)
    assert form.is_valid() and form.fields["meeting_url"].initial == given.meeting_url


# --- The pages ------------------------------------------------------------------------------------------------


def test_step_3_loads_the_script_that_shows_the_chosen_formats_fields(client, world):
    client.force_login(world.manager)
    query = {"area": world.area.code, "expert": world.expert.pk, "start": slot_value(local_at(3, 10)), "length": "1"}
    html = client.get(reverse("consultations:book-new"), query).content.decode()
    assert "consultations/format-fields.js" in html and "<script>" not in html
    assert 'data-format-fields="online"' in html


def test_every_booking_step_keeps_the_trail_back_to_its_start(client, world):
    client.force_login(world.manager)
    book = f'<a href="{reverse("consultations:book")}">Book a consultation</a>'
    slots = client.get(reverse("consultations:book-slots"), {"area": world.area.code}).content.decode()
    query = {"area": world.area.code, "expert": world.expert.pk, "start": slot_value(local_at(3, 10)), "length": "1"}
    details = client.get(reverse("consultations:book-new"), query).content.decode()
    for html in (slots, details):
        trail = html.split('<ol class="breadcrumb">')[1].split("</ol>")[0]
        assert book in trail and str(world.cluster) in trail


def test_a_manager_books_online_without_a_link_and_the_expert_adds_it(client, world):
    client.force_login(world.manager)
    response = client.post(reverse("consultations:book-new"), {"area": world.area.code, **booking_data(world)})
    consultation = Consultation.objects.get()
    assert response.status_code == 302 and consultation.awaits_meeting_link
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert "The expert will send the link when confirming." in page

    client.force_login(world.expert.user)
    home = client.get(reverse("consultations:my-sessions")).content.decode()
    assert "Confirm and add the link" in home
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert "The cluster left the link to you: give it when you confirm." in page
    # The one-click confirm without a link shows the form with the rule at the field.
    url = reverse("consultations:consultation-confirm", args=[consultation.pk])
    response = client.post(url, {"next": "detail"})
    assert response.status_code == 200
    assert response.context["form"].errors["meeting_url"]
    response = client.post(url, {"next": "detail", "meeting_url": "https://meet.example.com/expert"})
    assert response.status_code == 302

    client.force_login(world.manager)
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert 'href="https://meet.example.com/expert"' in page and "will send the link" not in page


def test_the_confirmed_sessions_decline_reads_as_calling_it_off(client, world):
    consultation = services.consultation_book(**world.book_kwargs(starts_at=local_at(5, 10)))
    client.force_login(world.expert.user)
    url = reverse("consultations:consultation-decline", args=[consultation.pk])
    assert ">Decline</a>" in client.get(consultation.get_absolute_url()).content.decode()
    services.consultation_confirm(consultation=consultation, by=world.expert.user)
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert url in page and ">Decline</a>" not in page and ">Cancel the session</a>" in page
    response = client.get(url)
    assert response.context["title"] == "Cancel the session"
    client.post(url, {"reason": "I am ill."})
    consultation.refresh_from_db()
    assert consultation.status == "declined"


def test_a_past_live_session_says_nothing_about_changes(client, world):
    past = ConsultationFactory(
        agreement=world.agreement, expert=world.expert, status="confirmed", starts_at=local_at(-2, 10)
    )
    soon = ConsultationFactory(
        agreement=world.agreement,
        expert=world.expert,
        status="confirmed",
        starts_at=timezone.now() + datetime.timedelta(hours=3),
    )
    client.force_login(world.manager)
    assert "Changes are possible" not in client.get(past.get_absolute_url()).content.decode()
    assert "Changes are possible" in client.get(soon.get_absolute_url()).content.decode()


def test_the_experts_proposal_grid_does_not_offer_the_booked_time(client, world):
    consultation = services.consultation_book(**world.book_kwargs(starts_at=local_at(3, 10)))
    client.force_login(world.expert.user)
    response = client.get(reverse("consultations:consultation-propose", args=[consultation.pk]))
    starts = [start for row in response.context["expert_slots"] for day in row.days for start in day.starts]
    assert local_at(3, 10) not in starts
    assert local_at(3, 10, 30) in starts and local_at(3, 9, 30) in starts


# --- Finding a time -------------------------------------------------------------------------------------------


def test_week_of_counts_weeks_from_today():
    today, last = pickers_range()
    at = lambda day: timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))  # noqa: E731
    assert week_of(at(today)) == 0
    assert week_of(at(today + datetime.timedelta(days=6))) == 0
    assert week_of(at(today + datetime.timedelta(days=7))) == 1
    assert week_of(at(last)) == LAST_WEEK


@pytest.mark.parametrize(
    ("today", "week", "months", "expected"),
    [
        (datetime.date(2026, 12, 5), 0, 1, 4),  # 5 January falls in the week of 2–8 January
        (datetime.date(2026, 12, 5), 4, -1, 0),
        (datetime.date(2026, 12, 5), 0, -1, 0),  # never before this week
        (datetime.date(2026, 12, 5), 12, 1, 12),  # never beyond the last week
        (datetime.date(2027, 1, 31), 0, 1, 4),  # 31 January + 1 month = 28 February
        (datetime.date(2026, 12, 5), 2, 1, 6),  # from 19 December to 19 January
    ],
)
def test_a_month_away_is_the_week_of_the_same_day_next_or_last_month(today, week, months, expected):
    now = timezone.make_aware(datetime.datetime.combine(today, datetime.time(9)))
    assert week_months_away(week, months, now=now) == expected


def test_the_next_free_time_is_the_first_one_from_now_in_any_week(world):
    busy = available_all_week(ExpertFactory(service_areas=[world.area]))
    today, _last = pickers_range()
    AvailabilityException.objects.create(
        expert=busy, start_date=today, end_date=today + datetime.timedelta(days=20), kind="off"
    )
    (row,) = free_slots([busy], first_day=today, days=7, length=1, with_next=True)
    assert not row.has_slots
    assert row.next_start == local_at(21, 8) and row.next_week == 3
    (row,) = free_slots([busy], first_day=today, days=7, length=1)
    assert row.next_start is None  # only when asked


def test_the_next_free_time_skips_the_minimum_notice_and_bookings(world, settings):
    settings.CONSULTATION_MIN_NOTICE_HOURS = 24
    now = local_at(1, 7)  # tomorrow 07:00: the first start is the day after at 08:00 (24 h later), unless booked
    ConsultationFactory(agreement=world.agreement, expert=world.expert, starts_at=local_at(2, 8), hours=2)
    today, _last = pickers_range(now)
    (row,) = free_slots([world.expert], first_day=today, days=7, length=1, now=now, with_next=True)
    # The booking 08:00–10:00 and its buffer keep the expert busy until 10:00 plus the buffer.
    pad = datetime.timedelta(minutes=settings.CONSULTATION_BUFFER_MINUTES)
    assert row.next_start >= local_at(2, 10) + pad and row.next_start.date() == local_at(2, 10).date()


def test_the_next_free_time_may_be_today(world, settings):
    settings.CONSULTATION_MIN_NOTICE_HOURS = 2
    now = local_at(0, 7)
    (row,) = free_slots([world.expert], first_day=local_at(0, 7).date(), days=7, length=1, now=now, with_next=True)
    assert row.next_start == local_at(0, 9) and row.next_week == 0


def test_no_free_time_in_the_pickers_weeks_has_no_next_time(world):
    idle = ExpertFactory(service_areas=[world.area])  # no weekly hours at all
    today, _last = pickers_range()
    (row,) = free_slots([idle], first_day=today, days=7, length=1, with_next=True)
    assert row.next_start is None and row.next_week is None


def test_the_slot_picker_links_each_experts_next_free_time_to_its_week(client, world):
    later = available_all_week(ExpertFactory(service_areas=[world.area]))
    today, _last = pickers_range()
    AvailabilityException.objects.create(
        expert=later, start_date=today, end_date=today + datetime.timedelta(days=20), kind="off"
    )
    client.force_login(world.manager)
    response = client.get(reverse("consultations:book-slots"), {"area": world.area.code, "length": "1"})
    html = response.content.decode()
    assert html.count("Next available time") == 2
    assert f"area={world.area.code}&amp;length=1&amp;week=3" in html
    response = client.get(reverse("consultations:book-slots"), {"area": world.area.code, "length": "1", "week": 3})
    assert response.context["week"] == 3
    assert local_at(21, 8) in [s for row in response.context["expert_slots"] for day in row.days for s in day.starts]


def test_the_slot_picker_moves_by_month_within_its_weeks(client, world):
    client.force_login(world.manager)
    url = reverse("consultations:book-slots")
    first = client.get(url, {"area": world.area.code, "length": "1"}).context
    assert first["prev_month_url"] is None and first["next_month_url"].endswith(f"week={week_months_away(0, 1)}")
    last = client.get(url, {"area": world.area.code, "length": "1", "week": LAST_WEEK}).context
    assert last["next_month_url"] is None
    assert last["prev_month_url"].endswith(f"week={week_months_away(LAST_WEEK, -1)}")
    assert "Next month" in client.get(url, {"area": world.area.code, "length": "1"}).content.decode()
