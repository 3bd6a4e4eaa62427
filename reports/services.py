"""The periodic reports: a weekly programme report to staff, a monthly statement to each programme cluster.

Both go out as ``notifications`` messages (kinds ``weekly_report`` and ``monthly_statement``,
see ``reports.message_kinds``), so they are created once per period and sent once,
with the XLSX built at send time in the recipient's language.
"""

import datetime
import logging
from functools import partial

from django.db import transaction
from django.utils import timezone

from accounts.selectors import active_staff
from agreements.models import Agreement, Programme
from clusters.models import Cluster
from inolink.tables import ReportScope
from notifications.services import dispatch_task, messages_create

logger = logging.getLogger(__name__)


def weekly_period(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The last full week, Monday to Sunday, before ``today``."""
    today = today or timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday() + 7)
    return monday, monday + datetime.timedelta(days=6)


def monthly_period(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The last full calendar month before ``today``."""
    today = today or timezone.localdate()
    last = today.replace(day=1) - datetime.timedelta(days=1)
    return last.replace(day=1), last


def scope_from_json(data: dict) -> ReportScope:
    return ReportScope(
        date_from=datetime.date.fromisoformat(data["date_from"]),
        date_to=datetime.date.fromisoformat(data["date_to"]),
        programme=Programme.objects.filter(pk=data.get("programme")).first() if data.get("programme") else None,
        cluster=Cluster.objects.filter(pk=data.get("cluster")).first() if data.get("cluster") else None,
    )


def _dispatch_after_commit(offered: int) -> None:
    from notifications.tasks import send_due_messages

    if offered:
        transaction.on_commit(partial(dispatch_task, send_due_messages))


@transaction.atomic
def report_send_weekly(*, today: datetime.date | None = None) -> int:
    """Queue last week's programme report for every active staff member, one per programme running then."""
    date_from, date_to = weekly_period(today)
    year, week, _ = date_from.isocalendar()
    staff = list(active_staff())
    programmes = Programme.objects.filter(starts_on__lte=date_to, ends_on__gte=date_from)
    rows = [
        (
            programme,
            staff,
            f"week-{year}-W{week:02d}",
            ReportScope(date_from, date_to, programme=programme).as_json(),
        )
        for programme in programmes
    ]
    offered = messages_create(kind="weekly_report", rows=rows)
    _dispatch_after_commit(offered)
    logger.info("Weekly report %s–%s: %s message rows offered.", date_from, date_to, offered)
    return offered


@transaction.atomic
def report_send_monthly(*, today: datetime.date | None = None) -> int:
    """Queue last month's statement for the managers of every cluster with an agreement running in that month."""
    date_from, date_to = monthly_period(today)
    agreements = (
        Agreement.objects.live()
        .filter(starts_on__lte=date_to, ends_on__gte=date_from)
        .select_related("cluster")
        .prefetch_related("cluster__managers")
        .order_by("cluster_id", "pk")
    )
    rows, seen = [], set()
    for agreement in agreements:
        if agreement.cluster_id in seen:
            continue
        seen.add(agreement.cluster_id)
        rows.append(
            (
                agreement.cluster,
                agreement.cluster.managers.all(),
                f"month-{date_from:%Y-%m}",
                ReportScope(date_from, date_to, cluster=agreement.cluster).as_json(),
            )
        )
    offered = messages_create(kind="monthly_statement", rows=rows)
    _dispatch_after_commit(offered)
    logger.info("Monthly statements %s–%s: %s message rows offered.", date_from, date_to, offered)
    return offered
