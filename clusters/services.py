"""Writes of the road to the label: planning and recording benchmarkings, awarding labels, waivers."""

import datetime
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from inolink.formatting import month_label

from .models import (
    Benchmarking,
    BenchmarkingAreaResult,
    Cluster,
    EligibilityWaiver,
    IndicatorArea,
    LabelAward,
    LabelRules,
    Membership,
    Organisation,
    month_start,
)
from .selectors import latest_bronze, road_cluster, silver_window


def benchmarking_plan_refusal(*, cluster: Cluster, kind: str, month: datetime.date, rules: LabelRules) -> str | None:
    """Why a benchmarking of the kind cannot be planned for the month, or None.

    A renewal needs a bronze label still renewable that month; a silver re-benchmarking must fall in the window
    after the first bronze; a first bronze is for clusters with no bronze left to renew.
    """
    road = road_cluster(cluster)
    month = month_start(month)
    bronze = latest_bronze(road)
    if kind == Benchmarking.Kind.BRONZE_RENEWAL:
        if bronze is None:
            return gettext("The cluster has no bronze label to renew.")
        if month > rules.renew_by(bronze.valid_until):
            return gettext("The bronze label can be renewed until %(by)s only.") % {
                "by": month_label(rules.renew_by(bronze.valid_until))
            }
    if kind == Benchmarking.Kind.SILVER:
        window = silver_window(road, rules=rules)
        if window is None:
            return gettext("A silver re-benchmarking follows a first bronze benchmarking that earned the label.")
        if not window[0] <= month <= window[1]:
            return gettext("The silver re-benchmarking can be held from %(from)s to %(to)s.") % {
                "from": month_label(window[0]),
                "to": month_label(window[1]),
            }
    if kind == Benchmarking.Kind.FIRST_BRONZE and bronze is not None and month <= rules.renew_by(bronze.valid_until):
        return gettext("The cluster's bronze label can still be renewed: plan a renewal instead.")
    return None


@transaction.atomic
def benchmarking_plan(
    *, cluster: Cluster, kind: str, month: datetime.date, expert: str = "", notes: str = ""
) -> Benchmarking:
    """Plan a benchmarking for a month (stored as its first day); one planned benchmarking of a kind at a time."""
    Cluster.objects.select_for_update().get(pk=cluster.pk)  # one planner per cluster at a time
    refusal = benchmarking_plan_refusal(cluster=cluster, kind=kind, month=month, rules=LabelRules.load())
    if refusal:
        raise ValidationError(refusal)
    benchmarking = Benchmarking(cluster=cluster, kind=kind, month=month_start(month), expert=expert, notes=notes)
    benchmarking.full_clean()
    benchmarking.save()
    return benchmarking


@transaction.atomic
def benchmarking_record_result(
    *,
    benchmarking: Benchmarking,
    awarded: bool | None = None,
    area_results: Mapping[IndicatorArea, tuple[int | None, str]] | None = None,
    improvement_areas: Iterable[IndicatorArea] = (),
    expert: str | None = None,
    today: datetime.date | None = None,
) -> Benchmarking:
    """Record that a benchmarking was held: its area results, silver's claimed areas, and whether it failed.

    It cannot be held in a month still to come. ``awarded=False`` records that no label was awarded; a label
    awarded is recorded with ``label_award_from_benchmarking``.
    """
    benchmarking = Benchmarking.objects.select_for_update().get(pk=benchmarking.pk)
    if benchmarking.month > month_start(today or timezone.localdate()):
        raise ValidationError(gettext("A benchmarking planned for a month still to come cannot have been held."))
    if benchmarking.status == Benchmarking.Status.AWARDED:
        raise ValidationError(gettext("The label has already been awarded for this benchmarking."))
    benchmarking.status = Benchmarking.Status.NOT_AWARDED if awarded is False else Benchmarking.Status.HELD
    if expert is not None:
        benchmarking.expert = expert
    areas = list(improvement_areas)
    if areas:
        if benchmarking.kind != Benchmarking.Kind.SILVER or len(areas) != 3 or len(set(areas)) != 3:
            raise ValidationError(gettext("A silver re-benchmarking claims improvement in three different areas."))
        benchmarking.improvement_area_1, benchmarking.improvement_area_2, benchmarking.improvement_area_3 = areas
    benchmarking.full_clean()
    benchmarking.save()
    for area, (score, notes) in (area_results or {}).items():
        result, _created = BenchmarkingAreaResult.objects.get_or_create(benchmarking=benchmarking, area=area)
        result.score, result.notes = score, notes
        result.full_clean()
        result.save()
    return benchmarking


