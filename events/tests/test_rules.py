"""Exact rules of the events app's services, models, selectors and permissions: boundaries, refusal words, who may
and who may not, and when (the tests that mutation testing called for)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.tests.factories import UserFactory
from clusters.tests.factories import ClusterFactory
from events import services
from events.models import Event, Participation
from events.services import DelegateData

from .factories import EventFactory, FundingCallFactory, ParticipationFactory, in_days

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_a_change_that_adds_delegates_keeps_each_ones_role_and_place_in_the_list():
    """Delegates added by a change are stored with the role typed and numbered after the kept ones."""
    manager = UserFactory()
    participation = ParticipationFactory(cluster=ClusterFactory(managers=[manager]), delegates=["Ona"])
    services.participation_change(
        participation=participation,
        user=manager,
        delegates=[DelegateData("Ona", "Manager"), DelegateData(" Jonas ", " CTO ")],
    )
    assert list(participation.delegates.order_by("pk").values_list("full_name", "role", "position")) == [
        ("Ona", "Manager", 0),
        ("Jonas", "CTO", 1),
    ]


def test_an_event_without_a_title_in_either_language_is_refused_on_the_lithuanian_title():
    """Staff write the title in Lithuanian, in English or both; with neither, the form says so at the Lithuanian
    title, in these words."""
    event = EventFactory.build(title_lt="", title_en="")
    with pytest.raises(ValidationError) as error:
        event.clean()
    assert error.value.message_dict == {"title_lt": ["Write the title in Lithuanian, in English, or in both."]}


@pytest.mark.parametrize(
    ("fields", "refusal"),
    [
        ({"status": Participation.Status.WITHDRAWN}, "This application has been withdrawn and cannot be changed."),
        ({"status": Participation.Status.REJECTED}, "A rejected application cannot be changed."),
        (
            {"event__status": Event.Status.CANCELLED},
            "The event has been cancelled: the application can no longer be changed.",
        ),
        (
            {"event__registration_deadline": in_days(-1)},
            "The registration deadline has passed: the application can no longer be changed.",
        ),
    ],
)
def test_a_change_refusal_says_exactly_why(fields, refusal):
    """Each reason an application can no longer be changed reads in its own words."""
    assert ParticipationFactory(**fields).change_refusal() == refusal


def test_add_to_calendar_is_offered_until_the_moment_the_event_ends():
    """ "Add to calendar" is offered up to the last moment before the end, and no longer from the end on."""
    event = EventFactory()
    last_moment = event.ends_at - datetime.timedelta(microseconds=1)
    assert event.offers_calendar(now=last_moment)
    assert not event.offers_calendar(now=event.ends_at)


@pytest.mark.parametrize("dates", [{"closes_on": "closes"}, {"opens_on": "opens", "closes_on": "closes"}])
def test_only_a_funding_call_takes_its_moments_from_its_dates(dates):
    """Saving fills the moments from the call dates for a funding call only: an ordinary event keeps the start,
    end and deadline staff gave, whatever call dates were typed beside them."""
    event = EventFactory.build()
    moments = (event.starts_at, event.ends_at, event.registration_deadline)
    days = {"opens": datetime.date(2030, 1, 1), "closes": datetime.date(2030, 1, 31)}
    for name, day in dates.items():
        setattr(event, name, days[day])
    event.save()
    event.refresh_from_db()
    assert (event.starts_at, event.ends_at, event.registration_deadline) == moments


def test_saving_some_of_a_calls_fields_writes_those_and_its_moments_only():
    """A save of named fields writes them and the call's moments that follow from its dates, and nothing else:
    a change made meanwhile from another screen is kept."""
    call = FundingCallFactory(organiser="Agency")
    Event.objects.filter(pk=call.pk).update(organiser="Ministry")
    call.closes_on = call.closes_on + datetime.timedelta(days=7)
    call.save(update_fields=["closes_on"])
    saved = Event.objects.get(pk=call.pk)
    assert (saved.organiser, saved.closes_on, saved.ends_at) == ("Ministry", call.closes_on, call.ends_at)
    assert timezone.localdate(saved.registration_deadline) == call.closes_on
