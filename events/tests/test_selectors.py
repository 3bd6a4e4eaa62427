"""The events app's reads (events/selectors.py): which events, applications and intents each page lists, in what
order, in how many queries."""

import datetime
import warnings

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from agreements.tests.factories import ActiveAgreementFactory
from clusters.tests.factories import ClusterFactory
from events.models import Decision, Event, FundingIntent, Participation, PartnershipLead
from events.selectors import (
    CatalogueFilters,
    FundingRow,
    applications_awaiting_decision,
    approved_events,
    calendar_items_for_cluster,
    calendar_items_for_manager,
    catalogue,
    catalogue_countries,
    cluster_application,
    cluster_event_history,
    cluster_funding_intents,
    cluster_partnership_leads,
    event_calendar_item,
    event_outcomes,
    funding_table,
)

from .factories import (
    EventFactory,
    FundingCallFactory,
    FundingIntentFactory,
    OutcomeFactory,
    ParticipationFactory,
    PartnershipLeadFactory,
    in_days,
)

pytestmark = pytest.mark.django_db


def local(year, month, day, hour=0, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=timezone.get_current_timezone())


def titles(events):
    return [event.title for event in events]


def test_catalogue_lists_only_published_events_that_have_not_ended_by_start():
    later = EventFactory(title="Later", starts_at=in_days(20))
    sooner = EventFactory(title="Sooner", starts_at=in_days(5))
    EventFactory(title="Draft", status=Event.Status.DRAFT)
    EventFactory(title="Cancelled", status=Event.Status.CANCELLED)
    # Started yesterday, ends tomorrow: still on.
    running = EventFactory(
        title="Running",
        starts_at=in_days(-1),
        ends_at=in_days(1),
        registration_deadline=in_days(-2),
    )
    EventFactory(title="Over", starts_at=in_days(-3), ends_at=in_days(-2), registration_deadline=in_days(-4))
    assert titles(catalogue(CatalogueFilters())) == [running.title, sooner.title, later.title]


def test_catalogue_orders_events_starting_together_by_id():
    start = in_days(10)
    first = EventFactory(title="B", starts_at=start)
    second = EventFactory(title="A", starts_at=start)
    assert [e.pk for e in catalogue(CatalogueFilters())] == [first.pk, second.pk]


def test_catalogue_include_past_lists_ended_events_too():
    EventFactory(title="Over", starts_at=in_days(-3), ends_at=in_days(-2), registration_deadline=in_days(-4))
    EventFactory(title="Next", starts_at=in_days(3))
    assert titles(catalogue(CatalogueFilters(include_past=True))) == ["Over", "Next"]


def test_catalogue_an_event_ending_at_this_moment_is_still_listed():
    now = timezone.now()
    EventFactory(title="Ending now", starts_at=now - datetime.timedelta(hours=2), ends_at=now)
    assert titles(catalogue(CatalogueFilters(), now=now)) == ["Ending now"]
    assert titles(catalogue(CatalogueFilters(), now=now + datetime.timedelta(microseconds=1))) == []


def test_catalogue_filters_by_kind_and_country():
    EventFactory(title="Berlin fair", kind=Event.Kind.EXHIBITION, country="DE")
    EventFactory(title="Riga fair", kind=Event.Kind.EXHIBITION, country="LV")
    EventFactory(title="Berlin trip", kind=Event.Kind.INTERNATIONAL, country="DE")
    assert titles(catalogue(CatalogueFilters(kind=Event.Kind.EXHIBITION))) == ["Berlin fair", "Riga fair"]
    assert titles(catalogue(CatalogueFilters(country="DE"))) == ["Berlin fair", "Berlin trip"]
    assert titles(catalogue(CatalogueFilters(kind=Event.Kind.EXHIBITION, country="LV"))) == ["Riga fair"]


