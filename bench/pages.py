"""The key pages of the benchmark, each requested as the person who uses it, and the measuring of any list of them.

A spec is (name, client key, URL); the client key names one of the clients of ``clients()``: a person's signed-in
browser session (their email), an API token of theirs (bench/api_endpoints.py) or an anonymous caller.
"""

from django.urls import reverse

from accounts.models import User
from clusters.models import Cluster
from consultations.models import ServiceArea

from . import api_endpoints
from .generate import EXPERT_EMAIL, MANAGER_EMAIL, STAFF_EMAIL
from .measure import PageResult, anonymous_client, count_queries, signed_in_client, time_page

REPEATS = 30
FLOOR = "floor"
PEOPLE = (MANAGER_EMAIL, EXPERT_EMAIL, STAFF_EMAIL)


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


def clients() -> dict:
    """Every caller of the specs: each person's session, each person's API token, and an anonymous caller."""
    users = {email: User.objects.get(email=email) for email in PEOPLE}
    result = {email: signed_in_client(user) for email, user in users.items()}
    result.update(api_endpoints.token_clients(users))
    result[api_endpoints.ANONYMOUS] = anonymous_client()
    return result


def query_counts(specs, callers) -> dict[str, int]:
    return {name: count_queries(callers[key], url)[0] for name, key, url in specs}


def measure_all(specs, callers, tenth_counts: dict[str, int], floor_ms: float | None = None) -> list[PageResult]:
    """Time and count every spec; the ratio is to the floor's median (the floor spec's own, when it is in specs)."""
    results = []
    for name, key, url in specs:
        queries, sql_ms = count_queries(callers[key], url)
        median, p95 = time_page(callers[key], url, REPEATS)
        results.append(PageResult(name, median, p95, queries, tenth_counts[name], sql_ms=sql_ms))
        print(f"  {name}: median {median:.1f} ms, p95 {p95:.1f} ms, {queries} queries ({sql_ms:.1f} ms)", flush=True)
    if floor_ms is None:
        floor_ms = next(result for result in results if result.name == FLOOR).median_ms
    for result in results:
        result.ratio_to_floor = result.median_ms / floor_ms
    return results
