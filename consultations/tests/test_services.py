import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from accounts.tests.factories import UserFactory
from consultations import services
from consultations.models import (
    CHANGE_DEADLINE_HOURS,
    AvailabilityException,
    Consultation,
    HourAllocation,
    Rating,
    ServiceArea,
    SessionOutcome,
)

from .factories import ExpertFactory, available_all_week, local_at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The tests read the services' messages in English (the default language is Lithuanian)."""
    with translation.override("en"):
        yield


def refused(field, call, *args, **kwargs):
    before = Consultation.objects.count(), SessionOutcome.objects.count(), Rating.objects.count()
    with pytest.raises(ValidationError) as raised:
        call(*args, **kwargs)
    assert field in raised.value.message_dict, raised.value.message_dict
    assert (Consultation.objects.count(), SessionOutcome.objects.count(), Rating.objects.count()) == before
    return raised.value.message_dict[field][0]


def remaining(world):
    return HourAllocation.objects.with_usage().get(pk=world.allocation.pk).hours_remaining


def test_booking_starts_as_requested_and_holds_hours(world):
    consultation = services.consultation_book(**world.book_kwargs(hours=Decimal("2")))
    assert consultation.status == Consultation.Status.REQUESTED
    assert consultation.ends_at - consultation.starts_at == datetime.timedelta(hours=2)
    assert consultation.agreement == world.agreement
    assert remaining(world) == Decimal("18")
    assert consultation.history.count() == 1


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("starts_at", {"starts_at": timezone.now() - datetime.timedelta(hours=1)}),
        ("starts_at", {"starts_at": timezone.now() + datetime.timedelta(hours=5)}),
        ("hours", {"hours": Decimal("5")}),
        ("hours", {"hours": Decimal("0.5")}),
        ("hours", {"hours": Decimal("-1")}),
        ("city", {"format": "onsite", "city": "Riga", "address": "Brivibas 1", "meeting_url": ""}),
        ("address", {"format": "onsite", "city": "Vilnius", "address": "  ", "meeting_url": ""}),
        ("meeting_url", {"format": "online", "meeting_url": ""}),
        ("topic", {"topic": " "}),
    ],
)
def test_bad_booking_input_is_refused_at_its_field(world, field, overrides):
    refused(field, services.consultation_book, **world.book_kwargs(**overrides))


def test_expert_outside_the_area_or_inactive_is_refused(world):
    outsider = available_all_week(ExpertFactory(service_areas=[ServiceArea.objects.get(code="financial")]))
    assert "service area" in refused("expert", services.consultation_book, **world.book_kwargs(expert=outsider))
    world.expert.is_active = False
    world.expert.save()
    refused("expert", services.consultation_book, **world.book_kwargs())


def test_only_the_clusters_managers_book(world):
    refused("service_area", services.consultation_book, **world.book_kwargs(booked_by=UserFactory()))


def test_no_active_agreement_is_refused(world):
    world.agreement.signatures.all().delete()
    assert "no active agreement" in refused("service_area", services.consultation_book, **world.book_kwargs())


def test_overlap_and_buffer_are_refused_with_the_taken_message(world, settings):
    settings.CONSULTATION_BUFFER_MINUTES = 15
    services.consultation_book(**world.book_kwargs(starts_at=local_at(3, 10)))
    message = refused("starts_at", services.consultation_book, **world.book_kwargs(starts_at=local_at(3, 10, 30)))
    assert "just taken" in message
    # Right after the session, inside the buffer: refused; after the buffer: fine.
    refused("starts_at", services.consultation_book, **world.book_kwargs(starts_at=local_at(3, 11, 0)))
    services.consultation_book(**world.book_kwargs(starts_at=local_at(3, 11, 15)))


def test_time_outside_working_hours_is_refused(world):
    refused("starts_at", services.consultation_book, **world.book_kwargs(starts_at=local_at(3, 19, 30)))
    AvailabilityException.objects.create(expert=world.expert, date=local_at(3, 0).date(), kind="off")
    refused("starts_at", services.consultation_book, **world.book_kwargs())


