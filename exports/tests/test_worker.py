"""A real Celery worker process against the broker builds a long export that the web request only recorded."""

import os
import subprocess
import sys
import time

import pytest
from django.db import connection

from accounts.tests.factories import StaffFactory
from consultations.resources import ConsultationResource
from consultations.tests.factories import ConsultationFactory
from exports.models import ExportFile
from inolink.tests.exports import csv_rows, export
from notifications.tests.test_worker import BROKER_URL, _database_url, _test_broker_url, test_broker  # noqa: F401

WAIT_SECONDS = 90

pytestmark = [
    pytest.mark.worker,
    pytest.mark.postgres,
    pytest.mark.skipif(not BROKER_URL, reason="CELERY_BROKER_URL is not set: no broker to run a real worker against"),
    # The worker is another process: it reads the test database only on PostgreSQL.
    pytest.mark.skipif(connection.vendor != "postgresql", reason="Needs PostgreSQL: the worker shares the database"),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_builds_the_long_export_the_request_recorded(test_broker, tmp_path, client, settings):  # noqa: F811
    settings.EXPORT_ROWS_AT_ONCE = 1
    ConsultationFactory(topic="First")
    ConsultationFactory(topic="Second")
    client.force_login(StaffFactory())
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": _test_broker_url(),
        "CELERY_TASK_DEFAULT_QUEUE": test_broker,
        "DJANGO_CONN_MAX_AGE": "0",
    }
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    log_path = tmp_path / "worker.log"
    with open(log_path, "w") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "inolink", "worker", "--pool=solo", "--loglevel=INFO",
             "-Q", test_broker, "-n", f"{test_broker}@%h", "--without-heartbeat", "--without-gossip",
             "--without-mingle"],
            cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            response = export(client, "consultations_consultation", ConsultationResource)
            assert response.status_code == 302
            export_file = ExportFile.objects.get()
            deadline = time.monotonic() + WAIT_SECONDS
            while time.monotonic() < deadline and worker.poll() is None:
                export_file.refresh_from_db()
                if export_file.status != ExportFile.Status.QUEUED:
                    break
                time.sleep(0.5)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait(timeout=5)
    assert export_file.status == ExportFile.Status.READY, log_path.read_text()[-3000:]
    rows = csv_rows(client.get(export_file.get_download_url()))
    assert sorted(row["topic"] for row in rows) == ["First", "Second"]
