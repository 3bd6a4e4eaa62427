"""Celery tasks: thin, take ids, idempotent (a built or failed export is left as it is)."""

from celery import shared_task

from .services import export_file_build

# Fifty thousand rows take tens of seconds: more than the default limits allow any other task.
EXPORT_SOFT_TIME_LIMIT = 600


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=EXPORT_SOFT_TIME_LIMIT,
    time_limit=EXPORT_SOFT_TIME_LIMIT + 60,
    ignore_result=True,
)
def build_export(export_id: int):
    export = export_file_build(export_id)
    return export and export.status