def test_extra_hours_open_time_outside_the_week(world):
    day = local_at(4, 0).date()
    AvailabilityException.objects.create(
        expert=world.expert, date=day, kind="extra", start_time=datetime.time(20), end_time=datetime.time(22)
    )
    services.consultation_book(**world.book_kwargs(starts_at=local_at(4, 20)))


def test_hours_never_go_below_zero(world):
    world.allocation.hours_granted = Decimal("3")
    world.allocation.save()
    services.consultation_book(**world.book_kwargs(hours=Decimal("2")))
    message = refused(
        "hours", services.consultation_book, **world.book_kwargs(starts_at=local_at(4, 10), hours=Decimal("2"))
    )
    assert "Only 1\N{NO-BREAK SPACE}h left" in message
    services.consultation_book(**world.book_kwargs(starts_at=local_at(4, 10), hours=Decimal("1")))
    assert remaining(world) == 0


def booked_at(world, starts_at, **fields) -> Consultation:
    """A booking at a time the booking service would refuse (inside the minimum notice), written directly."""
    return Consultation.objects.create(
        **{k: v for k, v in world.book_kwargs().items() if k != "starts_at"},
        agreement=world.agreement,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=1),
        **fields,
    )


def test_cancel_returns_hours_and_needs_a_reason_and_24_hours(world):
    consultation = services.consultation_book(**world.book_kwargs())
    refused("reason", services.consultation_cancel, consultation=consultation, by=world.manager, reason="  ")
    services.consultation_cancel(consultation=consultation, by=world.manager, reason="Board meeting moved")
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.CANCELLED
    assert consultation.status_changed_by == world.manager
    assert remaining(world) == Decimal("20")
    # The deadline is CHANGE_DEADLINE_HOURS (24) before the start: a minute outside it cancels, a minute inside not.
    deadline = timezone.now() + datetime.timedelta(hours=CHANGE_DEADLINE_HOURS)
    outside = booked_at(world, deadline + datetime.timedelta(minutes=1))
    services.consultation_cancel(consultation=outside, by=world.manager, reason="Ill")
    inside = booked_at(world, deadline - datetime.timedelta(minutes=1))
    with pytest.raises(ValidationError, match="until 24 hours before the start"):
        services.consultation_cancel(consultation=inside, by=world.manager, reason="Ill")
    inside.refresh_from_db()
    assert inside.status == Consultation.Status.REQUESTED


def test_cancel_and_reschedule_inside_24_hours_are_refused(world):
    soon = Consultation.objects.create(
        **{k: v for k, v in world.book_kwargs().items() if k not in ("starts_at",)},
        agreement=world.agreement,
        starts_at=timezone.now() + datetime.timedelta(hours=20),
        ends_at=timezone.now() + datetime.timedelta(hours=21),
    )
    with pytest.raises(ValidationError, match="24 hours"):
        services.consultation_cancel(consultation=soon, by=world.manager, reason="Ill")
    with pytest.raises(ValidationError, match="24 hours"):
        services.consultation_reschedule(
            consultation=soon, starts_at=local_at(5, 10), hours=Decimal("1"), by=world.manager, reason="Ill"
        )
    soon.refresh_from_db()
    assert soon.status == Consultation.Status.REQUESTED


def test_reschedule_moves_to_a_free_slot_and_asks_again(world):
    consultation = services.consultation_book(**world.book_kwargs(hours=Decimal("2")))
    services.consultation_confirm(consultation=consultation, by=world.expert.user)
    # Moving by half an hour overlaps the old time, which must not count against itself.
    moved = services.consultation_reschedule(
        consultation=consultation, starts_at=local_at(3, 10, 30), hours=Decimal("2"), by=world.manager, reason="Later"
    )
    assert moved.status == Consultation.Status.REQUESTED
    assert moved.starts_at == local_at(3, 10, 30)
    assert remaining(world) == Decimal("18")


