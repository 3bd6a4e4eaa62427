import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from agreements.tests.factories import ActiveAgreementFactory
from clusters.tests.factories import ClusterFactory
from events.models import Decision, Event, FundingIntent, Participation

from .factories import EventFactory, FundingIntentFactory, OutcomeFactory, ParticipationFactory, in_days

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.mark.parametrize(
    "fields",
    [
        {"ends_at": in_days(29)},  # before the start
        {"registration_deadline": in_days(31)},  # after the start
        {"places": 0},
        {"delegates_per_cluster": 0},
        {"kind": "party"},
        {"status": "live"},
    ],
)
def test_event_constraints_refuse_impossible_rows(fields):
    event = EventFactory()
    for name, value in fields.items():
        setattr(event, name, value)
    with pytest.raises(IntegrityError), transaction.atomic():
        event.save()


def test_event_clean_puts_the_message_at_the_field():
    event = EventFactory.build(starts_at=in_days(10), ends_at=in_days(9), registration_deadline=in_days(11))
    with pytest.raises(ValidationError) as error:
        event.clean()
    assert set(error.value.message_dict) == {"ends_at", "registration_deadline"}


def test_blank_places_mean_unlimited():
    event = EventFactory(places=None)
    assert event.places_left is None


def test_places_left_counts_only_approved_applications():
    event = EventFactory(places=3)
    ParticipationFactory(event=event, status=Participation.Status.APPROVED)
    ParticipationFactory(event=event, status=Participation.Status.WAITLISTED)
    ParticipationFactory(event=event, status=Participation.Status.WITHDRAWN)
    assert Event.objects.with_place_counts().get(pk=event.pk).places_left == 2
    assert Event.objects.get(pk=event.pk).places_left == 2


def test_open_for_applications_agrees_between_queryset_and_instance():
    open_event = EventFactory()
    closed = EventFactory(registration_deadline=in_days(-1), starts_at=in_days(1))
    draft = EventFactory(status=Event.Status.DRAFT)
    assert list(Event.objects.open_for_applications()) == [open_event]
    assert open_event.is_open_for_applications()
    assert not closed.is_open_for_applications()
    assert not draft.is_open_for_applications()


def test_one_application_per_cluster_per_event():
    participation = ParticipationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipationFactory(event=participation.event, cluster=participation.cluster)


def test_support_details_only_when_support_is_needed():
    ParticipationFactory(support_needed=True, support_details="Travel costs")
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipationFactory(support_needed=False, support_details="Travel costs")


Kind = Decision.Kind


@pytest.mark.parametrize(
    ("status", "event_status", "possible"),
    [
        ("applied", "published", [Kind.APPROVED, Kind.WAITLISTED, Kind.REJECTED]),
        ("waitlisted", "published", [Kind.APPROVED, Kind.REJECTED]),
        ("approved", "published", [Kind.WAITLISTED, Kind.REJECTED]),
        ("rejected", "published", [Kind.APPROVED, Kind.WAITLISTED]),
        ("withdrawn", "published", []),
        ("applied", "cancelled", [Kind.REJECTED]),
        ("rejected", "cancelled", []),
    ],
)
def test_possible_decisions_follow_the_rules_of_deciding(status, event_status, possible):
    participation = ParticipationFactory(status=status, event=EventFactory(status=event_status))
    assert participation.possible_decisions == possible
    assert (participation.no_decision_reason is None) == bool(possible)


def test_a_withdrawn_application_says_when_and_that_the_cluster_cannot_apply_again():
    participation = ParticipationFactory(status=Participation.Status.WITHDRAWN)
    day = participation.withdrawn_at.strftime("%Y")
    assert "withdrew its application on" in participation.reapply_refusal
    assert day in participation.reapply_refusal and "cannot apply to this event again" in participation.reapply_refusal
    assert "already applied" in ParticipationFactory().reapply_refusal


def test_funding_intent_dates_follow_its_status():
    intent = FundingIntentFactory.build(status=FundingIntent.Status.GRANTED, submitted_on=datetime.date(2027, 3, 1))
    with pytest.raises(ValidationError) as error:
        intent.clean()
    assert "decided_on" in error.value.message_dict
    intent = FundingIntentFactory(cluster=ClusterFactory())
    intent.status = FundingIntent.Status.APPLIED
    with pytest.raises(IntegrityError), transaction.atomic():
        intent.save()


