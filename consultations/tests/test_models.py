"""The consultation rules that live on the models, as the pages and the services ask them: each at its exact
boundary, in its exact words."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone, translation

from accounts.tests.factories import UserFactory
from consultations.models import (
    CHANGE_DEADLINE_HOURS,
    OUTCOME_EDIT_DAYS,
    AvailabilityException,
    CalendarFeed,
    Consultation,
    ConsultationChange,
    ConsultationMessage,
    Expert,
    ExtraHours,
    ServiceArea,
    SessionOutcome,
    WeeklyAvailability,
    validate_consulting_languages,
)

from .factories import ConsultationFactory, RatingFactory, SessionOutcomeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

SECOND = datetime.timedelta(seconds=1)
NOW = timezone.make_aware(datetime.datetime(2026, 6, 1, 12, 0))
TICK = datetime.timedelta(microseconds=1)
Status = Consultation.Status


def test_a_request_is_confirmed_until_its_start_and_not_after():
    consultation = ConsultationFactory.build(status=Consultation.Status.REQUESTED)
    start = consultation.starts_at
    assert consultation.confirm_refusal(now=start - SECOND) is None
    assert consultation.confirm_refusal(now=start) == (
        "This request has already started and can no longer be confirmed."
    )
    consultation.status = Consultation.Status.CONFIRMED
    assert consultation.confirm_refusal(now=start - SECOND) == "Only a requested consultation can be confirmed."


def test_a_past_request_shows_no_confirm_button():
    past = ConsultationFactory(starts_at=timezone.now() - datetime.timedelta(minutes=5))
    upcoming = ConsultationFactory()
    assert not past.can_be_confirmed and upcoming.can_be_confirmed


def test_decline_until_the_start_of_a_live_booking():
    consultation = ConsultationFactory.build(status=Consultation.Status.CONFIRMED)
    assert consultation.decline_refusal(now=consultation.starts_at - SECOND) is None
    assert consultation.decline_refusal(now=consultation.starts_at) is not None
    consultation.status = Consultation.Status.CANCELLED
    assert consultation.decline_refusal(now=consultation.starts_at - SECOND) is not None


def test_changes_close_exactly_the_deadline_hours_before_the_start_and_say_so():
    consultation = ConsultationFactory.build()
    deadline = consultation.starts_at - datetime.timedelta(hours=CHANGE_DEADLINE_HOURS)
    assert consultation.change_refusal(now=deadline - SECOND) is None
    assert consultation.change_refusal(now=deadline) == (
        f"Changes are possible until {CHANGE_DEADLINE_HOURS} hours before the start. "
        "Please contact the expert directly."
    )
    consultation.status = Consultation.Status.DECLINED
    assert consultation.change_refusal(now=deadline - SECOND) == "This consultation is no longer open to changes."


def test_the_outcome_is_the_experts_from_the_start_and_locks_after_the_edit_days():
    outcome = SessionOutcomeFactory()
    consultation = outcome.consultation
    expert = consultation.expert.user
    assert consultation.outcome_refusal(expert) is None
    assert consultation.outcome_refusal(UserFactory()) == "Only the session's expert logs its outcome."
    locked_at = outcome.created_at + datetime.timedelta(days=OUTCOME_EDIT_DAYS)
    assert consultation.outcome_refusal(expert, now=locked_at - SECOND) is None
    assert consultation.outcome_refusal(expert, now=locked_at) == (
        f"The outcome was logged more than {OUTCOME_EDIT_DAYS} days ago and is locked. Ask programme staff."
    )
    upcoming = ConsultationFactory(status=Consultation.Status.CONFIRMED)
    assert upcoming.outcome_refusal(now=upcoming.starts_at - SECOND) == (
        "The outcome can be logged once the session has started."
    )
    assert upcoming.outcome_refusal(now=upcoming.starts_at) is None
    upcoming.status = Consultation.Status.CANCELLED
    assert upcoming.outcome_refusal(now=upcoming.starts_at) == "Only a confirmed session has an outcome."


def test_reassign_only_upcoming_live_bookings_to_another_expert():
    consultation = ConsultationFactory.build(status=Consultation.Status.CONFIRMED)
    assert consultation.reassign_refusal(now=consultation.starts_at - SECOND) is None
    assert consultation.reassign_refusal(now=consultation.starts_at) is not None
    assert consultation.reassign_refusal(consultation.expert, now=consultation.starts_at - SECOND) == (
        "The consultation is already with this expert."
    )


def test_a_held_session_is_rated_once_by_its_clusters_manager():
    outcome = SessionOutcomeFactory()
    consultation = outcome.consultation
    manager = UserFactory()
    consultation.cluster.managers.add(manager)
    assert consultation.rating_refusal(manager) is None
    assert consultation.rating_refusal(UserFactory()) == "Only the cluster's managers rate its consultations."
    RatingFactory(consultation=consultation, rated_by=manager)
    consultation = Consultation.objects.get(pk=consultation.pk)
    assert consultation.rating_refusal(manager) == "This session has already been rated."
    unlogged = ConsultationFactory(status=Consultation.Status.HELD, hours=Decimal("1"))
    assert unlogged.rating_refusal() == "A session can be rated once the expert has logged it as held."


@pytest.mark.parametrize(
    ("status", "target", "allowed"),
    [
        ("requested", "confirmed", True),
        ("requested", "declined", True),
        ("confirmed", "cancelled", True),
        ("confirmed", "confirmed", False),
        ("cancelled", "confirmed", False),
        ("held", "cancelled", False),
        ("confirmed", "held", False),
    ],
)
def test_staff_change_a_status_only_as_the_rules_allow(status, target, allowed):
    consultation = ConsultationFactory.build(status=status)
    assert (consultation.staff_status_refusal(target) is None) == allowed


def test_staff_status_refusals_say_why_and_use_the_experts_rules_at_the_given_time():
    requested = ConsultationFactory.build(status=Status.REQUESTED)
    start = requested.starts_at
    assert requested.staff_status_refusal(Status.REQUESTED) == "The consultation is already: Requested."
    # Confirming and declining on the expert's behalf follow the expert's rules, at ``now``.
    assert requested.staff_status_refusal(Status.CONFIRMED, now=start - TICK) is None
    assert requested.staff_status_refusal(Status.CONFIRMED, now=start) == (
        "This request has already started and can no longer be confirmed."
    )
    assert requested.staff_status_refusal(Status.DECLINED, now=start - TICK) is None
    assert requested.staff_status_refusal(Status.DECLINED, now=start) == (
        "Only an upcoming request or session can be declined."
    )
    # Staff cancel a live booking even after its start.
    assert requested.staff_status_refusal(Status.CANCELLED, now=start + datetime.timedelta(days=1)) is None
    confirmed = ConsultationFactory.build(status=Status.CONFIRMED)
    assert confirmed.staff_status_refusal(Status.CONFIRMED) == "The consultation is already: Confirmed."
    assert confirmed.staff_status_refusal(Status.CANCELLED) is None
    for closed in (Status.DECLINED, Status.CANCELLED, Status.HELD, Status.NO_SHOW):
        assert ConsultationFactory.build(status=closed).staff_status_refusal(
            Status.CANCELLED if closed != Status.CANCELLED else Status.CONFIRMED
        ) == (
            "Only a requested or confirmed consultation can be cancelled."
            if closed != Status.CANCELLED
            else "Only a requested consultation can be confirmed."
        )
    for outcome_status in (Status.HELD, Status.NO_SHOW):
        assert confirmed.staff_status_refusal(outcome_status) == (
            "Held and no-show follow from the session's outcome: log or correct the outcome instead."
        )


def test_a_locked_outcome_refuses_its_expert_with_the_days_and_staff_are_named():
    outcome = SessionOutcomeFactory()
    consultation = Consultation.objects.get(pk=outcome.consultation_id)
    expert = consultation.expert.user
    assert consultation.outcome_refusal(expert, now=outcome.editable_until - TICK) is None
    locked = "The outcome was logged more than 7 days ago and is locked. Ask programme staff."
    assert consultation.outcome_refusal(expert, now=outcome.editable_until) == locked
    # A list row annotated with ``has_outcome`` reads the outcome only when there is one.
    annotated = Consultation.objects.annotate(has_outcome=models.Value(True)).get(pk=consultation.pk)
    assert annotated.outcome_refusal(expert, now=outcome.editable_until) == locked
    without = Consultation.objects.annotate(has_outcome=models.Value(False)).get(pk=consultation.pk)
    assert without.outcome_refusal(expert, now=outcome.editable_until) is None


def test_an_outcome_can_be_removed_until_the_session_is_rated():
    outcome = SessionOutcomeFactory()
    assert outcome.delete_refusal() is None
    RatingFactory(consultation=outcome.consultation)
    assert outcome.delete_refusal() == (
        "The cluster has rated this session, so its outcome stays: correct it instead of deleting it."
    )


@pytest.fixture
def at_now():
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield NOW


def session(status=Status.REQUESTED, starts_at=NOW, hours=Decimal("2"), **fields):
    return Consultation(
        status=status,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=float(hours)),
        hours=hours,
        **fields,
    )


def test_a_session_has_started_from_its_start_time_on(at_now):
    assert session(starts_at=NOW).has_started
    assert not session(starts_at=NOW + TICK).has_started


def test_changes_are_open_until_exactly_24_hours_before_the_start(at_now):
    start = NOW + datetime.timedelta(hours=24)
    assert session(starts_at=start).change_deadline == NOW
    assert not session(starts_at=start).can_be_changed
    assert session(starts_at=start + TICK).can_be_changed
    assert session(Status.CONFIRMED, starts_at=start + TICK).can_be_changed
    assert not session(Status.CANCELLED, starts_at=start + TICK).can_be_changed


@pytest.mark.parametrize(
    ("status", "later", "confirmable", "declinable"),
    [
        (Status.REQUESTED, True, True, True),
        (Status.REQUESTED, False, False, False),
        (Status.CONFIRMED, True, False, True),
        (Status.CONFIRMED, False, False, False),
        (Status.DECLINED, True, False, False),
        (Status.CANCELLED, True, False, False),
    ],
)
def test_confirm_and_decline_need_a_live_session_that_has_not_started(at_now, status, later, confirmable, declinable):
    consultation = session(status, starts_at=NOW + TICK if later else NOW)
    assert (consultation.can_be_confirmed, consultation.can_be_declined) == (confirmable, declinable)


@pytest.mark.parametrize(
    ("status", "started", "loggable"),
    [
        (Status.CONFIRMED, True, True),
        (Status.HELD, True, True),
        (Status.NO_SHOW, True, True),
        (Status.CONFIRMED, False, False),
        (Status.REQUESTED, True, False),
        (Status.CANCELLED, True, False),
    ],
)
def test_an_outcome_is_logged_for_a_confirmed_session_once_started(at_now, status, started, loggable):
    assert session(status, starts_at=NOW if started else NOW + TICK).can_log_outcome == loggable


@pytest.mark.parametrize("status", list(Status))
def test_only_a_declined_session_offers_rebooking(status):
    assert session(status).offers_rebooking == (status == Status.DECLINED)


@pytest.mark.parametrize(
    ("hours", "accepted"),
    [
        (None, False),
        (Decimal("NaN"), False),
        (Decimal("Infinity"), False),
        (Decimal("0"), False),
        (Decimal("-0.25"), False),
        (Decimal("0.25"), True),
        (Decimal("1.75"), True),
        (Decimal("3"), True),  # 2 booked + 1
        (Decimal("3.25"), False),
        (Decimal("1.1"), False),
    ],
)
def test_hours_delivered_are_quarter_hours_above_0_up_to_an_hour_over_the_booking(hours, accepted):
    consultation = session(hours=Decimal("2"))
    assert consultation.max_hours_delivered == Decimal("3")
    assert consultation.accepts_hours_delivered(hours) == accepted


def test_hours_delivered_message_gives_the_range_in_the_readers_numbers():
    assert session(hours=Decimal("1.5")).hours_delivered_message() == (
        "Give the hours delivered in quarter hours, from 0.25 to 2.5 (e.g. 1.75)."
    )
    with translation.override("lt"):
        assert "0,25" in session(hours=Decimal("1.5")).hours_delivered_message()


def test_location_is_the_link_online_and_the_address_on_site():
    assert session(format="online", meeting_url="https://m.example.com/x").location == "https://m.example.com/x"
    assert session(format="onsite", city="Kaunas", address="Laisvės al. 1").location == "Laisvės al. 1, Kaunas"


@pytest.mark.django_db
def test_names_of_the_records():
    consultation = ConsultationFactory(
        topic="Export plan", starts_at=timezone.make_aware(datetime.datetime(2030, 1, 2, 9, 30))
    )
    assert str(consultation) == f"Export plan ({consultation.expert}, 2030-01-02 09:30)"
    assert str(consultation.expert) == str(consultation.expert.user)
    assert consultation.get_status_display() == "Requested"
    assert consultation.get_format_display() == "Online"
    outcome = SessionOutcomeFactory()
    assert str(outcome) == str(outcome.consultation)
    rating = RatingFactory(score=4)
    assert str(rating) == f"4/5 – {rating.consultation}"
    assert str(ServiceArea.objects.get(code="legal")) == "Legal"
    feed = CalendarFeed.objects.create(user=consultation.booked_by)
    assert str(feed) == str(consultation.booked_by)
    assert feed.get_absolute_url() == f"/consultations/calendar/feed/{feed.token}.ics"


def test_weekly_hours_and_exceptions_read_as_times():
    assert str(WeeklyAvailability(weekday=0, start_time=datetime.time(8), end_time=datetime.time(12, 30))) == (
        "Monday 08:00–12:30"
    )
    day = datetime.date(2030, 1, 2)
    assert str(AvailabilityException(start_date=day, end_date=day, kind="off")) == "2030-01-02 Time off"
    extra = AvailabilityException(
        start_date=day, end_date=day, kind="extra", start_time=datetime.time(18), end_time=datetime.time(20)
    )
    assert str(extra) == "2030-01-02 Extra hours 18:00–20:00"
    assert AvailabilityException(start_date=day, end_date=day).whole_day and not extra.whole_day
    holiday = AvailabilityException(start_date=day, end_date=datetime.date(2030, 1, 9), kind="off")
    assert str(holiday) == "2030-01-02–2030-01-09 Time off"


def test_a_message_is_named_by_its_author_and_its_first_forty_characters():
    author = UserFactory(first_name="Rūta", last_name="Kazlauskienė")
    message = ConsultationMessage(author=author, body="Could we meet in the hall instead of room 204, please?")
    assert str(message) == "Rūta Kazlauskienė: Could we meet in the hall instead of roo"


def test_a_change_and_an_outcome_show_their_choices_labels_in_the_reader_s_language():
    change = ConsultationChange(kind="rescheduled", role="manager")
    outcome = SessionOutcome(extra_status="disputed")
    assert (change.get_kind_display(), change.get_role_display(), outcome.get_extra_status_display()) == (
        "Moved",
        "cluster manager",
        "Disputed",
    )
    with translation.override("lt"):
        assert (change.get_kind_display(), change.get_role_display(), outcome.get_extra_status_display()) == (
            str(ConsultationChange.Kind.RESCHEDULED.label),
            str(ConsultationChange.Role.MANAGER.label),
            str(ExtraHours.DISPUTED.label),
        )
        assert change.get_kind_display() != "Moved"
    # A value no longer among the choices (an old row) shows as it is stored.
    assert ConsultationChange(kind="merged", role="auditor").get_kind_display() == "merged"
    assert ConsultationChange(kind="merged", role="auditor").get_role_display() == "auditor"
    assert SessionOutcome(extra_status="").get_extra_status_display() == ""


@pytest.mark.parametrize("end", [datetime.time(8), datetime.time(7, 59)])
def test_weekly_hours_end_after_they_start(end):
    with pytest.raises(ValidationError) as raised:
        WeeklyAvailability(weekday=0, start_time=datetime.time(8), end_time=end).clean()
    assert raised.value.message_dict == {"end_time": ["The end must be after the start."]}
    WeeklyAvailability(weekday=0, start_time=datetime.time(8), end_time=datetime.time(8, 1)).clean()


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"start_time": datetime.time(8)}, {"end_time": ["Give both times, or neither for a whole day off."]}),
        ({"end_time": datetime.time(8)}, {"end_time": ["Give both times, or neither for a whole day off."]}),
        ({"kind": "extra"}, {"start_time": ["Extra hours need a start and an end time."]}),
        (
            {"start_time": datetime.time(8), "end_time": datetime.time(8)},
            {"end_time": ["The end must be after the start."]},
        ),
    ],
)
def test_exception_times_are_both_or_none_and_in_order(fields, errors):
    with pytest.raises(ValidationError) as raised:
        AvailabilityException(
            start_date=datetime.date(2030, 1, 2), end_date=datetime.date(2030, 1, 2), **fields
        ).clean()
    assert raised.value.message_dict == errors


def test_valid_exceptions_pass():
    AvailabilityException(start_date=datetime.date(2030, 1, 2), end_date=datetime.date(2030, 1, 2)).clean()
    AvailabilityException(
        start_date=datetime.date(2030, 1, 2),
        end_date=datetime.date(2030, 1, 2),
        kind="extra",
        start_time=datetime.time(8),
        end_time=datetime.time(8, 1),
    ).clean()


@pytest.mark.parametrize("value", ["lt", ["lt", "xx"], [1]])
def test_languages_are_a_list_of_known_codes(value):
    with pytest.raises(ValidationError) as raised:
        validate_consulting_languages(value)
    assert raised.value.messages == ["Choose the languages from the list."]
    assert raised.value.code == "invalid_language"
    validate_consulting_languages(["lt", "en"])
    validate_consulting_languages([])


def test_language_names_follow_the_experts_order_and_skip_unknown_codes():
    assert Expert(languages=["en", "lt", "xx"]).language_names == "English, Lithuanian"


@pytest.mark.django_db
def test_querysets_cut_at_the_exact_moment(at_now):
    hour = datetime.timedelta(hours=1)
    requested_now = ConsultationFactory(starts_at=NOW)
    requested_later = ConsultationFactory(starts_at=NOW + TICK)
    confirmed_started = ConsultationFactory(status=Status.CONFIRMED, starts_at=NOW - hour)
    ConsultationFactory(status=Status.HELD, starts_at=NOW - 3 * hour)
    ConsultationFactory(status=Status.CANCELLED, status_reason="x", starts_at=NOW + hour)
    ending_now = ConsultationFactory(starts_at=NOW - hour, ends_at=NOW)
    objects = Consultation.objects
    assert set(objects.holding_hours()) == {requested_later, confirmed_started}
    assert set(objects.live()) == {requested_now, requested_later, confirmed_started, ending_now}
    assert ending_now not in objects.upcoming() and ending_now in objects.past()
    assert requested_now in objects.upcoming() and requested_now not in objects.past()
    assert set(objects.outcome_due()) == {confirmed_started}
    at_start = ConsultationFactory(status=Status.CONFIRMED, starts_at=NOW)
    assert at_start in objects.outcome_due()


@pytest.mark.django_db
def test_to_rate_is_held_logged_and_not_yet_rated():
    logged = SessionOutcomeFactory().consultation
    rated = RatingFactory().consultation
    SessionOutcomeFactory(consultation=rated)
    no_show = SessionOutcomeFactory(result="no_show", hours_delivered=0, consultation__status=Status.NO_SHOW)
    unlogged = ConsultationFactory(status=Status.HELD)
    assert list(Consultation.objects.to_rate()) == [logged]
    assert logged.can_be_rated
    assert not Consultation.objects.get(pk=rated.pk).can_be_rated
    assert not Consultation.objects.get(pk=no_show.consultation.pk).can_be_rated
    assert not unlogged.can_be_rated


@pytest.mark.django_db
def test_an_outcome_locks_exactly_7_days_after_it_was_logged():
    outcome = SessionOutcomeFactory()
    assert outcome.editable_until == outcome.created_at + datetime.timedelta(days=7)
    assert outcome.locked_by(outcome.editable_until)
    assert not outcome.locked_by(outcome.editable_until - TICK)
    # Without ``now`` the clock decides.
    with mock.patch("django.utils.timezone.now", return_value=outcome.editable_until):
        assert outcome.locked_by()
    with mock.patch("django.utils.timezone.now", return_value=outcome.editable_until - TICK):
        assert not outcome.locked_by()


def test_calendar_tokens_are_32_random_bytes():
    from consultations.models import new_calendar_token

    tokens = {new_calendar_token() for _ in range(3)}
    assert len(tokens) == 3 and {len(token) for token in tokens} == {43}  # 32 bytes in URL-safe base64


def test_languages_are_chosen_with_checkboxes_and_may_be_left_empty():
    from django import forms

    field = Expert._meta.get_field("languages").formfield()
    assert isinstance(field, forms.MultipleChoiceField)
    assert isinstance(field.widget, forms.CheckboxSelectMultiple)
    assert (field.label, field.help_text, field.required) == (
        "Languages",
        "Languages the expert consults in.",
        False,
    )
    assert list(field.choices)[:2] == [("lt", "Lithuanian"), ("en", "English")]
    assert Expert._meta.get_field("languages").formfield(required=True).required


def test_the_deadline_and_lock_refusals_read_in_lithuanian_with_the_numbers():
    """ngettext finds a translation by its singular text and picks the form by the number (24 and 7 take the
    "valandoms"/"dienas" form), so only a Lithuanian reading checks both."""
    outcome = SessionOutcomeFactory()
    consultation = Consultation.objects.get(pk=outcome.consultation_id)
    upcoming = ConsultationFactory.build(status=Status.CONFIRMED)
    with translation.override("lt"):
        assert upcoming.change_refusal(now=upcoming.change_deadline) == (
            "Keisti galima likus ne mažiau kaip 24 valandoms iki pradžios. Susisiekite su ekspertu tiesiogiai."
        )
        assert consultation.outcome_refusal(now=outcome.editable_until) == (
            "Rezultatai užregistruoti daugiau nei prieš 7 dienas ir užrakinti. Kreipkitės į programos darbuotojus."
        )
