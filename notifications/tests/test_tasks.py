import datetime

from django.conf import settings
from django.core import mail
from django.utils import timezone

from notifications import tasks
from notifications.models import OutgoingMessage
from notifications.services import next_due_at

from .factories import OutgoingMessageFactory


def test_tasks_take_ids_are_idempotent_and_ack_late(staff):
    message = OutgoingMessageFactory()
    for _ in range(2):  # a redelivered task sends nothing twice
        tasks.send_messages.apply(args=[[message.pk]]).get()
    message.refresh_from_db()
    assert message.status == OutgoingMessage.Status.SENT
    assert len(mail.outbox) == 1
    assert tasks.send_messages.acks_late and tasks.send_due_messages.acks_late and tasks.run_sweeps.acks_late
    # A dead pool process's send task goes back to the queue: safe because sending is idempotent.
    assert tasks.send_messages.reject_on_worker_lost and tasks.send_due_messages.reject_on_worker_lost


def test_send_task_comes_back_when_the_first_of_its_messages_is_due(staff):
    due, leased, sent = OutgoingMessageFactory.create_batch(3)
    now = timezone.now()
    lease_end = now + datetime.timedelta(seconds=30)
    OutgoingMessage.objects.filter(pk=leased.pk).update(next_attempt_at=lease_end)
    OutgoingMessage.objects.filter(pk=sent.pk).update(status=OutgoingMessage.Status.SENT, sent_at=now)
    assert next_due_at(ids=[due.pk, leased.pk], now=now) == now
    assert next_due_at(ids=[leased.pk, sent.pk], now=now) == lease_end
    assert next_due_at(ids=[sent.pk], now=now) is None


def test_periodic_tasks_run_the_sweeps_and_send(staff, ending_agreement, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tasks.run_sweeps.apply().get()
    tasks.send_due_messages.apply().get()
    assert len(mail.outbox) == 3  # staff and the two managers
    assert OutgoingMessage.objects.filter(status=OutgoingMessage.Status.SENT).count() == 3


def test_celery_configuration():
    from inolink.celery import app

    conf = app.conf
    assert conf.task_serializer == "json" and conf.accept_content == ["json"]
    assert conf.task_soft_time_limit < conf.task_time_limit
    assert conf.task_acks_late is False  # only per idempotent task
    assert conf.task_soft_time_limit > tasks.SEND_TIME_BUDGET
    assert conf.worker_prefetch_multiplier == 1
    # Redis must not hand a task to a second worker while the first still runs it or waits for its countdown.
    visibility_timeout = conf.broker_transport_options["visibility_timeout"]
    assert visibility_timeout > conf.task_time_limit + tasks.SEND_RETRY_HORIZON
    # The last hand-over of a batch ends before the lease does (see services._send_batch).
    assert settings.EMAIL_TIMEOUT < settings.NOTIFICATIONS_LEASE_SECONDS / 4
