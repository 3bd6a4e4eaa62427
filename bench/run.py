"""`make bench`: generate a large programme, then measure pages, the API's lists and the open data, the reminder
sweep, the weekly report, booking and the admin's export of every consultation.

Prints a Markdown table and writes bench/results.json. Uses DATABASE_URL when set (the database name must contain
"bench": it is dropped and recreated), otherwise a fresh SQLite file bench/bench.sqlite3.
"""

import json
import os
import platform
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(ROOT))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inolink.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")
for flag in ("DJANGO_SECURE_SSL_REDIRECT", "DJANGO_SECURE_COOKIES", "DJANGO_OTP_REQUIRED"):
    os.environ.setdefault(flag, "0")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
os.environ.setdefault("DJANGO_STATIC_MANIFEST", "0")
SQLITE_FILE = BENCH_DIR / "bench.sqlite3"
os.environ.setdefault("DATABASE_URL", f"sqlite:///{SQLITE_FILE}")
os.environ.pop("CELERY_BROKER_URL", None)  # the sweep and report are measured in-process


def fresh_database() -> None:
    import dj_database_url

    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    if config["ENGINE"].endswith("sqlite3"):
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{config['NAME']}{suffix}").unlink(missing_ok=True)
        return
    name = config["NAME"]
    if "bench" not in name:
        sys.exit(f"Refusing to drop {name!r}: point DATABASE_URL at a scratch database whose name contains 'bench'.")
    import psycopg2
    from psycopg2 import sql

    connection = psycopg2.connect(
        dbname="postgres", user=config["USER"], password=config["PASSWORD"], host=config["HOST"], port=config["PORT"]
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def refresh_statistics() -> None:
    """Let the query planner see the generated rows, as autovacuum does on a live database after bulk loads."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main() -> None:
    started = time.perf_counter()
    fresh_database()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.urls import clear_url_caches

    settings.ROOT_URLCONF = "bench.urls"
    clear_url_caches()
    call_command("migrate", verbosity=0)

    from bench import api_endpoints, booking, export, generate, measure, pages, sweep_and_report
    from bench.generate import STAFF_EMAIL

    print(f"# InoLink benchmark on {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}", flush=True)
    t0 = time.perf_counter()
    generate.generate_chunk(0)
    refresh_statistics()
    print(f"generated one tenth in {time.perf_counter() - t0:.1f} s", flush=True)
    callers = pages.clients()
    api_specs = api_endpoints.api_specs()
    with api_endpoints.uncached_open_data:
        tenth_counts = pages.query_counts(pages.page_specs() + api_specs, callers)

    t0 = time.perf_counter()
    for chunk in range(1, 10):
        generate.generate_chunk(chunk)
    refresh_statistics()
    print(f"generated the rest in {time.perf_counter() - t0:.1f} s", flush=True)
    sizes = generate.sizes()
    print("size: " + ", ".join(f"{value} {name}" for name, value in sizes.items()), flush=True)

    results = pages.measure_all(pages.page_specs(), callers, tenth_counts)
    floor_ms = next(result for result in results if result.name == pages.FLOOR).median_ms
    with api_endpoints.uncached_open_data:
        api_results = pages.measure_all(api_specs, callers, tenth_counts, floor_ms)
    sweep = sweep_and_report.measure_sweep()
    report = sweep_and_report.measure_report()
    booking_result = booking.measure_booking()
    export_result = export.measure_export(callers[STAFF_EMAIL])
    print(
        f"export of {export_result['rows']} consultations to XLSX: the request {export_result['request_seconds']} s "
        f"({export_result['request_queries']} queries), the worker's build {export_result['build_seconds']} s "
        f"({export_result['build_queries']} queries)",
        flush=True,
    )

    output = {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        },
        "sizes": sizes,
        "pages": {result.name: result.as_json() for result in results},
        "api": {result.name: result.as_json() for result in api_results},
        "sweep": sweep,
        "report": report,
        "booking": booking_result,
        "export": export_result,
        "total_seconds": round(time.perf_counter() - started, 1),
    }
    (BENCH_DIR / "results.json").write_text(json.dumps(output, indent=2) + "\n")
    print(measure.markdown(output))


if __name__ == "__main__":
    main()
