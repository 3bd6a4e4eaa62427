import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

from inolink.tests.frontend import needs_frontend


def run_settings(env_overrides):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**env, "DJANGO_SETTINGS_MODULE": "inolink.settings"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_refuses_to_start_without_secret_key_when_debug_is_off():
    result = run_settings({"DJANGO_DEBUG": "0"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_starts_with_secret_key_when_debug_is_off():
    result = run_settings({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 60})
    assert result.returncode == 0, result.stderr


def test_development_starts_without_secret_key():
    result = run_settings({"DJANGO_DEBUG": "1"})
    assert result.returncode == 0, result.stderr


def test_time_zone_and_languages():
    assert settings.TIME_ZONE == "Europe/Vilnius"
    assert settings.USE_TZ is True
    assert [code for code, _ in settings.LANGUAGES] == ["lt", "en"]


@pytest.mark.django_db
def test_healthz_ok(client):
    """Eager without a broker; with CELERY_BROKER_URL set (as in CI) the real broker must answer."""
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] == ("eager" if settings.CELERY_TASK_ALWAYS_EAGER else "ok")


@pytest.mark.django_db
def test_healthz_names_the_broker_when_it_is_down(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "down"}


@pytest.fixture
def database_down(transactional_db):
    """The default database unreachable for real: its connection closed and pointed at nothing."""
    from django.db import connection

    connection.ensure_connection()
    # Set aside, not closed: closing SQLite's in-memory test database would lose it.
    saved, saved_settings = connection.connection, dict(connection.settings_dict)
    connection.connection = None
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent/inolink-down.sqlite3"
    else:
        connection.settings_dict["PORT"] = "1"  # nothing listens on port 1
    yield
    if connection.connection is not None:
        connection.connection.close()
    connection.connection = saved
    connection.settings_dict.clear()
    connection.settings_dict.update(saved_settings)


def test_healthz_names_the_database_when_it_is_down(client, database_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"


def test_healthz_answers_503_to_a_request_with_a_session_cookie_while_the_database_is_down(client, database_down):
    """The session and sign-in middleware read the database: they ran before the view and answered 500."""
    client.cookies[settings.SESSION_COOKIE_NAME] = "a-session-the-load-balancer-kept"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"


@pytest.mark.django_db
def test_healthz_names_pending_migrations(client, monkeypatch):
    """A database without the latest schema is not healthy, though it answers SELECT 1."""
    from django.db.migrations.recorder import MigrationRecorder

    from inolink import health

    monkeypatch.setattr(health, "_schema_seen_current", False)
    MigrationRecorder.Migration.objects.filter(app="consultations").order_by("-id").first().delete()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "migrations pending"


def run_deploy_check(env_overrides):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "inolink.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "DJANGO_ALLOWED_HOSTS": "inolink.example",
            **env_overrides,
        }
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


@needs_frontend  # production's static files include Bootstrap's, which the check looks for
def test_production_settings_pass_the_deployment_checklist():
    result = run_deploy_check({})
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("override", "check_id"),
    [
        ({"DJANGO_SECURE_COOKIES": "0"}, "security.W012"),
        ({"DJANGO_OTP_REQUIRED": "0"}, "accounts.W001"),
        ({"DJANGO_SECURE_SSL_REDIRECT": "0"}, "security.W008"),
    ],
)
def test_the_test_only_relaxations_fail_the_deployment_checklist(override, check_id):
    result = run_deploy_check(override)
    assert result.returncode != 0
    assert check_id in result.stdout + result.stderr


def test_production_defaults_are_strict_when_debug_is_off():
    """pytest.ini relaxes cookies and the second factor for the test run; unset, production is strict."""
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.OTP_REQUIRED_FOR_STAFF, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.X_FRAME_OPTIONS, s.TRUSTED_PROXY_COUNT)"
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update({"DJANGO_SETTINGS_MODULE": "inolink.settings", "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 60})
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "True", "31536000", "DENY", "1"]


def test_make_demo_links_emails_to_the_port_it_serves(tmp_path):
    """``PORT=8811 make demo``: every command of the demo (so every email it sends) has SITE_URL on port 8811."""
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    log = tmp_path / "calls"
    python = fake_bin / "python"
    python.write_text(f'#!/bin/sh\necho "$SITE_URL $*" >> {log}\n')
    python.chmod(0o755)
    env = {key: value for key, value in os.environ.items() if key not in {"SITE_URL", "PORT", "MAKEFLAGS"}}
    # -o install: the real installation is not the point here (and must not run pip or npm).
    command = ["make", "--no-print-directory", "-o", "install", "demo", f"BIN={fake_bin}"]
    result = subprocess.run(
        command, env={**env, "PORT": "8811"}, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    calls = log.read_text().splitlines()
    assert calls == [
        "http://127.0.0.1:8811 manage.py migrate --noinput",
        "http://127.0.0.1:8811 manage.py load_demo",
        "http://127.0.0.1:8811 manage.py runserver 127.0.0.1:8811",
    ]
    # A SITE_URL given wins.
    log.unlink()
    subprocess.run(command, env={**env, "SITE_URL": "https://demo.example.lt"}, cwd=settings.BASE_DIR, timeout=60)
    assert log.read_text().splitlines()[-1] == "https://demo.example.lt manage.py runserver 127.0.0.1:8000"