@transaction.atomic
def label_award_from_benchmarking(
    *, benchmarking: Benchmarking, awarded_on: datetime.date, reference: str = ""
) -> LabelAward:
    """Award the label a held benchmarking earned, valid as the label rules compute it.

    A first label counts from the interview month; a renewal extends the renewed bronze by the rules' extension;
    a silver needs its three improvement areas.
    """
    Cluster.objects.select_for_update().get(pk=benchmarking.cluster_id)
    benchmarking = Benchmarking.objects.select_for_update().get(pk=benchmarking.pk)
    if benchmarking.status != Benchmarking.Status.HELD:
        raise ValidationError(gettext("Only a held benchmarking without a decision can earn a label."))
    if benchmarking.kind == Benchmarking.Kind.SILVER and not benchmarking.improvement_areas:
        raise ValidationError(gettext("Name the three improvement areas the silver label is awarded on."))
    if awarded_on < benchmarking.month:
        raise ValidationError(gettext("A label is awarded after its benchmarking."))
    award = LabelAward(
        cluster_id=benchmarking.cluster_id,
        level=benchmarking.level,
        awarded_on=awarded_on,
        benchmarking=benchmarking,
        reference=reference,
    )
    award.valid_until = award.computed_valid_until(LabelRules.load())
    award.full_clean()
    award.save()
    benchmarking.status = Benchmarking.Status.AWARDED
    benchmarking.save(update_fields=["status"])
    return award


@transaction.atomic
def label_award_set_validity(*, award: LabelAward, valid_until: datetime.date | None, reason: str = "") -> LabelAward:
    """Staff override an award's validity with a reason, or clear the override (``None``) to follow the rules again.

    The computed validity stays derivable from the award's benchmarking (``LabelAward.computed_valid_until``).
    """
    award = LabelAward.objects.select_for_update(of=("self",)).select_related("benchmarking").get(pk=award.pk)
    if valid_until is not None:
        if not reason.strip():
            raise ValidationError({"override_reason": gettext("Give the reason for overriding the validity.")})
        award.valid_until_override, award.override_reason, award.valid_until = valid_until, reason.strip(), valid_until
    else:
        computed = award.computed_valid_until()
        if computed is None:
            raise ValidationError(gettext("This award has no benchmarking to compute its validity from."))
        award.valid_until_override, award.override_reason, award.valid_until = None, "", computed
    award.full_clean()
    award.save()
    return award


@transaction.atomic
def eligibility_waiver_record(*, cluster: Cluster, criterion: str, reason: str, by) -> EligibilityWaiver:
    """Waive an eligibility criterion for the cluster, saying why, who and when (replacing an earlier waiver)."""
    if not reason.strip():
        raise ValidationError({"reason": gettext("Give the reason for the waiver.")})
    waiver, _created = EligibilityWaiver.objects.update_or_create(
        cluster=cluster,
        criterion=criterion,
        defaults={"reason": reason.strip(), "waived_by": by, "waived_at": timezone.now()},
    )
    return waiver


# --- The national registry's members, as an import file lists them ---------------------------------------------


def registry_members_missing(*, cluster: Cluster, members: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The (name, organisation code) pairs of ``members`` that are not yet members of ``cluster``: an organisation
    is the same one when its Lithuanian code matches, or, without a code, its name (any case)."""
    if cluster.pk is None:
        return list(members)
    present = Membership.objects.filter(cluster=cluster).values_list("organisation__name", "organisation__code")
    codes = {code for _name, code in present if code}
    names = {name.casefold() for name, code in present}
    return [(name, code) for name, code in members if not (code in codes if code else name.casefold() in names)]


def registry_members_add(*, cluster: Cluster, members: Iterable[tuple[str, str]]) -> int:
    """Add the registry's ``members`` (name, organisation code) to ``cluster``; returns how many were added.

    Idempotent: an organisation is found by its code (else by its name) before one is created, and a member
    already listed is left as it is, so importing the same registry twice changes nothing. Members the file
    does not list are kept (a registry file names who joined, staff remove who left)."""
    added = 0
    with transaction.atomic():
        for name, code in registry_members_missing(cluster=cluster, members=members):
            if code:
                organisation, _created = Organisation.objects.get_or_create(
                    country="LT", code=code, defaults={"name": name}
                )
            else:
                organisation = Organisation.objects.filter(name__iexact=name, code="").first()
                organisation = organisation or Organisation.objects.create(name=name, country="LT")
            _membership, created = Membership.objects.get_or_create(cluster=cluster, organisation=organisation)
            added += created
    return added
