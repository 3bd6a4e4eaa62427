"""Timing and query counting of pages through the whole Django stack (middleware, session, templates)."""

import statistics
import time
from dataclasses import dataclass

from django.db import connection, reset_queries
from django.test import Client


@dataclass
class PageResult:
    name: str
    median_ms: float
    p95_ms: float
    queries: int
    queries_tenth: int | None = None
    ratio_to_floor: float | None = None
    sql_ms: float | None = None  # the database's share of one request, to tell SQL from Python time

    def as_json(self) -> dict:
        return {
            "median_ms": round(self.median_ms, 2),
            "p95_ms": round(self.p95_ms, 2),
            "ratio_to_floor": round(self.ratio_to_floor, 2) if self.ratio_to_floor is not None else None,
            "queries": self.queries,
            "queries_tenth": self.queries_tenth,
            "sql_ms": round(self.sql_ms, 2) if self.sql_ms is not None else None,
        }


def signed_in_client(user) -> Client:
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def token_client(token_text: str) -> Client:
    """A client calling the REST API with a token, as another system does (no session)."""
    return Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {token_text}")


def anonymous_client() -> Client:
    return Client(HTTP_HOST="localhost")


class _QueryTimer:
    """An execute wrapper counting the queries and timing them precisely (the debug log rounds to milliseconds)."""

    def __init__(self):
        self.count, self.seconds = 0, 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


def count_queries(client: Client, url: str) -> tuple[int, float]:
    """The number of queries of one request and the time they took, in milliseconds."""
    client.get(url)  # warm per-process caches first
    timer = _QueryTimer()
    with connection.execute_wrapper(timer):
        response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return timer.count, timer.seconds * 1000


def time_page(client: Client, url: str, repeats: int) -> tuple[float, float]:
    """Median and 95th percentile of the server time of ``repeats`` requests, in milliseconds."""
    client.get(url)
    samples = []
    for _ in range(repeats):
        reset_queries()
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return statistics.median(samples), p95


TARGET_RATIO = 2.0
TARGET_QUERIES = 12


def _table(heading: str, measured: dict) -> list[str]:
    lines = [
        f"| {heading} | median ms | p95 ms | × floor | queries | queries at 1/10 | SQL ms | targets |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, page in measured.items():
        met = (
            page["ratio_to_floor"] <= TARGET_RATIO
            and page["queries"] == page["queries_tenth"]
            and page["queries"] <= TARGET_QUERIES
        )
        lines.append(
            f"| {name} | {page['median_ms']:.1f} | {page['p95_ms']:.1f} | {page['ratio_to_floor']:.2f} | "
            f"{page['queries']} | {page['queries_tenth']} | {page['sql_ms']:.1f} | "
            f"{'met' if met or name == 'floor' else 'MISSED'} |"
        )
    return lines


def markdown(output: dict) -> str:
    lines = [
        f"Machine: {output['machine']['platform']}, {output['machine']['cpus']} CPUs, Python "
        f"{output['machine']['python']}, {output['machine']['database']}. Size: "
        + ", ".join(f"{value:,} {name}" for name, value in output["sizes"].items())
        + ".",
        "",
        *_table("page", output["pages"]),
        "",
        "API lists (first page of 50, with a token) and open data (uncached), against the same floor:",
        "",
        *_table("endpoint", output["api"]),
    ]
    sweep, report, booking = output["sweep"], output["report"], output["booking"]
    lines += [
        "",
        f"Reminder sweep over {sweep['consultations']:,} consultations: {sweep['seconds']:.2f} s, "
        f"{sweep['queries']} queries, {sweep['messages_created']} messages created (target ≤ 1 s plus sending).",
        f"Weekly XLSX report: {report['seconds']:.2f} s, {report['bytes']:,} bytes, {report['tables']} tables "
        "(target ≤ 3 s).",
    ]
    export = output["export"]
    lines.append(
        f"Admin export of all {export['rows']:,} consultations to XLSX: the request {export['request_seconds']:.2f} s, "
        f"{export['request_queries']} queries (target ≤ 3 s, the report's); the worker's build "
        f"{export['build_seconds']:.1f} s, {export['build_queries']} queries, {export['bytes']:,} bytes."
    )
    if booking.get("skipped"):
        lines.append(f"Booking through gunicorn: skipped ({booking['skipped']}).")
    else:
        lines.append(
            f"Booking through gunicorn, {booking['clients']} concurrent clients: {booking['attempts']} attempts in "
            f"{booking['seconds']:.1f} s ({booking['attempts_per_second']:.1f}/s), {booking['booked']} booked, "
            f"{booking['refused']} refused as taken, {booking['errors']} errors, "
            f"{booking['double_bookings']} double bookings (target 0)."
        )
    return "\n".join(lines)
