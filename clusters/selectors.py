import datetime
from dataclasses import dataclass

from django.db import models
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from inolink.formatting import decimal_number, full_time_equivalents, month_label

from .models import (
    Benchmarking,
    Cluster,
    EligibilityCriterion,
    EligibilityWaiver,
    LabelAward,
    LabelLevel,
    LabelRules,
    Membership,
    month_start,
)


def cluster_detail(pk):
    """One cluster with its members and label history, in a fixed number of queries."""
    return (
        Cluster.objects.with_current_label()
        .prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.select_related("organisation")),
            Prefetch("label_awards", queryset=LabelAward.objects.order_by("-awarded_on")),
        )
        .get(pk=pk)
    )


# The road to the label. Every function below reads a cluster loaded by ``road_clusters`` (annotations and
# prefetched awards, benchmarkings and waivers), so a page or a projection over many clusters stays at a fixed
# number of queries; the rules come in once per call as ``rules``.


def with_road(clusters):
    """The clusters queryset loading what eligibility, the label held and the next step read (four queries)."""
    return clusters.with_eligibility_figures().prefetch_related(
        Prefetch("label_awards", queryset=LabelAward.objects.select_related("benchmarking").order_by("awarded_on")),
        Prefetch("benchmarkings", queryset=Benchmarking.objects.order_by("month", "pk")),
        Prefetch("eligibility_waivers", queryset=EligibilityWaiver.objects.select_related("waived_by")),
    )


def road_clusters(clusters) -> list[Cluster]:
    """The clusters with what eligibility, the label held and the next step read, in four queries."""
    return list(with_road(clusters))


def road_cluster(cluster: Cluster) -> Cluster:
    """One cluster as ``road_clusters`` loads it."""
    return road_clusters(Cluster.objects.filter(pk=cluster.pk))[0]


@dataclass(frozen=True)
class CriterionCheck:
    criterion: str
    name: str
    met: bool
    figure: str
    missing: str = ""
    fix: str = ""
    waiver: EligibilityWaiver | None = None

    @property
    def waived(self) -> bool:
        return not self.met and self.waiver is not None

    @property
    def satisfied(self) -> bool:
        return self.met or self.waiver is not None

    @property
    def waiver_reason(self) -> str:
        return self.waiver.reason if self.waiver else ""


def cluster_eligibility(cluster: Cluster, *, rules: LabelRules) -> list[CriterionCheck]:
    """The bronze label's eligibility pre-check, criterion by criterion, with the thresholds from ``rules``.

    Member figures count the members recorded in the registry and the kinds of their organisations.
    """
    waivers = {waiver.criterion: waiver for waiver in cluster.eligibility_waivers.all()}
    fte = cluster.management_fte
    checks = [
        (
            EligibilityCriterion.ECCP_PROFILE,
            bool(cluster.eccp_profile_url),
            cluster.eccp_profile_url or gettext("not recorded"),
            gettext("The cluster organisation has no profile on the European Cluster Collaboration Platform."),
            gettext("Register the cluster organisation on the ECCP and enter the address of its profile."),
        ),
        (
            EligibilityCriterion.MEMBERS,
            cluster.member_count >= rules.min_members,
            ngettext("%(count)s member", "%(count)s members", cluster.member_count) % {"count": cluster.member_count},
            ngettext(
                "%(missing)s more member is needed to reach %(min)s.",
                "%(missing)s more members are needed to reach %(min)s.",
                rules.min_members - cluster.member_count,
            )
            % {"missing": rules.min_members - cluster.member_count, "min": rules.min_members},
            gettext("Record all the cluster's members; the ECCP asks for at least %(min)s.")
            % {"min": rules.min_members},
        ),
        (
            EligibilityCriterion.MEMBER_KINDS,
            cluster.member_kind_count >= rules.min_member_kinds,
            ngettext("%(count)s kind", "%(count)s kinds", cluster.member_kind_count)
            % {"count": cluster.member_kind_count},
            gettext("Members of at least %(min)s kinds are needed.") % {"min": rules.min_member_kinds},
            gettext(
                "Bring in members of another kind, e.g. a university or a research body next to the companies, and "
                "record them."
            ),
        ),
        (
            EligibilityCriterion.MANAGEMENT_FTE,
            fte is not None and fte >= rules.min_management_fte,
            full_time_equivalents(fte) if fte is not None else gettext("not recorded"),
            gettext("At least %(min)s FTE of cluster management staff are needed.")
            % {"min": decimal_number(rules.min_management_fte)},
            gettext("Record the management staff in full-time equivalents, at least %(min)s FTE.")
            % {"min": decimal_number(rules.min_management_fte)},
        ),
        (
            EligibilityCriterion.ENGLISH_WEBSITE,
            bool(cluster.english_website_url) or not rules.english_website_required,
            cluster.english_website_url or gettext("not recorded"),
            gettext("The cluster has no website in English."),
            gettext("Publish the website in English and enter its address."),
        ),
    ]
    return [
        CriterionCheck(
            criterion=criterion,
            name=EligibilityCriterion(criterion).label,
            met=met,
            figure=figure,
            missing="" if met else missing,
            fix="" if met else fix,
            waiver=waivers.get(criterion),
        )
        for criterion, met, figure, missing, fix in checks
    ]


