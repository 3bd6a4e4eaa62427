"""The report emails: the tables' summary in the body and the full tables as an XLSX attachment."""

import json
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from clusters.models import LabelRules
from clusters.selectors import eligibility_gaps, road_cluster
from inolink.formatting import date_span, decimal_number, month_label
from inolink.ical import absolute_url
from inolink.tables import CLUSTER, STAFF, build_tables
from notifications.registry import MessageKind, register

from .exports import XLSX_CONTENT_TYPE, workbook_bytes


@dataclass
class _BuiltReport:
    scope: object
    tables: list
    workbooks: dict = field(default_factory=dict)


def _report(obj, message, audience: str) -> _BuiltReport:
    """The report of the message's scope, built once for all the recipients a send batch holds.

    One weekly report goes to every staff member, one statement to each of a cluster's managers; the sender hands
    the messages of one programme or cluster the same object, so the report is kept on it for the next recipients
    with the same scope and language, instead of running every table's queries (and the XLSX) again.
    """
    from .services import scope_from_json

    key = (audience, json.dumps(message.context, sort_keys=True, default=str), translation.get_language())
    reports = obj.__dict__.setdefault("_built_reports", {})
    if key not in reports:
        scope = scope_from_json(message.context)
        reports[key] = _BuiltReport(scope, build_tables(scope, audience))
    return reports[key]


def _summary(tables):
    summary = []
    for table in tables:
        totals = table.totals()
        summary.append(
            {
                "title": table.title,
                "rows": len(table.rows),
                # Written in the recipient's language, one decimal convention for every figure ("23,5" in Lithuanian).
                "totals": [
                    (column.label, decimal_number(totals[column.key]))
                    for column in table.columns
                    if column.key in totals
                ],
            }
        )
    return summary


def _context(audience):
    def build(obj, message):
        report = _report(obj, message, audience)
        kpi = next((table.dicts() for table in report.tables if table.key == "label_kpi"), [])
        return {
            "scope": report.scope,
            "summary": _summary(report.tables),
            "kpi": kpi,
            "dashboard_url": absolute_url(reverse("reports:dashboard")),
        }

    return build


def _eligibility_gaps(cluster) -> list:
    """The bronze label's eligibility criteria the cluster neither meets nor has waived, as of the sending.

    Kept on the cluster per language (their texts are translated) for its other managers in the send batch.
    """
    gaps = cluster.__dict__.setdefault("_eligibility_gaps", {})
    language = translation.get_language()
    if language not in gaps:
        gaps[language] = eligibility_gaps(road_cluster(cluster), rules=LabelRules.load())
    return gaps[language]


def _attachments(audience, prefix):
    def build(obj, message):
        report = _report(obj, message, audience)
        title = str(obj)
        if title not in report.workbooks:
            report.workbooks[title] = workbook_bytes(report.tables, title=title)
        filename = f"{prefix}-{report.scope.date_from.isoformat()}-{report.scope.date_to.isoformat()}.xlsx"
        return [(filename, report.workbooks[title], XLSX_CONTENT_TYPE)]

    return build


register(
    MessageKind(
        key="weekly_report",
        model="agreements.Programme",
        verbose_name=_("Weekly programme report"),
        subject=lambda obj, ctx: (
            _("%(programme)s: weekly report, %(span)s")
            % {"programme": obj, "span": date_span(ctx["scope"].date_from, ctx["scope"].date_to)}
        ),
        template="reports/emails/weekly_report",
        context=_context(STAFF),
        attachments=_attachments(STAFF, "inolink-weekly"),
    )
)

register(
    MessageKind(
        key="monthly_statement",
        model="clusters.Cluster",
        verbose_name=_("Monthly cluster statement"),
        subject=lambda obj, ctx: (
            _("%(cluster)s: InoLink statement for %(month)s")
            % {"cluster": obj, "month": month_label(ctx["scope"].date_from)}
        ),
        template="reports/emails/monthly_statement",
        recipients=lambda obj: obj.managers.all(),
        context=lambda obj, message: {**_context(CLUSTER)(obj, message), "eligibility_gaps": _eligibility_gaps(obj)},
        attachments=_attachments(CLUSTER, "inolink-statement"),
    )
)
