"""The periodic sweep over every consultation, and the weekly programme report."""

import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultations.models import Consultation
from inolink.tables import ReportScope, build_tables
from notifications.models import OutgoingMessage as Message
from notifications.sweeps import sweeps_run
from reports.exports import workbook_bytes
from reports.services import weekly_period


def measure_sweep() -> dict:
    before = Message.objects.count()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        created = sweeps_run(dispatch=False)
    seconds = time.perf_counter() - started
    return {
        "consultations": Consultation.objects.count(),
        "seconds": round(seconds, 3),
        "queries": len(captured),
        "messages_created": Message.objects.count() - before,
        "by_sweep": created,
    }


def measure_report() -> dict:
    date_from, date_to = weekly_period()
    started = time.perf_counter()
    tables = build_tables(ReportScope(date_from=date_from, date_to=date_to))
    data = workbook_bytes(tables, title="Weekly programme report")
    return {"seconds": round(time.perf_counter() - started, 3), "bytes": len(data), "tables": len(tables)}