def eligibility_gaps(cluster: Cluster, *, rules: LabelRules) -> list[CriterionCheck]:
    """The criteria neither met nor waived."""
    return [check for check in cluster_eligibility(cluster, rules=rules) if not check.satisfied]


def label_held_on(cluster: Cluster, day: datetime.date, *, awards=None) -> LabelLevel | None:
    """The highest label valid on the day (renewals included): ``with_current_label`` over prefetched awards."""
    awards = cluster.label_awards.all() if awards is None else awards
    levels = [award.level for award in awards if award.is_valid_on(day)]
    return LabelLevel(max(levels)) if levels else None


def latest_bronze(cluster: Cluster) -> LabelAward | None:
    """The bronze award that runs out last: the one a renewal extends."""
    bronzes = [award for award in cluster.label_awards.all() if award.level == LabelLevel.BRONZE]
    return max(bronzes, key=lambda award: award.valid_until, default=None)


def first_bronze_benchmarking(cluster: Cluster) -> Benchmarking | None:
    """The latest first bronze benchmarking that earned the label: silver's window counts from it."""
    earned = [
        b
        for b in cluster.benchmarkings.all()
        if b.kind == Benchmarking.Kind.FIRST_BRONZE and b.status == Benchmarking.Status.AWARDED
    ]
    return earned[-1] if earned else None


def planned_benchmarkings(cluster: Cluster) -> list[Benchmarking]:
    return [b for b in cluster.benchmarkings.all() if b.status == Benchmarking.Status.PLANNED]


def silver_window(cluster: Cluster, *, rules: LabelRules) -> tuple[datetime.date, datetime.date] | None:
    """The months the silver re-benchmarking may be held in; None without a first bronze or once silver is earned."""
    first = first_bronze_benchmarking(cluster)
    if first is None or any(award.level >= LabelLevel.SILVER for award in cluster.label_awards.all()):
        return None
    return rules.silver_window(first.month)


def expiry_month(award: LabelAward) -> datetime.date:
    """The last month the award is valid in, as the certificate gives it ("expires 2028-02")."""
    return month_start(award.valid_until)


@dataclass(frozen=True)
class NextStep:
    class Kind(models.TextChoices):
        KEEP = "keep", _("Keep the label")
        SILVER = "silver", _("Silver re-benchmarking")
        RENEW = "renew", _("Renew the bronze label")
        FIRST_BRONZE = "first_bronze", _("First bronze benchmarking")
        FIX_GAPS = "fix_gaps", _("Fix eligibility gaps")

    kind: str
    text: str
    window_from: datetime.date | None = None
    window_to: datetime.date | None = None
    planned: Benchmarking | None = None


def _planned(cluster: Cluster, kind: str) -> Benchmarking | None:
    return next((b for b in planned_benchmarkings(cluster) if b.kind == kind), None)


