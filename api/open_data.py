"""Open data: the cluster registry and the programme's aggregate results, for anyone, with no personal data.

The figures come from the report tables the staff dashboard, the weekly report and the exports read
(``inolink.tables``: ``label_kpi``, ``consultations_by_area``, ``event_applications``), so a figure is computed once.
Nothing here names a person or a consultation's topic: clusters are organisations, results are sums.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext

from agreements.models import Agreement, Programme
from agreements.selectors import agreements_listed
from clusters.models import Cluster, LabelAward, LabelLevel, Region, Sector
from consultations.models import ServiceArea
from events.models import Event
from inolink.tables import ReportScope, get_table_spec

LICENCE = {
    "name": "CC BY 4.0",
    "url": "https://creativecommons.org/licenses/by/4.0/",
}
PUBLISHER = "Agency for Science, Innovation and Technology (MITA), InoLink programme"


def licence() -> dict:
    return {
        **LICENCE,
        "statement": gettext(
            "Published under the Creative Commons Attribution 4.0 International licence (CC BY 4.0): you may share "
            "and adapt it for any purpose if you credit %(publisher)s."
        )
        % {"publisher": PUBLISHER},
    }


def _label_code(level: int) -> str:
    return LabelLevel(level).name.lower()


# --- The cluster registry ------------------------------------------------------------------------------------


def registry_clusters(today: datetime.date | None = None) -> list[dict]:
    """Every cluster of the registry with its labels (and their validity) and its programme participation, in four
    queries: the clusters with today's label, their awards, their agreements with programmes and signatures."""
    today = today or timezone.localdate()
    clusters = (
        Cluster.objects.with_current_label(on=today)
        .prefetch_related(
            Prefetch("label_awards", queryset=LabelAward.objects.order_by("awarded_on", "pk")),
            Prefetch(
                "agreements", queryset=agreements_listed().order_by("starts_on", "pk"), to_attr="programme_agreements"
            ),
        )
        .order_by("name", "pk")
    )
    sectors, regions = dict(Sector.choices), dict(Region.choices)
    rows = []
    for cluster in clusters:
        rows.append(
            {
                "name": cluster.name,
                "legal_name": cluster.legal_name,
                "company_code": cluster.company_code,
                "sector": cluster.sector,
                "sector_name": str(sectors.get(cluster.sector, cluster.sector)),
                "region": cluster.region,
                "region_name": str(regions.get(cluster.region, cluster.region)),
                "website": cluster.website,
                "founded_year": cluster.founded_year,
                "status": cluster.status,
                "sample": cluster.is_sample,
                "current_label": _label_code(cluster.current_label) if cluster.current_label else None,
                "labels": [
                    {
                        "label": _label_code(award.level),
                        "awarded_on": award.awarded_on,
                        "valid_until": award.valid_until,
                        "valid_today": award.is_valid_on(today),
                    }
                    for award in cluster.label_awards.all()
                ],
                "programmes": [
                    {
                        "programme": agreement.programme.code,
                        "programme_name": agreement.programme.name,
                        "agreement": agreement.number,
                        "starts_on": agreement.starts_on,
                        "ends_on": agreement.ends_on,
                        "status": agreement.status_on(today).value,
                    }
                    for agreement in cluster.programme_agreements
                    if agreement.status_on(today) != Agreement.Status.DRAFT
                ],
            }
        )
    return rows


REGISTRY_COLUMNS = [
    "name",
    "legal_name",
    "company_code",
    "sector",
    "sector_name",
    "region",
    "region_name",
    "website",
    "founded_year",
    "status",
    "sample",
    "current_label",
    "labels",
    "programmes",
]


def registry_csv_rows(clusters: list[dict]):
    """One row per cluster; labels and programmes joined as ``label awarded/valid until`` and ``code status``."""
    yield REGISTRY_COLUMNS
    for cluster in clusters:
        labels = "; ".join(f"{a['label']} {a['awarded_on']}/{a['valid_until']}" for a in cluster["labels"])
        programmes = "; ".join(
            f"{p['programme']} {p['agreement']} {p['status']} {p['starts_on']}/{p['ends_on']}"
            for p in cluster["programmes"]
        )
        yield [*(cluster[key] for key in REGISTRY_COLUMNS[:-2]), labels, programmes]


# --- The programme's results ---------------------------------------------------------------------------------


