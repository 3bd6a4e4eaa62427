"""A real Celery worker process against the broker: one message caused on commit arrives exactly once."""

import datetime
import os
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts.tests.factories import StaffFactory, UserFactory
from agreements.tests.factories import ActiveAgreementFactory
from clusters.tests.factories import ClusterFactory
from inolink.celery import app
from notifications.models import OutgoingMessage
from notifications.services import message_enqueue
from notifications.tasks import send_messages

BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
TEST_REDIS_DB = "15"  # never the database a real deployment on the same Redis uses (0 by default)
WAIT_SECONDS = 90

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not BROKER_URL, reason="CELERY_BROKER_URL is not set: no broker to run a real worker against"),
]


def _test_broker_url() -> str:
    parts = urlsplit(BROKER_URL)
    if parts.scheme.startswith("redis"):
        parts = parts._replace(path=f"/{TEST_REDIS_DB}")
    return urlunsplit(parts)


def _database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _emails_in(folder: Path) -> list[str]:
    """The file backend writes each message followed by a line of dashes; count them by our header."""
    found = []
    for path in folder.glob("*.log"):
        found += [
            line for line in path.read_text(errors="replace").splitlines() if line.startswith("X-InoLink-Message:")
        ]
    return found


@pytest.fixture
def test_broker(monkeypatch):
    """Point this process's Celery app at the test Redis database and a unique queue, and back afterwards."""
    queue = f"inolink-test-{uuid.uuid4().hex[:8]}"
    # Celery reads the CELERY_BROKER_URL environment variable before its own configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", _test_broker_url())
    saved = {key: app.conf[key] for key in ("broker_url", "task_default_queue", "task_always_eager")}
    app.conf.update(broker_url=_test_broker_url(), task_default_queue=queue, task_always_eager=False)
    app.close()
    app.__dict__.pop("amqp", None)  # recreated from the new configuration
    yield queue
    with app.connection_for_write() as conn:
        channel = conn.default_channel
        channel.queue_delete(queue)
        if hasattr(channel, "client"):  # Redis: kombu keeps the binding keys; remove ours
            channel.client.delete(f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    monkeypatch.undo()
    app.conf.update(saved)
    app.close()
    app.__dict__.pop("amqp", None)


def _status(message_id: int, sqlite_snapshot: Path | None) -> str:
    if sqlite_snapshot is None:
        return OutgoingMessage.objects.get(pk=message_id).status
    with sqlite3.connect(sqlite_snapshot) as db:
        return db.execute("SELECT status FROM notifications_outgoingmessage WHERE id = ?", [message_id]).fetchone()[0]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_sends_a_message_caused_on_commit_exactly_once(test_broker, tmp_path):
    """On PostgreSQL the worker runs while the message is caused; the in-memory SQLite test database cannot be
    shared with another process, so there the worker starts afterwards on a file copy taken after the commit
    (the task waits in Redis meanwhile)."""
    outbox = tmp_path / "mail"
    outbox.mkdir()
    staff = StaffFactory()
    cluster = ClusterFactory(managers=[UserFactory(email="")])  # a manager without an address is skipped
    agreement = ActiveAgreementFactory(
        cluster=cluster,
        starts_on=timezone.localdate() - datetime.timedelta(days=200),
        ends_on=timezone.localdate() + datetime.timedelta(days=20),
    )
    snapshot = None if settings.IS_POSTGRES else tmp_path / "db.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url() if snapshot is None else f"sqlite:///{snapshot}",
        "CELERY_BROKER_URL": _test_broker_url(),
        "CELERY_TASK_DEFAULT_QUEUE": test_broker,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(outbox),
        "DJANGO_CONN_MAX_AGE": "0",
    }
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 - closed in finally
    worker = None

    def start_worker():
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "inolink", "worker", "--pool=solo", "--loglevel=INFO",
             "-Q", test_broker, "-n", f"{test_broker}@%h", "--without-heartbeat", "--without-gossip",
             "--without-mingle"],
            cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip

    try:
        if snapshot is None:
            worker = start_worker()
        with transaction.atomic():
            ids = message_enqueue(kind="agreement_ending", obj=agreement, occasion="worker-test")
            assert OutgoingMessage.objects.filter(pk__in=ids).count() == 1
        # The same cause again, and a duplicate task: still one email.
        with transaction.atomic():
            message_enqueue(kind="agreement_ending", obj=agreement, occasion="worker-test")
        send_messages.delay(ids)
        message = OutgoingMessage.objects.get(recipient=staff, occasion="worker-test")
        skipped = OutgoingMessage.objects.get(recipient__email="")
        if snapshot is not None:
            with sqlite3.connect(snapshot) as copy:
                connection.ensure_connection()
                connection.connection.backup(copy)
            worker = start_worker()

        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline and worker.poll() is None:
            if _status(message.pk, snapshot) == OutgoingMessage.Status.SENT:
                break
            time.sleep(0.5)
        time.sleep(3)  # room for a duplicate to show up, if there were one
        assert _status(message.pk, snapshot) == OutgoingMessage.Status.SENT, (tmp_path / "worker.log").read_text()[
            -3000:
        ]
        assert _emails_in(outbox) == [f"X-InoLink-Message: {message.pk}"]
        assert _status(skipped.pk, snapshot) == OutgoingMessage.Status.SKIPPED
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait(timeout=5)
        log.close()