def test_reschedule_counts_the_hours_it_gives_back(world):
    """Moving a booking that holds all the hours left needs no more than it gives back."""
    world.allocation.hours_granted = Decimal("2")
    world.allocation.save()
    consultation = services.consultation_book(**world.book_kwargs(hours=Decimal("2")))
    assert remaining(world) == 0
    moved = services.consultation_reschedule(
        consultation=consultation, starts_at=local_at(4, 10), hours=Decimal("2"), by=world.manager, reason="Later"
    )
    assert moved.starts_at == local_at(4, 10) and remaining(world) == 0


def test_reschedule_needs_the_hours(world):
    world.allocation.hours_granted = Decimal("2")
    world.allocation.save()
    consultation = services.consultation_book(**world.book_kwargs(hours=Decimal("2")))
    refused(
        "hours",
        services.consultation_reschedule,
        consultation=consultation,
        starts_at=local_at(4, 10),
        hours=Decimal("3"),
        by=world.manager,
        reason="Longer",
    )


def test_expert_confirms_and_declines_with_a_reason(world):
    first = services.consultation_book(**world.book_kwargs())
    second = services.consultation_book(**world.book_kwargs(starts_at=local_at(4, 10)))
    services.consultation_confirm(consultation=first, by=world.expert.user)
    refused("reason", services.consultation_decline, consultation=second, by=world.expert.user, reason="")
    services.consultation_decline(consultation=second, by=world.expert.user, reason="On leave")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("confirmed", "declined")
    assert second.status_reason == "On leave"
    with pytest.raises(ValidationError):
        services.consultation_confirm(consultation=second, by=world.expert.user)


def test_a_request_cannot_be_confirmed_after_its_start(world):
    started = booked_at(world, timezone.now() - datetime.timedelta(minutes=1))
    with pytest.raises(ValidationError, match="already started and can no longer be confirmed"):
        services.consultation_confirm(consultation=started, by=world.expert.user)
    started.refresh_from_db()
    assert started.status == Consultation.Status.REQUESTED and started.confirmed_at is None


def past_confirmed(world, hours=Decimal("2"), **overrides):
    start = timezone.now() - datetime.timedelta(hours=3)
    return Consultation.objects.create(
        **{k: v for k, v in world.book_kwargs(hours=hours, **overrides).items() if k != "starts_at"},
        agreement=world.agreement,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=float(hours)),
        status=Consultation.Status.CONFIRMED,
    )


def test_outcome_counts_delivered_hours(world):
    consultation = past_confirmed(world)
    assert remaining(world) == Decimal("18")  # held until the outcome is logged
    services.outcome_save(
        consultation=consultation, by=world.expert.user, result="held", summary="Done", hours_delivered=Decimal("2.75")
    )
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.HELD
    allocation = HourAllocation.objects.with_usage().get(pk=world.allocation.pk)
    assert (allocation.hours_delivered, allocation.hours_held, allocation.hours_remaining) == (
        Decimal("2.75"),
        Decimal("0"),
        Decimal("17.25"),
    )


@pytest.mark.parametrize("hours", [Decimal("0"), Decimal("-1"), Decimal("3.25"), Decimal("1.1"), None])
def test_bad_hours_delivered_are_refused(world, hours):
    consultation = past_confirmed(world)
    refused(
        "hours_delivered",
        services.outcome_save,
        consultation=consultation,
        by=world.expert.user,
        result="held",
        summary="Done",
        hours_delivered=hours,
    )


def test_outcome_before_the_start_is_refused(world):
    consultation = services.consultation_book(**world.book_kwargs())
    services.consultation_confirm(consultation=consultation, by=world.expert.user)
    with pytest.raises(ValidationError, match="once the session has started"):
        services.outcome_save(
            consultation=consultation,
            by=world.expert.user,
            result="held",
            summary="x",
            hours_delivered=Decimal("1"),
        )
    assert not SessionOutcome.objects.exists()