def test_catalogue_month_lists_events_overlapping_the_month_in_local_time():
    now = local(2026, 11, 1, 12)

    def event(title, starts_at, ends_at):
        return EventFactory(
            title=title, starts_at=starts_at, ends_at=ends_at, registration_deadline=starts_at - datetime.timedelta(1)
        )

    event("Ends at midnight before", local(2026, 11, 30, 20), local(2026, 11, 30, 23, 59))
    event("Ends as December begins", local(2026, 11, 30, 20), local(2026, 12, 1, 0, 0))
    event("Last evening", local(2026, 12, 31, 23, 0), local(2026, 12, 31, 23, 30))
    event("Spans the new year", local(2026, 12, 31, 22, 0), local(2027, 1, 1, 2, 0))
    event("New year's night", local(2027, 1, 1, 0, 0), local(2027, 1, 1, 3, 0))
    with warnings.catch_warnings():
        # A naive bound would be read in the server's zone, with a RuntimeWarning: the month is the user's.
        warnings.simplefilter("error", RuntimeWarning)
        listed = list(catalogue(CatalogueFilters(month=datetime.date(2026, 12, 1)), now=now))
    assert titles(listed) == ["Ends as December begins", "Spans the new year", "Last evening"]
    with timezone.override("Europe/London"):  # two hours behind Vilnius in winter
        in_london = catalogue(CatalogueFilters(month=datetime.date(2026, 12, 1)), now=now)
        assert titles(in_london) == ["Spans the new year", "Last evening", "New year's night"]
    # A month lists its past events as well: today is past the whole of December here.
    assert titles(catalogue(CatalogueFilters(month=datetime.date(2026, 12, 1)), now=local(2027, 2, 1))) == titles(
        listed
    )


def test_catalogue_month_of_february_ends_with_its_last_day():
    def event(title, day):
        starts_at = local(2027, *day, 10)
        return EventFactory(
            title=title,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=2),
            registration_deadline=starts_at - datetime.timedelta(days=1),
        )

    event("Last of January", (1, 31))
    event("First of February", (2, 1))
    event("Last of February", (2, 28))
    event("First of March", (3, 1))
    listed = catalogue(CatalogueFilters(month=datetime.date(2027, 2, 1)), now=local(2027, 1, 1))
    assert titles(listed) == ["First of February", "Last of February"]


def test_catalogue_open_only_keeps_events_still_taking_applications():
    now = timezone.now()
    EventFactory(title="Deadline now", registration_deadline=now)
    EventFactory(title="Deadline passed", registration_deadline=now - datetime.timedelta(seconds=1))
    assert titles(catalogue(CatalogueFilters(open_only=True), now=now)) == ["Deadline now"]
    assert len(catalogue(CatalogueFilters(), now=now)) == 2


def test_catalogue_counts_approved_places_and_shows_a_managers_own_status(django_assert_num_queries):
    cluster = ClusterFactory()
    event = EventFactory(title="Fair", places=3)
    # Other clusters' rows first: the cluster's own status is found by its cluster, not by coming first.
    ParticipationFactory(event=event, status=Participation.Status.APPROVED)
    ParticipationFactory(event=event, status=Participation.Status.APPROVED)
    ParticipationFactory(event=event, status=Participation.Status.APPLIED)
    ParticipationFactory(event=event, cluster=cluster, status=Participation.Status.WAITLISTED)
    call = FundingCallFactory(title="Call")
    FundingIntentFactory(event=call, status=FundingIntent.Status.CONSIDERING)
    FundingIntentFactory(event=call, cluster=cluster, status=FundingIntent.Status.APPLYING)
    untouched = EventFactory(title="Untouched")
    ParticipationFactory(event=untouched, status=Participation.Status.APPROVED)
    FundingIntentFactory(event=FundingCallFactory(title="Others' call"))
    with django_assert_num_queries(1):
        rows = {e.title: e for e in catalogue(CatalogueFilters(), cluster=cluster)}
    assert rows["Fair"].approved_count == 2 and rows["Fair"].places_left == 1
    assert rows["Fair"].my_status == Participation.Status.WAITLISTED and rows["Fair"].my_intent is None
    assert rows["Call"].my_intent == FundingIntent.Status.APPLYING and rows["Call"].my_status is None
    assert rows["Untouched"].my_status is None and rows["Untouched"].my_intent is None
    assert rows["Others' call"].my_intent is None
    # Without a cluster (staff, visitors) there is nobody's status to show.
    assert not hasattr(catalogue(CatalogueFilters()).get(pk=event.pk), "my_status")


def test_catalogue_countries_lists_each_country_with_a_published_event_once():
    EventFactory(country="LV")
    EventFactory(country="DE")
    EventFactory(country="DE", starts_at=in_days(40))
    EventFactory(country="FI", status=Event.Status.DRAFT)
    assert catalogue_countries() == ["DE", "LV"]


