"""What the staff dashboard shows: the registered tables for a scope and the charts drawn from them."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from agreements.label_projection import ClusterOutlook, LabelProjection, programme_label_projection
from agreements.models import Programme
from clusters.models import Benchmarking, LabelLevel, LabelRules, add_months, month_start
from clusters.selectors import awards_if_planned_succeed
from inolink.http import int_or_404
from inolink.tables import STAFF, ReportScope, Table, get_table_spec, table_specs


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | int
    target: Decimal | int
    percent: float  # 0–100, width of the filled part


def _percent(value, whole) -> float:
    if not whole:
        return 100.0 if value else 0.0
    return round(min(float(value) / float(whole), 1.0) * 100, 1)


def kpi_charts(table: Table) -> list[dict]:
    """Per programme: bronze n/target and silver n/target as bars."""
    charts = []
    for row in table.dicts():
        charts.append(
            {
                "programme": row["programme"],
                "on": row["on"],
                "target_date": row["target_date"],
                "bars": [
                    Bar("bronze", row["bronze"], row["bronze_target"], _percent(row["bronze"], row["bronze_target"])),
                    Bar("silver", row["silver"], row["silver_target"], _percent(row["silver"], row["silver_target"])),
                ],
            }
        )
    return charts


def hours_by_area_chart(table: Table) -> list[dict]:
    """Hours per service area, each bar scaled to the largest grant."""
    areas = table.dicts()
    largest = max((area["granted"] for area in areas), default=Decimal(0))
    for area in areas:
        area["granted_pct"] = _percent(area["granted"], largest)
        area["delivered_pct"] = _percent(area["delivered"], largest)
        area["held_pct"] = _percent(area["held"], largest)
        area["held_x"] = area["delivered_pct"]
    return areas


CHART_TABLES = ("label_kpi", "hours_by_service_area")


def dashboard(scope: ReportScope) -> dict:
    """The charts, drawn from their two tables, and every staff table to open or download.

    The other tables are built only when opened: the dashboard stays as quick as any page whatever the size
    of the programme.
    """
    charts = {key: get_table_spec(key).build(scope) for key in CHART_TABLES}
    programme = scope.programme or planner_programmes().first()
    return {
        "label_projection": programme_label_projection(programme) if programme else None,
        "table_specs": table_specs(STAFF),
        "kpi_charts": kpi_charts(charts["label_kpi"]),
        "hours_chart": hours_by_area_chart(charts["hours_by_service_area"]),
    }


# The label planner ---------------------------------------------------------------------------------------------
# One row per programme cluster on a shared month axis, drawn as inline SVG by reports/planner.html: the labels'
# validity as bars (held, and what planned benchmarkings would earn), benchmarkings as marks, today and the
# programme's target date as lines. Geometry is computed here, in the SVG's own units, so the template only prints.

PLANNER_SORTS = ("risk", "name")
CHART_LEFT = 220  # room for the cluster names
CHART_RIGHT = 990
CHART_TOP = 44  # room for the ticks: the year over the month
ROW_HEIGHT = 30


@dataclass(frozen=True)
class ChartBar:
    x: float
    width: float
    level: int
    projected: bool  # earned only if a planned benchmarking succeeds
    awarded_on: datetime.date
    valid_until: datetime.date

    @property
    def css(self) -> str:
        return f"{'projected' if self.projected else 'held'}-{LabelLevel(self.level).name.lower()}"

    @property
    def level_label(self) -> str:
        return LabelLevel(self.level).label


@dataclass(frozen=True)
class ChartMark:
    x: float
    benchmarking: Benchmarking

    @property
    def css(self) -> str:
        return self.benchmarking.status


@dataclass
class PlannerRow:
    outlook: ClusterOutlook
    y: float
    bars: list[ChartBar]
    marks: list[ChartMark]

    @property
    def text_y(self) -> float:
        return self.y + ROW_HEIGHT / 2 + 4

    @property
    def bar_y(self) -> float:
        return self.y + 8


@dataclass
class PlannerChart:
    start: datetime.date
    end: datetime.date
    height: float
    today_x: float
    target_x: float
    ticks: list[tuple[float, datetime.date]]  # every half-year, labelled with its month
    rows: list[PlannerRow]
    left: int = CHART_LEFT
    right: int = CHART_RIGHT
    top: int = CHART_TOP

    @property
    def rows_bottom(self) -> float:
        return self.top + len(self.rows) * ROW_HEIGHT


AXIS_MONTHS_BACK = 36  # the earliest label or benchmarking shown, at most this long before today


def _planner_axis(projection: LabelProjection) -> tuple[datetime.date, datetime.date]:
    """From the earliest label or benchmarking (at most AXIS_MONTHS_BACK ago), the programme's start or today,
    whichever is first, to half a year past the later of the target date and today."""
    earliest = [projection.programme.starts_on, projection.on]
    for outlook in projection.clusters:
        earliest += [award.awarded_on for award in outlook.cluster.label_awards.all()]
        earliest += [benchmarking.month for benchmarking in outlook.cluster.benchmarkings.all()]
    start = month_start(max(min(earliest), add_months(month_start(projection.on), -AXIS_MONTHS_BACK)))
    start = start.replace(month=1 if start.month <= 6 else 7)  # ticks fall on half-years
    end = add_months(month_start(max(projection.target_date, projection.on)), 7)
    return start, end


def planner_chart(projection: LabelProjection, outlooks: list[ClusterOutlook]) -> PlannerChart:
    start, end = _planner_axis(projection)
    span = (end - start).days
    rules = LabelRules.load()

    def x(day: datetime.date) -> float:
        clipped = min(max(day, start), end)
        return round(CHART_LEFT + (clipped - start).days / span * (CHART_RIGHT - CHART_LEFT), 1)

    rows = []
    for index, outlook in enumerate(outlooks):
        cluster = outlook.cluster
        bars = []
        for award in awards_if_planned_succeed(cluster, rules=rules):
            if award.valid_until < start or award.awarded_on > end:
                continue
            left, right = x(award.awarded_on), x(award.valid_until)
            bars.append(
                ChartBar(
                    left,
                    round(right - left, 1),
                    award.level,
                    award.benchmarking is not None,
                    award.awarded_on,
                    award.valid_until,
                )
            )
        marks = [ChartMark(x(b.month), b) for b in cluster.benchmarkings.all() if start <= b.month <= end]
        rows.append(PlannerRow(outlook, CHART_TOP + index * ROW_HEIGHT, bars, marks))
    ticks = []
    month = start
    while month <= end:
        ticks.append((x(month), month))
        month = add_months(month, 6)
    return PlannerChart(
        start=start,
        end=end,
        height=CHART_TOP + len(rows) * ROW_HEIGHT + 24,  # and a line under the rows for the target date's label
        today_x=x(projection.on),
        target_x=x(projection.target_date),
        ticks=ticks,
        rows=rows,
    )


def planner_outlooks(projection: LabelProjection, sort: str) -> list[ClusterOutlook]:
    """By risk (the most risks first, then by name) or by name."""
    if sort == "name":
        return sorted(projection.clusters, key=lambda o: o.cluster.name.casefold())
    return sorted(projection.clusters, key=lambda o: (-len(o.risks), o.cluster.name.casefold()))


def planner_programmes():
    return Programme.objects.order_by("-starts_on", "pk")


def planner_programme(pk) -> Programme | None:
    """The programme asked for (an id that is no whole number is not found), or the latest one."""
    if pk:
        return planner_programmes().filter(pk=int_or_404(pk)).first()
    return planner_programmes().first()


def _kpi_row(level: str, target: int, held: int, planned: int) -> dict:
    """One label's KPI on the target date: today's labels and the planned ones, each against the target."""
    return {
        "level": level,
        "target": target,
        "held": held,
        "planned": planned,
        "held_met": held >= target,
        "planned_met": planned >= target,
        "held_pct": _percent(held, target),
        "planned_pct": _percent(planned, target),
    }


def planner(programme: Programme, *, sort: str = "risk", on: datetime.date | None = None) -> dict:
    """The planner page's data: the KPI projection, its clusters sorted, and the chart."""
    projection = programme_label_projection(programme, on=on)
    outlooks = planner_outlooks(projection, sort)
    return {
        "programme": programme,
        "projection": projection,
        "outlooks": outlooks,
        "chart": planner_chart(projection, outlooks),
        "sort": sort,
        "kpi": [
            _kpi_row("bronze", programme.bronze_target, projection.bronze_held, projection.bronze_if_planned_succeed),
            _kpi_row("silver", programme.silver_target, projection.silver_held, projection.silver_if_planned_succeed),
        ],
    }
