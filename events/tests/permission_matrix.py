"""Permission-matrix entries of events (see inolink/tests/matrix.py)."""

from accounts.tests.factories import StaffFactory, UserFactory
from clusters.tests.factories import ClusterFactory
from events.models import Event, Participation
from events.tests.factories import EventFactory, FundingCallFactory, ParticipationFactory, PastEventFactory
from inolink.tests.matrix import Case, register

ANY_MANAGER = {
    "the manager of another cluster": "every cluster's manager may apply or state an intent for their own cluster"
}


def participation_with_manager(**fields):
    manager = UserFactory()
    participation = ParticipationFactory(cluster=ClusterFactory(managers=[manager]), **fields)
    return participation, manager


@register("events:event-detail")
def event_detail():
    # Published events are open to everyone signed in with a role; a draft is for staff only.
    return Case(kwargs={"pk": EventFactory(status=Event.Status.DRAFT).pk}, rightful=[StaffFactory()])


@register("events:event-ics")
def event_ics():
    return Case(kwargs={"pk": EventFactory(status=Event.Status.DRAFT).pk}, rightful=[StaffFactory()])


@register("events:event-outcomes")
def event_outcomes():
    participation, manager = participation_with_manager(status=Participation.Status.APPROVED)
    return Case(
        kwargs={"pk": participation.event.pk}, rightful=[StaffFactory()], wrong={"the cluster's manager": manager}
    )


@register("events:participation-apply")
def participation_apply():
    manager = UserFactory()
    ClusterFactory(managers=[manager])
    return Case(kwargs={"pk": EventFactory().pk}, rightful=[manager], open_to=ANY_MANAGER)


@register("events:funding-intent-edit")
def funding_intent_edit():
    manager = UserFactory()
    ClusterFactory(managers=[manager])
    return Case(kwargs={"pk": FundingCallFactory().pk}, rightful=[manager], open_to=ANY_MANAGER)


@register("events:participation-detail")
def participation_detail():
    participation, manager = participation_with_manager()
    return Case(kwargs={"pk": participation.pk}, rightful=[manager, StaffFactory()])


@register("events:participation-withdraw")
def participation_withdraw():
    participation, manager = participation_with_manager()
    # GET asks to confirm, POST withdraws: both only for a manager of the application's cluster, never staff.
    return Case(kwargs={"pk": participation.pk}, rightful=[manager], wrong={"staff": StaffFactory()}, rightful_post={})


@register("events:outcome-report")
def outcome_report():
    participation, manager = participation_with_manager(event=PastEventFactory(), status=Participation.Status.APPROVED)
    return Case(kwargs={"pk": participation.pk}, rightful=[manager])


@register("events:participation-change")
def participation_change():
    participation, manager = participation_with_manager()
    # Only a manager of the application's cluster changes its delegates and support, never staff.
    return Case(kwargs={"pk": participation.pk}, rightful=[manager], wrong={"staff": StaffFactory()})