def test_waitlist_position_follows_the_promotion_order():
    event = EventFactory()
    first = ParticipationFactory(event=event, status=Participation.Status.WAITLISTED)
    second = ParticipationFactory(event=event, status=Participation.Status.WAITLISTED)
    assert (first.waitlist_position(), second.waitlist_position()) == (1, 2)
    assert ParticipationFactory(event=event).waitlist_position() is None


def test_choice_labels_are_translated_and_unknown_values_shown_as_they_are():
    event = Event(kind=Event.Kind.EXHIBITION, country="FI")
    with translation.override("lt"):
        assert (event.get_kind_display(), event.get_country_display()) == ("Paroda", "Suomija")
    assert Event(kind="fair", country="XX").get_country_display() == "XX"
    assert Event(kind="fair").get_kind_display() == "fair"


# --- Each rule's exact boundary and words (the mutation run, README "Mutation testing") ----------------------

TICK = datetime.timedelta(microseconds=1)


def test_event_moments_cut_exactly_at_the_deadline_start_and_end():
    event = EventFactory.build()
    assert event.is_open_for_applications(event.registration_deadline)
    assert not event.is_open_for_applications(event.registration_deadline + TICK)
    assert event.accepts_applications(event.registration_deadline)
    assert not EventFactory.build(kind=Event.Kind.FUNDING_CALL).accepts_applications(event.registration_deadline)
    assert not EventFactory.build(status=Event.Status.DRAFT).is_open_for_applications(event.registration_deadline)
    assert event.has_started(event.starts_at) and not event.has_started(event.starts_at - TICK)
    assert event.has_ended(event.ends_at) and not event.has_ended(event.ends_at - TICK)


def test_places_left_never_go_below_zero():
    event = EventFactory(places=1)
    ParticipationFactory.create_batch(2, event=event, status=Participation.Status.APPROVED)
    assert Event.objects.get(pk=event.pk).places_left == 0


def test_location_joins_the_parts_given():
    assert EventFactory.build(venue="Hall 1", city="Berlin", country="DE").location == "Hall 1, Berlin, Germany"
    assert EventFactory.build(venue="", city="", country="DE").location == "Germany"


@pytest.mark.parametrize(
    ("status", "started", "refusal"),
    [
        (Participation.Status.APPLIED, False, None),
        (Participation.Status.APPROVED, False, None),
        (Participation.Status.WAITLISTED, False, None),
        (Participation.Status.WITHDRAWN, False, "This application has already been withdrawn."),
        (Participation.Status.REJECTED, False, "A rejected application cannot be withdrawn."),
        (
            Participation.Status.APPROVED,
            True,
            "The event has already started: the application can no longer be withdrawn.",
        ),
    ],
)
def test_withdrawal_refusals_in_their_words_until_the_exact_start(status, started, refusal):
    participation = ParticipationFactory(status=status)
    start = participation.event.starts_at
    assert participation.withdrawal_refusal(start if started else start - TICK) == refusal


def test_reapplying_is_refused_in_these_words():
    participation = ParticipationFactory()
    assert participation.reapply_refusal == "Your cluster has already applied to this event."


def test_decision_refusals_in_their_words():
    cluster = ClusterFactory(name="Laser Cluster")
    withdrawn = ParticipationFactory(cluster=cluster, status=Participation.Status.WITHDRAWN)
    assert withdrawn.decision_refusal(Decision.Kind.APPROVED) == (
        "Laser Cluster has withdrawn this application: it cannot be decided."
    )
    assert withdrawn.no_decision_reason == "Laser Cluster has withdrawn this application: it cannot be decided."
    approved = ParticipationFactory(cluster=cluster, status=Participation.Status.APPROVED)
    assert approved.decision_refusal(Decision.Kind.APPROVED) == (
        "The application of Laser Cluster is already: Approved."
    )
    assert approved.decision_refusal(Decision.Kind.REJECTED) is None
    assert approved.no_decision_reason is None
    cancelled = ParticipationFactory(event=EventFactory(status=Event.Status.CANCELLED))
    assert cancelled.decision_refusal(Decision.Kind.WAITLISTED) == (
        "The event has been cancelled: applications can only be rejected."
    )
    assert cancelled.decision_refusal(Decision.Kind.REJECTED) is None


TICK = datetime.timedelta(microseconds=1)