def next_step(cluster: Cluster, *, on: datetime.date, rules: LabelRules) -> NextStep:
    """What the cluster must do next for the label, with the months it can be done in."""
    month = month_start(on)
    held = label_held_on(cluster, on)
    if held is not None and held >= LabelLevel.SILVER:
        award = max(
            (a for a in cluster.label_awards.all() if a.level == held and a.is_valid_on(on)),
            key=lambda a: a.valid_until,
        )
        return NextStep(
            NextStep.Kind.KEEP,
            gettext("%(label)s held until %(until)s: plan the next assessment before then.")
            % {"label": LabelLevel(held).label, "until": month_label(award.valid_until)},
            month,
            month_start(award.valid_until),
        )
    bronze = latest_bronze(cluster)
    if held is not None and bronze is not None:
        window = silver_window(cluster, rules=rules)
        if window is not None and month <= window[1]:
            planned = _planned(cluster, Benchmarking.Kind.SILVER)
            if planned is not None:
                text = gettext("Silver re-benchmarking planned for %(month)s.") % {"month": month_label(planned.month)}
            else:
                text = gettext("Silver re-benchmarking possible from %(from)s to %(to)s.") % {
                    "from": month_label(window[0]),
                    "to": month_label(window[1]),
                }
            return NextStep(NextStep.Kind.SILVER, text, window[0], window[1], planned)
    if bronze is not None and month <= rules.renew_by(bronze.valid_until):
        renew_by = rules.renew_by(bronze.valid_until)
        planned = _planned(cluster, Benchmarking.Kind.BRONZE_RENEWAL)
        values = {"expires": month_label(expiry_month(bronze)), "by": month_label(renew_by)}
        if planned is not None:
            text = gettext("Bronze renewal planned for %(month)s.") % {"month": month_label(planned.month)}
        elif bronze.valid_until >= on:
            text = gettext("Bronze expires %(expires)s: renew by %(by)s.") % values
        else:
            text = gettext("Bronze expired %(expires)s: renew by %(by)s.") % values
        return NextStep(NextStep.Kind.RENEW, text, month, renew_by, planned)
    planned = _planned(cluster, Benchmarking.Kind.FIRST_BRONZE)
    if planned is not None:
        return NextStep(
            NextStep.Kind.FIRST_BRONZE,
            gettext("First bronze benchmarking planned for %(month)s.") % {"month": month_label(planned.month)},
            planned=planned,
        )
    gaps = eligibility_gaps(cluster, rules=rules)
    if gaps:
        return NextStep(
            NextStep.Kind.FIX_GAPS,
            gettext("Fix eligibility gaps first: %(gaps)s.") % {"gaps": ", ".join(str(gap.name) for gap in gaps)},
        )
    return NextStep(NextStep.Kind.FIRST_BRONZE, gettext("First bronze benchmarking: eligible."), window_from=month)


@dataclass(frozen=True)
class ProjectedAward:
    """A label a cluster holds or would hold, for projecting: a real award or a planned benchmarking's."""

    level: int
    awarded_on: datetime.date
    valid_until: datetime.date
    benchmarking: Benchmarking | None = None

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.awarded_on <= day <= self.valid_until


def awards_if_planned_succeed(cluster: Cluster, *, rules: LabelRules) -> list[ProjectedAward]:
    """The cluster's awards plus those its planned benchmarkings earn if they succeed, month by month.

    A renewal counts only within its grace and extends the bronze it renews; a silver re-benchmarking only
    inside the window after the first bronze.
    """
    awards = [ProjectedAward(a.level, a.awarded_on, a.valid_until) for a in cluster.label_awards.all()]
    window = silver_window(cluster, rules=rules)
    for planned in planned_benchmarkings(cluster):
        level = planned.level
        if planned.kind == Benchmarking.Kind.BRONZE_RENEWAL:
            bronzes = [a for a in awards if a.level == LabelLevel.BRONZE and a.awarded_on < planned.month]
            if not bronzes:
                continue
            renewed = max(bronzes, key=lambda a: a.valid_until)
            if planned.month > rules.renew_by(renewed.valid_until):
                continue
            valid_until = rules.renewal_valid_until(previous_valid_until=renewed.valid_until)
        elif planned.kind == Benchmarking.Kind.SILVER:
            if window is None or not window[0] <= planned.month <= window[1]:
                continue
            valid_until = rules.first_valid_until(month=planned.month, level=level)
        else:
            valid_until = rules.first_valid_until(month=planned.month, level=level)
        awards.append(ProjectedAward(level, planned.month, valid_until, planned))
    return awards


@dataclass(frozen=True)
class LabelRoad:
    """What a cluster's "road to the label" shows: the label held and until when, eligibility and the next step."""

    cluster: Cluster
    label: LabelLevel | None
    valid_until: datetime.date | None
    eligibility: list[CriterionCheck]
    next_step: NextStep
    silver_window: tuple[datetime.date, datetime.date] | None
    benchmarkings: list[Benchmarking]


def cluster_label_road(cluster: Cluster, *, on: datetime.date | None = None) -> LabelRoad:
    """The road to the label of one cluster on the day (default today), in five queries."""
    on = on or timezone.localdate()
    rules = LabelRules.load()
    road = road_cluster(cluster)
    label = label_held_on(road, on)
    held = [award for award in road.label_awards.all() if award.is_valid_on(on) and award.level == label]
    return LabelRoad(
        cluster=road,
        label=label,
        valid_until=max((award.valid_until for award in held), default=None),
        eligibility=cluster_eligibility(road, rules=rules),
        next_step=next_step(road, on=on, rules=rules),
        silver_window=silver_window(road, rules=rules),
        benchmarkings=list(road.benchmarkings.all()),
    )
