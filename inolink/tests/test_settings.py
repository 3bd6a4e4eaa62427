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


@pytest.mark.django_db
def test_healthz_names_the_database_when_it_is_down(client, monkeypatch):
    from inolink import health

    monkeypatch.setattr(health.connection, "cursor", lambda: (_ for _ in ()).throw(OSError("db gone")))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"


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