def test_event_clean_cuts_exactly_at_the_start_in_its_words_and_skips_missing_times():
    event = EventFactory.build()
    start = event.starts_at
    event.ends_at, event.registration_deadline = start + TICK, start
    event.clean()
    event.ends_at, event.registration_deadline = start, start + TICK
    with pytest.raises(ValidationError) as raised:
        event.clean()
    assert raised.value.message_dict == {
        "ends_at": ["The event must end after it starts."],
        "registration_deadline": ["The registration deadline cannot be after the event starts."],
    }
    # A missing time is its field's own error (required: the fields are blank only for funding calls), not a
    # comparison.
    for missing in ("starts_at", "ends_at", "registration_deadline"):
        incomplete = EventFactory.build()
        setattr(incomplete, missing, None)
        with pytest.raises(ValidationError) as raised:
            incomplete.clean()
        assert raised.value.message_dict == {missing: ["This field is required."]}


def test_publish_and_cancel_refusals_in_their_words_at_the_given_time():
    event = EventFactory.build(title="Expo")
    assert event.publish_refusal() == "Expo is already published."
    assert event.cancel_refusal(now=event.ends_at - TICK) is None
    assert event.cancel_refusal(now=event.ends_at) == "Expo has already ended and cannot be cancelled."
    event.status = Event.Status.CANCELLED
    assert event.publish_refusal() == "Expo has been cancelled and cannot be published again."
    assert event.cancel_refusal() == "Expo is already cancelled."
    event.status = Event.Status.DRAFT
    assert event.publish_refusal() is None


def test_accepts_applications_at_the_given_time():
    event = EventFactory.build()
    assert event.accepts_applications(now=event.registration_deadline)
    assert not event.accepts_applications(now=event.registration_deadline + TICK)


def test_application_and_delegate_counts_are_each_rows_own():
    from events.models import Delegate

    event, other, empty = EventFactory(), EventFactory(), EventFactory()
    applied = ParticipationFactory(event=event)
    approved = ParticipationFactory(event=event, status=Participation.Status.APPROVED, delegates=[])
    ParticipationFactory(event=event, status=Participation.Status.WITHDRAWN)
    ParticipationFactory(event=other)
    counts = dict(Event.objects.with_application_counts().values_list("pk", "application_count"))
    assert counts == {event.pk: 2, other.pk: 1, empty.pk: 0}
    places = dict(Event.objects.with_place_counts().values_list("pk", "approved_count"))
    assert places == {event.pk: 1, other.pk: 0, empty.pk: 0}
    Delegate.objects.create(participation=applied, full_name="A", role="CEO")
    Delegate.objects.create(participation=applied, full_name="B", role="CTO")
    totals = dict(Participation.objects.with_delegate_counts().values_list("pk", "delegates_total"))
    assert (totals.pop(applied.pk), totals.pop(approved.pk), set(totals.values())) == (3, 0, {1})  # one each by default
    assert list(Participation.objects.awaiting_decision()) == [applied, Participation.objects.get(event=other)]


def test_the_waitlist_position_counts_only_this_events_waiting_list():
    event = EventFactory()
    first = ParticipationFactory(event=event, status=Participation.Status.WAITLISTED)
    ParticipationFactory(event=event, status=Participation.Status.APPLIED)
    ParticipationFactory(event=EventFactory(), status=Participation.Status.WAITLISTED)
    second = ParticipationFactory(event=event, status=Participation.Status.WAITLISTED)
    assert (first.waitlist_position(), second.waitlist_position()) == (1, 2)


@pytest.mark.parametrize(
    "status, submitted_on, decided_on, errors",
    [
        ("considering", None, None, {}),
        ("applying", None, None, {}),
        ("applied", None, None, {"submitted_on": ["Give the date the application was submitted."]}),
        ("applied", datetime.date(2027, 3, 1), None, {}),
        ("granted", datetime.date(2027, 3, 1), None, {"decided_on": ["Give the date the decision was received."]}),
        ("not_granted", datetime.date(2027, 3, 1), None, {"decided_on": ["Give the date the decision was received."]}),
        (
            "granted",
            None,
            datetime.date(2027, 3, 1),
            {"submitted_on": ["Give the date the application was submitted."]},
        ),
        ("granted", datetime.date(2027, 3, 1), datetime.date(2027, 3, 1), {}),  # decided the same day
        ("not_granted", datetime.date(2027, 3, 1), datetime.date(2027, 3, 2), {}),
        (
            "granted",
            datetime.date(2027, 3, 2),
            datetime.date(2027, 3, 1),
            {"decided_on": ["The decision cannot come before the application was submitted."]},
        ),
        (
            "considering",
            datetime.date(2027, 3, 2),
            datetime.date(2027, 3, 1),
            {"decided_on": ["The decision cannot come before the application was submitted."]},
        ),
    ],
)
def test_funding_intent_clean_asks_for_each_date_its_status_needs_in_its_words(
    status, submitted_on, decided_on, errors
):
    intent = FundingIntentFactory.build(status=status, submitted_on=submitted_on, decided_on=decided_on)
    if not errors:
        intent.clean()
        return
    with pytest.raises(ValidationError) as error:
        intent.clean()
    assert error.value.message_dict == errors