def test_cluster_application_brings_everything_the_page_shows_in_fixed_queries(django_assert_num_queries):
    cluster = ClusterFactory()
    staff = UserFactory(is_staff=True)
    other_event = EventFactory()
    ParticipationFactory(event=other_event, cluster=cluster)
    event = EventFactory()
    participation = ParticipationFactory(event=event, cluster=cluster, delegates=["Second", "First", "Third"])
    # Positions out of their creation order: the list follows position.
    for delegate, position in zip(participation.delegates.order_by("pk"), [1, 0, 2], strict=True):
        delegate.position = position
        delegate.save()
    decided = timezone.now()
    later = Decision.objects.create(
        participation=participation,
        kind=Decision.Kind.APPROVED,
        decided_by=staff,
        decided_at=decided,
    )
    earlier = Decision.objects.create(
        participation=participation,
        kind=Decision.Kind.WAITLISTED,
        decided_by=staff,
        decided_at=decided - datetime.timedelta(hours=1),
    )
    with django_assert_num_queries(4):  # the application with its joins, delegates, decisions, outcome
        found = cluster_application(event, cluster)
        assert found == participation
        assert (found.event, found.cluster, found.applied_by, found.withdrawn_by) == (
            event,
            cluster,
            participation.applied_by,
            None,
        )
        assert [d.full_name for d in found.delegates.all()] == ["First", "Second", "Third"]
        assert list(found.decisions.all()) == [earlier, later]
        assert found.decisions.all()[0].decided_by == staff
    assert cluster_application(event, ClusterFactory()) is None
    assert cluster_application(event, None) is None


def test_cluster_application_with_an_outcome_and_its_leads(django_assert_num_queries):
    outcome = OutcomeFactory()
    leads = [PartnershipLeadFactory(outcome=outcome), PartnershipLeadFactory(outcome=outcome)]
    participation = outcome.participation
    with django_assert_num_queries(5):  # ... and the outcome's leads
        found = cluster_application(participation.event, participation.cluster)
        assert found.outcome == outcome
        assert set(found.outcome.leads.all()) == set(leads)


def test_cluster_event_history_lists_the_clusters_applications_newest_event_first(django_assert_num_queries):
    cluster = ClusterFactory()
    old = ParticipationFactory(cluster=cluster, event=EventFactory(starts_at=in_days(5)))
    new = ParticipationFactory(cluster=cluster, event=EventFactory(starts_at=in_days(50)))
    middle = ParticipationFactory(cluster=cluster, event=EventFactory(starts_at=in_days(20)))
    ParticipationFactory(event=old.event)  # another cluster's
    withdrawn_by = UserFactory(email="withdrew@example.com")
    Participation.objects.filter(pk=middle.pk).update(
        status=Participation.Status.WITHDRAWN, withdrawn_at=timezone.now(), withdrawn_by=withdrawn_by
    )
    with django_assert_num_queries(4):  # the applications with their joins, delegates, decisions, outcomes
        history = list(cluster_event_history(cluster))
        assert history == [new, middle, old]
        assert [p.withdrawn_by for p in history] == [None, withdrawn_by, None]
        assert [p.applied_by for p in history] == [new.applied_by, middle.applied_by, old.applied_by]


def test_cluster_partnership_leads_are_the_clusters_own_newest_first(django_assert_num_queries):
    cluster = ClusterFactory()
    outcome = OutcomeFactory(participation__cluster=cluster)
    first = PartnershipLeadFactory(outcome=outcome)
    second = PartnershipLeadFactory(outcome=outcome)
    # Noted in the same instant (one form with two leads): the later one still comes first.
    PartnershipLead.objects.filter(pk__in=[first.pk, second.pk]).update(created_at=timezone.now())
    oldest = PartnershipLeadFactory(outcome=OutcomeFactory(participation__cluster=cluster))
    oldest.created_at = timezone.now() - datetime.timedelta(days=3)
    oldest.save()
    PartnershipLeadFactory()  # another cluster's
    with django_assert_num_queries(1):
        leads = list(cluster_partnership_leads(cluster))
        assert leads == [second, first, oldest]
        assert leads[0].outcome.participation.event == outcome.participation.event


def test_cluster_funding_intents_are_the_clusters_own_latest_call_first(django_assert_num_queries):
    cluster = ClusterFactory()
    sooner = FundingIntentFactory(cluster=cluster, event=FundingCallFactory(starts_at=in_days(5)))
    later = FundingIntentFactory(cluster=cluster, event=FundingCallFactory(starts_at=in_days(40)))
    FundingIntentFactory(event=sooner.event)  # another cluster's
    with django_assert_num_queries(1):
        intents = list(cluster_funding_intents(cluster))
        assert intents == [later, sooner]
        assert intents[1].event.title == sooner.event.title


