"""The label rules: validity, renewal, silver's window, eligibility, the next step, and the data's constraints."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from clusters.models import (
    Benchmarking,
    Cluster,
    EligibilityCriterion,
    IndicatorArea,
    LabelAward,
    LabelLevel,
    LabelRules,
    Organisation,
)
from clusters.selectors import cluster_eligibility, cluster_label_road, label_held_on, next_step, road_cluster
from clusters.services import (
    benchmarking_plan,
    benchmarking_record_result,
    eligibility_waiver_record,
    label_award_from_benchmarking,
    label_award_set_validity,
)
from clusters.tests.factories import BenchmarkingFactory, ClusterFactory, MembershipFactory, OrganisationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


ON = datetime.date(2026, 12, 4)


def d(text):
    return datetime.date.fromisoformat(text)


def awarded(cluster, kind, month, awarded_on=None):
    """A benchmarking of the kind held in the month and the label it earned."""
    benchmarking = BenchmarkingFactory(cluster=cluster, kind=kind, month=month)
    benchmarking_record_result(benchmarking=benchmarking, today=ON)
    return label_award_from_benchmarking(benchmarking=benchmarking, awarded_on=awarded_on or month)


def eligible_cluster(**fields):
    cluster = ClusterFactory(
        eccp_profile_url="https://clustercollaboration.eu/cluster-organisations/test",
        english_website_url="https://example.com/en",
        management_fte=Decimal("1.5"),
        **fields,
    )
    MembershipFactory(cluster=cluster, organisation=OrganisationFactory(kind=Organisation.Kind.UNIVERSITY))
    for _ in range(14):
        MembershipFactory(cluster=cluster)
    return cluster


# The rules' numbers


def test_rules_are_one_row_seeded_with_the_published_numbers():
    rules = LabelRules.load()
    assert (rules.bronze_validity_months, rules.renewal_grace_months, rules.renewal_extension_months) == (24, 12, 36)
    assert (rules.silver_window_from_months, rules.silver_window_to_months) == (18, 24)
    assert (rules.min_members, rules.min_member_kinds, rules.min_management_fte) == (15, 2, Decimal("0.5"))
    assert rules.english_website_required
    LabelRules(min_members=10).save()  # saving another row replaces the one in force
    assert LabelRules.objects.count() == 1 and LabelRules.load().min_members == 10
    assert "ECCP" in LabelRules._meta.get_field("min_members").help_text
    assert "ESCA" in LabelRules._meta.get_field("bronze_validity_months").help_text


def test_six_indicator_areas_are_seeded_and_translated():
    assert IndicatorArea.objects.count() == 6
    with translation.override("lt"):
        assert str(IndicatorArea.objects.get(code="structure")) != "Structure of the cluster"


# Validity


def test_first_bronze_is_valid_two_years_from_the_interview_month():
    award = awarded(ClusterFactory(), Benchmarking.Kind.FIRST_BRONZE, d("2026-02-01"), awarded_on=d("2026-03-15"))
    assert award.level == LabelLevel.BRONZE
    assert award.valid_until == d("2028-02-29")  # valid until 02/2028
    assert award.benchmarking.status == Benchmarking.Status.AWARDED


def test_validity_follows_the_rules_in_force():
    rules = LabelRules.load()
    rules.bronze_validity_months = 30
    rules.save()
    award = awarded(ClusterFactory(), Benchmarking.Kind.FIRST_BRONZE, d("2026-02-01"))
    assert award.valid_until == d("2028-08-31")


def test_renewal_extends_three_years_from_the_previous_validity_even_when_late():
    cluster = ClusterFactory()
    awarded(cluster, Benchmarking.Kind.FIRST_BRONZE, d("2024-02-01"))  # valid until 2026-02-28
    renewal = awarded(cluster, Benchmarking.Kind.BRONZE_RENEWAL, d("2026-06-01"))  # inside the year of grace
    assert renewal.valid_until == d("2029-02-28")
    assert label_held_on(road_cluster(cluster), d("2026-03-01")) is None  # the gap before the late renewal
    assert label_held_on(road_cluster(cluster), d("2028-12-31")) == LabelLevel.BRONZE
    assert Cluster.objects.with_current_label(on=d("2028-12-31")).get(pk=cluster.pk).current_label == LabelLevel.BRONZE
    assert Cluster.objects.with_current_label(on=d("2029-03-01")).get(pk=cluster.pk).current_label is None


def test_override_keeps_the_computed_validity_derivable():
    award = awarded(ClusterFactory(), Benchmarking.Kind.FIRST_BRONZE, d("2026-02-01"))
    with pytest.raises(ValidationError):
        label_award_set_validity(award=award, valid_until=d("2028-06-30"), reason=" ")
    award = label_award_set_validity(award=award, valid_until=d("2028-06-30"), reason="ESCA extended for COVID")
    assert award.valid_until == d("2028-06-30") and award.computed_valid_until() == d("2028-02-29")
    award = label_award_set_validity(award=award, valid_until=None)
    assert award.valid_until == d("2028-02-29") and award.override_reason == ""


def test_database_refuses_an_override_without_reason_or_out_of_step():
    award = awarded(ClusterFactory(), Benchmarking.Kind.FIRST_BRONZE, d("2026-02-01"))
    for changes in (
        {"valid_until_override": d("2028-06-30")},
        {"valid_until_override": d("2028-06-30"), "override_reason": "x"},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            LabelAward.objects.filter(pk=award.pk).update(**changes)


# Planning and recording


def test_benchmarking_month_is_stored_as_its_first_day():
    benchmarking = benchmarking_plan(
        cluster=eligible_cluster(), kind=Benchmarking.Kind.FIRST_BRONZE, month=d("2027-03-17")
    )
    assert benchmarking.month == d("2027-03-01")
    with pytest.raises(IntegrityError), transaction.atomic():
        Benchmarking.objects.filter(pk=benchmarking.pk).update(month=d("2027-03-02"))


def test_one_planned_benchmarking_of_a_kind_per_cluster():
    cluster = eligible_cluster()
    benchmarking_plan(cluster=cluster, kind=Benchmarking.Kind.FIRST_BRONZE, month=d("2027-03-01"))
    with pytest.raises(ValidationError):
        benchmarking_plan(cluster=cluster, kind=Benchmarking.Kind.FIRST_BRONZE, month=d("2027-05-01"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Benchmarking.objects.create(cluster=cluster, kind=Benchmarking.Kind.FIRST_BRONZE, month=d("2027-05-01"))


def test_renewal_is_refused_past_the_year_of_grace():
    cluster = ClusterFactory()
    awarded(cluster, Benchmarking.Kind.FIRST_BRONZE, d("2026-02-01"))  # expires 2028-02, renew by 2029-02
    assert benchmarking_plan(cluster=cluster, kind=Benchmarking.Kind.BRONZE_RENEWAL, month=d("2029-02-01"))
    Benchmarking.objects.filter(kind=Benchmarking.Kind.BRONZE_RENEWAL).delete()
    with pytest.raises(ValidationError, match="February 2029"):
        benchmarking_plan(cluster=cluster, kind=Benchmarking.Kind.BRONZE_RENEWAL, month=d("2029-03-01"))
    with pytest.raises(ValidationError):
        benchmarking_plan(cluster=ClusterFactory(), kind=Benchmarking.Kind.BRONZE_RENEWAL, month=d("2027-01-01"))
    with pytest.raises(ValidationError, match="renewal"):
        benchmarking_plan(cluster=cluster, kind=Benchmarking.Kind.FIRST_BRONZE, month=d("2028-06-01"))


def test_silver_must_fall_in_its_window_and_claim_three_different_areas():
    cluster = ClusterFactory()
    awarded(cluster, Benchmarking.Kind.FIRST_BRONZE, d("2025-10-01"))  # window 2027-04 to 2027-10
    for month in ("2027-03-01", "2027-11-01"):
        with pytest.raises(ValidationError, match="April 2027 to October 2027"):
            benchmarking_plan(cluster=cluster, kind=Benchmarking.Kind.SILVER, month=d(month))
    silver = benchmarking_plan(cluster=cluster, kind=Benchmarking.Kind.SILVER, month=d("2027-10-01"))
    areas = list(IndicatorArea.objects.all())
    with pytest.raises(ValidationError):
        benchmarking_record_result(benchmarking=silver, today=d("2027-11-01"), improvement_areas=areas[:2])
    with pytest.raises(IntegrityError), transaction.atomic():
        Benchmarking.objects.filter(pk=silver.pk).update(
            improvement_area_1=areas[0], improvement_area_2=areas[0], improvement_area_3=areas[1]
        )
    benchmarking_record_result(benchmarking=silver, today=d("2027-11-01"))
    with pytest.raises(ValidationError, match="three improvement areas"):
        label_award_from_benchmarking(benchmarking=silver, awarded_on=d("2027-11-01"))
    benchmarking_record_result(benchmarking=silver, today=d("2027-11-01"), improvement_areas=areas[:3])
    award = label_award_from_benchmarking(benchmarking=silver, awarded_on=d("2027-11-01"))
    assert award.level == LabelLevel.SILVER and award.valid_until == d("2029-10-31")


def test_only_silver_names_improvement_areas():
    areas = list(IndicatorArea.objects.all()[:3])
    benchmarking = BenchmarkingFactory(kind=Benchmarking.Kind.FIRST_BRONZE)
    with pytest.raises(IntegrityError), transaction.atomic():
        Benchmarking.objects.filter(pk=benchmarking.pk).update(
            improvement_area_1=areas[0], improvement_area_2=areas[1], improvement_area_3=areas[2]
        )


def test_a_benchmarking_to_come_cannot_be_recorded_as_held_or_awarded_twice():
    benchmarking = BenchmarkingFactory(month=d("2027-01-01"))
    with pytest.raises(ValidationError):
        benchmarking_record_result(benchmarking=benchmarking, today=ON)
    area = IndicatorArea.objects.get(code="financing")
    benchmarking_record_result(benchmarking=benchmarking, today=d("2027-01-20"), area_results={area: (70, "Mixed")})
    assert benchmarking.area_results.get().score == 70
    label_award_from_benchmarking(benchmarking=benchmarking, awarded_on=d("2027-02-01"))
    with pytest.raises(ValidationError):
        label_award_from_benchmarking(benchmarking=benchmarking, awarded_on=d("2027-02-01"))
    failed = BenchmarkingFactory(month=d("2026-06-01"))
    benchmarking_record_result(benchmarking=failed, awarded=False, today=ON)
    assert failed.history.first().status == Benchmarking.Status.NOT_AWARDED
    with pytest.raises(ValidationError):
        label_award_from_benchmarking(benchmarking=failed, awarded_on=ON)


# Eligibility


def test_eligibility_reports_each_criterion_with_its_figure_and_fix():
    cluster = ClusterFactory(management_fte=Decimal("0.3"))
    for _ in range(4):
        MembershipFactory(cluster=cluster)
    checks = {c.criterion: c for c in cluster_eligibility(road_cluster(cluster), rules=LabelRules.load())}
    assert not any(c.met for c in checks.values())
    assert checks[EligibilityCriterion.MEMBERS].figure == "4 members"
    assert "11 more members" in checks[EligibilityCriterion.MEMBERS].missing
    assert "15" in checks[EligibilityCriterion.MEMBERS].fix
    assert checks[EligibilityCriterion.MEMBER_KINDS].figure == "1 kind"
    assert "0.5 FTE" in checks[EligibilityCriterion.MANAGEMENT_FTE].missing
    assert checks[EligibilityCriterion.MANAGEMENT_FTE].figure == "0.3 FTE"
    with translation.override("lt"):  # the decimal comma, as Lithuanian writes it
        [fte] = [
            c for c in cluster_eligibility(road_cluster(cluster), rules=LabelRules.load()) if c.figure.endswith("etato")
        ]
        assert fte.figure == "0,3 etato"
    assert all(c.missing and c.fix for c in checks.values())
    assert all(c.met for c in cluster_eligibility(road_cluster(eligible_cluster()), rules=LabelRules.load()))


def test_eligibility_thresholds_come_from_the_rules():
    cluster = eligible_cluster()
    rules = LabelRules.load()
    rules.min_members, rules.min_member_kinds, rules.min_management_fte = 16, 3, Decimal("2")
    rules.save()
    checks = {c.criterion: c for c in cluster_eligibility(road_cluster(cluster), rules=rules)}
    assert not checks[EligibilityCriterion.MEMBERS].met and "16" in checks[EligibilityCriterion.MEMBERS].missing
    assert not checks[EligibilityCriterion.MEMBER_KINDS].met
    assert not checks[EligibilityCriterion.MANAGEMENT_FTE].met
    rules.english_website_required = False
    cluster.english_website_url = ""
    cluster.save()
    checks = {c.criterion: c for c in cluster_eligibility(road_cluster(cluster), rules=rules)}
    assert checks[EligibilityCriterion.ENGLISH_WEBSITE].met


def test_a_waived_criterion_shows_as_waived_with_its_reason(django_user_model):
    cluster = ClusterFactory()
    staff = django_user_model.objects.create_user(email="staff@example.com", password="x", is_staff=True)
    with pytest.raises(ValidationError):
        eligibility_waiver_record(cluster=cluster, criterion=EligibilityCriterion.MEMBERS, reason=" ", by=staff)
    eligibility_waiver_record(
        cluster=cluster, criterion=EligibilityCriterion.MEMBERS, reason="National programme rules", by=staff
    )
    members = next(
        c for c in cluster_eligibility(road_cluster(cluster), rules=LabelRules.load()) if c.criterion == "members"
    )
    assert members.waived and members.satisfied and not members.met
    assert members.waiver_reason == "National programme rules" and members.waiver.waived_by == staff


# The next step


def step(cluster, on=ON):
    return next_step(road_cluster(cluster), on=on, rules=LabelRules.load())


def test_next_step_for_a_cluster_without_a_label():
    assert step(ClusterFactory()).kind == "fix_gaps"
    assert "Members" in step(ClusterFactory()).text
    cluster = eligible_cluster()
    assert step(cluster).text == "First bronze benchmarking: eligible."
    benchmarking_plan(cluster=cluster, kind=Benchmarking.Kind.FIRST_BRONZE, month=d("2027-03-01"))
    assert step(cluster).text == "First bronze benchmarking planned for March 2027."


def test_next_step_is_the_silver_window_then_the_renewal():
    cluster = ClusterFactory()
    awarded(cluster, Benchmarking.Kind.FIRST_BRONZE, d("2025-10-01"))  # valid until 2027-10-31
    silver = step(cluster)
    assert silver.text == "Silver re-benchmarking possible from April 2027 to October 2027."
    assert (silver.window_from, silver.window_to) == (d("2027-04-01"), d("2027-10-01"))
    renew = step(cluster, on=d("2027-11-02"))
    assert renew.text == "Bronze expired October 2027: renew by October 2028."
    assert renew.window_to == d("2028-10-01")
    assert step(cluster, on=d("2028-11-01")).kind == "fix_gaps"  # lapsed past the grace: start again


def test_a_lithuanian_step_ending_on_a_month_ends_once():
    """Lithuanian writes a month as "2027 m. spalio mėn.": the abbreviation's full stop ends the sentence, never
    a second one after it ("mėn..")."""
    cluster = ClusterFactory()
    awarded(cluster, Benchmarking.Kind.FIRST_BRONZE, d("2025-10-01"))
    with translation.override("lt"):
        texts = [step(cluster).text, step(cluster, on=d("2027-11-02")).text]
        benchmarking_plan(cluster=cluster, kind=Benchmarking.Kind.SILVER, month=d("2027-05-01"))
        texts.append(step(cluster).text)
    assert texts == [
        "Pakartotinis vertinimas sidabro ženklui galimas nuo 2027 m. balandžio mėn. iki 2027 m. spalio mėn.",
        "Bronzos ženklas nustojo galioti 2027 m. spalio mėn.: atnaujinkite iki 2028 m. spalio mėn.",
        "Pakartotinis vertinimas sidabro ženklui suplanuotas 2027 m. gegužės mėn.",
    ]


def test_next_step_renewal_before_expiry_and_when_planned():
    cluster = ClusterFactory()
    awarded(cluster, Benchmarking.Kind.FIRST_BRONZE, d("2026-02-01"))
    Benchmarking.objects.filter(cluster=cluster).update(kind=Benchmarking.Kind.BRONZE_RENEWAL)  # no silver window
    assert step(cluster).text == "Bronze expires February 2028: renew by February 2029."
    benchmarking_plan(cluster=cluster, kind=Benchmarking.Kind.BRONZE_RENEWAL, month=d("2027-12-01"))
    assert step(cluster).text == "Bronze renewal planned for December 2027."


def test_next_step_when_silver_is_held():
    cluster = ClusterFactory()
    LabelAward.objects.create(cluster=cluster, level=LabelLevel.SILVER, awarded_on=ON, valid_until=d("2028-11-30"))
    assert step(cluster).text == "Silver held until November 2028: plan the next assessment before then."


def test_the_road_of_one_cluster_in_five_queries(django_assert_num_queries):
    cluster = ClusterFactory()
    awarded(cluster, Benchmarking.Kind.FIRST_BRONZE, d("2025-10-01"))
    LabelRules.load()
    with django_assert_num_queries(5):
        road = cluster_label_road(cluster, on=ON)
    assert road.label == LabelLevel.BRONZE and road.valid_until == d("2027-10-31")
    assert road.silver_window == (d("2027-04-01"), d("2027-10-01"))
    assert road.next_step.kind == "silver" and len(road.eligibility) == 5
    assert [b.kind for b in road.benchmarkings] == [Benchmarking.Kind.FIRST_BRONZE]