def test_funding_intent_clean_reports_both_missing_dates_at_once():
    intent = FundingIntentFactory.build(status=FundingIntent.Status.NOT_GRANTED)
    with pytest.raises(ValidationError) as error:
        intent.clean()
    assert error.value.message_dict == {
        "submitted_on": ["Give the date the application was submitted."],
        "decided_on": ["Give the date the decision was received."],
    }


def test_waitlist_position_breaks_ties_by_application_time_then_by_row():
    event = EventFactory()
    put_on = timezone.now()
    later_on_list = ParticipationFactory(
        event=event,
        status=Participation.Status.WAITLISTED,
        waitlisted_at=put_on + datetime.timedelta(minutes=1),
        applied_at=put_on - datetime.timedelta(days=9),
    )
    applied_later = ParticipationFactory(
        event=event,
        status=Participation.Status.WAITLISTED,
        waitlisted_at=put_on,
        applied_at=put_on - datetime.timedelta(days=1),
    )
    applied_earlier = ParticipationFactory(
        event=event,
        status=Participation.Status.WAITLISTED,
        waitlisted_at=put_on,
        applied_at=put_on - datetime.timedelta(days=2),
    )
    same_moment = [
        ParticipationFactory(
            event=event,
            status=Participation.Status.WAITLISTED,
            waitlisted_at=put_on - datetime.timedelta(minutes=1),
            applied_at=put_on - datetime.timedelta(days=1),
        )
        for _ in range(2)
    ]
    positions = [p.waitlist_position() for p in (*same_moment, applied_earlier, applied_later, later_on_list)]
    assert positions == [1, 2, 3, 4, 5]
    assert [p.pk for p in Participation.objects.filter(event=event).order_by(*Participation.WAITLIST_ORDER)] == [
        same_moment[0].pk,
        same_moment[1].pk,
        applied_earlier.pk,
        applied_later.pk,
        later_on_list.pk,
    ]


def test_took_part_means_approved_for_an_event_ended_by_then_with_a_live_agreement():
    event = EventFactory()
    took_part = ParticipationFactory(event=event, status=Participation.Status.APPROVED)
    ActiveAgreementFactory(cluster=took_part.cluster)
    not_approved = ParticipationFactory(event=event, status=Participation.Status.APPLIED)
    ActiveAgreementFactory(cluster=not_approved.cluster)
    terminated = ParticipationFactory(event=event, status=Participation.Status.APPROVED)
    ActiveAgreementFactory(cluster=terminated.cluster, terminated_on=datetime.date.today(), termination_reason="Left.")
    ParticipationFactory(event=event, status=Participation.Status.APPROVED)  # no agreement
    assert list(Participation.objects.took_part(event.ends_at)) == [took_part]
    assert not Participation.objects.took_part(event.ends_at - datetime.timedelta(microseconds=1)).exists()
    assert not Participation.objects.took_part().exists()  # the event has not ended yet


def test_a_promoted_application_no_longer_holds_a_place_on_the_waiting_list():
    event = EventFactory()
    put_on = timezone.now()
    ParticipationFactory(
        event=event, status=Participation.Status.APPROVED, waitlisted_at=put_on - datetime.timedelta(hours=1)
    )  # promoted: it keeps the moment it was put on the list
    waiting = ParticipationFactory(event=event, status=Participation.Status.WAITLISTED, waitlisted_at=put_on)
    assert waiting.waitlist_position() == 1


def test_an_outcome_is_named_after_its_application():
    outcome = OutcomeFactory()
    assert str(outcome) == str(outcome.participation)


def test_a_live_application_to_a_cancelled_event_says_so():
    from events.models import Event, Participation
    from events.tests.factories import EventFactory, ParticipationFactory

    participation = ParticipationFactory(status=Participation.Status.APPROVED, event=EventFactory())
    assert participation.status_display == "Approved"
    participation.event.status = Event.Status.CANCELLED
    assert participation.status_display == "Approved — event cancelled"
    participation.status = Participation.Status.REJECTED
    assert participation.status_display == "Rejected"
