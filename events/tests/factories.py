import datetime

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from clusters.tests.factories import ClusterFactory
from events.models import Delegate, Event, FundingIntent, Outcome, Participation, PartnershipLead


def in_days(days: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


class EventFactory(factory.django.DjangoModelFactory):
    """A published international event a month away, open for applications, with 3 places."""

    class Meta:
        model = Event

    class Params:
        # Tests name an event in English (``title``, ``description``); a test of both languages gives the fields.
        title = factory.Sequence(lambda n: f"Event {n}")
        description = ""

    title_en = factory.SelfAttribute("title")
    description_en = factory.SelfAttribute("description")
    kind = Event.Kind.INTERNATIONAL
    organiser = "Organiser"
    country = "DE"
    city = "Berlin"
    venue = "Fair grounds"
    starts_at = factory.LazyFunction(lambda: in_days(30))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=8))
    registration_deadline = factory.LazyAttribute(lambda o: o.starts_at - datetime.timedelta(days=10))
    places = 3
    delegates_per_cluster = 2
    description = "Description"
    status = Event.Status.PUBLISHED


class PastEventFactory(EventFactory):
    starts_at = factory.LazyFunction(lambda: in_days(-10))


class FundingCallFactory(EventFactory):
    """A funding call that opens in a month and closes 60 days later (dates only: its moments follow on save)."""

    kind = Event.Kind.FUNDING_CALL
    country = "EU"
    places = None
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(days=60))
    opens_on = factory.LazyAttribute(lambda o: timezone.localdate(o.starts_at))
    closes_on = factory.LazyAttribute(lambda o: timezone.localdate(o.ends_at))


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation
        skip_postgeneration_save = True

    event = factory.SubFactory(EventFactory)
    cluster = factory.SubFactory(ClusterFactory)
    status = Participation.Status.APPLIED
    motivation = "We want to meet partners."
    applied_by = factory.SubFactory(UserFactory)
    waitlisted_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == Participation.Status.WAITLISTED else None
    )
    withdrawn_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == Participation.Status.WITHDRAWN else None
    )

    @factory.post_generation
    def delegates(obj, create, extracted, **kwargs):
        if create:
            for position, name in enumerate(extracted if extracted is not None else ["Delegate One"]):
                Delegate.objects.create(participation=obj, full_name=name, role="Manager", position=position)


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    participation = factory.SubFactory(
        ParticipationFactory, event=factory.SubFactory(PastEventFactory), status=Participation.Status.APPROVED
    )
    attended = True
    contacts_made = 5
    reported_by = factory.SubFactory(UserFactory)


class PartnershipLeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnershipLead

    outcome = factory.SubFactory(OutcomeFactory)
    organisation = factory.Sequence(lambda n: f"Partner {n}")
    country = "FI"
    topic = "Joint project"
    next_step = "Call"


class FundingIntentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingIntent

    event = factory.SubFactory(FundingCallFactory)
    cluster = factory.SubFactory(ClusterFactory)
    status = FundingIntent.Status.CONSIDERING
    updated_by = factory.SubFactory(UserFactory)
