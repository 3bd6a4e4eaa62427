"""What the staff dashboard shows: the registered tables for a scope and the charts drawn from them."""

from dataclasses import dataclass
from decimal import Decimal

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
    return {
        "table_specs": table_specs(STAFF),
        "kpi_charts": kpi_charts(charts["label_kpi"]),
        "hours_chart": hours_by_area_chart(charts["hours_by_service_area"]),
    }
