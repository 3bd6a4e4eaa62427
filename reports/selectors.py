"""What the staff dashboard shows: the registered tables for a scope and the charts drawn from them."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from agreements.label_projection import ClusterOutlook, LabelProjection, programme_label_projection
from agreements.models import Programme
from clusters.models import Benchmarking, LabelLevel, LabelRules, add_months, month_start
from clusters.selectors import awards_if_planned_succeed
from consultations.models import HourAllocation, SessionOutcome, counted_hours
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


# Who is behind ----------------------------------------------------------------------------------------------------
# Each programme cluster's hours against the time its agreement has run: a cluster whose hours delivered fall short
# of three quarters of an even pace's (its grant × the share of its agreement's period gone) is behind. Figures are
# today's (the hours delivered by logged outcomes and held by live bookings), as the agreement's hours panel shows.

PACE_SORTS = ("behind", "name", "used", "remaining")
# Behind: fewer hours delivered than this share of what an even pace would have delivered by today.
PACE_TOLERANCE = Decimal("0.75")


@dataclass
class PaceRow:
    """One cluster (its agreement's hours summed) or one of its service areas."""

    name: str
    granted: Decimal
    delivered: Decimal
    held: Decimal
    remaining: Decimal
    elapsed: Decimal  # share of the agreement's period gone, 0–1

    @property
    def used(self) -> Decimal:
        """The share of the granted hours delivered, 0–1."""
        return (self.delivered / self.granted) if self.granted else Decimal("0")

    @property
    def gap(self) -> Decimal:
        """How far the share used trails the share of time elapsed (negative: ahead of an even pace)."""
        return self.elapsed - self.used

    @property
    def is_behind(self) -> bool:
        """Fewer hours delivered than ``PACE_TOLERANCE`` of an even pace's (granted × share of time elapsed)."""
        return self.used < self.elapsed * PACE_TOLERANCE

    @property
    def used_pct(self) -> float:
        return _percent(self.used, 1)

    @property
    def elapsed_pct(self) -> float:
        return _percent(self.elapsed, 1)


@dataclass
class ClusterPace:
    cluster: object
    agreement: object
    total: PaceRow
    areas: list[PaceRow]


def elapsed_share(starts_on: datetime.date, ends_on: datetime.date, on: datetime.date) -> Decimal:
    """The share (0–1) of the period from ``starts_on`` to ``ends_on`` (both days in it) gone by the end of ``on``."""
    days = (ends_on - starts_on).days + 1
    gone = (min(max(on, starts_on - datetime.timedelta(days=1)), ends_on) - starts_on).days + 1
    return (Decimal(gone) / Decimal(days)).quantize(Decimal("0.0001")) if days > 0 else Decimal("1")


def _pace_sort_key(sort: str):
    if sort == "name":
        return lambda c: c.cluster.name.casefold()
    if sort == "used":
        return lambda c: (c.total.used, c.cluster.name.casefold())
    if sort == "remaining":
        return lambda c: (-c.total.remaining, c.cluster.name.casefold())
    return lambda c: (not c.total.is_behind, -c.total.gap, c.cluster.name.casefold())


def clusters_pace(programme: Programme, *, sort: str = "behind", on: datetime.date | None = None) -> list[ClusterPace]:
    """Every programme cluster with a live agreement, its hours in total and per service area (one query).

    ``sort``: ``behind`` (the clusters behind first, the furthest behind at the top; the default), ``name``,
    ``used`` (the smallest share used first) or ``remaining`` (the most hours left first).
    """
    on = on or timezone.localdate()
    allocations = (
        HourAllocation.objects.with_usage()
        .filter(agreement__programme=programme, agreement__terminated_on__isnull=True)
        .select_related("agreement__cluster", "service_area")
        .order_by("agreement__cluster__name", "agreement__starts_on", "service_area__position", "service_area__name")
    )
    paces: dict[int, ClusterPace] = {}
    for allocation in allocations:
        agreement = allocation.agreement
        elapsed = elapsed_share(agreement.starts_on, agreement.ends_on, on)
        row = PaceRow(
            str(allocation.service_area),
            allocation.hours_granted,
            allocation.hours_delivered,
            allocation.hours_held,
            allocation.hours_remaining,
            elapsed,
        )
        pace = paces.get(agreement.pk)
        if pace is None:
            total = PaceRow(agreement.cluster.name, *(Decimal("0"),) * 4, elapsed)
            pace = paces[agreement.pk] = ClusterPace(agreement.cluster, agreement, total, [])
        pace.areas.append(row)
        pace.total.granted += row.granted
        pace.total.delivered += row.delivered
        pace.total.held += row.held
        pace.total.remaining += row.remaining
    return sorted(paces.values(), key=_pace_sort_key(sort if sort in PACE_SORTS else "behind"))


# The chart: the programme's hours delivered over time (by the sessions' months) against an even pace, drawn as a
# server-rendered SVG in its own units; the template only prints. It scales to its box: no sideways scrolling.
PACE_WIDTH, PACE_HEIGHT = 640, 300
PACE_LEFT, PACE_RIGHT, PACE_TOP, PACE_BOTTOM = 100, 620, 16, 260


@dataclass
class PaceChart:
    actual: str  # SVG polyline points
    pace: str
    ticks_x: list[tuple[float, datetime.date]]
    ticks_y: list[tuple[float, Decimal]]
    today_x: float
    granted: Decimal
    delivered: Decimal
    expected: Decimal  # what an even pace would have delivered by today
    width: int = PACE_WIDTH
    height: int = PACE_HEIGHT
    left: int = PACE_LEFT
    right: int = PACE_RIGHT
    top: int = PACE_TOP
    bottom: int = PACE_BOTTOM


def pace_chart(paces: list[ClusterPace], *, on: datetime.date | None = None) -> PaceChart | None:
    """Hours delivered to date, month by month, against the even pace of every agreement's grant (one query)."""
    if not paces:
        return None
    on = on or timezone.localdate()
    start = month_start(min(p.agreement.starts_on for p in paces))
    end = max(p.agreement.ends_on for p in paces)
    granted = sum((p.total.granted for p in paces), Decimal("0"))
    rows = (
        SessionOutcome.objects.filter(consultation__agreement__in=[p.agreement.pk for p in paces])
        .annotate(month=TruncMonth("consultation__starts_at"))
        .order_by()
        .values("month")
        .annotate(hours=Sum(counted_hours()))
        .values_list("month", "hours")
    )
    monthly = {(m.date() if isinstance(m, datetime.datetime) else m): h for m, h in rows}
    span = max((end - start).days, 1)
    top = max(granted, Decimal("1"))

    def x(day: datetime.date) -> float:
        return round(PACE_LEFT + (min(max(day, start), end) - start).days / span * (PACE_RIGHT - PACE_LEFT), 1)

    def y(hours: Decimal) -> float:
        return round(PACE_BOTTOM - float(hours / top) * (PACE_BOTTOM - PACE_TOP), 1)

    def expected(day: datetime.date) -> Decimal:
        return sum(
            (p.total.granted * elapsed_share(p.agreement.starts_on, p.agreement.ends_on, day) for p in paces),
            Decimal("0"),
        )

    pace_points, actual_points, ticks_x = [], [], []
    month, delivered = start, Decimal("0")
    while month <= end:
        pace_points.append(f"{x(month)},{y(expected(month - datetime.timedelta(days=1)))}")
        if month <= on:
            actual_points.append(f"{x(month)},{y(delivered)}")
            delivered += monthly.get(month, Decimal("0"))
        if month.month in (1, 7):
            ticks_x.append((x(month), month))
        month = add_months(month, 1)
    pace_points.append(f"{x(end)},{y(expected(end))}")
    delivered_now = sum(p.total.delivered for p in paces)
    if start <= on:
        actual_points.append(f"{x(min(on, end))},{y(delivered)}")
    ticks_y = [(y(granted * share), (granted * share).quantize(Decimal("1"))) for share in (0, Decimal("0.5"), 1)]
    return PaceChart(
        actual=" ".join(actual_points),
        pace=" ".join(pace_points),
        ticks_x=ticks_x,
        ticks_y=ticks_y,
        today_x=x(on),
        granted=granted,
        delivered=delivered_now,
        expected=expected(on),
    )


def hours_pace(programme: Programme, *, sort: str = "behind", on: datetime.date | None = None) -> dict:
    """The "who is behind" page's data: the clusters' pace, sorted, and the programme's chart."""
    paces = clusters_pace(programme, sort=sort, on=on)
    return {
        "programme": programme,
        "paces": paces,
        "behind": [pace for pace in paces if pace.total.is_behind],
        "chart": pace_chart(paces, on=on),
        "sort": sort,
        "tolerance_pct": int(PACE_TOLERANCE * 100),
    }
