import io

from django.core.management import call_command
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from notifications.models import OutgoingMessage

from .factories import OutgoingMessageFactory


def test_failed_messages_stand_out_with_their_error_and_can_be_filtered(client, staff):
    OutgoingMessageFactory(status=OutgoingMessage.Status.SENT, sent_at="2026-01-01T10:00:00Z")
    OutgoingMessageFactory(status=OutgoingMessage.Status.FAILED, attempts=5, last_error="SMTPRecipientsRefused: bad")
    client.force_login(staff)
    url = reverse("admin:notifications_outgoingmessage_changelist")
    html = client.get(url).content.decode()
    assert "SMTPRecipientsRefused: bad" in html and "msg-status-failed" in html and ">Failed<" in html

    failed_only = client.get(url, {"status__exact": "failed"}).content.decode()
    assert "SMTPRecipientsRefused" in failed_only and "Sent</span>" not in failed_only
    assert client.get(url, {"kind": "agreement_ending"}).status_code == 200


def test_retry_action_gives_a_failed_message_a_fresh_start(client, staff, django_capture_on_commit_callbacks):
    failed = OutgoingMessageFactory(status=OutgoingMessage.Status.FAILED, attempts=5, last_error="boom")
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:notifications_outgoingmessage_changelist"),
            {"action": "retry", "_selected_action": [failed.pk]},
        )
    failed.refresh_from_db()
    assert failed.status == OutgoingMessage.Status.SENT and failed.attempts == 1


def test_default_periodic_tasks_exist_and_the_command_keeps_staff_edits(db):
    names = set(PeriodicTask.objects.values_list("name", flat=True))
    assert {"Send due messages", "Find due reminders and notices", "Weekly programme report"} <= names
    task = PeriodicTask.objects.get(name="Weekly programme report")
    task.enabled = False
    task.save()
    PeriodicTask.objects.filter(name="Send due messages").delete()

    call_command("setup_periodic_tasks", stdout=io.StringIO())
    call_command("setup_periodic_tasks", stdout=io.StringIO())

    assert PeriodicTask.objects.filter(name="Send due messages").count() == 1
    assert PeriodicTask.objects.get(name="Weekly programme report").enabled is False


def test_an_occasion_key_reads_as_words_and_a_vilnius_moment():
    from notifications.admin import occasion_text

    assert occasion_text("requested-20261204T135011.735952") == "requested 2026-12-04 15:50"
    assert occasion_text("reminder-20261204T1350") == "reminder 2026-12-04 15:50"
    assert occasion_text("outcome-overdue-2") == "outcome overdue 2"
    assert occasion_text("month-2026-11") == "month 2026-11"