def test_outcome_locks_after_seven_days_and_no_show_has_no_hours(world):
    consultation = past_confirmed(world)
    outcome = services.outcome_save(
        consultation=consultation, by=world.expert.user, result="no_show", summary="Nobody came", hours_delivered=None
    )
    assert outcome.hours_delivered == 0
    SessionOutcome.objects.filter(pk=outcome.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))
    with pytest.raises(ValidationError, match="locked"):
        services.outcome_save(
            consultation=consultation, by=world.expert.user, result="held", summary="x", hours_delivered=Decimal("1")
        )


def delivered(world):
    return HourAllocation.objects.get(pk=world.allocation.pk).hours_delivered


def log_held(consultation, hours):
    """The session's own expert logs it as held, delivering ``hours``."""
    return services.outcome_save(
        consultation=consultation, by=consultation.expert.user, result="held", summary="Done", hours_delivered=hours
    )


def test_delivered_hours_follow_every_change_of_the_outcomes(world):
    other = ExpertFactory(service_areas=[world.area])
    first, second = past_confirmed(world), past_confirmed(world, expert=other)
    log_held(first, Decimal("2"))
    log_held(second, Decimal("1.5"))
    assert delivered(world) == Decimal("3.5")
    services.outcome_save(  # the expert corrects the second one within the week
        consultation=second, by=other.user, result="no_show", summary="Nobody came", hours_delivered=None
    )
    assert delivered(world) == Decimal("2")


def test_recount_hours_command_mends_outcomes_changed_outside_the_application(world):
    import io

    from django.core.management import call_command

    log_held(past_confirmed(world), Decimal("2"))
    SessionOutcome.objects.update(hours_delivered=Decimal("1.5"))  # an import that bypasses the application
    assert delivered(world) == Decimal("2")
    out = io.StringIO()
    call_command("recount_hours", stdout=out)
    assert delivered(world) == Decimal("1.5")
    assert "1 allocation" in out.getvalue()


def grant(world, hours):
    return services.allocation_set_hours(agreement=world.agreement, service_area=world.area, hours_granted=hours)


def test_changing_a_grant_keeps_the_hours_its_outcomes_delivered(world):
    read_earlier = HourAllocation.objects.get(pk=world.allocation.pk)
    log_held(past_confirmed(world), Decimal("2"))
    assert read_earlier.hours_delivered == 0  # what a form opened before the outcome holds
    grant(world, Decimal("30"))
    assert (HourAllocation.objects.get(pk=world.allocation.pk).hours_granted, delivered(world)) == (
        Decimal("30"),
        Decimal("2"),
    )


def test_an_area_granted_again_counts_the_hours_delivered_before(world):
    log_held(past_confirmed(world), Decimal("2"))
    HourAllocation.objects.filter(pk=world.allocation.pk).delete()  # given up outside the application
    again = grant(world, Decimal("20"))
    assert again.pk != world.allocation.pk and again.hours_delivered == Decimal("2")
    assert HourAllocation.objects.get(pk=again.pk).hours_delivered == Decimal("2")


def test_a_grant_below_the_hours_delivered_and_held_is_refused(world):
    log_held(past_confirmed(world), Decimal("2"))  # 2 h delivered
    services.consultation_book(**world.book_kwargs(hours=Decimal("1.5")))  # 1.5 h held
    message = refused("hours_granted", grant, world, Decimal("3.25"))
    assert "3.5" in message and "delivered or held" in message
    assert HourAllocation.objects.get(pk=world.allocation.pk).hours_granted == Decimal("20")
    grant(world, Decimal("3.5"))
    assert remaining(world) == 0


def test_hours_in_use_are_not_taken_away(world):
    services.consultation_book(**world.book_kwargs(hours=Decimal("1")))
    refused("hours_granted", services.allocation_delete, allocation=world.allocation)
    assert HourAllocation.objects.filter(pk=world.allocation.pk).exists()
    Consultation.objects.update(status=Consultation.Status.CANCELLED, status_reason="Not needed")
    services.allocation_delete(allocation=world.allocation)
    assert not HourAllocation.objects.filter(pk=world.allocation.pk).exists()


