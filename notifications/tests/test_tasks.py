from django.core import mail

from notifications import tasks
from notifications.models import OutgoingMessage

from .factories import OutgoingMessageFactory


def test_tasks_take_ids_are_idempotent_and_ack_late(staff):
    message = OutgoingMessageFactory()
    for _ in range(2):  # a redelivered task sends nothing twice
        tasks.send_messages.apply(args=[[message.pk]]).get()
    message.refresh_from_db()
    assert message.status == OutgoingMessage.Status.SENT
    assert len(mail.outbox) == 1
    assert tasks.send_messages.acks_late and tasks.send_due_messages.acks_late and tasks.run_sweeps.acks_late


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
