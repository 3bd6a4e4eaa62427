"""Celery tasks of consultations: thin, idempotent, calling the services."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, ignore_result=True)
def settle_extra_hours():
    """Periodic: extra hours that nobody disputed within the window count (``services.extra_hours_settle_lapsed``).

    Run twice, it settles nothing twice: each outcome is re-checked under its lock."""
    return services.extra_hours_settle_lapsed()