def test_recount_mends_counters_written_past_the_outcomes(world):
    log_held(past_confirmed(world), Decimal("2"))
    HourAllocation.objects.update(hours_delivered=Decimal("99"))
    assert services.recount_delivered_hours(HourAllocation.objects.all()) == HourAllocation.objects.count()
    assert delivered(world) == Decimal("2")


def test_rating_once_after_a_held_session(world):
    consultation = past_confirmed(world)
    refused("score", services.rating_create, consultation=consultation, by=world.manager, score=5)
    services.outcome_save(
        consultation=consultation, by=world.expert.user, result="held", summary="Done", hours_delivered=Decimal("2")
    )
    refused("score", services.rating_create, consultation=consultation, by=world.manager, score=6)
    services.rating_create(consultation=consultation, by=world.manager, score=5, comment="Great")
    assert "already" in refused("score", services.rating_create, consultation=consultation, by=world.manager, score=3)


def test_reassign_applies_the_area_and_overlap_rules(world):
    consultation = services.consultation_book(**world.book_kwargs())
    other = available_all_week(ExpertFactory(service_areas=[world.area]))
    outsider = available_all_week(ExpertFactory(service_areas=[ServiceArea.objects.get(code="marketing")]))
    refused("expert", services.consultation_reassign, consultation=consultation, expert=outsider, by=world.manager)
    # The other expert is busy at that time with another cluster.
    busy = Consultation.objects.create(
        **world.book_kwargs(expert=other), agreement=world.agreement, ends_at=local_at(3, 11)
    )
    refused("starts_at", services.consultation_reassign, consultation=consultation, expert=other, by=world.manager)
    busy.status = Consultation.Status.CANCELLED
    busy.status_reason = "x"
    busy.save()
    services.consultation_reassign(consultation=consultation, expert=other, by=world.manager)
    consultation.refresh_from_db()
    assert consultation.expert == other
    assert consultation.history.count() == 2


def test_calendar_token_regenerates(world):
    feed = services.calendar_feed_for(world.manager)
    old = feed.token
    assert services.calendar_feed_regenerate(user=world.manager).token != old


@pytest.mark.parametrize(
    ("notice", "text"), [(48, "Book at least 48 hours ahead."), (1, "Book at least 1 hour ahead.")]
)
def test_the_minimum_notice_is_the_settings_and_says_so(world, settings, notice, text):
    settings.CONSULTATION_MIN_NOTICE_HOURS = notice
    too_soon = timezone.now() + datetime.timedelta(hours=notice) - datetime.timedelta(minutes=5)
    assert refused("starts_at", services.consultation_book, **world.book_kwargs(starts_at=too_soon)) == text


def test_staff_status_change_needs_a_reason_and_follows_the_rules(world):
    from accounts.tests.factories import StaffFactory

    staff = StaffFactory()
    consultation = services.consultation_book(**world.book_kwargs())
    refused(
        "reason",
        services.consultation_status_change,
        consultation=consultation,
        status="cancelled",
        reason=" ",
        by=staff,
    )
    with pytest.raises(ValidationError, match="follow from the session's outcome"):
        services.consultation_status_change(consultation=consultation, status="held", reason="Met", by=staff)
    services.consultation_status_change(consultation=consultation, status="confirmed", reason="By phone", by=staff)
    consultation.refresh_from_db()
    assert (consultation.status, consultation.status_reason) == ("confirmed", "By phone")
    assert consultation.confirmed_at is not None
    assert remaining(world) == Decimal("19")
    services.consultation_status_change(consultation=consultation, status="cancelled", reason="Expert ill", by=staff)
    consultation.refresh_from_db()
    assert consultation.status == "cancelled" and consultation.cancelled_at is not None
    assert remaining(world) == Decimal("20")
