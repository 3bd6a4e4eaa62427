import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from accounts.tests.factories import StaffFactory, UserFactory
from agreements.tests.factories import ActiveAgreementFactory
from clusters.models import IndicatorArea
from clusters.tests.factories import ClusterFactory
from consultations import services
from consultations.models import (
    AvailabilityException,
    Consultation,
    Rating,
    ServiceArea,
    SessionOutcome,
    WeeklyAvailability,
)
from inolink.formatting import hours as hours_text

from .factories import (
    ConsultationFactory,
    ExpertFactory,
    SessionOutcomeFactory,
    available_all_week,
    held_session,
    local_at,
)

pytestmark = pytest.mark.django_db


def slot_value(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def booking_data(world, **overrides):
    data = {
        "area": world.area.code,
        "expert": world.expert.pk,
        "starts_at": slot_value(local_at(3, 10)),
        "hours": "1",
        "format": "onsite",
        "city": "Kaunas",
        "address": "Laisvės al. 1",
        "meeting_url": "",
        "topic": "Sutarčių peržiūra",
        "agenda": "Narystės sutartis",
    }
    data.update(overrides)
    return data


def test_booking_flow(client, world):
    client.force_login(world.manager)
    assert client.get(reverse("consultations:book")).status_code == 200
    response = client.get(reverse("consultations:book-slots"), {"area": world.area.code, "length": "2"})
    assert response.status_code == 200
    assert str(world.expert) in response.content.decode()
    start = slot_value(local_at(3, 10))
    # The overview shows each day's first starts (8:00 to 9:30); 10:00 is on the expert's own week.
    assert f"start={start}" not in response.content.decode()
    response = client.get(
        reverse("consultations:book-slots"), {"area": world.area.code, "length": "2", "expert": world.expert.pk}
    )
    assert f"start={start}" in response.content.decode()
    response = client.get(
        reverse("consultations:book-new"),
        {"area": world.area.code, "expert": world.expert.pk, "start": start, "length": "2"},
    )
    assert response.status_code == 200
    response = client.post(reverse("consultations:book-new"), booking_data(world, hours="2"))
    consultation = Consultation.objects.get()
    assert response.status_code == 302 and response.url == consultation.get_absolute_url()
    assert consultation.status == "requested" and consultation.city == "Kaunas" and consultation.hours == 2
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert "Requested" in page


def field_error(response, field):
    assert response.status_code == 200
    return " ".join(response.context["form"].errors.get(field, []))


@pytest.mark.parametrize(
    ("field", "overrides", "text"),
    [
        ("city", {"city": "Riga"}, "valid choice"),
        ("city", {"city": ""}, "city"),
        ("address", {"address": ""}, "address"),
        ("meeting_url", {"format": "online", "meeting_url": "not a link"}, "valid URL"),
        ("starts_at", {"starts_at": slot_value(timezone.now() - datetime.timedelta(hours=2))}, "past"),
        ("starts_at", {"starts_at": slot_value(timezone.now() + datetime.timedelta(hours=3))}, "ahead"),
        ("hours", {"hours": "5"}, "valid choice"),
        ("topic", {"topic": ""}, "required"),
        # Far times once raised OverflowError: the end (9999-12-31 plus the length) and year 1 in UTC do not exist.
        ("starts_at", {"starts_at": "9999-12-31T23:59"}, "13 weeks ahead"),
        ("starts_at", {"starts_at": slot_value(local_at(7 * 13 + 1, 10))}, "13 weeks ahead"),
        ("starts_at", {"starts_at": "0001-01-01T00:00"}, "between the years"),
    ],
)
def test_bad_booking_input_shows_at_the_field(client, world, field, overrides, text):
    client.force_login(world.manager)
    response = client.post(reverse("consultations:book-new"), booking_data(world, **overrides))
    assert text in field_error(response, field)
    assert not Consultation.objects.exists()


def test_tampered_expert_id_is_refused(client, world, other_world):
    client.force_login(world.manager)
    outsider = available_all_week(ExpertFactory(service_areas=[ServiceArea.objects.get(code="marketing")]))
    for pk in (outsider.pk, 999999, "abc"):
        response = client.post(reverse("consultations:book-new"), booking_data(world, expert=pk))
        assert response.status_code == 200
        assert response.context["form"].errors
    assert not Consultation.objects.exists()


def test_tampered_area_is_404(client, world):
    client.force_login(world.manager)
    response = client.post(reverse("consultations:book-new"), booking_data(world, area="nope"))
    assert response.status_code == 404


def test_stale_form_after_someone_took_the_slot(client, world):
    ConsultationFactory(agreement=world.agreement, expert=world.expert, starts_at=local_at(3, 10))
    client.force_login(world.manager)
    response = client.post(reverse("consultations:book-new"), booking_data(world))
    assert "just taken" in field_error(response, "starts_at")
    assert "just taken" in response.content.decode()
    assert Consultation.objects.count() == 1


def test_too_few_hours_is_shown(client, world):
    world.allocation.hours_granted = Decimal("1")
    world.allocation.save()
    client.force_login(world.manager)
    response = client.post(reverse("consultations:book-new"), booking_data(world, hours="2"))
    assert "left" in field_error(response, "hours")


def test_no_active_agreement_is_shown(client, world):
    world.agreement.signatures.all().delete()
    client.force_login(world.manager)
    response = client.post(reverse("consultations:book-new"), booking_data(world))
    assert "no active agreement" in " ".join(response.context["form"].non_field_errors())


def test_cancel_needs_a_reason(client, world):
    consultation = ConsultationFactory(agreement=world.agreement, expert=world.expert)
    client.force_login(world.manager)
    url = reverse("consultations:consultation-cancel", args=[consultation.pk])
    response = client.post(url, {"reason": "   "})
    assert response.context["form"].errors["reason"]
    response = client.post(url, {"reason": "Posėdis perkeltas"})
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == "cancelled"


def test_cancel_inside_24_hours_shows_the_rule(client, world):
    consultation = ConsultationFactory(
        agreement=world.agreement, expert=world.expert, starts_at=timezone.now() + datetime.timedelta(hours=10)
    )
    client.force_login(world.manager)
    response = client.post(reverse("consultations:consultation-cancel", args=[consultation.pk]), {"reason": "Ill"})
    assert "24 hours" in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.status == "requested"


def test_reschedule_flow(client, world):
    consultation = ConsultationFactory(agreement=world.agreement, expert=world.expert, service_area=world.area)
    client.force_login(world.manager)
    url = reverse("consultations:consultation-reschedule", args=[consultation.pk])
    assert client.get(url).status_code == 200
    new = slot_value(local_at(4, 15))
    assert client.get(url, {"start": new, "length": "1"}).status_code == 200
    response = client.post(url, {"starts_at": new, "hours": "1", "reason": ""})
    assert response.context["form"].errors["reason"]
    response = client.post(url, {"starts_at": new, "hours": "1", "reason": "Vėliau"})
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.starts_at == local_at(4, 15)


@pytest.mark.parametrize(
    ("starts_at", "text"), [("9999-12-31T23:59", "13 weeks ahead"), ("0001-01-01T00:00", "between the years")]
)
def test_rescheduling_to_a_far_time_shows_at_the_field(client, world, starts_at, text):
    consultation = ConsultationFactory(agreement=world.agreement, expert=world.expert, service_area=world.area)
    client.force_login(world.manager)
    url = reverse("consultations:consultation-reschedule", args=[consultation.pk])
    response = client.post(url, {"starts_at": starts_at, "hours": "1", "reason": "Vėliau"})
    assert text in field_error(response, "starts_at")


def test_expert_confirms_declines_and_logs_outcome(client, world):
    first = ConsultationFactory(agreement=world.agreement, expert=world.expert)
    second = ConsultationFactory(agreement=world.agreement, expert=world.expert, starts_at=local_at(5, 10))
    client.force_login(world.expert.user)
    page = client.get(reverse("consultations:my-sessions")).content.decode()
    assert first.topic in page and second.topic in page
    client.post(reverse("consultations:consultation-confirm", args=[first.pk]))
    response = client.post(reverse("consultations:consultation-decline", args=[second.pk]), {"reason": ""})
    assert response.context["form"].errors["reason"]
    client.post(reverse("consultations:consultation-decline", args=[second.pk]), {"reason": "Atostogos"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("confirmed", "declined")
    # The outcome form refuses before the start, saying why.
    response = client.post(
        reverse("consultations:consultation-outcome", args=[first.pk]),
        {"result": "held", "summary": "x", "hours_delivered": "1"},
    )
    assert response.context["refusal"] == first.outcome_refusal(first.expert.user)
    assert "once the session has started" in response.content.decode()
    assert not SessionOutcome.objects.filter(consultation=first).exists()


def past_confirmed_session(world, **fields):
    return ConsultationFactory(
        agreement=world.agreement,
        expert=world.expert,
        status="confirmed",
        starts_at=timezone.now() - datetime.timedelta(hours=2),
        **fields,
    )


def post_outcome(client, consultation, hours, result="held"):
    return client.post(
        reverse("consultations:consultation-outcome", args=[consultation.pk]),
        {"result": result, "summary": "Aptarėme", "hours_delivered": hours, "indicator_areas": [first_area().pk]},
    )


def first_area():
    return IndicatorArea.objects.first()


@pytest.mark.parametrize("language", ["en", "lt"])
@pytest.mark.parametrize("hours", ["0", "-1", "2.25", "1,1", "175", "1.333", "abc", "1e1", "NaN", "Infinity", ""])
def test_outcome_hours_that_are_not_quarter_hours_in_bounds_get_one_message(client, world, language, hours):
    """A booked hour allows 0.25 to 2 hours; anything else, typed in either language, gets the same message."""
    world.expert.user.language = language
    world.expert.user.save()
    consultation = past_confirmed_session(world)
    client.force_login(world.expert.user)
    response = post_outcome(client, consultation, hours)
    expected = {
        "en": "Give the hours delivered in quarter hours, from 0.25 to 2 (e.g. 1.75).",
        # The message's own Lithuanian text comes with the catalogue; its numbers are written the Lithuanian way.
        "lt": "0,25",
    }[language]
    errors = response.context["form"].errors["hours_delivered"]
    assert len(errors) == 1 and expected in errors[0]
    assert not hasattr(Consultation.objects.get(pk=consultation.pk), "outcome")


@pytest.mark.parametrize("language", ["en", "lt"])
@pytest.mark.parametrize(("typed", "saved"), [("1,75", "1.75"), ("1.75", "1.75"), (" 2 ", "2"), ("0,25", "0.25")])
def test_outcome_hours_take_a_decimal_comma_or_point_whatever_the_language(client, world, language, typed, saved):
    world.expert.user.language = language
    world.expert.user.save()
    consultation = past_confirmed_session(world)
    client.force_login(world.expert.user)
    assert post_outcome(client, consultation, typed).status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == "held" and consultation.outcome.hours_delivered == Decimal(saved)


def test_a_no_show_logs_no_hours_whatever_the_hours_field_holds(client, world):
    consultation = past_confirmed_session(world)
    client.force_login(world.expert.user)
    assert post_outcome(client, consultation, "", result="no_show").status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == "no_show" and consultation.outcome.hours_delivered == 0


@pytest.mark.parametrize(("language", "shown"), [("en", 'value="1.5"'), ("lt", 'value="1,5"')])
def test_outcome_hours_are_a_decimal_text_input_showing_the_languages_format(client, world, language, shown):
    world.expert.user.language = language
    world.expert.user.save()
    consultation = past_confirmed_session(world, hours=Decimal("1.5"))
    client.force_login(world.expert.user)
    url = reverse("consultations:consultation-outcome", args=[consultation.pk])
    html = client.get(url).content.decode()  # offered: the booked length
    field = html[html.index('name="hours_delivered"') - 200 : html.index('name="hours_delivered"') + 200]
    assert 'type="text"' in field and 'inputmode="decimal"' in field and shown in field
    # A stored outcome shows the same way; what the person typed is shown back as typed.
    assert post_outcome(client, consultation, "1,5").status_code == 302
    assert shown in client.get(url).content.decode()
    assert 'value="abc"' in post_outcome(client, consultation, "abc").content.decode()


def test_rating_once(client, world):
    outcome = SessionOutcomeFactory(consultation__agreement=world.agreement, consultation__expert=world.expert)
    consultation = outcome.consultation
    client.force_login(world.manager)
    assert "Rate this session" in client.get(consultation.get_absolute_url()).content.decode()
    url = reverse("consultations:consultation-rate", args=[consultation.pk])
    assert client.post(url, {"score": "9"}).context["form"].errors["score"]
    assert client.post(url, {"score": "4", "comment": "Naudinga"}).status_code == 302
    response = client.post(url, {"score": "1"})
    assert "already" in " ".join(response.context["form"].errors["score"])
    assert Rating.objects.get().score == 4


def test_ics_for_a_confirmed_consultation(client, world):
    consultation = ConsultationFactory(agreement=world.agreement, expert=world.expert, status="confirmed")
    client.force_login(world.manager)
    response = client.get(reverse("consultations:consultation-ics", args=[consultation.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in response.content and consultation.topic.encode() in response.content
    requested = ConsultationFactory(agreement=world.agreement, expert=world.expert, starts_at=local_at(6, 10))
    assert client.get(reverse("consultations:consultation-ics", args=[requested.pk])).status_code == 404


def formset_data(prefix, rows, initial=0):
    data = {f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": initial}
    data.update({f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000})
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


def test_availability_editor(client, world):
    client.force_login(world.expert.user)
    url = reverse("consultations:availability")
    assert client.get(url).status_code == 200
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    data = {
        **formset_data("weekly", [{"weekday": "0", "start_time": "06:00", "end_time": "07:00"}]),
        **formset_data("exceptions", [{"start_date": tomorrow, "kind": "off", "start_time": "", "end_time": ""}]),
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert WeeklyAvailability.objects.filter(expert=world.expert).count() == 8
    assert AvailabilityException.objects.filter(expert=world.expert, start_date=tomorrow, end_date=tomorrow).exists()


def test_availability_refuses_a_thousand_rows_without_building_them(client, world):
    """A 150-byte POST asking for 1000 rows of each formset cost seconds and answered 4.5 MB."""
    client.force_login(world.expert.user)
    data = {"weekly-TOTAL_FORMS": 1000, "weekly-INITIAL_FORMS": 0, "exceptions-TOTAL_FORMS": 1000}
    data["exceptions-INITIAL_FORMS"] = 0
    response = client.post(reverse("consultations:availability"), data)
    assert response.status_code == 200
    assert "at most 50" in " ".join(response.context["weekly"].non_form_errors())
    assert "at most 100" in " ".join(response.context["exceptions"].non_form_errors())
    assert len(response.context["weekly"].forms) == 50 and len(response.context["exceptions"].forms) == 100


def test_availability_bad_input_and_tampered_ids(client, world, other_world):
    client.force_login(world.expert.user)
    url = reverse("consultations:availability")
    others = WeeklyAvailability.objects.filter(expert=other_world.expert).first()
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    data = {
        **formset_data("weekly", [{"weekday": "0", "start_time": "12:00", "end_time": "10:00"}]),
        **formset_data("exceptions", [{"start_date": yesterday, "kind": "extra", "start_time": "", "end_time": ""}]),
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["weekly"].forms[0].errors["end_time"]
    assert response.context["exceptions"].forms[0].errors["start_date"]
    # Posting another expert's row id: refused, nothing of theirs changes.
    data = {
        **formset_data(
            "weekly", [{"id": others.pk, "weekday": "3", "start_time": "09:00", "end_time": "10:00"}], initial=1
        ),
        **formset_data("exceptions", []),
    }
    before = WeeklyAvailability.objects.count()
    response = client.post(url, data)
    assert response.status_code == 200
    assert "no longer exists" in " ".join(response.context["weekly"].non_form_errors())
    assert WeeklyAvailability.objects.count() == before
    others.refresh_from_db()
    assert (others.weekday, others.expert) == (0, other_world.expert)


def test_list_filters(client, world):
    ConsultationFactory(agreement=world.agreement, expert=world.expert, topic="Alpha")
    ConsultationFactory(
        agreement=world.agreement, expert=world.expert, topic="Beta", status="confirmed", starts_at=local_at(5, 10)
    )
    ConsultationFactory(
        agreement=world.agreement, expert=world.expert, topic="Gamma", starts_at=local_at(-5, 10), status="held"
    )
    client.force_login(world.manager)
    url = reverse("consultations:consultation-list")
    page = client.get(url).content.decode()
    assert "Alpha" in page and "Beta" in page and "Gamma" not in page
    page = client.get(url, {"when": "upcoming", "status": "confirmed"}).content.decode()
    assert "Beta" in page and "Alpha" not in page
    page = client.get(url, {"when": "past"}).content.decode()
    assert "Gamma" in page and "Alpha" not in page
    assert client.get(url, {"when": "bogus", "expert": "x", "area": "999"}).status_code == 200


def test_list_filters_by_area_and_expert(client, world):
    other_expert = ExpertFactory()
    finance = ServiceArea.objects.exclude(pk=world.area.pk).first()
    ConsultationFactory(agreement=world.agreement, expert=world.expert, topic="Alpha")
    ConsultationFactory(agreement=world.agreement, expert=other_expert, topic="Beta", service_area=finance)
    client.force_login(world.manager)
    url = reverse("consultations:consultation-list")
    page = client.get(url, {"area": finance.pk}).content.decode()
    assert "Beta" in page and "Alpha" not in page
    assert f'<option value="{finance.pk}" selected>{escape(finance)}</option>' in page
    page = client.get(url, {"expert": world.expert.pk}).content.decode()
    assert "Alpha" in page and "Beta" not in page
    assert f'<option value="{world.expert.pk}" selected>{escape(world.expert)}</option>' in page


def test_list_names_the_cluster_of_each_row_only_for_managers_of_several(client, world):
    ConsultationFactory(agreement=world.agreement, expert=world.expert, topic="Alpha")
    client.force_login(world.manager)
    url = reverse("consultations:consultation-list")
    assert world.cluster.name not in client.get(url).content.decode()
    second = ActiveAgreementFactory(cluster=ClusterFactory(managers=[world.manager], name="Second cluster"))
    ConsultationFactory(agreement=second, expert=world.expert, topic="Beta", starts_at=local_at(4, 10))
    page = client.get(url).content.decode()
    assert "Alpha" in page and "Beta" in page
    cell = '<td data-label="Cluster">{}</td>'
    assert cell.format(world.cluster.name) in page and cell.format("Second cluster") in page


def test_dashboard_shows_hours_and_sessions(client, world):
    ConsultationFactory(agreement=world.agreement, expert=world.expert, topic="Upcoming one", hours=Decimal("2"))
    SessionOutcomeFactory(consultation__agreement=world.agreement, consultation__topic="Rate me")
    client.force_login(world.manager)
    response = client.get(reverse("consultations:dashboard"))
    page = response.content.decode()
    assert "Upcoming one" in page and "Rate me" in page and "Read and rate" in page
    allocation = response.context["agreement"].allocations.all()[0]
    assert allocation.hours_held == 2 and allocation.hours_delivered == 1 and allocation.hours_remaining == 17


@pytest.mark.parametrize("length", ["7", "abc", "-1", "1.3"])
def test_reschedule_slots_with_a_length_not_offered_fall_back_to_the_booked_length(client, world, length):
    consultation = services.consultation_book(**world.book_kwargs(starts_at=local_at(5, 10)))
    client.force_login(world.manager)
    url = reverse("consultations:consultation-reschedule", args=[consultation.pk])
    response = client.get(url, {"length": length})
    assert response.status_code == 200
    assert response.context["length"] == consultation.hours


def test_expert_can_decline_a_confirmed_session_that_has_not_started(client, world):
    consultation = services.consultation_book(**world.book_kwargs(starts_at=local_at(5, 10)))
    services.consultation_confirm(consultation=consultation, by=world.expert.user)
    client.force_login(world.expert.user)
    html = client.get(reverse("consultations:consultation-detail", args=[consultation.pk])).content.decode()
    assert reverse("consultations:consultation-decline", args=[consultation.pk]) in html
    assert reverse("consultations:consultation-confirm", args=[consultation.pk]) not in html


def slot_page(client, world, **params):
    response = client.get(reverse("consultations:book-slots"), {"area": world.area.code, "length": "1", **params})
    assert response.status_code == 200
    return response


def test_slot_overview_shows_the_first_starts_of_each_day_and_links_to_the_experts_week(client, world):
    client.force_login(world.manager)
    response = slot_page(client, world, week="1")
    html = response.content.decode()
    day = response.context["days"][0]
    # Open 8:00-20:00: 23 one-hour starts a day, of which the first four show, then "+19 more".
    first = [f"start={day:%Y-%m-%d}T{time}" for time in ("08:00", "08:30", "09:00", "09:30")]
    assert all(start in html for start in first)
    assert f"start={day:%Y-%m-%d}T10:00" not in html
    assert html.count("+19 more") == 7
    assert f"week=1&amp;expert={world.expert.pk}" in html
    focus = slot_page(client, world, week="1", expert=str(world.expert.pk))
    assert focus.context["focus"] == world.expert
    assert f"start={day:%Y-%m-%d}T19:00" in focus.content.decode()
    assert "slot-more" not in focus.content.decode()


@pytest.mark.parametrize("expert", ["0", "abc", "999999", "99999999999999999999"])
def test_slot_page_for_an_expert_outside_the_area_shows_the_area(client, world, expert):
    outside = ExpertFactory(service_areas=[ServiceArea.objects.get(code="financial")])
    client.force_login(world.manager)
    for value in [expert, str(outside.pk)]:
        response = slot_page(client, world, expert=value)
        assert response.context["focus"] is None
        assert [row.expert for row in response.context["expert_slots"]] == [world.expert]


def test_slot_page_pages_experts(client, world):
    from consultations.views import EXPERTS_PER_PAGE

    for _ in range(EXPERTS_PER_PAGE):
        available_all_week(ExpertFactory(service_areas=[world.area]))
    client.force_login(world.manager)
    first = slot_page(client, world)
    assert len(first.context["expert_slots"]) == EXPERTS_PER_PAGE
    assert "page=2" in first.content.decode()
    second = slot_page(client, world, page="2")
    assert len(second.context["expert_slots"]) == 1


def test_slot_page_tells_the_hours_left_of_the_active_agreement(client, world):
    client.force_login(world.manager)
    response = slot_page(client, world)
    assert response.context["allocation"].hours_remaining == 20
    assert "20\N{NO-BREAK SPACE}h left in this area" in response.content.decode()
    world.agreement.signatures.all().delete()
    response = slot_page(client, world)
    assert response.context["allocation"] is None and not response.context["has_agreement"]
    assert "no active agreement" in response.content.decode()


def test_slot_page_warns_when_fewer_hours_are_left_than_the_length(client, world):
    world.allocation.hours_granted = Decimal("1")
    world.allocation.save()
    client.force_login(world.manager)
    enough = slot_page(client, world, length="1")
    assert enough.context["booking_refusal"] is None and "alert-warning" not in enough.content.decode()
    short = slot_page(client, world, length="1.5")
    message = "Only 1 h left in Legal; this booking needs 1.5 h.".replace(" h", "\N{NO-BREAK SPACE}h")
    assert short.context["booking_refusal"] == message
    assert f'<div class="alert alert-warning">{message}</div>' in short.content.decode()


def test_slot_page_without_hours_in_the_area(client, world):
    client.force_login(world.manager)
    response = client.get(reverse("consultations:book-slots"), {"area": "financial"})
    assert response.context["has_agreement"] and response.context["allocation"] is None
    assert "no hours in this service area" in response.content.decode()


def test_my_sessions_caps_its_lists_and_tells_the_totals(client, world):
    from consultations.selectors import SCHEDULE_ROWS

    for day in range(SCHEDULE_ROWS + 2):
        ConsultationFactory(agreement=world.agreement, expert=world.expert, starts_at=local_at(2 + day, 9))
    client.force_login(world.expert.user)
    response = client.get(reverse("consultations:my-sessions"))
    requests = response.context["requests"]
    assert (len(requests.rows), requests.total, requests.more) == (SCHEDULE_ROWS, SCHEDULE_ROWS + 2, 2)
    assert requests.rows[0].starts_at == local_at(2, 9)
    assert "2 more requests come up here as you answer these." in response.content.decode()


@pytest.mark.parametrize(
    ("language", "hours", "wrong"), [("en", "1.5 h", ["1.50", "1,5"]), ("lt", "1,5 val.", ["1.5", "1,50"])]
)
def test_hours_read_the_same_on_every_consultation_page(client, world, language, hours, wrong):
    """Lists, booking step 2 and 3, rescheduling and the outcome form all write hours as the hours filter does
    (with a no-break space before the unit)."""
    hours = hours.replace(" ", "\N{NO-BREAK SPACE}")
    world.manager.language = world.expert.user.language = language
    world.manager.save()
    world.expert.user.save()
    booked = services.consultation_book(**world.book_kwargs(starts_at=local_at(5, 10), hours=Decimal("1.5")))
    past = past_confirmed_session(world, hours=Decimal("1.5"), topic="Past")
    start = slot_value(local_at(6, 10))
    manager_pages = [
        reverse("consultations:consultation-list"),
        f"{reverse('consultations:book-slots')}?area={world.area.code}&length=1.5",
        f"{reverse('consultations:book-new')}?area={world.area.code}&expert={world.expert.pk}&start={start}&length=1.5",
        f"{reverse('consultations:consultation-reschedule', args=[booked.pk])}?start={start}&length=1.5",
        booked.get_absolute_url(),
    ]
    client.force_login(world.manager)
    for url in manager_pages:
        text = client.get(url).content.decode()
        assert hours in text, url
        assert not any(f">{w}" in text or f" {w}" in text for w in wrong), url
    client.force_login(world.expert.user)
    text = client.get(reverse("consultations:consultation-outcome", args=[past.pk])).content.decode()
    most = "2.5\N{NO-BREAK SPACE}h" if language == "en" else "2,5\N{NO-BREAK SPACE}val."
    assert hours in text and most in text  # booked, and the most to log


def test_the_length_choices_and_the_hours_left_message_use_the_languages_hours(world):
    from django.utils import translation

    from consultations.forms import length_choices

    with translation.override("lt"):
        assert dict(length_choices())["1.5"] == "1,5\N{NO-BREAK SPACE}val."
    with translation.override("en"):
        assert dict(length_choices())["1.5"] == "1.5\N{NO-BREAK SPACE}h"
        world.allocation.hours_granted = Decimal("1")
        world.allocation.save()
        with pytest.raises(ValidationError) as refused:
            services.consultation_book(**world.book_kwargs(hours=Decimal("1.5")))
        message = "Only 1 h left in Legal; this booking needs 1.5 h.".replace(" h", "\N{NO-BREAK SPACE}h")
        assert refused.value.message_dict["hours"] == [message]


def test_the_reschedule_page_writes_the_weekday_in_lower_case_inside_its_sentence(client, world):
    world.manager.language = "lt"
    world.manager.save()
    monday = local_at(7 - timezone.localdate().weekday() + 7, 10)  # a Monday at least a week ahead
    booked = services.consultation_book(**world.book_kwargs(starts_at=monday))
    client.force_login(world.manager)
    text = client.get(reverse("consultations:consultation-reschedule", args=[booked.pk])).content.decode()
    assert "d. (pirmadienis), 10:00" in text and "Pirmadienis" not in text


def rebook_url(area, length, source):
    return f"{reverse('consultations:book-slots')}?area={area.code}&length={length}&rebook={source.pk}"


def test_a_declined_consultation_offers_the_manager_another_time_in_its_area_and_length(client, world):
    consultation = services.consultation_book(**world.book_kwargs(starts_at=local_at(5, 10), hours=Decimal("1.5")))
    services.consultation_decline(consultation=consultation, by=world.expert.user, reason="Away that week")
    client.force_login(world.manager)
    response = client.get(consultation.get_absolute_url())
    url = rebook_url(world.area, "1.5", consultation)
    assert response.context["rebook_url"] == url and not response.context["rebook_switches_cluster"]
    html = response.content.decode()
    assert f'href="{escape(url)}"' in html and "Book another time" in html
    # The link leads to the slot picker of that area with that length chosen.
    slots = client.get(url)
    assert slots.status_code == 200
    assert (slots.context["area"], slots.context["length"]) == (world.area, Decimal("1.5"))
    # A picked slot keeps the topic, agenda and place written the first time.
    assert f"rebook={consultation.pk}" in slots.context["slot_query"]
    start = timezone.localtime(local_at(6, 10)).strftime("%Y-%m-%dT%H:%M")
    form = client.get(
        f"{reverse('consultations:book-new')}?{slots.context['slot_query']}&expert={world.expert.pk}&start={start}"
    ).context["form"]
    assert (form["topic"].value(), form["agenda"].value(), form["format"].value(), form["meeting_url"].value()) == (
        "Strategy review",
        "Goals",
        "online",
        "https://meet.example.com/room",
    )
    # Another cluster's consultation fills nothing in.
    stranger = ConsultationFactory(topic="Not yours")
    form = client.get(
        f"{reverse('consultations:book-new')}?area={world.area.code}&length=1&rebook={stranger.pk}"
        f"&expert={world.expert.pk}&start={start}"
    ).context["form"]
    assert form["topic"].value() is None
    # The expert who declined is not offered to book.
    client.force_login(world.expert.user)
    assert "Book another time" not in client.get(consultation.get_absolute_url()).content.decode()


@pytest.mark.parametrize("status", ["requested", "confirmed", "held", "no_show", "cancelled"])
def test_only_a_declined_consultation_offers_another_time(client, world, status):
    consultation = ConsultationFactory(
        agreement=world.agreement, expert=world.expert, status=status, status_reason="Because"
    )
    client.force_login(world.manager)
    response = client.get(consultation.get_absolute_url())
    assert response.context["rebook_url"] is None and "Book another time" not in response.content.decode()


def test_another_time_for_a_cluster_other_than_the_current_one_switches_to_it_first(client, world):
    """Booking is for the cluster the manager works on; the declined session's cluster becomes that cluster."""
    first = ActiveAgreementFactory(cluster=ClusterFactory(managers=[world.manager], name="AAA first cluster"))
    declined = ConsultationFactory(agreement=world.agreement, expert=world.expert, status="declined", status_reason="x")
    client.force_login(world.manager)
    assert client.get(reverse("consultations:dashboard")).context["cluster"] == first.cluster  # the first by name
    response = client.get(declined.get_absolute_url())
    assert response.context["rebook_switches_cluster"]
    html = response.content.decode()
    assert f'action="{reverse("clusters:cluster-switch")}"' in html
    switched = client.post(
        reverse("clusters:cluster-switch"), {"cluster": declined.cluster_id, "next": response.context["rebook_url"]}
    )
    assert switched.status_code == 302 and switched.url == response.context["rebook_url"]
    assert client.get(switched.url).context["cluster"] == world.cluster


def test_an_expert_lists_all_their_sessions_newest_first_with_the_outcome_state(client, world, other_world):
    common = {"agreement": world.agreement, "expert": world.expert}
    ahead = ConsultationFactory(**common, topic="Ahead", starts_at=local_at(9, 10))
    logged = SessionOutcomeFactory(
        consultation__topic="Logged one",
        consultation__starts_at=local_at(-9, 10),
        **{f"consultation__{key}": value for key, value in common.items()},
    ).consultation
    due = ConsultationFactory(**common, topic="Due one", status="confirmed", starts_at=local_at(-2, 10))
    declined = ConsultationFactory(**common, topic="Declined one", status="declined", status_reason="x")
    someone_elses = ConsultationFactory(agreement=world.agreement, topic="Not mine", starts_at=local_at(-1, 10))
    other_cluster = ConsultationFactory(agreement=other_world.agreement, expert=other_world.expert, topic="Elsewhere")
    client.force_login(world.expert.user)
    assert reverse("consultations:session-list") in client.get(reverse("consultations:my-sessions")).content.decode()
    response = client.get(reverse("consultations:session-list"))
    assert list(response.context["consultations"]) == [ahead, declined, due, logged]
    html = response.content.decode()
    assert someone_elses.topic not in html and other_cluster.topic not in html
    assert f">{world.cluster.name}</td>" in html and "Declined" in html
    row = {c.topic: c for c in response.context["consultations"]}
    assert row["Logged one"].has_outcome and not row["Due one"].has_outcome
    assert reverse("consultations:consultation-outcome", args=[due.pk]) in html
    assert reverse("consultations:consultation-outcome", args=[logged.pk]) not in html and "Logged" in html
    # Filtered by the clusters of their own sessions only.
    filters = response.context["filters"]
    assert "expert" not in filters.fields and filters.fields["cluster"].choices[1:] == [
        (world.cluster.pk, world.cluster.name)
    ]
    page = client.get(reverse("consultations:session-list"), {"when": "past", "cluster": world.cluster.pk})
    assert list(page.context["consultations"]) == [due, logged]
    # Another cluster's id is no choice: the filter is ignored, and still only their own sessions show.
    page = client.get(reverse("consultations:session-list"), {"cluster": other_world.cluster.pk})
    assert set(page.context["consultations"]) == {ahead, declined, due, logged}


def test_an_experts_list_pages_and_keeps_its_filters_across_pages(client, world):
    from consultations.views import LIST_PAGE_SIZE

    Consultation.objects.bulk_create(
        ConsultationFactory.build(
            agreement=world.agreement, expert=world.expert, booked_by=world.manager, starts_at=local_at(-day, 10)
        )
        for day in range(1, LIST_PAGE_SIZE + 2)
    )
    client.force_login(world.expert.user)
    first = client.get(reverse("consultations:session-list"), {"when": "past"})
    assert len(first.context["consultations"]) == LIST_PAGE_SIZE
    assert "when=past&amp;page=2" in first.content.decode()
    second = client.get(reverse("consultations:session-list"), {"when": "past", "page": "2"})
    assert [c.starts_at for c in second.context["consultations"]] == [local_at(-LIST_PAGE_SIZE - 1, 10)]
    # A page number alone keeps the expert's default, all sessions, in the list and in the drop-down.
    assert second.context["filters"]["when"].value() == "past"
    alone = client.get(reverse("consultations:session-list"), {"page": "2"})
    assert alone.context["filters"]["when"].value() == "all"
    assert '<option value="all" selected>' in alone.content.decode()


def test_a_manager_who_is_no_expert_has_no_session_list(client, world):
    client.force_login(world.manager)
    assert client.get(reverse("consultations:session-list")).status_code == 404


def test_the_managers_list_address_takes_an_expert_to_their_own_list(client, world):
    client.force_login(world.expert.user)
    response = client.get(reverse("consultations:consultation-list"), {"when": "past"})
    assert response.status_code == 302 and response.url == f"{reverse('consultations:session-list')}?when=past"


def test_my_sessions_highlights_a_list_only_when_it_has_rows(client, world):
    client.force_login(world.expert.user)
    page = client.get(reverse("consultations:my-sessions")).content.decode()
    assert "border-warning" not in page and "border-info" not in page
    ConsultationFactory(agreement=world.agreement, expert=world.expert, status="requested")
    assert "border-warning" in client.get(reverse("consultations:my-sessions")).content.decode()


def test_a_held_outcome_names_the_indicator_areas_it_served_and_the_manager_sees_them(client, world):
    consultation = past_confirmed_session(world)
    client.force_login(world.expert.user)
    url = reverse("consultations:consultation-outcome", args=[consultation.pk])
    response = client.post(url, {"result": "held", "summary": "Aptarėme", "hours_delivered": "1"})
    assert response.context["form"].errors["indicator_areas"] == [
        "Choose at least one indicator area the session served."
    ]
    services_area, governance = IndicatorArea.objects.filter(code__in=["services", "management"]).order_by("-code")
    data = {"result": "held", "summary": "Aptarėme", "hours_delivered": "1"}
    assert client.post(url, data | {"indicator_areas": [services_area.pk, governance.pk]}).status_code == 302
    outcome = SessionOutcome.objects.get(consultation=consultation)
    assert set(outcome.indicator_areas.all()) == {services_area, governance}
    # The history keeps the areas as they were at each save.
    assert client.post(url, data | {"indicator_areas": [governance.pk]}).status_code == 302
    kept = [{row.indicatorarea for row in record.indicator_areas.all()} for record in outcome.history.all()]
    assert kept[0] == {governance} and {services_area, governance} in kept
    client.force_login(world.manager)
    page = client.get(reverse("consultations:consultation-detail", args=[consultation.pk])).content.decode()
    assert "Indicator areas served" in page and str(governance) in page and str(services_area) not in page


def test_a_no_show_names_no_indicator_area(client, world):
    consultation = past_confirmed_session(world)
    client.force_login(world.expert.user)
    assert post_outcome(client, consultation, "", result="no_show").status_code == 302


def test_the_managers_addresses_send_other_roles_where_they_work(client, world):
    client.force_login(world.expert.user)
    assert client.get(reverse("consultations:dashboard")).url == reverse("home")
    staff = StaffFactory()
    client.force_login(staff)
    assert client.get(reverse("consultations:dashboard")).url == reverse("home")
    listing = client.get(reverse("consultations:consultation-list"))
    assert listing.url == reverse("admin:consultations_consultation_changelist")
    world.expert.user.is_staff = True  # staff who also consult get their own sessions, as the start page does
    world.expert.user.save(update_fields=["is_staff"])
    client.force_login(world.expert.user)
    assert client.get(reverse("consultations:consultation-list")).url == reverse("consultations:session-list")
    client.force_login(UserFactory())  # no role: the start page explains; the list is nobody's
    assert client.get(reverse("consultations:dashboard")).url == reverse("home")
    assert client.get(reverse("consultations:consultation-list")).status_code == 404


def test_the_experts_recently_logged_sessions_show_the_hours_logged(client, world):
    outcome = held_session(world, hours="2.5", booked="2")
    client.force_login(world.expert.user)
    response = client.get(reverse("consultations:my-sessions"), HTTP_ACCEPT_LANGUAGE="en")
    [recent] = response.context["recent"]
    assert recent == outcome.consultation
    recent_card = response.content.decode().split('id="recent"')[1].split("</section>")[0]
    with translation.override("en"):
        logged, booked = hours_text(Decimal("2.5")), hours_text(Decimal("2"))
    assert f"logged {logged}" in recent_card and f"· {booked} ·" not in recent_card
