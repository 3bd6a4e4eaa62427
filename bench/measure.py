"""Timing and query counting of pages through the whole Django stack (middleware, session, templates)."""

import statistics
import time
from dataclasses import dataclass

from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext


@dataclass
class PageResult:
    name: str
    median_ms: float
    p95_ms: float
    queries: int
    queries_tenth: int | None = None
    ratio_to_floor: float | None = None

    def as_json(self) -> dict:
        return {
            "median_ms": round(self.median_ms, 2),
            "p95_ms": round(self.p95_ms, 2),
            "ratio_to_floor": round(self.ratio_to_floor, 2) if self.ratio_to_floor is not None else None,
            "queries": self.queries,
            "queries_tenth": self.queries_tenth,
        }


def signed_in_client(user) -> Client:
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def count_queries(client: Client, url: str) -> int:
    client.get(url)  # warm per-process caches first
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return len(captured)


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
