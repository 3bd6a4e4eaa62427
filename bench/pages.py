"""The key pages of the benchmark, each requested as the person who uses it."""

from django.urls import reverse

from accounts.models import User
from clusters.models import Cluster
from consultations.models import ServiceArea

from .generate import EXPERT_EMAIL, MANAGER_EMAIL, STAFF_EMAIL
from .measure import PageResult, count_queries, signed_in_client, time_page

REPEATS = 30
FLOOR = "floor"


def page_specs() -> list[tuple[str, str, str]]:
    """(name, person's email, URL)."""
    area = ServiceArea.objects.order_by("position").first()
    cluster = Cluster.objects.managed_by(User.objects.get(email=MANAGER_EMAIL)).order_by("name").first()
    return [
        (FLOOR, MANAGER_EMAIL, reverse("bench-floor")),
        ("manager dashboard", MANAGER_EMAIL, reverse("consultations:dashboard")),
        ("slot picker", MANAGER_EMAIL, f"{reverse('consultations:book-slots')}?area={area.code}&length=1"),
        ("consultation list", MANAGER_EMAIL, reverse("consultations:consultation-list")),
        ("expert schedule", EXPERT_EMAIL, reverse("consultations:my-sessions")),
        ("event catalogue", MANAGER_EMAIL, reverse("events:event-list")),
        ("road to the label", MANAGER_EMAIL, reverse("reports:cluster-road", args=[cluster.pk])),
        ("evidence pack", MANAGER_EMAIL, reverse("reports:evidence-pack-xlsx", args=[cluster.pk])),
        ("staff dashboard", STAFF_EMAIL, reverse("reports:dashboard")),
        ("label planner", STAFF_EMAIL, reverse("reports:planner")),
        ("admin: consultations", STAFF_EMAIL, reverse("admin:consultations_consultation_changelist")),
        ("admin: clusters", STAFF_EMAIL, reverse("admin:clusters_cluster_changelist")),
        ("admin: agreements", STAFF_EMAIL, reverse("admin:agreements_agreement_changelist")),
    ]


def _clients():
    return {
        email: signed_in_client(User.objects.get(email=email)) for email in (MANAGER_EMAIL, EXPERT_EMAIL, STAFF_EMAIL)
    }


def query_counts() -> dict[str, int]:
    clients = _clients()
    return {name: count_queries(clients[email], url)[0] for name, email, url in page_specs()}


def measure_all(tenth_counts: dict[str, int]) -> list[PageResult]:
    clients = _clients()
    results = []
    for name, email, url in page_specs():
        queries, sql_ms = count_queries(clients[email], url)
        median, p95 = time_page(clients[email], url, REPEATS)
        results.append(PageResult(name, median, p95, queries, tenth_counts[name], sql_ms=sql_ms))
        print(f"  {name}: median {median:.1f} ms, p95 {p95:.1f} ms, {queries} queries ({sql_ms:.1f} ms)", flush=True)
    floor = next(result for result in results if result.name == FLOOR)
    for result in results:
        result.ratio_to_floor = result.median_ms / floor.median_ms
    return results