def test_event_calendar_item_carries_the_event_and_puts_a_status_note_first():
    event = EventFactory(title="Fair", description="Bring cards.", venue="Hall 3", city="Berlin", country="DE")
    item = event_calendar_item(event)
    assert item.uid == f"event-{event.pk}"
    assert item.summary == "Fair"
    assert (item.start, item.end) == (event.starts_at, event.ends_at)
    assert item.description == "Bring cards."
    assert item.location == event.location == "Hall 3, Berlin, " + str(event.get_country_display())
    assert item.url.endswith(event.get_absolute_url()) and item.url.startswith("http")
    assert item.cancelled is False
    assert event_calendar_item(event, status_note="Approved").description == "Approved\n\nBring cards."
    event.description_en = ""
    assert event_calendar_item(event, status_note="Approved").description == "Approved"
    event.status = Event.Status.CANCELLED
    assert event_calendar_item(event).cancelled is True


def test_approved_events_are_the_clusters_approved_ones_once_each_cancelled_included_no_drafts():
    cluster, partner = ClusterFactory(), ClusterFactory()
    both = EventFactory(title="Both", starts_at=in_days(20))
    ParticipationFactory(event=both, cluster=cluster, status=Participation.Status.APPROVED)
    ParticipationFactory(event=both, cluster=partner, status=Participation.Status.APPROVED)
    cancelled = EventFactory(title="Cancelled", starts_at=in_days(10), status=Event.Status.CANCELLED)
    ParticipationFactory(event=cancelled, cluster=cluster, status=Participation.Status.APPROVED)
    draft = EventFactory(title="Draft", status=Event.Status.DRAFT)
    ParticipationFactory(event=draft, cluster=cluster, status=Participation.Status.APPROVED)
    waiting = EventFactory(title="Waiting")
    ParticipationFactory(event=waiting, cluster=cluster, status=Participation.Status.WAITLISTED)
    assert titles(approved_events([cluster, partner])) == ["Cancelled", "Both"]
    assert titles(approved_events([partner])) == ["Both"]


def test_calendar_items_for_a_cluster_and_for_a_manager_of_several(django_assert_num_queries):
    manager = UserFactory()
    first = ClusterFactory(managers=[manager])
    second = ClusterFactory(managers=[manager])
    elsewhere = ClusterFactory()
    one = EventFactory(title="One", starts_at=in_days(5))
    two = EventFactory(title="Two", starts_at=in_days(15))
    three = EventFactory(title="Three", starts_at=in_days(25))
    ParticipationFactory(event=one, cluster=first, status=Participation.Status.APPROVED)
    ParticipationFactory(event=two, cluster=second, status=Participation.Status.APPROVED)
    ParticipationFactory(event=three, cluster=elsewhere, status=Participation.Status.APPROVED)
    with django_assert_num_queries(1):
        assert [item.summary for item in calendar_items_for_cluster(first)] == ["One"]
    with django_assert_num_queries(1):
        items = calendar_items_for_manager(manager)
    assert [item.uid for item in items] == [f"event-{one.pk}", f"event-{two.pk}"]
    assert calendar_items_for_manager(UserFactory()) == []


def test_funding_row_marked_lists_only_the_calls_with_an_intent():
    call_a, call_b = FundingCallFactory.build(title="A"), FundingCallFactory.build(title="B")
    intent = FundingIntent(status=FundingIntent.Status.CONSIDERING)
    row = FundingRow(cluster=ClusterFactory.build(), cells=[(call_a, None), (call_b, intent)])
    assert row.marked == [(call_b, intent)]
    assert FundingRow(cluster=ClusterFactory.build()).cells == []


