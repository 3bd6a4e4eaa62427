"""Celery tasks: thin, take ids, idempotent.

The send tasks acknowledge late and are put back in the queue when their pool process dies
(``reject_on_worker_lost``): safe only because sending is idempotent through the database (a
redelivered task finds the messages already sent, or still leased by the sender that died).
"""

from celery import shared_task
from django.utils import timezone

from .services import messages_send, next_due_at
from .sweeps import sweeps_run

# Stop starting new batches after this many seconds: well inside CELERY_TASK_SOFT_TIME_LIMIT (120 s).
SEND_TIME_BUDGET = 60
# A retry further away than this is left to the periodic send_due_messages (every 5 minutes), so no task waits
# in the broker for long: Redis hands an unacknowledged task to another worker after its visibility timeout.
SEND_RETRY_HORIZON = 300


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=8, ignore_result=True)
def send_messages(self, message_ids: list[int]):
    """Send these messages if they are still due; come back when the rest are due again.

    The rest: those waiting for their backoff after a failure, or claimed by a sender that died (back
    when its lease ends) or that is still sending them (then already sent when this task returns).
    """
    result = messages_send(ids=message_ids, time_budget=SEND_TIME_BUDGET)
    now = timezone.now()
    due_at = next_due_at(ids=message_ids, now=now)
    if due_at and not self.request.is_eager and self.request.retries < self.max_retries:
        countdown = max((due_at - now).total_seconds(), 1)
        if countdown <= SEND_RETRY_HORIZON:
            raise self.retry(countdown=countdown)
    return {"sent": result.sent, "failed": result.failed, "skipped": result.skipped}


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_due_messages():
    """Periodic safety net: everything pending and due, whoever created it."""
    result = messages_send(time_budget=SEND_TIME_BUDGET)
    return {"sent": result.sent, "failed": result.failed, "skipped": result.skipped}


@shared_task(acks_late=True, ignore_result=True)
def run_sweeps(names: list[str] | None = None):
    """Periodic: create the messages that have become due (reminders, nudges, expiries)."""
    return sweeps_run(names=names)
