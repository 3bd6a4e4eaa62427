import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from accounts.tests.factories import StaffFactory, UserFactory
from clusters.models import IndicatorArea
from clusters.tests.factories import ClusterFactory
from events import services
from events.models import Decision, Delegate, Event, FundingIntent, Outcome, Participation, PartnershipLead
from events.services import DelegateData, LeadData

from .factories import (
    EventFactory,
    FundingCallFactory,
    ParticipationFactory,
    PastEventFactory,
    in_days,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


ONE = [DelegateData("Ona Onaitė", "Cluster manager")]


def apply(event, cluster=None, delegates=ONE, **kwargs):
    return services.participation_apply(
        event=event,
        cluster=cluster or ClusterFactory(),
        user=UserFactory(),
        motivation=kwargs.pop("motivation", "Meet partners"),
        delegates=delegates,
        **kwargs,
    )


def refused(action, message):
    with pytest.raises(ValidationError) as error:
        action()
    assert message in " ".join(error.value.messages)


# Applying


def test_a_cluster_applies_with_its_delegates():
    participation = apply(EventFactory(), delegates=[DelegateData("A", "CEO"), DelegateData("B", "CTO")])
    assert participation.status == Participation.Status.APPLIED
    assert [d.full_name for d in participation.delegates.order_by("position")] == ["A", "B"]
    assert participation.history.count() == 1


@pytest.mark.parametrize(
    ("event_fields", "message"),
    [
        ({"registration_deadline": in_days(-1), "starts_at": in_days(2)}, "deadline"),
        ({"status": Event.Status.DRAFT}, "not open"),
        ({"status": Event.Status.CANCELLED}, "cancelled"),
    ],
)
def test_applying_to_a_closed_event_changes_nothing(event_fields, message):
    event = EventFactory(**event_fields)
    refused(lambda: apply(event), message)
    assert not Participation.objects.exists()


def test_funding_calls_take_intents_not_applications():
    refused(lambda: apply(FundingCallFactory()), "intent")


def test_applying_twice_is_refused():
    event, cluster = EventFactory(), ClusterFactory()
    apply(event, cluster)
    refused(lambda: apply(event, cluster), "already applied")
    assert Participation.objects.count() == 1


def test_applying_after_withdrawing_is_refused_saying_when_the_cluster_withdrew():
    event, cluster = EventFactory(), ClusterFactory()
    services.participation_withdraw(participation=apply(event, cluster), user=UserFactory())
    refused(lambda: apply(event, cluster), "withdrew its application on")
    assert Participation.objects.count() == 1


def test_support_details_need_the_support_box_ticked():
    event = EventFactory()
    with pytest.raises(ValidationError) as error:
        apply(event, support_needed=False, support_details="A shared stand")
    assert "clear this text" in " ".join(error.value.message_dict["support_details"])
    with pytest.raises(ValidationError) as error:
        apply(event, support_needed=True, support_details="  ")
    assert "Say what support" in " ".join(error.value.message_dict["support_details"])
    assert not Participation.objects.exists()
    participation = apply(event, support_needed=True, support_details=" A shared stand ")
    assert (participation.support_needed, participation.support_details) == (True, "A shared stand")


def test_delegates_between_one_and_the_limit():
    event = EventFactory(delegates_per_cluster=2)
    refused(lambda: apply(event, delegates=[]), "at least one delegate")
    refused(lambda: apply(event, delegates=[DelegateData(str(i), "x") for i in range(3)]), "at most 2")
    assert not Participation.objects.exists() and not Delegate.objects.exists()


# Deciding


def test_approvals_stop_at_the_places():
    event = EventFactory(places=2)
    staff = StaffFactory()
    first, second, third = (ParticipationFactory(event=event) for _ in range(3))
    services.participation_decide(participation=first, kind=Decision.Kind.APPROVED, user=staff)
    services.participation_decide(participation=second, kind=Decision.Kind.APPROVED, user=staff)
    refused(
        lambda: services.participation_decide(participation=third, kind=Decision.Kind.APPROVED, user=staff),
        "No places left",
    )
    third.refresh_from_db()
    assert third.status == Participation.Status.APPLIED
    assert Decision.objects.count() == 2


def test_rejection_needs_a_note_and_is_recorded():
    participation = ParticipationFactory()
    staff = StaffFactory()
    with pytest.raises(ValidationError) as error:
        services.participation_decide(participation=participation, kind=Decision.Kind.REJECTED, user=staff)
    assert "note" in error.value.message_dict
    decision = services.participation_decide(
        participation=participation, kind=Decision.Kind.REJECTED, user=staff, note="Not in scope"
    )
    assert participation.status == Participation.Status.REJECTED
    assert (decision.decided_by, decision.note) == (staff, "Not in scope")


def test_no_decision_on_a_withdrawn_application():
    participation = ParticipationFactory(status=Participation.Status.WITHDRAWN)
    refused(
        lambda: services.participation_decide(
            participation=participation, kind=Decision.Kind.APPROVED, user=StaffFactory()
        ),
        "withdrawn",
    )
    assert not Decision.objects.exists()


def test_a_decision_that_repeats_the_status_or_ignores_a_cancelled_event_is_refused():
    staff = StaffFactory()
    approved = ParticipationFactory(status=Participation.Status.APPROVED)
    refused(
        lambda: services.participation_decide(participation=approved, kind=Decision.Kind.APPROVED, user=staff),
        "is already",
    )
    cancelled = ParticipationFactory(event=EventFactory(status=Event.Status.CANCELLED))
    refused(
        lambda: services.participation_decide(participation=cancelled, kind=Decision.Kind.WAITLISTED, user=staff),
        "can only be rejected",
    )
    assert not Decision.objects.exists()


def test_bulk_decision_reports_each_refusal():
    event = EventFactory(places=1)
    applications = [ParticipationFactory(event=event) for _ in range(3)]
    decisions, errors = services.participations_decide(
        participations=applications, kind=Decision.Kind.APPROVED, user=StaffFactory()
    )
    assert len(decisions) == 1 and len(errors) == 2
    assert Participation.objects.filter(status=Participation.Status.APPROVED).count() == 1


# Withdrawing and promotion


def test_withdrawing_an_approved_place_promotes_the_first_on_the_waiting_list():
    event = EventFactory(places=1)
    staff = StaffFactory()
    approved = ParticipationFactory(event=event, status=Participation.Status.APPROVED)
    # The first has a manager to tell (a promotion with nobody to tell is not marked notified: test_messages).
    later, first = (
        ParticipationFactory(event=event),
        ParticipationFactory(event=event, cluster=ClusterFactory(managers=[UserFactory()])),
    )
    services.participation_decide(participation=first, kind=Decision.Kind.WAITLISTED, user=staff)
    services.participation_decide(participation=later, kind=Decision.Kind.WAITLISTED, user=staff)

    promoted = services.participation_withdraw(participation=approved, user=UserFactory())

    assert promoted == first
    first.refresh_from_db(), later.refresh_from_db(), approved.refresh_from_db()
    assert first.status == Participation.Status.APPROVED
    assert later.status == Participation.Status.WAITLISTED
    assert approved.status == Participation.Status.WITHDRAWN and approved.withdrawn_at
    promotion = first.decisions.get(kind=Decision.Kind.PROMOTED)
    assert promotion.decided_by is None and promotion.notified_at is not None and promotion.decided_at


def test_withdrawing_an_unapproved_application_promotes_nobody():
    event = EventFactory(places=1)
    ParticipationFactory(event=event, status=Participation.Status.APPROVED)
    waiting = ParticipationFactory(event=event, status=Participation.Status.WAITLISTED)
    applied = ParticipationFactory(event=event)
    assert services.participation_withdraw(participation=applied, user=UserFactory()) is None
    waiting.refresh_from_db()
    assert waiting.status == Participation.Status.WAITLISTED


def test_no_withdrawal_after_the_start():
    event = EventFactory(starts_at=in_days(-0.1), registration_deadline=in_days(-2))
    participation = ParticipationFactory(event=event, status=Participation.Status.APPROVED)
    refused(lambda: services.participation_withdraw(participation=participation, user=UserFactory()), "started")
    participation.refresh_from_db()
    assert participation.status == Participation.Status.APPROVED


def test_no_withdrawal_twice():
    participation = ParticipationFactory(status=Participation.Status.WITHDRAWN)
    refused(lambda: services.participation_withdraw(participation=participation, user=UserFactory()), "already")


# Outcomes


def test_outcome_after_the_event_with_leads_and_amendments():
    participation = ParticipationFactory(event=PastEventFactory(), status=Participation.Status.APPROVED)
    user = UserFactory()
    outcome = services.outcome_report(
        participation=participation,
        user=user,
        attended=True,
        contacts_made=7,
        notes="Good",
        new_leads=[LeadData("Partner Oy", "FI", "Joint project", "Call")],
    )
    services.outcome_report(
        participation=participation,
        user=user,
        attended=True,
        contacts_made=9,
        new_leads=[LeadData("Partner AB", "SE", "Testing")],
    )
    outcome.refresh_from_db()
    assert outcome.contacts_made == 9
    assert PartnershipLead.objects.filter(outcome=outcome).count() == 2
    assert outcome.history.count() == 2


def test_an_event_outcome_and_a_funding_intent_may_name_the_indicator_areas_they_served():
    participation = ParticipationFactory(event=PastEventFactory(), status=Participation.Status.APPROVED)
    interaction, achievements = IndicatorArea.objects.filter(code__in=["interaction", "achievements"]).order_by("code")
    user = UserFactory()
    outcome = services.outcome_report(
        participation=participation, user=user, attended=True, contacts_made=3, indicator_areas=[interaction]
    )
    assert list(outcome.indicator_areas.all()) == [interaction]
    services.outcome_report(participation=participation, user=user, attended=True, contacts_made=3)
    assert not outcome.indicator_areas.exists()  # optional: a later report may name none
    intent = services.funding_intent_set(
        event=FundingCallFactory(),
        cluster=participation.cluster,
        user=user,
        status="considering",
        indicator_areas=[achievements, interaction],
    )
    assert set(intent.indicator_areas.all()) == {achievements, interaction}
    # Each write is one change in the history, with the areas it named.
    [marked] = intent.history.all()
    assert marked.history_type == "+"
    assert {row.indicatorarea for row in marked.indicator_areas.all()} == {achievements, interaction}
    reported, first = outcome.history.order_by("-history_date", "-history_id")
    assert (first.history_type, reported.history_type) == ("+", "~")
    assert [row.indicatorarea for row in first.indicator_areas.all()] == [interaction]
    assert not reported.indicator_areas.exists()


def test_no_outcome_before_the_event_ends():
    participation = ParticipationFactory(status=Participation.Status.APPROVED)
    refused(
        lambda: services.outcome_report(
            participation=participation, user=UserFactory(), attended=True, contacts_made=1
        ),
        "ended",
    )
    assert not Outcome.objects.exists()


@pytest.mark.parametrize("status", [Participation.Status.APPLIED, Participation.Status.REJECTED, "waitlisted"])
def test_no_outcome_for_an_application_that_was_not_approved(status):
    participation = ParticipationFactory(event=PastEventFactory(), status=status)
    refused(
        lambda: services.outcome_report(
            participation=participation, user=UserFactory(), attended=True, contacts_made=1
        ),
        "approved",
    )
    assert not Outcome.objects.exists()


# Funding intents


def test_a_funding_intent_is_one_clusters_for_one_call():
    call, other_call, cluster, other_cluster = (
        FundingCallFactory(),
        FundingCallFactory(),
        ClusterFactory(),
        ClusterFactory(),
    )
    user = UserFactory()
    mark = {"user": user, "status": FundingIntent.Status.CONSIDERING}
    first = services.funding_intent_set(event=call, cluster=cluster, **mark)
    for event, marking in ((other_call, cluster), (call, other_cluster)):
        intent = services.funding_intent_set(event=event, cluster=marking, **mark)
        assert intent.pk != first.pk and (intent.event, intent.cluster) == (event, marking)
    assert FundingIntent.objects.count() == 3


def test_funding_intent_is_set_then_updated_with_dates():
    call, cluster, user = FundingCallFactory(), ClusterFactory(), UserFactory()
    services.funding_intent_set(event=call, cluster=cluster, user=user, status=FundingIntent.Status.CONSIDERING)
    intent = services.funding_intent_set(
        event=call,
        cluster=cluster,
        user=user,
        status=FundingIntent.Status.APPLIED,
        submitted_on=datetime.date(2027, 1, 5),
    )
    assert FundingIntent.objects.get() == intent
    assert intent.status == FundingIntent.Status.APPLIED
    assert intent.history.count() == 2


def test_funding_intent_refuses_missing_dates_and_non_calls():
    call, cluster, user = FundingCallFactory(), ClusterFactory(), UserFactory()
    with pytest.raises(ValidationError) as error:
        services.funding_intent_set(event=call, cluster=cluster, user=user, status=FundingIntent.Status.GRANTED)
    assert {"submitted_on", "decided_on"} <= set(error.value.message_dict)
    refused(
        lambda: services.funding_intent_set(event=EventFactory(), cluster=cluster, user=user, status="considering"),
        "funding calls",
    )
    refused(
        lambda: services.funding_intent_set(
            event=FundingCallFactory(status=Event.Status.DRAFT), cluster=cluster, user=user, status="considering"
        ),
        "not published",
    )
    assert not FundingIntent.objects.exists()


def test_publish_and_cancel_follow_the_events_rules():
    staff = StaffFactory()
    event = EventFactory(status=Event.Status.DRAFT)
    with pytest.raises(ValidationError, match="Give the clusters a reason"):
        services.event_cancel(event=event, reason=" ", by=staff)
    services.event_publish(event=event, by=staff)
    with pytest.raises(ValidationError, match="already published"):
        services.event_publish(event=event, by=staff)
    services.event_cancel(event=event, reason="No venue", by=staff)
    with pytest.raises(ValidationError, match="cannot be published again"):
        services.event_publish(event=event, by=staff)
    with pytest.raises(ValidationError, match="already cancelled"):
        services.event_cancel(event=event, reason="Again", by=staff)
    ended = EventFactory(starts_at=timezone.now() - datetime.timedelta(days=2))
    with pytest.raises(ValidationError, match="already ended"):
        services.event_cancel(event=ended, reason="Too late", by=staff)
    event.refresh_from_db()
    ended.refresh_from_db()
    assert (event.status, event.cancel_reason, ended.status) == ("cancelled", "No venue", "published")


# Each refusal in its exact words (the mutation run, README "Mutation testing")


def refusal_messages(action):
    with pytest.raises(ValidationError) as error:
        action()
    return error.value.messages


def test_application_refusals_in_their_words():
    assert refusal_messages(lambda: apply(EventFactory(status=Event.Status.CANCELLED))) == [
        "This event has been cancelled."
    ]
    assert refusal_messages(lambda: apply(EventFactory(status=Event.Status.DRAFT))) == [
        "This event is not open for applications."
    ]
    assert refusal_messages(lambda: apply(FundingCallFactory())) == [
        "Funding calls take no applications here: mark your cluster's intent instead."
    ]
    closed = EventFactory(registration_deadline=in_days(-1), starts_at=in_days(2))
    assert refusal_messages(lambda: apply(closed)) == ["The registration deadline for this event has passed."]
    event = EventFactory(delegates_per_cluster=2)
    assert refusal_messages(lambda: apply(event, delegates=[DelegateData(" ", "x")])) == ["Name at least one delegate."]
    three = [DelegateData(str(i), "x") for i in range(3)]
    assert refusal_messages(lambda: apply(event, delegates=three)) == [
        "This event takes at most 2 delegates per cluster."
    ]
    with pytest.raises(ValidationError) as error:
        apply(event, motivation="  ")
    assert error.value.message_dict == {"motivation": ["Tell us why your cluster wants to take part."]}
    with pytest.raises(ValidationError) as error:
        apply(event, support_needed=True, support_details="")
    assert error.value.message_dict == {"support_details": ["Say what support your cluster needs."]}
    with pytest.raises(ValidationError) as error:
        apply(event, support_details="Stand")
    assert error.value.message_dict == {
        "support_details": ["Tick “We need support from the programme” above, or clear this text."]
    }


def test_applying_keeps_the_words_trimmed_and_the_delegates_in_order():
    participation = apply(
        EventFactory(), motivation=" Meet ", delegates=[DelegateData(" A ", " CEO "), DelegateData("B", "CTO")]
    )
    assert participation.motivation == "Meet"
    assert list(participation.delegates.order_by("position").values_list("full_name", "role", "position")) == [
        ("A", "CEO", 0),
        ("B", "CTO", 1),
    ]


def test_decision_refusals_in_their_words():
    staff = StaffFactory()
    participation = ParticipationFactory(event=EventFactory(places=1), cluster=ClusterFactory(name="Laser"))
    with pytest.raises(ValidationError) as error:
        services.participation_decide(participation=participation, kind="promoted", user=staff)
    assert error.value.message_dict == {"kind": ["Choose approve, waiting list or reject."]}
    with pytest.raises(ValidationError) as error:
        services.participation_decide(participation=participation, kind=Decision.Kind.REJECTED, user=staff, note=" ")
    assert error.value.message_dict == {"note": ["Give the cluster a reason for the rejection."]}
    ParticipationFactory(event=participation.event, status=Participation.Status.APPROVED)
    assert refusal_messages(
        lambda: services.participation_decide(participation=participation, kind=Decision.Kind.APPROVED, user=staff)
    ) == ["No places left for Laser: all 1 places are taken. Put it on the waiting list."]


def test_outcome_refusals_in_their_words():
    user = UserFactory()
    applied = ParticipationFactory(event=PastEventFactory())
    assert refusal_messages(
        lambda: services.outcome_report(participation=applied, user=user, attended=True, contacts_made=1)
    ) == ["Only an approved application can have an outcome."]
    upcoming = ParticipationFactory(status=Participation.Status.APPROVED)
    assert refusal_messages(
        lambda: services.outcome_report(participation=upcoming, user=user, attended=True, contacts_made=1)
    ) == ["The outcome can be reported once the event has ended."]
    approved = ParticipationFactory(event=PastEventFactory(), status=Participation.Status.APPROVED)
    with pytest.raises(ValidationError) as error:
        services.outcome_report(participation=approved, user=user, attended=True, contacts_made=-1)
    assert error.value.message_dict == {"contacts_made": ["The number of contacts cannot be negative."]}
    outcome = services.outcome_report(participation=approved, user=user, attended=False, contacts_made=0, notes=" N ")
    assert (outcome.attended, outcome.contacts_made, outcome.notes, outcome.reported_by) == (False, 0, "N", user)


def test_funding_intent_refusals_in_their_words():
    user, cluster = UserFactory(), ClusterFactory()
    assert refusal_messages(
        lambda: services.funding_intent_set(event=EventFactory(), cluster=cluster, user=user, status="considering")
    ) == ["Only funding calls take an intent."]
    draft = FundingCallFactory(status=Event.Status.DRAFT)
    assert refusal_messages(
        lambda: services.funding_intent_set(event=draft, cluster=cluster, user=user, status="considering")
    ) == ["This funding call is not published."]


def test_one_application_per_cluster_and_event_only():
    event, cluster = EventFactory(), ClusterFactory()
    apply(EventFactory(), cluster)  # the same cluster, another event
    apply(event)  # another cluster, the same event
    assert apply(event, cluster).cluster == cluster


def test_bulk_decision_passes_the_note_to_each():
    staff = StaffFactory()
    participations = [ParticipationFactory(), ParticipationFactory()]
    decisions, errors = services.participations_decide(
        participations=participations, kind=Decision.Kind.REJECTED, user=staff, note="Full programme"
    )
    assert errors == [] and [decision.note for decision in decisions] == ["Full programme", "Full programme"]


def test_outcome_keeps_leads_trimmed_and_notes_optional():
    approved = ParticipationFactory(event=PastEventFactory(), status=Participation.Status.APPROVED)
    outcome = services.outcome_report(
        participation=approved,
        user=UserFactory(),
        attended=True,
        contacts_made=2,
        new_leads=[LeadData(" Acme ", "DE", " Sensors ", " Call ")],
    )
    assert outcome.notes == ""
    assert list(outcome.leads.values_list("organisation", "country", "topic", "next_step")) == [
        ("Acme", "DE", "Sensors", "Call")
    ]


def test_funding_intent_keeps_the_note_trimmed_and_optional():
    event, cluster, user = FundingCallFactory(), ClusterFactory(), UserFactory()
    intent = services.funding_intent_set(event=event, cluster=cluster, user=user, status="considering")
    assert intent.note == ""
    intent = services.funding_intent_set(event=event, cluster=cluster, user=user, status="considering", note=" Soon ")
    assert (intent.note, intent.updated_by) == ("Soon", user)


def test_publishing_and_cancelling_record_when_and_by_whom_and_a_cancellation_needs_its_reason():
    staff = StaffFactory()
    draft = EventFactory(status=Event.Status.DRAFT)
    before = timezone.now()
    services.event_publish(event=draft, by=staff)
    published = Event.objects.get(pk=draft.pk)
    assert (published.status, published.status_changed_by) == (Event.Status.PUBLISHED, staff)
    assert published.published_at >= before
    for blank in ("", "  ", None):
        with pytest.raises(ValidationError) as raised:
            services.event_cancel(event=published, reason=blank, by=staff)
        assert raised.value.message_dict == {"reason": ["Give the clusters a reason for the cancellation."]}
    assert Event.objects.get(pk=draft.pk).status == Event.Status.PUBLISHED
    other = StaffFactory()
    services.event_cancel(event=published, reason=" Venue closed ", by=other)
    cancelled = Event.objects.get(pk=draft.pk)
    assert (cancelled.status, cancelled.cancel_reason, cancelled.status_changed_by) == (
        Event.Status.CANCELLED,
        "Venue closed",
        other,
    )
    assert cancelled.cancelled_at >= before and cancelled.published_at == published.published_at


# Places, promotions and dates, each asserted exactly (the survivors of the mutation run on events/services.py)


def test_approvals_elsewhere_take_none_of_this_events_places():
    ParticipationFactory(event=EventFactory(places=1), status=Participation.Status.APPROVED)
    participation = ParticipationFactory(event=EventFactory(places=1))
    decision = services.participation_decide(
        participation=participation, kind=Decision.Kind.APPROVED, user=StaffFactory()
    )
    participation.refresh_from_db()
    assert (decision.kind, participation.status) == (Decision.Kind.APPROVED, Participation.Status.APPROVED)


def test_a_withdrawal_promotes_from_its_own_events_waiting_list_in_the_promotions_words_and_moment():
    elsewhere = ParticipationFactory(event=EventFactory(places=1), status=Participation.Status.WAITLISTED)
    event = EventFactory(places=1)
    approved = ParticipationFactory(event=event, status=Participation.Status.APPROVED)
    waiting = ParticipationFactory(event=event, status=Participation.Status.WAITLISTED)
    user = UserFactory()
    with translation.override("en"):
        assert services.participation_withdraw(participation=approved, user=user) == waiting
    approved.refresh_from_db(), elsewhere.refresh_from_db()
    assert (approved.status, approved.withdrawn_by) == (Participation.Status.WITHDRAWN, user)
    assert elsewhere.status == Participation.Status.WAITLISTED
    promotion = waiting.decisions.get()
    assert promotion.kind == Decision.Kind.PROMOTED
    assert promotion.note == "A place became free and the cluster was first on the waiting list."
    assert promotion.decided_at == approved.withdrawn_at


def test_a_withdrawal_that_leaves_the_event_still_full_promotes_nobody():
    event = EventFactory(places=2)
    leaving, _staying = ParticipationFactory.create_batch(2, event=event, status=Participation.Status.APPROVED)
    waiting = ParticipationFactory(event=event, status=Participation.Status.WAITLISTED)
    Event.objects.filter(pk=event.pk).update(places=1)  # staff lowered the places after approving two
    assert services.participation_withdraw(participation=leaving, user=UserFactory()) is None
    waiting.refresh_from_db()
    assert waiting.status == Participation.Status.WAITLISTED and not waiting.decisions.exists()


def test_withdrawing_an_application_that_held_no_place_promotes_nobody_even_with_places_free():
    event = EventFactory(places=3)
    waiting = ParticipationFactory(event=event, status=Participation.Status.WAITLISTED)
    applied = ParticipationFactory(event=event)
    assert services.participation_withdraw(participation=applied, user=UserFactory()) is None
    waiting.refresh_from_db()
    assert waiting.status == Participation.Status.WAITLISTED


def test_a_decision_is_dated_when_it_puts_the_application_on_the_waiting_list():
    participation = ParticipationFactory()
    decision = services.participation_decide(
        participation=participation, kind=Decision.Kind.WAITLISTED, user=StaffFactory()
    )
    participation.refresh_from_db()
    assert decision.decided_at == participation.waitlisted_at


def test_a_bulk_decision_without_a_note_records_none():
    decisions, errors = services.participations_decide(
        participations=[ParticipationFactory()], kind=Decision.Kind.APPROVED, user=StaffFactory()
    )
    assert errors == [] and [decision.note for decision in decisions] == [""]


def test_funding_intent_keeps_both_dates_and_refuses_a_decision_before_the_submission():
    call, cluster, user = FundingCallFactory(), ClusterFactory(), UserFactory()
    intent = services.funding_intent_set(
        event=call,
        cluster=cluster,
        user=user,
        status=FundingIntent.Status.GRANTED,
        submitted_on=datetime.date(2027, 1, 5),
        decided_on=datetime.date(2027, 3, 1),
    )
    intent = FundingIntent.objects.get(pk=intent.pk)
    assert (intent.status, intent.submitted_on, intent.decided_on) == (
        FundingIntent.Status.GRANTED,
        datetime.date(2027, 1, 5),
        datetime.date(2027, 3, 1),
    )
    with pytest.raises(ValidationError) as error:
        services.funding_intent_set(
            event=call,
            cluster=cluster,
            user=user,
            status=FundingIntent.Status.NOT_GRANTED,
            submitted_on=datetime.date(2027, 1, 5),
            decided_on=datetime.date(2027, 1, 4),
        )
    assert error.value.message_dict == {
        "decided_on": ["The decision cannot come before the application was submitted."]
    }
    assert FundingIntent.objects.get().status == FundingIntent.Status.GRANTED


def test_an_application_on_a_full_event_joins_the_waiting_list_when_it_applies():
    event = EventFactory(places=1)
    ParticipationFactory(event=event, status=Participation.Status.APPROVED)
    participation = apply(event)
    assert participation.status == Participation.Status.WAITLISTED
    assert participation.applied_at == participation.waitlisted_at


def test_an_application_that_loses_the_race_to_the_clusters_other_request_says_it_already_applied(monkeypatch):
    event, cluster = EventFactory(), ClusterFactory()
    real_lock = services.lock

    def other_request_commits_first(*rows):  # while this request waits for the event's lock
        ParticipationFactory(event=event, cluster=cluster)
        return real_lock(*rows)

    monkeypatch.setattr(services, "lock", other_request_commits_first)
    assert refusal_messages(lambda: apply(event, cluster)) == ["Your cluster has already applied to this event."]