def test_funding_table_rows_are_clusters_with_an_intent_or_a_live_agreement(django_assert_num_queries):
    now = timezone.now()
    today = timezone.localdate(now)
    day = lambda days: today + datetime.timedelta(days=days)  # noqa: E731
    late = FundingCallFactory(title="Late deadline", opens_on=day(1), closes_on=day(30))
    early = FundingCallFactory(title="Early deadline", opens_on=day(1), closes_on=day(10))
    EventFactory(title="Not a call")
    FundingCallFactory(title="Draft call", status=Event.Status.DRAFT)
    eu = FundingCallFactory(title="EU measure", kind=Event.Kind.EU_MEASURE, opens_on=day(1), closes_on=day(15))
    # A call takes intents until the end of its closing day: one that closed yesterday is gone.
    closed = FundingCallFactory(title="Closed", opens_on=day(-90), closes_on=day(-1))
    intending = ClusterFactory(name="B intending")
    intent = FundingIntentFactory(event=early, cluster=intending, status=FundingIntent.Status.CONSIDERING)
    closed_intent = FundingIntentFactory(event=closed, cluster=ClusterFactory(name="D closed only"))
    in_programme = ActiveAgreementFactory(cluster=ClusterFactory(name="A in programme")).cluster
    ActiveAgreementFactory(
        cluster=ClusterFactory(name="C terminated"), terminated_on=timezone.localdate(), termination_reason="Left"
    )
    ClusterFactory(name="E nothing")
    with django_assert_num_queries(3):  # the table shows each cell's status and dates, and the clusters' names
        calls, rows = funding_table(now=now)
        shown = [
            (row.cluster.name, intent.status, intent.submitted_on, intent.decided_on)
            for row in rows
            for _call, intent in row.marked
        ]
    assert shown == [("B intending", FundingIntent.Status.CONSIDERING, None, None)]
    assert titles(calls) == ["Early deadline", "EU measure", "Late deadline"]
    assert [row.cluster for row in rows] == [in_programme, intending]
    assert rows[0].cells == [(early, None), (eu, None), (late, None)]
    assert rows[1].cells == [(early, intent), (eu, None), (late, None)]
    assert rows[1].marked == [(early, intent)]
    # A call ending at this very moment (the end of its closing day) is still current; a moment later it is not.
    calls, _ = funding_table(now=closed.ends_at)
    assert titles(calls) == ["Closed", "Early deadline", "EU measure", "Late deadline"]
    calls, _ = funding_table(now=closed.ends_at + datetime.timedelta(microseconds=1))
    assert titles(calls) == ["Early deadline", "EU measure", "Late deadline"]
    # With the closed ones, the closed call's intent's cluster gets a row.
    calls, rows = funding_table(include_closed=True, now=now)
    assert titles(calls) == ["Closed", "Early deadline", "EU measure", "Late deadline"]
    assert [row.cluster.name for row in rows] == ["A in programme", "B intending", "D closed only"]
    assert rows[2].cells[0] == (closed, closed_intent)


def test_funding_table_reads_todays_calls_by_default():
    FundingCallFactory(title="Current")
    FundingCallFactory(title="Over", starts_at=in_days(-90), ends_at=in_days(-1), registration_deadline=in_days(-91))
    calls, rows = funding_table()
    assert titles(calls) == ["Current"] and rows == []


def test_applications_awaiting_decision_counts_the_events_undecided_ones():
    event = EventFactory()
    ParticipationFactory(event=event)
    ParticipationFactory(event=event)
    for status in (Participation.Status.APPROVED, Participation.Status.WAITLISTED, Participation.Status.WITHDRAWN):
        ParticipationFactory(event=event, status=status)
    ParticipationFactory()  # another event's
    assert applications_awaiting_decision(event) == 2


def test_event_outcomes_lists_approved_applications_by_cluster_name(django_assert_num_queries):
    event = EventFactory()
    beta = ParticipationFactory(event=event, cluster=ClusterFactory(name="Beta"), status=Participation.Status.APPROVED)
    alpha = ParticipationFactory(
        event=event, cluster=ClusterFactory(name="Alpha"), status=Participation.Status.APPROVED
    )
    ParticipationFactory(event=event, cluster=ClusterFactory(name="Aaa"), status=Participation.Status.WAITLISTED)
    ParticipationFactory(status=Participation.Status.APPROVED)  # another event's
    for participation in (alpha, beta):
        PartnershipLeadFactory(
            outcome=OutcomeFactory(participation=participation), organisation=participation.cluster.name
        )
    # The applications with their joins, delegates, decisions, outcomes, the outcomes' leads: whatever their number.
    with django_assert_num_queries(5):
        rows = list(event_outcomes(event))
        assert rows == [alpha, beta]
        assert [[lead.organisation for lead in row.outcome.leads.all()] for row in rows] == [["Alpha"], ["Beta"]]


def test_funding_table_calls_with_the_same_deadline_come_in_the_order_they_were_added():
    closes_on = timezone.localdate() + datetime.timedelta(days=10)
    first = FundingCallFactory(
        title="Added first", opens_on=closes_on - datetime.timedelta(days=2), closes_on=closes_on
    )
    second = FundingCallFactory(
        title="Added second", opens_on=closes_on - datetime.timedelta(days=5), closes_on=closes_on
    )
    calls, _rows = funding_table()
    assert calls == [first, second]
