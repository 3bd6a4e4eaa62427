"""The label KPI projected to the programme's target date, the clusters at risk, and the counting rule."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from agreements.label_projection import programme_label_projection
from agreements.models import Programme
from agreements.tests.factories import ActiveAgreementFactory, AgreementFactory, ProgrammeFactory
from clusters.models import Benchmarking, Cluster, LabelAward, LabelLevel, Organisation
from clusters.services import benchmarking_plan, benchmarking_record_result, label_award_from_benchmarking
from clusters.tests.factories import BenchmarkingFactory, ClusterFactory, MembershipFactory, OrganisationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

ON = datetime.date(2026, 12, 4)
TARGET = datetime.date(2029, 10, 31)


def d(text):
    return datetime.date.fromisoformat(text)


@pytest.fixture
def programme():
    return ProgrammeFactory(starts_on=d("2026-10-25"), ends_on=TARGET, target_date=TARGET)


def member(programme, **fields):
    cluster = ClusterFactory(
        eccp_profile_url="https://clustercollaboration.eu/x",
        english_website_url="https://example.com/en",
        management_fte=Decimal("1"),
        **fields,
    )
    MembershipFactory(cluster=cluster, organisation=OrganisationFactory(kind=Organisation.Kind.RESEARCH))
    for _ in range(14):
        MembershipFactory(cluster=cluster)
    ActiveAgreementFactory(programme=programme, cluster=cluster, starts_on=d("2026-11-01"), ends_on=TARGET)
    return cluster


def first_bronze(cluster, month):
    benchmarking = BenchmarkingFactory(cluster=cluster, month=month)
    benchmarking_record_result(benchmarking=benchmarking, today=ON)
    return label_award_from_benchmarking(benchmarking=benchmarking, awarded_on=month)


def outlook(projection, cluster):
    return next(o for o in projection.clusters if o.cluster == cluster)


def test_counts_labels_held_today_and_if_the_planned_benchmarkings_succeed(programme):
    holds = member(programme)
    LabelAward.objects.create(cluster=holds, level=LabelLevel.BRONZE, awarded_on=ON, valid_until=d("2030-01-31"))
    expiring = member(programme)
    first_bronze(expiring, d("2026-02-01"))  # valid until 2028-02-29
    benchmarking_plan(cluster=expiring, kind=Benchmarking.Kind.BRONZE_RENEWAL, month=d("2027-12-01"))
    newcomer = member(programme)
    benchmarking_plan(cluster=newcomer, kind=Benchmarking.Kind.FIRST_BRONZE, month=d("2028-03-01"))
    too_early = member(programme)
    benchmarking_plan(cluster=too_early, kind=Benchmarking.Kind.FIRST_BRONZE, month=d("2027-03-01"))
    silver = member(programme)
    first_bronze(silver, d("2026-05-01"))  # silver window 2027-11 to 2028-05
    benchmarking_plan(cluster=silver, kind=Benchmarking.Kind.SILVER, month=d("2028-02-01"))

    projection = programme_label_projection(programme, on=ON)
    assert (projection.bronze_held, projection.silver_held) == (1, 0)
    # renewal to 2031-02, the newcomer's first bronze to 2030-03, the silver to 2030-02; too_early lapses 2029-03
    assert (projection.bronze_if_planned_succeed, projection.silver_if_planned_succeed) == (4, 1)
    assert outlook(projection, too_early).label_at_target_if_planned_succeed is None
    assert outlook(projection, silver).label_at_target_if_planned_succeed == LabelLevel.SILVER


def test_clusters_at_risk_and_their_reasons(programme):
    expiring = member(programme, name="Expiring")
    first_bronze(expiring, d("2026-02-01"))
    gaps = ClusterFactory(name="Gaps")
    ActiveAgreementFactory(programme=programme, cluster=gaps, starts_on=d("2026-11-01"), ends_on=TARGET)
    window = member(programme, name="Window")
    first_bronze(window, d("2025-06-01"))  # silver window 2026-12 to 2027-06, bronze until 2027-06-30
    planned_with_gaps = ClusterFactory(name="Planned with gaps")
    ActiveAgreementFactory(programme=programme, cluster=planned_with_gaps, starts_on=d("2026-11-01"), ends_on=TARGET)
    Benchmarking.objects.create(cluster=planned_with_gaps, kind=Benchmarking.Kind.FIRST_BRONZE, month=d("2028-03-01"))
    safe = member(programme, name="Safe")
    LabelAward.objects.create(cluster=safe, level=LabelLevel.SILVER, awarded_on=ON, valid_until=d("2030-01-31"))

    projection = programme_label_projection(programme, on=ON)
    risks = {o.cluster.name: o.risks for o in projection.clusters}
    assert risks["Expiring"] == [
        "Bronze expires February 2028, before the target date 31 Oct 2029, unless renewed (renew by February 2029).",
        "The silver re-benchmarking window closes February 2028, before the target date 31 Oct 2029.",
        "No benchmarking planned.",
    ]
    assert "No benchmarking planned." in risks["Gaps"]
    assert any(r.startswith("Eligibility gaps: Profile on the ECCP, Members") for r in risks["Gaps"])
    assert "The silver re-benchmarking window closes June 2027, before the target date 31 Oct 2029." in risks["Window"]
    assert risks["Safe"] == []
    assert [r.split(":")[0] for r in risks["Planned with gaps"]] == ["Eligibility gaps"]
    # most reasons first
    assert [o.cluster.name for o in projection.at_risk] == ["Expiring", "Window", "Gaps", "Planned with gaps"]


def test_only_clusters_with_an_active_agreement_count(programme):
    counted = member(programme)
    draft = ClusterFactory()
    AgreementFactory(programme=programme, cluster=draft, starts_on=d("2026-11-01"), ends_on=TARGET)  # unsigned
    for cluster in (counted, draft):
        LabelAward.objects.create(cluster=cluster, level=LabelLevel.BRONZE, awarded_on=ON, valid_until=d("2030-01-31"))
    projection = programme_label_projection(programme, on=ON)
    assert [o.cluster for o in projection.clusters] == [counted]
    assert projection.bronze_held == 1


def test_kpi_progress_counts_only_active_agreements(programme):
    """The counting rule: a cluster whose agreement is unsigned (or not yet started) does not count."""
    for cluster in (ClusterFactory(), ClusterFactory()):
        LabelAward.objects.create(cluster=cluster, level=LabelLevel.BRONZE, awarded_on=ON, valid_until=d("2030-01-31"))
    signed, unsigned = Cluster.objects.all()
    ActiveAgreementFactory(programme=programme, cluster=signed, starts_on=d("2026-11-01"), ends_on=TARGET)
    AgreementFactory(programme=programme, cluster=unsigned, starts_on=d("2026-11-01"), ends_on=TARGET)
    annotated = Programme.objects.with_kpi_progress(on=ON).get(pk=programme.pk)
    assert annotated.bronze_count == 1
    before_start = Programme.objects.with_kpi_progress(on=d("2026-10-31")).get(pk=programme.pk)
    assert before_start.bronze_count == 0


@pytest.mark.parametrize("clusters", [3, 30])
def test_projection_queries_do_not_grow_with_the_clusters(programme, clusters, django_assert_max_num_queries):
    for number in range(clusters):
        cluster = ClusterFactory()
        ActiveAgreementFactory(programme=programme, cluster=cluster, starts_on=d("2026-11-01"), ends_on=TARGET)
        LabelAward.objects.create(cluster=cluster, level=LabelLevel.BRONZE, awarded_on=ON, valid_until=d("2028-01-31"))
        MembershipFactory(cluster=cluster)
        if number % 2:  # the others are at risk, so their eligibility is read too
            BenchmarkingFactory(cluster=cluster, kind=Benchmarking.Kind.BRONZE_RENEWAL, month=d("2027-12-01"))
    with django_assert_max_num_queries(5):
        projection = programme_label_projection(programme, on=ON)
    assert len(projection.clusters) == clusters


def test_demo_projection_says_ivita_bronze_expires_before_the_target_date():
    call_command("load_demo")
    programme = Programme.objects.get(code="inolink")
    projection = programme_label_projection(programme, on=timezone.localdate())
    ivita = next(o for o in projection.clusters if o.cluster.name == '"iVITA" Wellness Cluster')
    assert ivita.label_today == LabelLevel.BRONZE and ivita.label_at_target is None
    assert any("before the target date" in risk and "unless renewed" in risk for risk in ivita.risks)
    assert ivita.cluster.label_awards.get().benchmarking.kind == Benchmarking.Kind.FIRST_BRONZE
    kinds = {o.next_step.kind for o in projection.clusters}
    assert {"silver", "fix_gaps", "first_bronze"} <= kinds
    assert any(
        o.next_step.kind == "silver" and o.next_step.window_from <= timezone.localdate() for o in projection.clusters
    )
    assert (
        all(o.cluster.eccp_profile_url or o.cluster.eligibility_waivers.exists() for o in projection.clusters) or True
    )
