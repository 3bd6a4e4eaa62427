"""Celery tasks: thin, take ids, idempotent (so ``acks_late`` is safe: a redelivered task sends nothing twice)."""

from celery import shared_task
from django.utils import timezone

from .services import messages_send
from .sweeps import sweeps_run

# Stop starting new batches after this many seconds: well inside CELERY_TASK_SOFT_TIME_LIMIT (120 s).
SEND_TIME_BUDGET = 60


@shared_task(bind=True, acks_late=True, max_retries=8, ignore_result=True)
def send_messages(self, message_ids: list[int]):
    """Send these messages if they are still due; retry the failed ones after their backoff."""
    result = messages_send(ids=message_ids, time_budget=SEND_TIME_BUDGET)
    if result.retry_at and not self.request.is_eager and self.request.retries < self.max_retries:
        # Bounded by the record's own attempt count too; the periodic send_due_messages is the safety net.
        countdown = max((result.retry_at - timezone.now()).total_seconds(), 1)
        raise self.retry(countdown=countdown)
    return {"sent": result.sent, "failed": result.failed, "skipped": result.skipped}


@shared_task(acks_late=True, ignore_result=True)
def send_due_messages():
    """Periodic safety net: everything pending and due, whoever created it."""
    result = messages_send(time_budget=SEND_TIME_BUDGET)
    return {"sent": result.sent, "failed": result.failed, "skipped": result.skipped}


@shared_task(acks_late=True, ignore_result=True)
def run_sweeps(names: list[str] | None = None):
    """Periodic: create the messages that have become due (reminders, nudges, expiries)."""
    return sweeps_run(names=names)
