"""What the staff dashboard shows: the registered tables for a scope and the charts drawn from them."""

from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal

from .tables import STAFF, ReportScope, Table, build_tables


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
    """Hours per service area summed over the clusters in the table, scaled to the largest grant."""
    areas: OrderedDict[str, dict] = OrderedDict()
    for row in table.dicts():
        area = areas.setdefault(
            row["area"], {"area": row["area"], "granted": Decimal(0), "delivered": Decimal(0), "held": Decimal(0)}
        )
        for key in ("granted", "delivered", "held"):
            area[key] += row[key]
    largest = max((area["granted"] for area in areas.values()), default=Decimal(0))
    for area in areas.values():
        area["remaining"] = area["granted"] - area["delivered"] - area["held"]
        area["granted_pct"] = _percent(area["granted"], largest)
        area["delivered_pct"] = _percent(area["delivered"], largest)
        area["held_pct"] = _percent(area["held"], largest)
        area["held_x"] = area["delivered_pct"]
    return list(areas.values())


def dashboard(scope: ReportScope) -> dict:
    tables = build_tables(scope, STAFF)
    by_key = {table.key: table for table in tables}
    return {
        "tables": tables,
        "kpi_charts": kpi_charts(by_key["label_kpi"]) if "label_kpi" in by_key else [],
        "hours_chart": hours_by_area_chart(by_key["hours_by_area"]) if "hours_by_area" in by_key else [],
    }
