"""The availability editor: time off as ranges of days, weekly hours that never overlap, a preview of the free
times, and rows that are empty until the expert fills them."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.forms import AvailabilityExceptionFormSet, WeeklyAvailabilityFormSet
from consultations.models import AvailabilityException, WeeklyAvailability, weekly_overlaps
from consultations.selectors import availability_preview, free_slots, slot_is_free

from .factories import ConsultationFactory, ExpertFactory, local_at

pytestmark = pytest.mark.usefixtures("english")

URL = reverse("consultations:availability")


def formset_data(prefix, rows, initial=0):
    data = {f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": initial}
    data.update({f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000})
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


def day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


def existing_weekly(expert):
    """The expert's weekly rows as the editor posts them back unchanged."""
    rows = WeeklyAvailability.objects.filter(expert=expert).order_by("weekday", "start_time")
    return [
        {
            "id": row.pk,
            "weekday": row.weekday,
            "start_time": f"{row.start_time:%H:%M}",
            "end_time": f"{row.end_time:%H:%M}",
        }
        for row in rows
    ]


@pytest.fixture
def bare_expert(db):
    """An expert with no hours yet."""
    return ExpertFactory()


# --- Time off as a range of days ---------------------------------------------------------------------------


def test_a_two_week_holiday_is_one_row_and_no_day_of_it_is_bookable(client, world):
    client.force_login(world.expert.user)
    first, last = day(3), day(16)
    data = {
        **formset_data("weekly", existing_weekly(world.expert), initial=7),
        **formset_data("exceptions", [{"start_date": first, "end_date": last, "kind": "off", "note": "Holiday"}]),
    }
    assert client.post(URL, data).status_code == 302
    holiday = AvailabilityException.objects.get(expert=world.expert)
    assert (holiday.start_date, holiday.end_date, holiday.whole_day) == (first, last, True)
    slots = free_slots([world.expert], first_day=day(2), days=16, length=Decimal("1"))
    free_days = {d.date for d in slots[0].days if d.starts}
    assert free_days == {day(2), day(17)}


def test_the_last_day_left_empty_means_one_day(client, world):
    client.force_login(world.expert.user)
    data = {
        **formset_data("weekly", []),
        **formset_data("exceptions", [{"start_date": day(4), "end_date": "", "kind": "off"}]),
    }
    assert client.post(URL, data).status_code == 302
    assert AvailabilityException.objects.values_list("start_date", "end_date").get() == (day(4), day(4))


def test_a_last_day_before_the_first_is_refused_at_the_field(client, world):
    client.force_login(world.expert.user)
    data = {
        **formset_data("weekly", []),
        **formset_data("exceptions", [{"start_date": day(6), "end_date": day(5), "kind": "off"}]),
    }
    response = client.post(URL, data)
    assert response.status_code == 200
    assert response.context["exceptions"].forms[0].errors["end_date"] == [
        "The last day cannot be before the first day."
    ]
    assert not AvailabilityException.objects.exists()


def test_one_row_covers_at_most_a_year(world):
    row = AvailabilityException(expert=world.expert, start_date=day(1), end_date=day(1 + 366), kind="off")
    with pytest.raises(ValidationError) as raised:
        row.clean()
    assert "end_date" in raised.value.message_dict
    row.end_date = day(1 + 365)
    row.clean()


