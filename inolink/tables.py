"""Report tables: registered functions that turn a scope (period, programme, cluster) into rows.

The weekly report, the monthly statements, the dashboard and the XLSX/CSV
downloads all read the same registered tables, so a figure is computed once.
The framework is a plain module below every app, so the app that owns the data
registers its tables without importing the reports app above it.

How to add a table (e.g. in ``consultations/report_tables.py`` or
``events/report_tables.py``, which ``ReportsConfig.ready`` imports)::

    from django.utils.translation import gettext_lazy as _
    from inolink.tables import Column, register_table

    @register_table(
        "consultations_by_area",
        _("Consultations by cluster and service area"),
        columns=[
            Column("cluster", _("Cluster")),
            Column("area", _("Service area")),
            Column("requested", _("Requested"), "int", total=True),
            Column("held", _("Held"), "int", total=True),
        ],
        audiences=("staff", "cluster"),   # weekly report / dashboard, and the cluster's monthly statement
        position=30,
        sheet=_("By area"),                 # the XLSX sheet's name: at most 31 characters in every language
    )
    def consultations_by_area(scope):
        # One aggregate query, filtered by scope.date_from/date_to/programme/cluster.
        return [(row["cluster__name"], row["service_area__name"], row["requested"], row["held"]) for row in ...]

A builder must run a fixed number of queries whatever the data size. Figures are computed for the scope's
period, counting a session or an event by its own date, never from today's running totals, so a report
rebuilt later for the same period shows the same numbers. The dashboard
shows every registered table with its downloads; charts read the tables by key.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

STAFF = "staff"
CLUSTER = "cluster"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"  # text, int, hours, date, percent, bool, code (an identifier: text kept on one line)
    total: bool = False


@dataclass(frozen=True)
class ReportScope:
    date_from: datetime.date
    date_to: datetime.date
    programme: Any = None
    cluster: Any = None

    def as_json(self) -> dict:
        return {
            "date_from": self.date_from.isoformat(),
            "date_to": self.date_to.isoformat(),
            "programme": getattr(self.programme, "pk", None),
            "cluster": getattr(self.cluster, "pk", None),
        }


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[tuple]
    notes: str = ""
    sheet: str = ""  # a short name for the XLSX sheet (at most 31 characters); the title when empty

    def totals(self) -> dict[str, Decimal | int]:
        """Sums of the columns marked ``total``; empty when none are."""
        sums = {}
        for index, column in enumerate(self.columns):
            if column.total:
                sums[column.key] = sum(
                    (row[index] or 0 for row in self.rows), Decimal(0) if column.kind == "hours" else 0
                )
        return sums

    def total_row(self) -> list | None:
        sums = self.totals()
        if not sums:
            return None
        return [sums.get(column.key, "") for column in self.columns]

    def dicts(self) -> list[dict]:
        keys = [column.key for column in self.columns]
        return [dict(zip(keys, row, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class TableSpec:
    key: str
    title: str
    columns: tuple[Column, ...]
    build_rows: Callable[[ReportScope], Iterable[tuple]]
    audiences: frozenset = field(default_factory=lambda: frozenset({STAFF}))
    position: int = 100
    sheet: Any = ""

    def build(self, scope: ReportScope) -> Table:
        rows = list(self.build_rows(scope))
        return Table(self.key, str(self.title), list(self.columns), rows, sheet=str(self.sheet or ""))


_tables: dict[str, TableSpec] = {}


def register_table(key: str, title, *, columns: Iterable[Column], audiences=(STAFF,), position: int = 100, sheet=""):
    def decorator(function):
        _tables[key] = TableSpec(key, title, tuple(columns), function, frozenset(audiences), position, sheet)
        return function

    return decorator


def table_specs(audience: str = STAFF) -> list[TableSpec]:
    return sorted((spec for spec in _tables.values() if audience in spec.audiences), key=lambda s: (s.position, s.key))


def get_table_spec(key: str) -> TableSpec:
    return _tables[key]


def build_tables(scope: ReportScope, audience: str = STAFF) -> list[Table]:
    return [spec.build(scope) for spec in table_specs(audience)]
