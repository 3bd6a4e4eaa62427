from decimal import Decimal

import pytest
from django.utils import timezone, translation

from agreements.tests.factories import ActiveAgreementFactory
from clusters.models import IndicatorArea
from consultations.models import ExtraHours, SessionOutcome
from consultations.tests.factories import SessionOutcomeFactory
from events.evidence import SILVER_IMPROVEMENT_AREAS, THIN_HOURS, THIN_SESSIONS, cluster_evidence
from events.models import FundingIntent

from .factories import FundingCallFactory, OutcomeFactory

pytestmark = pytest.mark.django_db


def area(code):
    return IndicatorArea.objects.get(code=code)


def session(agreement, hours, *codes, result=SessionOutcome.Result.HELD):
    outcome = SessionOutcomeFactory(consultation__agreement=agreement, hours_delivered=hours, result=result)
    outcome.indicator_areas.set([area(code) for code in codes])
    return outcome


def test_evidence_per_area_counts_the_sessions_and_event_results_that_named_it():
    agreement = ActiveAgreementFactory()
    cluster = agreement.cluster
    first = session(agreement, Decimal("1.5"), "services")
    session(agreement, Decimal("1.5"), "services", "management")
    session(ActiveAgreementFactory(), Decimal("2"), "services")  # another cluster's
    event_outcome = OutcomeFactory(participation__cluster=cluster, contacts_made=4)
    event_outcome.indicator_areas.set([area("interaction")])
    intent = FundingIntent.objects.create(
        event=FundingCallFactory(), cluster=cluster, status="considering", updated_by=event_outcome.reported_by
    )
    intent.indicator_areas.set([area("financing")])

    with translation.override("en"):
        evidence = cluster_evidence(cluster)
        silver_text, thin_rule = evidence.silver_text, evidence.thin_rule

    by_code = {row.area.code: row for row in evidence.areas}
    assert [row.area.code for row in evidence.areas] == list(
        IndicatorArea.objects.values_list("code", flat=True)
    )  # every area, in the benchmarking's order, also those with nothing yet
    services = by_code["services"]
    assert len(services.sessions) == 2 and services.hours == Decimal("3") and not services.thin
    assert services.sessions[0].expert == str(first.consultation.expert)
    assert services.sessions[0].summary == first.summary
    assert len(by_code["management"].sessions) == 1 and by_code["management"].thin
    assert [e.title for e in by_code["interaction"].events] == [event_outcome.participation.event.title]
    assert "4 contacts made" in by_code["interaction"].events[0].result
    assert by_code["financing"].events[0].result == "Considering"
    # A session serving two areas counts once in the totals.
    assert evidence.session_count == 2 and evidence.hours == Decimal("3")
    assert [row.area.code for row in evidence.thin_areas] == [code for code in by_code if code != "services"]
    assert evidence.solid_count == 1 < SILVER_IMPROVEMENT_AREAS
    assert "only 1 area has solid evidence" in silver_text
    assert f"fewer than {THIN_SESSIONS} sessions or {THIN_HOURS} hours" in thin_rule


def test_an_area_is_thin_below_either_threshold():
    agreement = ActiveAgreementFactory()
    for _ in range(THIN_SESSIONS):
        session(agreement, THIN_HOURS / THIN_SESSIONS, "services")
    session(agreement, THIN_HOURS, "management")  # enough hours, one session
    for _ in range(THIN_SESSIONS):
        session(agreement, Decimal("0.25"), "structure")  # enough sessions, few hours
    by_code = {row.area.code: row for row in cluster_evidence(agreement.cluster).areas}
    assert not by_code["services"].thin
    assert by_code["management"].thin and by_code["structure"].thin


def test_a_no_show_is_no_evidence():
    agreement = ActiveAgreementFactory()
    session(agreement, Decimal("0"), "services", result=SessionOutcome.Result.NO_SHOW)
    assert cluster_evidence(agreement.cluster).session_count == 0


@pytest.mark.parametrize("scale", [1, 10])
def test_evidence_reads_in_four_queries_whatever_the_evidence(django_assert_max_num_queries, scale):
    agreement = ActiveAgreementFactory()
    for _ in range(scale):
        session(agreement, Decimal("1"), "services", "management")
        OutcomeFactory(participation__cluster=agreement.cluster).indicator_areas.set([area("interaction")])
    with django_assert_max_num_queries(4):
        evidence = cluster_evidence(agreement.cluster)
    assert evidence.session_count == scale


def test_a_sessions_hours_over_its_booking_count_as_evidence_once_the_cluster_accepts_them():
    """The evidence pack counts hours as the reports and the dashboard do (``counted_hours``)."""
    agreement = ActiveAgreementFactory()
    pending = session(agreement, Decimal("3"), "services")
    pending.consultation.hours = Decimal("2")
    pending.consultation.save(update_fields=["hours"])
    SessionOutcome.objects.filter(pk=pending.pk).update(extra_status=ExtraHours.PENDING, extra_due_at=timezone.now())

    evidence = cluster_evidence(agreement.cluster)
    services = next(row for row in evidence.areas if row.area.code == "services")
    assert [(row.hours, row.hours_logged) for row in services.sessions] == [(Decimal("2"), Decimal("3"))]
    assert services.hours == evidence.hours == Decimal("2")

    SessionOutcome.objects.filter(pk=pending.pk).update(extra_status=ExtraHours.ACCEPTED)
    assert cluster_evidence(agreement.cluster).hours == Decimal("3")
