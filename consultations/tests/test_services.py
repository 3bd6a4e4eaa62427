import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.tests.factories import UserFactory
from clusters.models import IndicatorArea
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

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


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
        ("meeting_url", {"format": "online", "meeting_url": "ftp://meet.example.com"}),
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
    AvailabilityException.objects.create(
        expert=world.expert, start_date=local_at(3, 0).date(), end_date=local_at(3, 0).date(), kind="off"
    )
    refused("starts_at", services.consultation_book, **world.book_kwargs())


def test_extra_hours_open_time_outside_the_week(world):
    day = local_at(4, 0).date()
    AvailabilityException.objects.create(
        expert=world.expert,
        start_date=day,
        end_date=day,
        kind="extra",
        start_time=datetime.time(20),
        end_time=datetime.time(22),
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


def test_a_move_must_change_the_time_or_the_length(world):
    consultation = services.consultation_book(**world.book_kwargs(hours=Decimal("2")))
    services.consultation_confirm(consultation=consultation, by=world.expert.user)
    same = {"consultation": consultation, "starts_at": consultation.starts_at, "by": world.manager, "reason": "x"}
    with pytest.raises(ValidationError) as refused:
        services.consultation_reschedule(hours=Decimal("2"), **same)
    assert refused.value.messages == ["This is the time already booked. Pick another time or length."]
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.CONFIRMED and not consultation.changes.exists()
    shorter = services.consultation_reschedule(hours=Decimal("1.5"), **same)
    assert (shorter.hours, shorter.status) == (Decimal("1.5"), Consultation.Status.REQUESTED)


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
    assert (
        refused(
            "hours",
            services.consultation_reschedule,
            consultation=consultation,
            starts_at=local_at(4, 10),
            hours=Decimal("3"),
            by=world.manager,
            reason="Longer",
        )
        == f"Only 2\u00a0h left in {world.area}; this booking needs 3\u00a0h."
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
    # The 0.75 h over the 2 h booking wait for the cluster: only the booked length counts for now.
    assert (allocation.hours_delivered, allocation.hours_held, allocation.hours_remaining) == (
        Decimal("2"),
        Decimal("0"),
        Decimal("18"),
    )
    services.outcome_extra_accept(outcome=consultation.outcome, by=world.manager)
    allocation = HourAllocation.objects.with_usage().get(pk=world.allocation.pk)
    assert (allocation.hours_delivered, allocation.hours_remaining) == (Decimal("2.75"), Decimal("17.25"))


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


def test_staff_confirm_an_online_session_only_with_its_link(world):
    from accounts.tests.factories import StaffFactory

    staff = StaffFactory()
    consultation = services.consultation_book(**world.book_kwargs(meeting_url=""))
    with pytest.raises(ValidationError, match="no meeting link yet: add it on the consultation's page first"):
        services.consultation_status_change(consultation=consultation, status="confirmed", reason="By phone", by=staff)
    Consultation.objects.filter(pk=consultation.pk).update(meeting_url="https://meet.example.com/staff")
    consultation.refresh_from_db()
    services.consultation_status_change(consultation=consultation, status="confirmed", reason="By phone", by=staff)
    consultation.refresh_from_db()
    assert consultation.status == "confirmed"


# --- Each rule's exact boundary and words (the mutation run, README "Mutation testing") ----------------------


def refusal(call, **kwargs):
    """The messages of a refusal that names no field."""
    with pytest.raises(ValidationError) as raised:
        call(**kwargs)
    assert not hasattr(raised.value, "error_dict"), raised.value.message_dict
    return raised.value.messages


def booked(world, **overrides):
    return services.consultation_book(**world.book_kwargs(**overrides))


@pytest.mark.parametrize(
    ("field", "overrides", "message"),
    [
        ("topic", {"topic": None}, "Give the topic of the consultation."),
        ("topic", {"topic": "  "}, "Give the topic of the consultation."),
        (
            "city",
            {"format": "onsite", "city": "Riga", "address": "Brivibas 1"},
            "On-site consultations take place in Lithuania: choose a Lithuanian city.",
        ),
        ("address", {"format": "onsite", "city": "Vilnius", "address": None}, "Give the street address in Lithuania."),
        ("meeting_url", {"meeting_url": "http://meet.example.com"}, "The meeting link must start with https://."),
        ("format", {"format": "phone"}, "Choose on-site or online."),
        ("service_area", {"booked_by": "stranger"}, "You do not manage this cluster."),
    ],
)
def test_booking_refusals_name_the_field_and_the_rule(world, field, overrides, message):
    if overrides.get("booked_by") == "stranger":
        overrides = overrides | {"booked_by": UserFactory()}
    assert refused(field, services.consultation_book, **world.book_kwargs(**overrides)) == message


def test_onsite_booking_without_an_address_argument_is_refused(world):
    kwargs = world.book_kwargs(format="onsite", city="Vilnius")
    kwargs.pop("meeting_url")
    assert refused("address", services.consultation_book, **kwargs) == "Give the street address in Lithuania."


@pytest.mark.parametrize("link", [None, "", "   "])
def test_online_booking_may_leave_the_link_for_the_expert(world, link):
    kwargs = world.book_kwargs(meeting_url=link, city="Vilnius", address="Gedimino pr. 1")
    if link is None:
        kwargs.pop("meeting_url")
    consultation = services.consultation_book(**kwargs)
    consultation.refresh_from_db()
    assert (consultation.meeting_url, consultation.city, consultation.address) == ("", "", "")
    assert consultation.awaits_meeting_link


def test_the_expert_gives_the_link_the_cluster_left_when_confirming(world):
    consultation = booked(world, meeting_url="")
    assert refused("meeting_url", services.consultation_confirm, consultation=consultation, by=world.expert.user) == (
        "Add the meeting link: the cluster left it for you to give when confirming."
    )
    consultation.refresh_from_db()
    assert consultation.status == "requested"
    assert "https://" in refused(
        "meeting_url",
        services.consultation_confirm,
        consultation=consultation,
        by=world.expert.user,
        meeting_url="http://meet.example.com/x",
    )
    services.consultation_confirm(
        consultation=consultation, by=world.expert.user, meeting_url=" https://meet.example.com/expert "
    )
    consultation.refresh_from_db()
    assert (consultation.status, consultation.meeting_url) == ("confirmed", "https://meet.example.com/expert")
    assert not consultation.awaits_meeting_link


def test_an_expert_confirming_keeps_or_replaces_the_clusters_link(world):
    kept, replaced = booked(world), booked(world, starts_at=local_at(4, 10))
    services.consultation_confirm(consultation=kept, by=world.expert.user)
    services.consultation_confirm(consultation=replaced, by=world.expert.user, meeting_url="https://x.example.com/r")
    kept.refresh_from_db(), replaced.refresh_from_db()
    assert (kept.meeting_url, replaced.meeting_url) == ("https://meet.example.com/room", "https://x.example.com/r")


def test_a_request_may_lose_its_link_but_a_confirmed_session_keeps_one(world):
    request_, confirmed = booked(world), booked(world, starts_at=local_at(4, 10))
    services.consultation_confirm(consultation=confirmed, by=world.expert.user)
    values = {"topic": "Strategy review", "agenda": "Goals", "format": "online", "meeting_url": ""}
    services.consultation_edit_details(consultation=request_, by=world.manager, **values)
    request_.refresh_from_db()
    assert request_.awaits_meeting_link
    edit = services.consultation_edit_details
    assert refused("meeting_url", edit, consultation=confirmed, by=world.manager, **values) == (
        "The expert has already confirmed: an online session needs its meeting link now."
    )
    confirmed.refresh_from_db()
    assert confirmed.meeting_url == "https://meet.example.com/room"


def test_onsite_booking_keeps_city_and_address_and_no_link(world):
    consultation = booked(world, format="onsite", city="Vilnius", address="  Gedimino 1 ")
    assert (consultation.city, consultation.address, consultation.meeting_url) == ("Vilnius", "Gedimino 1", "")


def test_area_without_hours_in_this_agreement_is_refused_though_other_clusters_have_some(world, other_world):
    marketing = ServiceArea.objects.get(code="marketing")
    world.expert.service_areas.add(marketing)
    HourAllocation.objects.create(agreement=other_world.agreement, service_area=marketing, hours_granted=5)
    assert refused("service_area", services.consultation_book, **world.book_kwargs(service_area=marketing)) == (
        "Your agreement has no hours in this service area."
    )


def test_hours_left_are_read_from_this_agreements_allocation_in_this_area(world, other_world):
    HourAllocation.objects.create(
        agreement=world.agreement, service_area=ServiceArea.objects.get(code="marketing"), hours_granted=5
    )
    other_world.allocation.hours_granted = Decimal("1")
    other_world.allocation.save()
    consultation = booked(world, hours=Decimal("4"))
    assert consultation.hours == Decimal("4")
    assert remaining(world) == Decimal("16")


def test_no_hours_left_refuses_even_one_hour(world):
    world.allocation.hours_granted = Decimal("2")
    world.allocation.save()
    booked(world, hours=Decimal("2"))
    assert refused("hours", services.consultation_book, **world.book_kwargs(starts_at=local_at(4, 10))) == (
        "Only 0\N{NO-BREAK SPACE}h left in Legal; this booking needs 1\N{NO-BREAK SPACE}h."
    )


def test_reschedule_records_who_moved_it_and_why_within_the_same_hours(world):
    world.allocation.hours_granted = Decimal("2")
    world.allocation.save()
    consultation = booked(world, hours=Decimal("2"))
    moved = services.consultation_reschedule(
        consultation=consultation, starts_at=local_at(4, 10), hours=Decimal("2"), by=world.manager, reason="Later"
    )
    assert (moved.starts_at, moved.hours, moved.status_changed_by) == (local_at(4, 10), Decimal("2"), world.manager)
    # The reason is the move's (its change row), not the status's, so it is never shown as the expert's later.
    assert moved.status_reason == ""
    assert moved.changes.get().reason == "Later"
    assert remaining(world) == 0


def test_a_reason_is_required_in_these_words(world):
    consultation = booked(world)
    assert refused("reason", services.consultation_cancel, consultation=consultation, by=world.manager, reason="") == (
        "Give a reason."
    )


def test_confirm_records_who_and_when_and_refuses_in_the_rules_words(world):
    consultation = booked(world)
    before = timezone.now()
    confirmed = services.consultation_confirm(consultation=consultation, by=world.expert.user)
    assert confirmed.status_changed_by == world.expert.user
    assert before <= confirmed.confirmed_at <= timezone.now()
    assert refusal(services.consultation_confirm, consultation=consultation, by=world.expert.user) == [
        "Only a requested consultation can be confirmed."
    ]


def test_a_request_cannot_be_confirmed_once_it_has_started(world):
    start = timezone.now() - datetime.timedelta(minutes=1)
    started = Consultation.objects.create(
        **{k: v for k, v in world.book_kwargs().items() if k != "starts_at"},
        agreement=world.agreement,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
    )
    assert refusal(services.consultation_confirm, consultation=started, by=world.expert.user) == [
        "This request has already started and can no longer be confirmed."
    ]
    started.refresh_from_db()
    assert started.status == Consultation.Status.REQUESTED


def test_decline_records_who_and_when_and_refuses_in_the_rules_words(world):
    consultation = booked(world)
    before = timezone.now()
    declined = services.consultation_decline(consultation=consultation, by=world.expert.user, reason=" Away ")
    assert (declined.status_changed_by, declined.status_reason) == (world.expert.user, "Away")
    assert before <= declined.declined_at <= timezone.now()
    assert refusal(services.consultation_decline, consultation=consultation, by=world.expert.user, reason="x") == [
        "Only an upcoming request or session can be declined."
    ]


def test_cancel_records_when_and_a_cancelled_booking_is_closed_to_changes(world):
    consultation = booked(world)
    before = timezone.now()
    cancelled = services.consultation_cancel(consultation=consultation, by=world.manager, reason="Moved")
    assert before <= cancelled.cancelled_at <= timezone.now()
    assert refusal(services.consultation_cancel, consultation=consultation, by=world.manager, reason="x") == [
        "This consultation is no longer open to changes."
    ]


def test_changes_end_exactly_24_hours_before_the_start(world):
    consultation = booked(world)
    deadline = consultation.starts_at - datetime.timedelta(hours=24)
    with mock.patch("django.utils.timezone.now", return_value=deadline):
        assert refusal(services.consultation_cancel, consultation=consultation, by=world.manager, reason="x") == [
            "Changes are possible until 24 hours before the start. Please contact the expert directly."
        ]
    with mock.patch("django.utils.timezone.now", return_value=deadline - datetime.timedelta(microseconds=1)):
        services.consultation_cancel(consultation=consultation, by=world.manager, reason="x")
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.CANCELLED


def test_reassign_refuses_started_or_closed_sessions_and_the_same_expert(world):
    other = available_all_week(ExpertFactory(service_areas=[world.area]))
    started = past_confirmed(world)
    closed = booked(world)
    services.consultation_cancel(consultation=closed, by=world.manager, reason="x")
    for consultation in (started, closed):
        assert refusal(services.consultation_reassign, consultation=consultation, expert=other, by=world.manager) == [
            "Only an upcoming requested or confirmed consultation can be reassigned."
        ]
    upcoming = booked(world, starts_at=local_at(4, 10))
    assert refused(
        "expert", services.consultation_reassign, consultation=upcoming, expert=world.expert, by=world.manager
    ) == ("The consultation is already with this expert.")
    staff = UserFactory(is_staff=True)
    reassigned = services.consultation_reassign(consultation=upcoming, expert=other, by=staff)
    assert (reassigned.expert, reassigned.status_changed_by) == (other, staff)


@pytest.mark.parametrize(
    ("field", "make", "kwargs", "message"),
    [
        (None, "past", {"by": "manager"}, "Only the session's expert logs its outcome."),
        (None, "upcoming", {}, "The outcome can be logged once the session has started."),
        (None, "requested_past", {}, "Only a confirmed session has an outcome."),
        ("result", "past", {"result": "maybe"}, "Choose held or no-show."),
        ("summary", "past", {"summary": None}, "Write a short summary."),
        ("summary", "past", {"summary": "  "}, "Write a short summary."),
    ],
)
def test_outcome_refusals_name_the_field_and_the_rule(world, field, make, kwargs, message):
    if make == "upcoming":
        consultation = booked(world)
        services.consultation_confirm(consultation=consultation, by=world.expert.user)
    else:
        consultation = past_confirmed(world)
        if make == "requested_past":
            Consultation.objects.filter(pk=consultation.pk).update(status=Consultation.Status.REQUESTED)
    by = world.manager if kwargs.get("by") == "manager" else world.expert.user
    arguments = {"result": "held", "summary": "Done", "hours_delivered": Decimal("1")} | kwargs
    arguments.pop("by", None)
    if field is None:
        assert refusal(services.outcome_save, consultation=consultation, by=by, **arguments) == [message]
    else:
        assert refused(field, services.outcome_save, consultation=consultation, by=by, **arguments) == message


def test_outcome_keeps_the_experts_words_and_who_logged_it(world):
    consultation = past_confirmed(world)
    outcome = services.outcome_save(
        consultation=consultation,
        by=world.expert.user,
        result="held",
        summary=" Done ",
        recommendations=" Hire ",
        follow_up_actions=" Call ",
        hours_delivered=Decimal("2"),
    )
    assert (outcome.summary, outcome.recommendations, outcome.follow_up_actions) == ("Done", "Hire", "Call")
    bare = log_held(
        past_confirmed(world, expert=available_all_week(ExpertFactory(service_areas=[world.area]))), Decimal(1)
    )
    assert (bare.recommendations, bare.follow_up_actions) == ("", "")
    consultation.refresh_from_db()
    assert consultation.status_changed_by == world.expert.user


def test_locked_outcome_is_refused_in_these_words(world):
    consultation = past_confirmed(world)
    outcome = log_held(consultation, Decimal("2"))
    SessionOutcome.objects.filter(pk=outcome.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))
    assert refusal(
        services.outcome_save,
        consultation=consultation,
        by=world.expert.user,
        result="held",
        summary="x",
        hours_delivered=Decimal("1"),
    ) == ["The outcome was logged more than 7 days ago and is locked. Ask programme staff."]


@pytest.mark.parametrize("score", [0, 6])
def test_rating_outside_1_to_5_is_refused(world, score):
    consultation = past_confirmed(world)
    log_held(consultation, Decimal("2"))
    assert refused("score", services.rating_create, consultation=consultation, by=world.manager, score=score) == (
        "Give a rating from 1 to 5."
    )


def test_rating_refusals_and_the_comment_kept(world):
    consultation = past_confirmed(world)
    assert refused("score", services.rating_create, consultation=consultation, by=world.manager, score=5) == (
        "A session can be rated once the expert has logged it as held."
    )
    log_held(consultation, Decimal("2"))
    assert refusal(services.rating_create, consultation=consultation, by=UserFactory(), score=5) == [
        "Only the cluster's managers rate its consultations."
    ]
    rating = services.rating_create(consultation=consultation, by=world.manager, score=1, comment=" Fine ")
    assert (rating.score, rating.comment, rating.rated_by) == (1, "Fine", world.manager)
    assert refused("score", services.rating_create, consultation=consultation, by=world.manager, score=3) == (
        "This session has already been rated."
    )
    other = past_confirmed(world)
    log_held(other, Decimal("2"))
    assert services.rating_create(consultation=other, by=world.manager, score=5).comment == ""


def test_booking_status_tells_the_slot_picker_why_booking_cannot_succeed(world):
    marketing = ServiceArea.objects.get(code="marketing")
    assert services.booking_status(world.cluster, world.area, Decimal("4")) == services.BookingStatus(
        world.allocation, True, None
    )
    assert services.booking_status(world.cluster, marketing, Decimal("1")) == services.BookingStatus(
        None, True, "Your agreement has no hours in this service area."
    )
    booked(world, hours=Decimal("4"))
    for offset in range(3):
        booked(world, hours=Decimal("4"), starts_at=local_at(4 + offset, 10))
    status = services.booking_status(world.cluster, world.area, Decimal("4"))  # exactly 4 left
    assert (status.allocation, status.refusal) == (world.allocation, None)
    status = services.booking_status(world.cluster, world.area, Decimal("4.5"))
    assert status.refusal == "Only 4\N{NO-BREAK SPACE}h left in Legal; this booking needs 4.5\N{NO-BREAK SPACE}h."
    world.agreement.signatures.all().delete()
    assert services.booking_status(world.cluster, world.area, Decimal("1")) == services.BookingStatus(
        None, False, "Your cluster has no active agreement, so consultations cannot be booked."
    )


def test_availability_save_writes_both_editors_rows_for_the_expert_and_deletes_the_ticked(world):
    from consultations.forms import AvailabilityExceptionFormSet, WeeklyAvailabilityFormSet
    from consultations.models import WeeklyAvailability

    monday = WeeklyAvailability.objects.filter(expert=world.expert, weekday=0).get()
    day = local_at(10, 0).date()
    data = {
        "weekly-TOTAL_FORMS": "2",
        "weekly-INITIAL_FORMS": "1",
        "weekly-0-id": str(monday.pk),
        "weekly-0-weekday": "0",
        "weekly-0-start_time": "08:00",
        "weekly-0-end_time": "20:00",
        "weekly-0-DELETE": "on",
        "weekly-1-weekday": "0",
        "weekly-1-start_time": "09:00",
        "weekly-1-end_time": "11:00",
        "exceptions-TOTAL_FORMS": "1",
        "exceptions-INITIAL_FORMS": "0",
        "exceptions-0-start_date": day.isoformat(),
        "exceptions-0-kind": "off",
    }
    weekly = WeeklyAvailabilityFormSet(
        data, queryset=WeeklyAvailability.objects.filter(expert=world.expert, weekday=0), prefix="weekly"
    )
    exceptions = AvailabilityExceptionFormSet(data, queryset=AvailabilityException.objects.none(), prefix="exceptions")
    assert weekly.is_valid() and exceptions.is_valid(), (weekly.errors, exceptions.errors)
    services.availability_save(expert=world.expert, weekly_formset=weekly, exception_formset=exceptions)
    assert list(
        WeeklyAvailability.objects.filter(expert=world.expert, weekday=0).values_list("start_time", "end_time")
    ) == [(datetime.time(9), datetime.time(11))]
    assert list(
        AvailabilityException.objects.filter(expert=world.expert).values_list("start_date", "end_date", "kind")
    ) == [(day, day, "off")]


def test_expert_refusals_are_in_these_words(world):
    outsider = available_all_week(ExpertFactory(service_areas=[ServiceArea.objects.get(code="financial")]))
    assert refused("expert", services.consultation_book, **world.book_kwargs(expert=outsider)) == (
        "This expert does not consult in the chosen service area."
    )
    world.expert.is_active = False
    world.expert.save()
    assert refused("expert", services.consultation_book, **world.book_kwargs()) == (
        "This expert is not taking consultations at the moment."
    )


def test_outside_working_hours_is_refused_in_these_words(world):
    assert refused("starts_at", services.consultation_book, **world.book_kwargs(starts_at=local_at(3, 19, 30))) == (
        "The expert does not work at this time. Pick one of the free slots."
    )


def test_only_the_same_experts_bookings_within_the_buffer_clash(world, settings):
    settings.CONSULTATION_BUFFER_MINUTES = 15
    other = available_all_week(ExpertFactory(service_areas=[world.area]))
    booked(world, expert=other, starts_at=local_at(3, 10))  # another expert, same time: no clash
    booked(world, starts_at=local_at(3, 14))  # the same expert, later that day: no clash
    booked(world, starts_at=local_at(3, 11, 15))
    # Ending 10 minutes before the 11:15 booking starts leaves less than the buffer.
    assert refused("starts_at", services.consultation_book, **world.book_kwargs(starts_at=local_at(3, 10, 5))) == (
        "This time was just taken by another booking. Please pick another slot."
    )
    booked(world, starts_at=local_at(3, 10))  # ends 11:00, exactly the buffer before 11:15


def test_time_rules_in_their_words_and_at_their_exact_edges(world, settings):
    settings.CONSULTATION_MIN_NOTICE_HOURS = 24
    start = local_at(3, 10)
    now = start - datetime.timedelta(hours=24)
    book = services.consultation_book
    with mock.patch("django.utils.timezone.now", return_value=now):
        assert refused("hours", book, **world.book_kwargs(hours=Decimal("4.5"))) == (
            "A consultation lasts from 1 to 4 hours, in half hours."
        )
        assert refused("starts_at", book, **world.book_kwargs(starts_at=None)) == "Pick a time."
        assert refused("starts_at", book, **world.book_kwargs(starts_at=now)) == (
            "This time is in the past. Pick a time in the future."
        )
        assert refused("starts_at", book, **world.book_kwargs(starts_at=start - datetime.timedelta(minutes=30))) == (
            "Book at least 24 hours ahead."
        )
        assert book(**world.book_kwargs(starts_at=start)).starts_at == start  # exactly the minimum notice


def test_online_booking_keeps_the_link_and_no_place(world):
    consultation = booked(world, city="Vilnius", address="Gedimino 1", meeting_url="https://meet.example.com/r ")
    assert (consultation.city, consultation.address, consultation.meeting_url) == (
        "",
        "",
        "https://meet.example.com/r",
    )


def test_agenda_is_kept_trimmed_and_may_be_left_out(world):
    assert booked(world, agenda=" Goals ").agenda == "Goals"
    assert booked(world, agenda=None, starts_at=local_at(4, 10)).agenda == ""
    kwargs = world.book_kwargs(starts_at=local_at(5, 10))
    del kwargs["agenda"]
    assert services.consultation_book(**kwargs).agenda == ""


def test_recount_sets_each_allocation_to_its_own_outcomes(world, other_world):
    import io

    from django.core.management import call_command

    marketing = ServiceArea.objects.get(code="marketing")
    world.expert.service_areas.add(marketing)
    in_marketing = HourAllocation.objects.create(agreement=world.agreement, service_area=marketing, hours_granted=5)
    log_held(past_confirmed(world), Decimal("2"))
    log_held(past_confirmed(world, service_area=marketing), Decimal("1.5"))
    log_held(past_confirmed(other_world, hours=Decimal("3")), Decimal("3"))
    HourAllocation.objects.update(hours_delivered=0)  # an import that bypassed the application
    call_command("recount_hours", stdout=io.StringIO())
    delivered = dict(HourAllocation.objects.values_list("pk", "hours_delivered"))
    assert (delivered[world.allocation.pk], delivered[in_marketing.pk], delivered[other_world.allocation.pk]) == (
        Decimal("2"),
        Decimal("1.5"),
        Decimal("3"),
    )


def test_staff_status_change_stamps_its_time_keeps_the_reason_and_tells_both_sides(world):
    from accounts.tests.factories import StaffFactory
    from notifications.models import OutgoingMessage

    staff = StaffFactory()
    consultation = booked(world)
    before = timezone.now()
    declined = services.consultation_status_change(
        consultation=consultation, status="declined", reason="  Expert ill  ", by=staff
    )
    assert (declined.status, declined.status_reason, declined.status_changed_by) == ("declined", "Expert ill", staff)
    stored = Consultation.objects.get(pk=consultation.pk)
    assert (stored.status, stored.status_reason, stored.status_changed_by) == ("declined", "Expert ill", staff)
    assert stored.declined_at >= before and (stored.confirmed_at, stored.cancelled_at) == (None, None)
    assert remaining(world) == Decimal("20")
    told = OutgoingMessage.objects.filter(kind="consultation_status_changed", object_id=consultation.pk)
    assert {message.recipient for message in told} == {world.expert.user, world.manager}
    assert {(message.context["status"], message.context["reason"]) for message in told} == {("declined", "Expert ill")}
    # A refusal names no field, and nothing changes.
    assert refusal(
        services.consultation_status_change, consultation=stored, status="declined", reason="Again", by=staff
    ) == ["The consultation is already: Declined."]
    started = past_confirmed(world)
    assert refusal(
        services.consultation_status_change, consultation=started, status="declined", reason="Late", by=staff
    ) == ["Only an upcoming request or session can be declined."]
    started.refresh_from_db()
    assert (started.status, started.status_reason) == ("confirmed", "")


def test_staff_correct_an_outcome_after_the_experts_week_and_the_status_and_hours_follow(world):
    from accounts.tests.factories import StaffFactory

    staff = StaffFactory()
    consultation = past_confirmed(world)
    outcome = services.outcome_save(
        consultation=consultation, by=world.expert.user, result="held", summary="Done", hours_delivered=Decimal("2")
    )
    SessionOutcome.objects.filter(pk=outcome.pk).update(created_at=timezone.now() - datetime.timedelta(days=30))
    corrected = services.outcome_correct(
        outcome=outcome,
        by=staff,
        result="no_show",
        summary="  Nobody came  ",
        recommendations=" Call first ",
        follow_up_actions=" Rebook ",
        hours_delivered=Decimal("2"),
        note=" Expert phoned ",
    )
    assert corrected.pk == outcome.pk and SessionOutcome.objects.count() == 1
    assert outcome.history.latest().history_change_reason == "Expert phoned"
    stored = SessionOutcome.objects.get(pk=outcome.pk)
    assert (stored.result, stored.summary, stored.recommendations) == ("no_show", "Nobody came", "Call first")
    assert (stored.follow_up_actions, stored.hours_delivered) == ("Rebook", Decimal("0"))
    consultation.refresh_from_db()
    assert (consultation.status, consultation.status_changed_by) == ("no_show", staff)
    allocation = HourAllocation.objects.with_usage().get(pk=world.allocation.pk)
    assert (allocation.hours_delivered, allocation.hours_remaining) == (Decimal("0"), Decimal("20"))
    # What a correction leaves out is left empty, and a held session keeps the hours given.
    services.outcome_correct(outcome=outcome, by=staff, result="held", summary="Met", hours_delivered=Decimal("1.5"))
    assert outcome.history.latest().history_change_reason is None  # no note, no reason in the history
    stored = SessionOutcome.objects.get(pk=outcome.pk)
    assert (stored.recommendations, stored.follow_up_actions, stored.hours_delivered) == ("", "", Decimal("1.5"))
    # The values' own rules hold for staff as well.
    assert refused(
        "hours_delivered",
        services.outcome_correct,
        outcome=outcome,
        by=staff,
        result="held",
        summary="Done",
        hours_delivered=Decimal("3.25"),
    ).startswith("Give the hours delivered in quarter hours")


def test_removing_an_outcome_reopens_the_session_holds_its_hours_again_and_asks_the_expert(world):
    from accounts.tests.factories import StaffFactory
    from notifications.models import OutgoingMessage

    staff = StaffFactory()
    consultation = past_confirmed(world)
    outcome = services.outcome_save(
        consultation=consultation, by=world.expert.user, result="held", summary="Done", hours_delivered=Decimal("1.5")
    )
    assert remaining(world) == Decimal("18.5")
    reopened = services.outcome_delete(outcome=outcome, by=staff)
    assert not SessionOutcome.objects.filter(pk=outcome.pk).exists()
    assert (reopened.status, reopened.status_changed_by) == ("confirmed", staff)
    stored = Consultation.objects.get(pk=consultation.pk)
    assert (stored.status, stored.status_changed_by) == ("confirmed", staff)
    allocation = HourAllocation.objects.with_usage().get(pk=world.allocation.pk)
    assert (allocation.hours_delivered, allocation.hours_held) == (Decimal("0"), Decimal("2"))
    assert OutgoingMessage.objects.filter(kind="consultation_outcome_removed", object_id=consultation.pk).count() == 1
    assert stored.can_log_outcome
    # Removing it again (a second click) changes nothing.
    assert services.outcome_delete(outcome=outcome, by=staff).status == "confirmed"
    assert OutgoingMessage.objects.filter(kind="consultation_outcome_removed", object_id=consultation.pk).count() == 1


def test_a_rated_sessions_outcome_cannot_be_removed(world):
    from accounts.tests.factories import StaffFactory

    consultation = past_confirmed(world)
    outcome = services.outcome_save(
        consultation=consultation, by=world.expert.user, result="held", summary="Done", hours_delivered=Decimal("2")
    )
    services.rating_create(consultation=consultation, by=world.manager, score=5)
    assert refusal(services.outcome_delete, outcome=outcome, by=StaffFactory()) == [
        "The cluster has rated this session, so its outcome stays: correct it instead of deleting it."
    ]
    consultation.refresh_from_db()
    assert consultation.status == "held" and SessionOutcome.objects.filter(pk=outcome.pk).exists()
    assert HourAllocation.objects.get(pk=world.allocation.pk).hours_delivered == Decimal("2")


def test_a_booking_reaches_exactly_to_the_end_of_the_pickers_last_week(world):
    from consultations.selectors import latest_start

    end = latest_start()
    assert refused("starts_at", services.consultation_book, **world.book_kwargs(starts_at=end)) == (
        "Book at most 13 weeks ahead."
    )
    # A moment earlier the time rules pass, and the expert's working hours (9:00 to 17:00) decide.
    assert refused(
        "starts_at", services.consultation_book, **world.book_kwargs(starts_at=end - datetime.timedelta(microseconds=1))
    ) == ("The expert does not work at this time. Pick one of the free slots.")


def test_a_grant_changes_only_its_own_agreements_allocation_in_its_own_area(world, other_world):
    from agreements.tests.factories import HourAllocationFactory

    tax = ServiceArea.objects.exclude(pk=world.area.pk).first()
    other_area = HourAllocationFactory(agreement=world.agreement, service_area=tax, hours_granted=Decimal("5"))
    services.allocation_set_hours(agreement=other_world.agreement, service_area=world.area, hours_granted=Decimal("7"))
    services.allocation_set_hours(agreement=world.agreement, service_area=tax, hours_granted=Decimal("6"))
    granted = dict(HourAllocation.objects.values_list("pk", "hours_granted"))
    assert granted == {
        world.allocation.pk: Decimal("20"),
        other_area.pk: Decimal("6"),
        other_world.allocation.pk: Decimal("7"),
    }
    services.allocation_delete(allocation=other_area)
    assert set(HourAllocation.objects.values_list("pk", flat=True)) == {world.allocation.pk, other_world.allocation.pk}


def test_the_hours_in_use_are_counted_in_the_allocations_own_agreement_and_area(world, other_world):
    from agreements.tests.factories import HourAllocationFactory

    tax = ServiceArea.objects.exclude(pk=world.area.pk).first()
    HourAllocationFactory(agreement=world.agreement, service_area=tax, hours_granted=Decimal("5"))
    services.consultation_book(**other_world.book_kwargs(hours=Decimal("2")))  # another agreement, same area
    services.consultation_book(**world.book_kwargs(hours=Decimal("1.5"), starts_at=local_at(4, 10)))  # legal
    assert HourAllocation.objects.get(pk=world.allocation.pk).hours_used() == Decimal("1.5")
    grant(world, Decimal("1.5"))
    assert refused("hours_granted", grant, world, Decimal("1")) == (
        "1.5\u00a0h of these hours are already delivered or held by bookings: grant at least 1.5\u00a0h."
    )
    services.allocation_set_hours(agreement=world.agreement, service_area=tax, hours_granted=Decimal("0.25"))


def test_an_outcome_write_is_one_change_in_its_history_with_the_areas_it_served(world):
    services_area, management = IndicatorArea.objects.get(code="services"), IndicatorArea.objects.get(code="management")
    kwargs = {"by": world.expert.user, "result": "held", "summary": "Done", "hours_delivered": Decimal("2")}
    outcome = services.outcome_save(consultation=past_confirmed(world), indicator_areas=[services_area], **kwargs)
    [logged] = outcome.history.all()
    assert logged.history_type == "+" and [row.indicatorarea for row in logged.indicator_areas.all()] == [services_area]
    services.outcome_save(consultation=outcome.consultation, indicator_areas=[management], **kwargs)
    edited, first = outcome.history.order_by("-history_date", "-history_id")
    assert (edited.history_type, first.pk) == ("~", logged.pk)
    assert [row.indicatorarea for row in edited.indicator_areas.all()] == [management]
