"""The admin's export of every consultation to XLSX (django-import-export, consultations/resources.py), as staff
run it from the unfiltered list: the rows read, dehydrated and written to a workbook."""

import time

from django.db import connection
from django.test.utils import CaptureQueriesContext
from import_export.formats.base_formats import XLSX

from consultations.models import Consultation
from consultations.resources import ConsultationResource


def measure_export() -> dict:
    resource = ConsultationResource()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        dataset = resource.export(queryset=Consultation.objects.all())
    read_seconds = time.perf_counter() - started
    data = XLSX().export_data(dataset)
    return {
        "rows": len(dataset),
        "seconds": round(time.perf_counter() - started, 3),
        "read_seconds": round(read_seconds, 3),
        "queries": len(captured),
        "bytes": len(data),
    }
