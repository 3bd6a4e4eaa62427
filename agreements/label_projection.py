"""The label KPI projected to a programme's target date, from the clusters app's label rules.

Counting rule: a programme cluster counts toward the KPI only while its agreement in the programme is active
(signed by all three parties, not terminated, the day inside its period): ``AgreementQuerySet.active``, the rule
``ProgrammeQuerySet.with_kpi_progress`` counts by too.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from clusters.models import Cluster, LabelLevel, LabelRules, month_start
from clusters.selectors import (
    NextStep,
    awards_if_planned_succeed,
    eligibility_gaps,
    expiry_month,
    label_held_on,
    latest_bronze,
    next_step,
    planned_benchmarkings,
    road_clusters,
    silver_window,
)
from inolink.formatting import month_label

from .models import Agreement, Programme


@dataclass
class ClusterOutlook:
    cluster: Cluster
    label_today: LabelLevel | None
    label_at_target: LabelLevel | None  # from the labels held today, their validity as it stands
    label_at_target_if_planned_succeed: LabelLevel | None
    next_step: NextStep
    risks: list[str] = field(default_factory=list)


@dataclass
class LabelProjection:
    programme: Programme
    on: datetime.date
    target_date: datetime.date
    bronze_held: int  # programme clusters holding bronze or higher on the target date, from the labels held today
    silver_held: int
    bronze_if_planned_succeed: int
    silver_if_planned_succeed: int
    clusters: list[ClusterOutlook]

    @property
    def at_risk(self) -> list[ClusterOutlook]:
        """Clusters with a risk, the most risks first."""
        return sorted((c for c in self.clusters if c.risks), key=lambda c: (-len(c.risks), c.cluster.name))


def programme_clusters(programme: Programme, *, on: datetime.date):
    """The clusters that count toward the programme's KPI on the day: those with an active agreement in it."""
    return Cluster.objects.filter(
        pk__in=Agreement.objects.active(on=on).filter(programme=programme).values("cluster_id")
    ).order_by("name")


def _level(level: LabelLevel | None, minimum: LabelLevel) -> bool:
    return level is not None and level >= minimum


def _risks(cluster: Cluster, outlook: ClusterOutlook, *, on: datetime.date, target: datetime.date, rules) -> list[str]:
    risks = []
    values = {"target": date_format(target, "DATE_FORMAT")}
    bronze = latest_bronze(cluster)
    # A bronze still renewable today that runs out before the target date, whatever is planned.
    if outlook.label_at_target is None and bronze is not None and month_start(on) <= rules.renew_by(bronze.valid_until):
        risks.append(
            gettext("Bronze expires %(expires)s, before the target date %(target)s, unless renewed (renew by %(by)s).")
            % {
                **values,
                "expires": month_label(expiry_month(bronze)),
                "by": month_label(rules.renew_by(bronze.valid_until)),
            }
        )
    window = silver_window(cluster, rules=rules)
    planned = planned_benchmarkings(cluster)
    if (
        window is not None
        and month_start(on) <= window[1] < month_start(target)
        and not _level(outlook.label_at_target_if_planned_succeed, LabelLevel.SILVER)
    ):
        risks.append(
            gettext("The silver re-benchmarking window closes %(to)s, before the target date %(target)s.")
            % {**values, "to": month_label(window[1])}
        )
    if outlook.label_at_target_if_planned_succeed is None:
        if not planned:
            risks.append(gettext("No benchmarking planned."))
        else:
            risks.append(
                gettext("The planned benchmarkings leave no label valid on the target date %(target)s.") % values
            )
    # Whoever needs a benchmarking to count on the target date needs the eligibility too, planned or not.
    if outlook.label_at_target is None:
        gaps = eligibility_gaps(cluster, rules=rules)
        if gaps:
            risks.append(gettext("Eligibility gaps: %(gaps)s.") % {"gaps": ", ".join(str(gap.name) for gap in gaps)})
    return risks


def programme_label_projection(programme: Programme, *, on: datetime.date | None = None) -> LabelProjection:
    """How many programme clusters will hold bronze and silver on the target date, and who is at risk.

    Two counts: from the labels held today, their validity as it stands; and if the planned benchmarkings
    succeed. A silver label counts toward bronze too. Five queries, whatever the number of clusters.
    """
    on = on or timezone.localdate()
    target = programme.target_date
    rules = LabelRules.load()
    outlooks = []
    for cluster in road_clusters(programme_clusters(programme, on=on)):
        outlook = ClusterOutlook(
            cluster=cluster,
            label_today=label_held_on(cluster, on),
            label_at_target=label_held_on(cluster, target),
            label_at_target_if_planned_succeed=label_held_on(
                cluster, target, awards=awards_if_planned_succeed(cluster, rules=rules)
            ),
            next_step=next_step(cluster, on=on, rules=rules),
        )
        outlook.risks = _risks(cluster, outlook, on=on, target=target, rules=rules)
        outlooks.append(outlook)

    def count(attribute, minimum):
        return sum(_level(getattr(o, attribute), minimum) for o in outlooks)

    return LabelProjection(
        programme=programme,
        on=on,
        target_date=target,
        bronze_held=count("label_at_target", LabelLevel.BRONZE),
        silver_held=count("label_at_target", LabelLevel.SILVER),
        bronze_if_planned_succeed=count("label_at_target_if_planned_succeed", LabelLevel.BRONZE),
        silver_if_planned_succeed=count("label_at_target_if_planned_succeed", LabelLevel.SILVER),
        clusters=outlooks,
    )