def quarter_of(day: datetime.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarters(start: datetime.date, end: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """The calendar quarters from the one holding ``start`` to the one holding ``end``, each cut to the two days."""
    found = []
    first = datetime.date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
    while first <= end:
        following = datetime.date(first.year + (first.month == 10), (first.month + 2) % 12 + 1, 1)
        found.append((max(first, start), min(following - datetime.timedelta(days=1), end)))
        first = following
    return found


def programme_results(programme: Programme, today: datetime.date | None = None) -> dict:
    """The label KPI against its targets today, the hours delivered per service area and quarter, and the events'
    applications and attendance per kind and quarter, from the programme's start to today (or its end)."""
    today = today or timezone.localdate()
    until = min(today, programme.ends_on)
    kpi_table = get_table_spec("label_kpi").build(ReportScope(programme.starts_on, today, programme=programme))
    kpi = kpi_table.dicts()[0]
    area_codes = {ServiceArea.display_name(area.name): area.code for area in ServiceArea.objects.all()}
    hours = []
    for date_from, date_to in quarters(programme.starts_on, until) if programme.starts_on <= until else []:
        table = get_table_spec("consultations_by_area").build(ReportScope(date_from, date_to, programme=programme))
        per_area = defaultdict(lambda: {"hours_delivered": Decimal(0), "sessions_held": 0})
        for row in table.dicts():
            per_area[row["area"]]["hours_delivered"] += row["delivered"]  # quarter hours: exact as a float below
            per_area[row["area"]]["sessions_held"] += row["held"]
        for area, figures in per_area.items():
            hours.append(
                {
                    "quarter": quarter_of(date_from),
                    "service_area": area_codes.get(area, ""),
                    "service_area_name": area,
                    "hours_delivered": float(figures["hours_delivered"]),
                    "sessions_held": figures["sessions_held"],
                }
            )
    events = []
    if programme.starts_on <= until:
        table = get_table_spec("event_applications").build(ReportScope(programme.starts_on, until, programme=programme))
        kinds = {str(label): value for value, label in Event.Kind.choices}
        per_kind = defaultdict(lambda: defaultdict(int))
        for row in table.dicts():
            figures = per_kind[(quarter_of(row["starts"]), row["kind"])]
            figures["events"] += 1
            for key in ("applied", "approved", "attended", "contacts", "leads"):
                figures[key] += row[key]
        for (quarter, kind), figures in sorted(per_kind.items()):
            events.append(
                {
                    "quarter": quarter,
                    "event_kind": kinds.get(kind, ""),
                    "event_kind_name": kind,
                    "events": figures["events"],
                    "applications": figures["applied"],
                    "approved": figures["approved"],
                    "attended": figures["attended"],
                    "contacts_made": figures["contacts"],
                    "partnership_leads": figures["leads"],
                }
            )
    return {
        "programme": programme.code,
        "programme_name": programme.name,
        "starts_on": programme.starts_on,
        "ends_on": programme.ends_on,
        "label_kpi": {
            "on": kpi["on"],
            "bronze": kpi["bronze"],
            "bronze_target": kpi["bronze_target"],
            "silver": kpi["silver"],
            "silver_target": kpi["silver_target"],
            "target_date": kpi["target_date"],
            "targets_met": kpi["met"],
        },
        "hours_by_quarter": hours,
        "events_by_quarter": events,
    }


def results(today: datetime.date | None = None) -> list[dict]:
    return [programme_results(programme, today) for programme in Programme.objects.order_by("-starts_on", "pk")]


RESULTS_COLUMNS = ["programme", "period", "indicator", "breakdown", "breakdown_name", "value"]
KPI_INDICATORS = ("bronze", "bronze_target", "silver", "silver_target")
HOURS_INDICATORS = ("hours_delivered", "sessions_held")
EVENT_INDICATORS = ("events", "applications", "approved", "attended", "contacts_made", "partnership_leads")


def results_csv_rows(programmes: list[dict]):
    """A long table: one figure a row (programme, period, indicator, what it is broken down by, value)."""
    yield RESULTS_COLUMNS
    for programme in programmes:
        code, kpi = programme["programme"], programme["label_kpi"]
        for indicator in KPI_INDICATORS:
            yield [code, kpi["on"], f"label_{indicator}", "", "", kpi[indicator]]
        for row in programme["hours_by_quarter"]:
            for indicator in HOURS_INDICATORS:
                yield [code, row["quarter"], indicator, row["service_area"], row["service_area_name"], row[indicator]]
        for row in programme["events_by_quarter"]:
            for indicator in EVENT_INDICATORS:
                yield [
                    code,
                    row["quarter"],
                    f"event_{indicator}",
                    row["event_kind"],
                    row["event_kind_name"],
                    row[indicator],
                ]
