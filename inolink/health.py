"""Liveness of the parts InoLink depends on, for load balancers and monitoring."""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .celery import app as celery_app

# Set once this process has seen every migration applied: migrations are not unapplied under a running site, and
# reading the migration files on every probe would cost more than the probe.
_schema_seen_current = False


def database_status() -> str:
    """The database: ok, down (no connection), or migrations pending (the schema is older than the code)."""
    global _schema_seen_current
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        if not _schema_seen_current:
            executor = MigrationExecutor(connection)
            if executor.migration_plan(executor.loader.graph.leaf_nodes()):
                return "migrations pending"
            _schema_seen_current = True
    except Exception:
        return "down"
    return "ok"


def broker_status() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    try:
        with celery_app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:
        return "down"
    return "ok"


@never_cache
@require_GET
def healthz(request):
    status = {"database": database_status(), "broker": broker_status()}
    healthy = all(value in {"ok", "eager"} for value in status.values())
    return JsonResponse(status, status=200 if healthy else 503)


class HealthCheckMiddleware:
    """Answers the health check before any other middleware runs.

    The session, authentication, two-factor and language middleware read the database for a request with a
    session cookie: with the database down they raised, and the load balancer saw a 500 instead of the 503 that
    names the part that is down.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.path = reverse("healthz")

    def __call__(self, request):
        if request.path_info == self.path:
            return healthz(request)
        return self.get_response(request)