def test_the_database_refuses_a_last_day_before_the_first(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        AvailabilityException.objects.create(expert=world.expert, start_date=day(6), end_date=day(5), kind="off")


def test_a_holiday_under_way_is_shown_and_can_be_extended(client, world):
    """A holiday that began yesterday is still on the page; its first day may stay in the past."""
    holiday = AvailabilityException.objects.create(expert=world.expert, start_date=day(-1), end_date=day(2), kind="off")
    client.force_login(world.expert.user)
    response = client.get(URL)
    assert [form.instance for form in response.context["exceptions"].forms] == [holiday]
    data = {
        **formset_data("weekly", []),
        **formset_data(
            "exceptions", [{"id": holiday.pk, "start_date": day(-1), "end_date": day(9), "kind": "off"}], initial=1
        ),
    }
    assert client.post(URL, data).status_code == 302
    holiday.refresh_from_db()
    assert holiday.end_date == day(9)


def test_a_new_row_may_not_start_in_the_past(client, world):
    client.force_login(world.expert.user)
    data = {**formset_data("weekly", []), **formset_data("exceptions", [{"start_date": day(-1), "kind": "off"}])}
    response = client.post(URL, data)
    assert response.context["exceptions"].forms[0].errors["start_date"] == ["The first day is in the past."]


def test_a_holiday_that_began_before_the_week_shown_still_counts(world):
    AvailabilityException.objects.create(expert=world.expert, start_date=day(2), end_date=day(9), kind="off")
    slots = free_slots([world.expert], first_day=day(5), days=7, length=Decimal("1"))
    assert [d.date for d in slots[0].days if d.starts] == [day(10), day(11)]


def test_times_apply_to_each_day_of_the_range(world):
    AvailabilityException.objects.create(
        expert=world.expert,
        start_date=day(3),
        end_date=day(5),
        kind="extra",
        start_time=datetime.time(20),
        end_time=datetime.time(22),
    )
    for offset in (3, 4, 5):
        assert slot_is_free(world.expert, starts_at=local_at(offset, 20), ends_at=local_at(offset, 22))
    assert not slot_is_free(world.expert, starts_at=local_at(6, 20), ends_at=local_at(6, 22))
    assert not slot_is_free(world.expert, starts_at=local_at(2, 20), ends_at=local_at(2, 22))


# --- Weekly hours never overlap --------------------------------------------------------------------------


def test_overlapping_weekly_hours_are_refused_with_both_rows_named(client, bare_expert):
    client.force_login(bare_expert.user)
    data = {
        **formset_data(
            "weekly",
            [
                {"weekday": "0", "start_time": "09:00", "end_time": "17:00"},
                {"weekday": "0", "start_time": "16:00", "end_time": "18:00"},
            ],
        ),
        **formset_data("exceptions", []),
    }
    response = client.post(URL, data)
    assert response.status_code == 200
    assert response.context["weekly"].forms[1].non_field_errors() == [
        "Monday 09:00–17:00 overlaps Monday 16:00–18:00. Join them into one row or change the times."
    ]
    assert response.context["weekly"].non_form_errors() == ["Some weekly hours overlap; see the marked rows."]
    assert "Monday 09:00–17:00 overlaps Monday 16:00–18:00" in response.text
    assert not WeeklyAvailability.objects.filter(expert=bare_expert).exists()


def test_hours_that_only_touch_or_fall_on_other_days_are_accepted(client, bare_expert):
    client.force_login(bare_expert.user)
    data = {
        **formset_data(
            "weekly",
            [
                {"weekday": "0", "start_time": "09:00", "end_time": "12:00"},
                {"weekday": "0", "start_time": "12:00", "end_time": "17:00"},
                {"weekday": "1", "start_time": "10:00", "end_time": "18:00"},
            ],
        ),
        **formset_data("exceptions", []),
    }
    assert client.post(URL, data).status_code == 302
    assert WeeklyAvailability.objects.filter(expert=bare_expert).count() == 3


def test_weekly_overlaps_finds_each_overlapping_pair():
    def row(weekday, start, end):
        return WeeklyAvailability(weekday=weekday, start_time=datetime.time(start), end_time=datetime.time(end))

    a, b, c, d = row(0, 9, 17), row(0, 16, 18), row(0, 10, 11), row(1, 9, 17)
    assert weekly_overlaps([b, a, d]) == [(a, b)]
    assert weekly_overlaps([a, b, c]) == [(a, c), (a, b)]
    assert weekly_overlaps([row(0, 9, 12), row(0, 12, 17), d]) == []
    # Rows the editor has not completed yet (a time missing) are left for the form's own field errors.
    no_start = WeeklyAvailability(weekday=0, start_time=None, end_time=datetime.time(12))
    no_times = WeeklyAvailability(weekday=0, start_time=None, end_time=None)
    assert weekly_overlaps([a, no_start, no_times, b]) == [(a, b)]


def test_hours_can_move_between_rows_in_one_save(client, bare_expert):
    """Shortening one row and giving its time to a new row is one save (the constraint is checked at the end)."""
    monday = WeeklyAvailability.objects.create(
        expert=bare_expert, weekday=0, start_time=datetime.time(9), end_time=datetime.time(17)
    )
    client.force_login(bare_expert.user)
    data = {
        **formset_data(
            "weekly",
            [
                {"id": monday.pk, "weekday": "0", "start_time": "09:00", "end_time": "12:00"},
                {"weekday": "0", "start_time": "12:00", "end_time": "18:00"},
            ],
            initial=1,
        ),
        **formset_data("exceptions", []),
    }
    assert client.post(URL, data).status_code == 302
    assert sorted(WeeklyAvailability.objects.filter(expert=bare_expert).values_list("start_time", "end_time")) == [
        (datetime.time(9), datetime.time(12)),
        (datetime.time(12), datetime.time(18)),
    ]


def test_the_service_refuses_an_overlap_with_rows_the_form_did_not_carry(world):
    """Another tab saved Monday 08:00–20:00 meanwhile: the form saw only its own new row, the service sees both."""
    data = {
        **formset_data("weekly", [{"weekday": "0", "start_time": "07:00", "end_time": "09:00"}]),
        **formset_data("exceptions", []),
    }
    weekly = WeeklyAvailabilityFormSet(data, queryset=WeeklyAvailability.objects.none(), prefix="weekly")
    exceptions = AvailabilityExceptionFormSet(data, queryset=AvailabilityException.objects.none(), prefix="exceptions")
    assert weekly.is_valid() and exceptions.is_valid()
    with pytest.raises(ValidationError) as raised:
        services.availability_save(expert=world.expert, weekly_formset=weekly, exception_formset=exceptions)
    assert raised.value.messages == [
        "Monday 07:00–09:00 overlaps Monday 08:00–20:00. Join them into one row or change the times."
    ]
    assert [error.code for error in raised.value.error_list] == ["overlap"]  # the form's code for the same refusal
    assert WeeklyAvailability.objects.filter(expert=world.expert).count() == 7


def test_the_page_shows_the_services_refusal(client, world, monkeypatch):
    def refuse(**kwargs):
        raise ValidationError("These weekly hours overlap other hours on the same day.")

    monkeypatch.setattr(services, "availability_save", refuse)
    client.force_login(world.expert.user)
    data = {**formset_data("weekly", []), **formset_data("exceptions", [])}
    response = client.post(URL, data)
    assert response.status_code == 200
    assert "These weekly hours overlap other hours on the same day." in response.text


@pytest.mark.skipif(connection.vendor != "postgresql", reason="exclusion constraints exist on PostgreSQL only")
def test_postgresql_refuses_overlapping_weekly_hours(bare_expert):
    WeeklyAvailability.objects.create(
        expert=bare_expert, weekday=0, start_time=datetime.time(9), end_time=datetime.time(17)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        WeeklyAvailability.objects.create(
            expert=bare_expert, weekday=0, start_time=datetime.time(16), end_time=datetime.time(18)
        )
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS consultations_no_weekly_overlap IMMEDIATE")
    # Touching hours, another day and another expert are fine.
    with transaction.atomic():
        WeeklyAvailability.objects.create(
            expert=bare_expert, weekday=0, start_time=datetime.time(17), end_time=datetime.time(18)
        )
        WeeklyAvailability.objects.create(
            expert=bare_expert, weekday=1, start_time=datetime.time(9), end_time=datetime.time(18)
        )
        WeeklyAvailability.objects.create(
            expert=ExpertFactory(), weekday=0, start_time=datetime.time(9), end_time=datetime.time(18)
        )
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS consultations_no_weekly_overlap IMMEDIATE")


# --- Empty rows and placeholders ---------------------------------------------------------------------------


def test_no_blank_rows_and_no_dashes_for_an_expert_with_hours(client, world):
    client.force_login(world.expert.user)
    response = client.get(URL)
    assert len(response.context["weekly"].forms) == 7 and len(response.context["exceptions"].forms) == 0
    assert "---------" not in response.text
    # The rows the script adds come from the empty form, whose day reads as a prompt.
    assert '<option value="" selected>Choose a day</option>' in response.text
    assert 'src="/static/consultations/formset-rows.js"' in response.text


def test_an_expert_without_hours_gets_one_row_to_fill_in(client, bare_expert):
    client.force_login(bare_expert.user)
    response = client.get(URL)
    assert len(response.context["weekly"].forms) == 1


def test_rows_left_empty_are_ignored(client, bare_expert):
    client.force_login(bare_expert.user)
    data = {
        **formset_data(
            "weekly",
            [
                {"weekday": "", "start_time": "", "end_time": ""},
                {"weekday": "2", "start_time": "09:00", "end_time": "12:00"},
            ],
        ),
        **formset_data("exceptions", [{"start_date": "", "end_date": "", "kind": "off", "note": ""}]),
    }
    assert client.post(URL, data).status_code == 302
    assert list(WeeklyAvailability.objects.filter(expert=bare_expert).values_list("weekday", flat=True)) == [2]
    assert not AvailabilityException.objects.exists()


def test_a_new_row_removed_before_saving_is_not_saved(client, bare_expert):
    """The script marks a row added and removed on the page with its DELETE field, even half filled in."""
    client.force_login(bare_expert.user)
    data = {
        **formset_data("weekly", [{"weekday": "2", "start_time": "09:00", "end_time": "", "DELETE": "on"}]),
        **formset_data("exceptions", []),
    }
    assert client.post(URL, data).status_code == 302
    assert not WeeklyAvailability.objects.exists()


# --- Preview -----------------------------------------------------------------------------------------------


def test_the_preview_shows_free_times_after_bookings_and_time_off(world):
    AvailabilityException.objects.create(expert=world.expert, start_date=day(3), end_date=day(4), kind="off")
    ConsultationFactory(expert=world.expert, starts_at=local_at(5, 10), ends_at=local_at(5, 11), status="confirmed")
    preview = {d.date: d for d in availability_preview(world.expert)}
    assert len(preview) == 14 and min(preview) == day(0)
    assert preview[day(3)].off and preview[day(3)].stretches == [] and preview[day(4)].off
    buffer = datetime.timedelta(minutes=15)
    assert preview[day(5)].stretches == [
        (local_at(5, 8), local_at(5, 10) - buffer),
        (local_at(5, 11, 30), local_at(5, 20)),  # after the buffer, on the half-hour grid
    ]
    assert preview[day(6)].stretches == [(local_at(6, 8), local_at(6, 20))]
    # Nothing inside the minimum notice: today has no free time.
    assert preview[day(0)].stretches == [] and not preview[day(0)].off


def test_preview_without_saving_shows_the_new_rows_and_saves_nothing(client, bare_expert):
    client.force_login(bare_expert.user)
    data = {
        **formset_data("weekly", [{"weekday": str(day(3).weekday()), "start_time": "09:00", "end_time": "11:00"}]),
        **formset_data("exceptions", []),
        "preview": "1",
    }
    response = client.post(URL, data)
    assert response.status_code == 200
    assert not WeeklyAvailability.objects.exists()
    assert response.context["is_preview"]
    preview = {d.date: d.stretches for d in response.context["preview"]}
    assert preview[day(3)] == [(local_at(3, 9), local_at(3, 11))]
    assert "Preview: not saved yet" in response.text and "09:00–11:00" in response.text
    # The rows stay on the page to be saved.
    assert response.context["weekly"].forms[0]["start_time"].value() == "09:00"


def test_the_saved_page_previews_the_saved_hours(client, world):
    client.force_login(world.expert.user)
    response = client.get(URL)
    assert not response.context["is_preview"]
    assert "Your free times in the next 2 weeks" in response.text
    assert "08:00–20:00" in response.text


def test_lithuanian_page_reads_lithuanian(client, world):
    client.force_login(world.expert.user)
    world.expert.user.language = "lt"
    world.expert.user.save()
    response = client.get(URL)
    assert "Pasirinkite dieną" in response.text
    assert "Laisvas laikas per artimiausias 2 savaites" in response.text
