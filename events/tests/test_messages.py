"""Event emails: decisions and promotions once per decision, deadline reminders and outcome requests by sweep."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from accounts.tests.factories import StaffFactory, UserFactory
from agreements.tests.factories import ActiveAgreementFactory
from clusters.tests.factories import ClusterFactory
from events import services
from events.models import Decision, Event, Participation
from inolink.formatting import day_and_time
from notifications.models import OutgoingMessage
from notifications.services import messages_send
from notifications.sweeps import get_sweep, sweep_run

from .factories import EventFactory, OutcomeFactory, ParticipationFactory, PastEventFactory, in_days

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _send():
    messages_send()
    return list(mail.outbox)


def _to(emails):
    return sorted(address for email in emails for address in email.to)


def _cluster(*managers):
    return ClusterFactory(managers=list(managers or [UserFactory()]))


@pytest.mark.parametrize(
    ("kind", "note", "subject"),
    [
        (Decision.Kind.APPROVED, "", "is approved for"),
        (Decision.Kind.WAITLISTED, "", "is on the waiting list"),
        (Decision.Kind.REJECTED, "Too many applicants from the sector", "was not accepted"),
    ],
)
def test_a_decision_tells_the_clusters_managers_once(kind, note, subject, django_capture_on_commit_callbacks):
    english, lithuanian = UserFactory(language="en"), UserFactory(language="lt")
    participation = ParticipationFactory(cluster=_cluster(english, lithuanian))
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.participation_decide(participation=participation, kind=kind, user=StaffFactory(), note=note)
    decision.refresh_from_db()
    assert decision.notified_at is not None
    records = OutgoingMessage.objects.filter(kind="event_decision")
    assert sorted(r.recipient_email for r in records) == sorted([english.email, lithuanian.email])
    assert {r.status for r in records} == {OutgoingMessage.Status.SENT}
    assert _to(mail.outbox) == sorted([english.email, lithuanian.email])
    email = next(e for e in mail.outbox if e.to == [english.email])
    assert subject in email.subject
    assert f"/events/applications/{participation.pk}/" in email.body
    assert note in email.body
    assert next(r for r in records if r.recipient == lithuanian).language == "lt"


def test_a_superseded_decision_is_not_sent():
    participation = ParticipationFactory(cluster=_cluster())
    staff = StaffFactory()
    services.participation_decide(participation=participation, kind=Decision.Kind.APPROVED, user=staff)
    services.participation_decide(participation=participation, kind=Decision.Kind.REJECTED, user=staff, note="No")
    [email] = _send()
    assert "was not accepted" in email.subject


def test_promotion_from_the_waiting_list_is_announced_and_marked():
    event = EventFactory(places=1)
    taken = ParticipationFactory(event=event, status=Participation.Status.APPROVED)
    manager = UserFactory()
    waiting = ParticipationFactory(event=event, cluster=_cluster(manager), status=Participation.Status.WAITLISTED)
    services.participation_withdraw(participation=taken, user=UserFactory())
    promotion = Decision.objects.get(participation=waiting, kind=Decision.Kind.PROMOTED)
    assert promotion.notified_at is not None
    [email] = _send()
    assert email.to == [manager.email] and "A place came free" in email.subject
    assert OutgoingMessage.objects.filter(kind="event_promoted").count() == 1


# Deadline reminder -------------------------------------------------------------------------------------------


def _programme_cluster(*managers):
    cluster = _cluster(*managers)
    ActiveAgreementFactory(cluster=cluster)
    return cluster


def test_deadline_reminder_goes_to_experienced_programme_clusters_that_have_not_applied():
    now = timezone.now()
    event = EventFactory(kind=Event.Kind.EXHIBITION, starts_at=in_days(10), registration_deadline=in_days(5))
    experienced = UserFactory()
    cluster = _programme_cluster(experienced)
    ParticipationFactory(
        event=PastEventFactory(kind=Event.Kind.EXHIBITION), cluster=cluster, status=Participation.Status.APPROVED
    )
    applied = _programme_cluster()
    ParticipationFactory(
        event=PastEventFactory(kind=Event.Kind.EXHIBITION), cluster=applied, status=Participation.Status.APPROVED
    )
    ParticipationFactory(event=event, cluster=applied)
    other_kind = _programme_cluster()
    ParticipationFactory(
        event=PastEventFactory(kind=Event.Kind.BROKERAGE), cluster=other_kind, status=Participation.Status.APPROVED
    )
    outside = _cluster()  # took part, but has no agreement with the programme
    ParticipationFactory(
        event=PastEventFactory(kind=Event.Kind.EXHIBITION), cluster=outside, status=Participation.Status.APPROVED
    )
    EventFactory(kind=Event.Kind.EXHIBITION, starts_at=in_days(20), registration_deadline=in_days(10))  # not yet
    for _ in range(3):
        sweep_run(get_sweep("event_deadline"), now=now)
    [record] = OutgoingMessage.objects.filter(kind="event_deadline")
    assert record.recipient == experienced and record.object_id == event.pk
    [email] = _send()
    assert email.to == [experienced.email] and f"/events/{event.pk}/apply/" in email.body
    assert f"{cluster.name} took part in this kind of event before and has not applied" in email.body
    with timezone.override("Europe/Vilnius"), translation.override("en"):
        deadline = day_and_time(event.registration_deadline)
    assert f"Registration closes on {deadline} (Vilnius time)." in email.body
    assert "\n\n\n" not in email.body


def test_deadline_reminder_is_skipped_once_the_cluster_applied_or_the_event_is_cancelled():
    event = EventFactory(kind=Event.Kind.EXHIBITION, starts_at=in_days(10), registration_deadline=in_days(5))
    cluster = _programme_cluster()
    ParticipationFactory(
        event=PastEventFactory(kind=Event.Kind.EXHIBITION), cluster=cluster, status=Participation.Status.APPROVED
    )
    sweep_run(get_sweep("event_deadline"))
    ParticipationFactory(event=event, cluster=cluster)
    assert _send() == []
    assert OutgoingMessage.objects.get(kind="event_deadline").status == OutgoingMessage.Status.SKIPPED


# Outcome request ---------------------------------------------------------------------------------------------


def test_outcome_request_three_days_after_an_attended_event_once():
    manager = UserFactory()
    ended = PastEventFactory(starts_at=in_days(-5), ends_at=in_days(-4))
    asked = ParticipationFactory(event=ended, cluster=_cluster(manager), status=Participation.Status.APPROVED)
    ParticipationFactory(event=ended, status=Participation.Status.REJECTED)
    OutcomeFactory(participation=ParticipationFactory(event=ended, status=Participation.Status.APPROVED))
    recent = PastEventFactory(starts_at=in_days(-2), ends_at=in_days(-1))
    ParticipationFactory(event=recent, status=Participation.Status.APPROVED)  # not 3 days yet
    for _ in range(3):
        sweep_run(get_sweep("event_outcome_request"))
    [record] = OutgoingMessage.objects.filter(kind="event_outcome_request")
    assert record.object_id == asked.pk and record.recipient == manager
    [email] = _send()
    assert f"/events/applications/{asked.pk}/outcome/" in email.body


def test_outcome_request_is_skipped_when_reported_meanwhile():
    ended = PastEventFactory(starts_at=in_days(-5), ends_at=in_days(-4))
    participation = ParticipationFactory(event=ended, cluster=_cluster(), status=Participation.Status.APPROVED)
    sweep_run(get_sweep("event_outcome_request"))
    OutcomeFactory(participation=participation)
    assert _send() == []


# Query counts ------------------------------------------------------------------------------------------------

SWEEP_QUERIES = {}


def _reads(queries):
    return [q["sql"] for q in queries.captured_queries if not q["sql"].lstrip().upper().startswith("INSERT")]


@pytest.mark.parametrize("count", [5, 50])
def test_deadline_sweep_query_count_is_fixed(count):
    now = timezone.now()
    for _ in range(count):
        cluster = _programme_cluster(UserFactory(), UserFactory())
        ParticipationFactory(
            event=PastEventFactory(kind=Event.Kind.EXHIBITION), cluster=cluster, status=Participation.Status.APPROVED
        )
        EventFactory(kind=Event.Kind.EXHIBITION, starts_at=in_days(10), registration_deadline=in_days(5))
    ContentType.objects.clear_cache()  # both counts include the one content-type lookup
    with CaptureQueriesContext(connection) as queries:
        offered = sweep_run(get_sweep("event_deadline"), now=now, dispatch=False)
    assert offered == count * count * 2
    SWEEP_QUERIES[("deadline", count)] = len(_reads(queries))
    print(f"deadline sweep reads at {count} events and clusters: {len(_reads(queries))}")
    if ("deadline", 5) in SWEEP_QUERIES and ("deadline", 50) in SWEEP_QUERIES:
        assert SWEEP_QUERIES[("deadline", 5)] == SWEEP_QUERIES[("deadline", 50)], SWEEP_QUERIES


@pytest.mark.parametrize("count", [5, 50])
def test_outcome_request_sweep_query_count_is_fixed(count):
    ended = PastEventFactory(starts_at=in_days(-5), ends_at=in_days(-4), places=None)
    for _ in range(count):
        ParticipationFactory(event=ended, cluster=_cluster(UserFactory(), UserFactory()), status="approved")
    ContentType.objects.clear_cache()  # both counts include the one content-type lookup
    with CaptureQueriesContext(connection) as queries:
        offered = sweep_run(get_sweep("event_outcome_request"), dispatch=False)
    assert offered == count * 2
    SWEEP_QUERIES[("outcome", count)] = len(_reads(queries))
    print(f"outcome request sweep reads at {count} applications: {len(_reads(queries))}")
    if ("outcome", 5) in SWEEP_QUERIES and ("outcome", 50) in SWEEP_QUERIES:
        assert SWEEP_QUERIES[("outcome", 5)] == SWEEP_QUERIES[("outcome", 50)], SWEEP_QUERIES


def test_a_promotion_with_nobody_to_tell_is_not_marked_notified_and_the_gap_is_kept():
    """Issue 14: a waitlist promotion to a cluster without a manager account read as notified."""
    event = EventFactory(places=1)
    taken = ParticipationFactory(event=event, status=Participation.Status.APPROVED)
    waiting = ParticipationFactory(
        event=event, cluster=ClusterFactory(managers=[]), status=Participation.Status.WAITLISTED
    )
    services.participation_withdraw(participation=taken, user=UserFactory())
    promotion = Decision.objects.get(participation=waiting, kind=Decision.Kind.PROMOTED)
    assert promotion.notified_at is None
    assert _send() == []
    [record] = OutgoingMessage.objects.filter(kind="event_promoted")
    assert record.recipient is None and record.status == OutgoingMessage.Status.SKIPPED
    assert "Nobody to tell" in record.last_error
