"""The report emails: the tables' summary in the body and the full tables as an XLSX attachment."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from inolink.ical import absolute_url
from notifications.registry import MessageKind, register

from .exports import XLSX_CONTENT_TYPE, workbook_bytes
from .tables import CLUSTER, STAFF, build_tables


def _report(message, audience: str):
    """Build the tables once per message (the body and the attachment both use them)."""
    from .services import scope_from_json

    cached = getattr(message, "_report_cache", None)
    if cached is None:
        scope = scope_from_json(message.context)
        cached = message._report_cache = (scope, build_tables(scope, audience))
    return cached


def _summary(tables):
    summary = []
    for table in tables:
        totals = table.totals()
        summary.append(
            {
                "title": table.title,
                "rows": len(table.rows),
                "totals": [(column.label, totals[column.key]) for column in table.columns if column.key in totals],
            }
        )
    return summary


def _context(audience):
    def build(obj, message):
        scope, tables = _report(message, audience)
        kpi = next((table.dicts() for table in tables if table.key == "label_kpi"), [])
        return {
            "scope": scope,
            "summary": _summary(tables),
            "kpi": kpi,
            "dashboard_url": absolute_url(reverse("reports:dashboard")),
        }

    return build


def _attachments(audience, prefix):
    def build(obj, message):
        scope, tables = _report(message, audience)
        filename = f"{prefix}-{scope.date_from.isoformat()}-{scope.date_to.isoformat()}.xlsx"
        return [(filename, workbook_bytes(tables, title=str(obj)), XLSX_CONTENT_TYPE)]

    return build


register(
    MessageKind(
        key="weekly_report",
        model="agreements.Programme",
        verbose_name=_("Weekly programme report"),
        subject=lambda obj, ctx: (
            _("%(programme)s: weekly report %(start)s – %(end)s")
            % {"programme": obj, "start": ctx["scope"].date_from.isoformat(), "end": ctx["scope"].date_to.isoformat()}
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
            % {"cluster": obj, "month": ctx["scope"].date_from.strftime("%Y-%m")}
        ),
        template="reports/emails/monthly_statement",
        recipients=lambda obj: obj.managers.all(),
        context=_context(CLUSTER),
        attachments=_attachments(CLUSTER, "inolink-statement"),
    )
)
