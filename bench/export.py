"""Staff's export of every consultation from the admin list to XLSX (django-import-export,
consultations/resources.py): the request, which records the export and queues it because the list is longer than
``EXPORT_ROWS_AT_ONCE``, and the worker's build of the file (exports/services.py)."""

import time

from celery import current_app
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultations.resources import ConsultationResource
from exports.models import ExportFile
from exports.services import export_file_build


def measure_export(client) -> dict:
    data = {"format": "0", "resource": "0"}  # XLSX, the consultations' resource
    data.update({f"consultationresource_{name}": "on" for name in ConsultationResource._meta.fields})
    eager = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = False  # the request only queues the build, as with a worker
    try:
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as request_queries:
            response = client.post(reverse("admin:consultations_consultation_export"), data)
        request_seconds = time.perf_counter() - started
    finally:
        current_app.conf.task_always_eager = eager
    if response.status_code != 302:
        raise RuntimeError(f"the export answered {response.status_code}, not a redirect to the staff's exports")
    export_file = ExportFile.objects.latest("pk")
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as build_queries:
        export_file = export_file_build(export_file.pk)
    return {
        "rows": export_file.rows,
        "request_seconds": round(request_seconds, 3),
        "request_queries": len(request_queries),
        "build_seconds": round(time.perf_counter() - started, 3),
        "build_queries": len(build_queries),
        "status": export_file.status,
        "bytes": len(export_file.content or b""),
    }
