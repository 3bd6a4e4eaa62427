"""A real Celery worker process against the broker: a confirmation made in the browser arrives exactly once, and a
worker killed mid-batch sends at most one email twice and loses none."""

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from accounts.tests.factories import UserFactory
from agreements.tests.factories import ActiveAgreementFactory
from clusters.tests.factories import ClusterFactory
from consultations.models import Consultation
from consultations.tests.factories import ConsultationFactory, ExpertFactory, local_at
from inolink.celery import app
from notifications.models import OutgoingMessage
from notifications.tasks import send_due_messages, send_messages

from .factories import OutgoingMessageFactory

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
            # and the tasks a killed worker never acknowledged, which Redis would hand back after its visibility timeout
            for tag, entry in channel.client.hgetall(channel.unacked_key).items():
                if json.loads(entry)[2] == queue:  # [message, exchange, routing key]
                    channel.client.hdel(channel.unacked_key, tag)
                    channel.client.zrem(channel.unacked_index_key, tag)
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
def test_worker_sends_a_confirmation_made_through_the_web_exactly_once(test_broker, tmp_path, client):
    """The expert confirms a request with the confirm URL; the cluster's manager gets exactly one email.

    On PostgreSQL the worker runs while the message is caused; the in-memory SQLite test database cannot be
    shared with another process, so there the worker starts afterwards on a file copy taken after the commit
    (the task waits in Redis meanwhile)."""
    outbox = tmp_path / "mail"
    outbox.mkdir()
    manager = UserFactory(email="manager@example.com")
    cluster = ClusterFactory(managers=[manager, UserFactory(email="")])  # a manager without an address is skipped
    expert = ExpertFactory()
    consultation = ConsultationFactory(
        agreement__cluster=cluster, expert=expert, starts_at=local_at(3, 10), status=Consultation.Status.REQUESTED
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
        client.force_login(expert.user)
        confirm = reverse("consultations:consultation-confirm", args=[consultation.pk])
        assert client.post(confirm).status_code == 302
        # The same click again (refused: already confirmed) and a duplicate task: still one email.
        client.post(confirm)
        consultation.refresh_from_db()
        assert consultation.status == Consultation.Status.CONFIRMED
        message = OutgoingMessage.objects.get(kind="consultation_confirmed", recipient=manager)
        skipped = OutgoingMessage.objects.get(kind="consultation_confirmed", recipient__email="")
        assert OutgoingMessage.objects.count() == 2
        send_messages.delay([message.pk])
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


# A worker killed mid-batch -------------------------------------------------------------------------------------------

KILL_MESSAGES = 30
KILL_AFTER = 8  # hand-overs recorded before the kill
KILL_LEASE_SECONDS = 5
KILL_TEST_SECONDS = 50  # the whole test, worker start-ups included


def _hand_overs(log: Path) -> Counter:
    """How many times the server accepted each message id."""
    return Counter(int(line) for line in log.read_text().split()) if log.exists() else Counter()


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (the worker's pool processes)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:  # fields after "(comm)": state, ppid, ...
                found.append(int(entry))
    return found


def _kill_all(process: subprocess.Popen) -> None:
    """``kill -9`` of the worker and its pool processes (its own session), and reap it."""
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _wait_for(condition, deadline: float, what: str, log: Path) -> None:
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out waiting for {what}. Worker log:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)


@pytest.mark.parametrize("victim", ["pool process", "whole worker"])
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_mid_batch_sends_at_most_one_email_twice_and_loses_none(victim, test_broker, tmp_path):
    """``kill -9`` while a batch is being handed to the server; every hand-over is recorded in a file.

    Killing the pool process: the worker puts the task back in the queue (``reject_on_worker_lost``), the new
    pool process finds the messages claimed by the dead one and retries when their lease ends. Killing the whole
    worker: a new worker starts and beat's periodic ``send_due_messages`` finds them once the lease has ended.
    """
    if not settings.IS_POSTGRES:
        pytest.skip("the worker processes and the test share the database: needs PostgreSQL")
    if not Path("/proc").is_dir():
        pytest.skip("finding the worker's pool process reads /proc (Linux)")
    deadline = time.monotonic() + KILL_TEST_SECONDS
    hand_overs = tmp_path / "hand-overs.log"
    worker_log = tmp_path / "worker.log"
    about = ActiveAgreementFactory()
    ids = [message.pk for message in OutgoingMessageFactory.create_batch(KILL_MESSAGES, about=about)]
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": _test_broker_url(),
        "CELERY_TASK_DEFAULT_QUEUE": test_broker,
        "EMAIL_BACKEND": "notifications.tests.backends.RecordingBackend",
        "EMAIL_FILE_PATH": str(hand_overs),
        "NOTIFICATIONS_LEASE_SECONDS": str(KILL_LEASE_SECONDS),
        "DJANGO_CONN_MAX_AGE": "0",
    }
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    workers = []

    def start_worker():
        with open(worker_log, "a") as log:
            workers.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "celery",
                        "-A",
                        "inolink",
                        "worker",
                        "--pool=prefork",
                        "--concurrency=1",
                        "--loglevel=INFO",
                        "-Q",
                        test_broker,
                        "-n",
                        f"{test_broker}-{len(workers)}@%h",
                        "--without-heartbeat",
                        "--without-gossip",
                        "--without-mingle",
                    ],
                    cwd=settings.BASE_DIR,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # its own process group, so that cleanup kills the pool processes too
                )
            )
        return workers[-1]

    def all_sent():
        return OutgoingMessage.objects.filter(pk__in=ids, status=OutgoingMessage.Status.SENT).count() == len(ids)

    try:
        worker = start_worker()
        send_messages.delay(ids)
        _wait_for(lambda: sum(_hand_overs(hand_overs).values()) >= KILL_AFTER, deadline, "the first emails", worker_log)
        at_kill = sum(_hand_overs(hand_overs).values())
        killed_at = time.monotonic()
        if victim == "pool process":
            for child in _children(worker.pid):
                os.kill(child, signal.SIGKILL)
        else:
            _kill_all(worker)
            start_worker()
            # Redis keeps the dead worker's task until its visibility timeout; beat's next run finds the messages.
            time.sleep(max(killed_at + KILL_LEASE_SECONDS - time.monotonic(), 0))
            send_due_messages.delay()
        _wait_for(all_sent, deadline, "every message to be sent", worker_log)
        recovered_in = time.monotonic() - killed_at
        time.sleep(1)  # room for a late duplicate, if there were one
        sent = _hand_overs(hand_overs)
        duplicates = sum(count - 1 for count in sent.values())
        lost = len(set(ids) - set(sent))
        print(
            f"kill -9 of the {victim} after {at_kill} of {len(ids)} hand-overs: "
            f"{duplicates} duplicate(s), {lost} lost, all sent {recovered_in:.1f} s after the kill"
        )
        assert set(sent) <= set(ids)
        assert duplicates <= 1 and lost == 0, sent
    finally:
        for process in workers:
            _kill_all(process)
