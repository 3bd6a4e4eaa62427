"""Who is behind: programme clusters' hours against the time their agreements have run."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.models import Agreement
from consultations.models import HourAllocation
from consultations.tests.factories import ConsultationFactory, SessionOutcomeFactory
from reports.selectors import PACE_TOLERANCE, PaceRow, clusters_pace, elapsed_share, hours_pace

from .conftest import make_programme_clusters


def test_elapsed_share_counts_whole_days_from_start_to_end():
    start, end = datetime.date(2026, 1, 1), datetime.date(2026, 1, 10)
    assert elapsed_share(start, end, datetime.date(2025, 12, 1)) == 0
    assert elapsed_share(start, end, start) == Decimal("0.1")
    assert elapsed_share(start, end, datetime.date(2026, 1, 5)) == Decimal("0.5")
    assert elapsed_share(start, end, end) == 1
    assert elapsed_share(start, end, datetime.date(2027, 1, 1)) == 1


@pytest.fixture
def three(programme):
    """Three clusters (10.50 + 20 + 7.25 = 37.75 h each): "slow" half through its period with nothing
    delivered, "steady" half through with half delivered, "fresh" started today."""
    today = timezone.localdate()
    slow, steady, fresh = make_programme_clusters(programme, 3)
    for cluster, name, days in ((slow, "A slow", 299), (steady, "B steady", 299), (fresh, "C fresh", 0)):
        cluster.name = name
        cluster.save()
        Agreement.objects.filter(cluster=cluster).update(
            starts_on=today - datetime.timedelta(days=days), ends_on=today + datetime.timedelta(days=300)
        )
    HourAllocation.objects.filter(agreement__cluster=steady).update(hours_delivered=Decimal("18.875") / 3)
    return slow, steady, fresh


def test_the_clusters_behind_come_first_with_their_areas(programme, three):
    slow, steady, fresh = three
    paces = clusters_pace(programme)
    assert [pace.cluster for pace in paces] == [slow, fresh, steady]  # behind by 0.5 and ~0, and on pace
    first = paces[0].total
    assert first.is_behind and first.elapsed == Decimal("0.5") and first.used == 0
    assert first.granted == Decimal("37.75") == sum(area.granted for area in paces[0].areas)
    assert [area.name for area in paces[0].areas] == ["Legal", "Financial", "Marketing"]
    assert paces[1].total.is_behind and not paces[2].total.is_behind
    assert paces[2].total.used == pytest.approx(Decimal("0.5"), abs=Decimal("0.01"))


def test_behind_means_fewer_hours_than_three_quarters_of_an_even_pace():
    def row(delivered, elapsed="0.5"):
        return PaceRow("x", Decimal("40"), Decimal(delivered), Decimal("0"), Decimal("0"), Decimal(elapsed))

    assert Decimal("0.75") == PACE_TOLERANCE
    assert not row("15").is_behind  # 15 of 40 h = 0.375 = 0.75 × half the period: on the line
    assert row("14.75").is_behind
    assert not row("0", elapsed="0").is_behind  # nothing is due before the agreement starts
    assert row("0", elapsed="0.01").is_behind
    assert not row("40", elapsed="1").is_behind
    assert row("15").gap == Decimal("0.125")


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("behind", ["A slow", "C fresh", "B steady"]),
        ("name", ["A slow", "B steady", "C fresh"]),
        ("used", ["A slow", "C fresh", "B steady"]),
        ("remaining", ["A slow", "C fresh", "B steady"]),
        ("'; DROP", ["A slow", "C fresh", "B steady"]),
    ],
)
def test_the_page_sorts_on_the_server_and_refuses_no_input(client, staff, programme, three, sort, order):
    client.force_login(staff)
    response = client.get(reverse("reports:hours-pace", args=[programme.pk]), {"sort": sort})
    assert response.status_code == 200
    html = response.content.decode()
    names = re.findall(r'<th scope="row"><a [^>]*>([^<]+)</a>', html)
    assert names == order
    assert html.count('badge text-bg-warning">Behind<') == 2


def test_the_chart_draws_delivered_hours_against_an_even_pace(programme, three):
    slow, steady, fresh = three
    agreement = steady.agreements.get()
    held = ConsultationFactory(
        agreement=agreement, status="held", starts_at=timezone.now() - datetime.timedelta(days=40)
    )
    SessionOutcomeFactory(consultation=held, hours_delivered=Decimal("2"))
    data = hours_pace(programme)
    chart = data["chart"]
    assert chart.granted == 3 * Decimal("37.75")
    assert chart.expected == pytest.approx(
        Decimal("37.75") * Decimal("0.5") * 2 + Decimal("37.75") / 301, rel=Decimal("0.01")
    )
    points = [tuple(map(float, point.split(","))) for point in chart.actual.split()]
    assert points[0][1] == chart.bottom  # nothing delivered at the start
    assert points[-1][1] < chart.bottom  # the 2 hours, drawn by the session's month
    assert all(chart.left <= x <= chart.right and chart.top <= y <= chart.bottom for x, y in points)


def test_the_page_is_for_staff_linked_from_the_navigation_and_draws_without_inline_styles(client, staff, programme):
    make_programme_clusters(programme, 2)
    latest = client.get(reverse("reports:hours-pace-latest"))
    assert latest.url.startswith(reverse("accounts:login"))
    client.force_login(staff)
    response = client.get(reverse("reports:hours-pace-latest"), {"sort": "name"})
    assert response.url == f"{reverse('reports:hours-pace', args=[programme.pk])}?sort=name"
    html = client.get(response.url).content.decode()
    assert "<svg" in html and "style=" not in html.split("<main")[1] and "<script>" not in html
    dashboard = client.get(reverse("reports:dashboard")).content.decode()
    assert reverse("reports:hours-pace-latest") in dashboard


def test_the_page_in_lithuanian(client, programme, three):
    from accounts.tests.factories import StaffFactory

    client.force_login(StaffFactory(language="lt"))
    html = client.get(reverse("reports:hours-pace", args=[programme.pk])).content.decode()
    assert '<html lang="lt">' in html
    assert "Kas atsilieka" in html and "Teisinė" in html
    assert "37,75" in html


QUERIES: dict[int, int] = {}


@pytest.mark.parametrize("count", [3, 30])
def test_the_page_runs_a_fixed_number_of_queries(client, staff, programme, count, django_assert_max_num_queries):
    for cluster in make_programme_clusters(programme, count):
        agreement = cluster.agreements.get()
        held = ConsultationFactory(
            agreement=agreement, status="held", starts_at=timezone.now() - datetime.timedelta(days=20)
        )
        SessionOutcomeFactory(consultation=held)
    client.force_login(staff)
    with django_assert_max_num_queries(10) as queries:
        response = client.get(reverse("reports:hours-pace", args=[programme.pk]))
    assert response.status_code == 200
    assert response.content.decode().count('class="cluster-row"') == count
    QUERIES[count] = len(queries)
    assert len(set(QUERIES.values())) == 1, QUERIES
