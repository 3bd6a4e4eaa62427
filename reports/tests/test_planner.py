"""The label planner: the timeline, the KPI projected to the target date, and planning a benchmarking from it."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from agreements.tests.factories import ActiveAgreementFactory, ProgrammeFactory
from clusters.models import Benchmarking, LabelAward, LabelLevel, add_months, month_start
from clusters.tests.factories import ClusterFactory

from .conftest import make_programme_clusters

URL = reverse("reports:planner")


def month_text(day: datetime.date) -> str:
    return f"{day:%Y-%m}"


def test_planner_is_for_staff_only(client, programme):
    assert client.get(URL).url.startswith(reverse("accounts:login"))
    assert client.post(URL).url.startswith(reverse("accounts:login"))
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 404
    assert client.post(URL).status_code == 404


def test_demo_planner_shows_ivita_bronze_expiring_before_the_target_date(client, staff):
    call_command("load_demo")
    client.force_login(staff)
    html = client.get(URL).content.decode()
    ivita = html.split("&quot;iVITA&quot; Wellness Cluster</a>")[1].split("</li>\n")[0]
    assert "before the target date" in ivita and "unless renewed" in ivita
    assert "<svg" in html and 'class="target-line"' in html and "<script" not in html.split("</main>")[0]
    assert "active, fully signed agreement" in html


def _cluster_with_expiring_bronze(programme, *, name):
    today = timezone.localdate()
    cluster = ClusterFactory(name=name)
    ActiveAgreementFactory(
        programme=programme, cluster=cluster, starts_on=today - datetime.timedelta(days=30), ends_on=programme.ends_on
    )
    awarded = add_months(month_start(today), -20)
    LabelAward.objects.create(
        cluster=cluster, level=LabelLevel.BRONZE, awarded_on=awarded, valid_until=add_months(awarded, 24)
    )
    return cluster


def test_staff_plan_a_renewal_and_the_projection_changes(client, staff, programme):
    expiring = _cluster_with_expiring_bronze(programme, name="Expiring Cluster")
    client.force_login(staff)
    before = client.get(URL).content.decode()
    assert 'data-kpi="bronze-planned">0 / 6' in before

    month = add_months(month_start(timezone.localdate()), 2)
    data = {"cluster": expiring.pk, "kind": Benchmarking.Kind.BRONZE_RENEWAL, "month": month_text(month)}
    response = client.post(URL, {**data, "expert": "ESCA benchmarking expert"})
    assert response.status_code == 302
    planned = Benchmarking.objects.get(cluster=expiring)
    assert (planned.kind, planned.month, planned.expert) == (data["kind"], month, "ESCA benchmarking expert")

    after = client.get(response.url).content.decode()
    assert 'data-kpi="bronze-planned">1 / 6' in after and 'data-kpi="bronze-held">0 / 6' in after
    assert "label-bar projected-bronze" in after and "benchmarking-mark planned" in after

    again = client.post(URL, data)  # one planned benchmarking of a kind at a time
    assert again.status_code == 200
    assert "already has a benchmarking of this kind planned" in again.content.decode()


def test_a_refusal_of_the_label_rules_shows_next_to_the_month(client, staff, programme):
    cluster = _cluster_with_expiring_bronze(programme, name="Silverless Cluster")
    client.force_login(staff)
    data = {"cluster": cluster.pk, "kind": Benchmarking.Kind.SILVER, "month": month_text(timezone.localdate())}
    response = client.post(URL, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_month_error"' in html
    assert "follows a first bronze benchmarking" in html.split('id="id_month_error"')[1].split("</div>")[0]
    assert not Benchmarking.objects.exists()


def test_only_programme_clusters_with_an_active_agreement_can_be_chosen(client, staff, programme):
    outsider = ClusterFactory(name="Outsider")
    client.force_login(staff)
    response = client.post(
        URL, {"cluster": outsider.pk, "kind": "first_bronze", "month": month_text(timezone.localdate())}
    )
    assert response.status_code == 200 and not Benchmarking.objects.exists()


def test_sorted_by_risk_by_default_and_by_name_on_request(client, staff, programme):
    safe = ClusterFactory(name="Aaa Safe Cluster")
    ActiveAgreementFactory(programme=programme, cluster=safe, starts_on=programme.starts_on, ends_on=programme.ends_on)
    LabelAward.objects.create(
        cluster=safe, level=LabelLevel.BRONZE, awarded_on=timezone.localdate(), valid_until=programme.ends_on
    )
    _cluster_with_expiring_bronze(programme, name="Zzz Risky Cluster")
    client.force_login(staff)

    def order(html):
        body = html.split('class="planner-chart"')[1]
        return body.index("Zzz Risky Cluster") < body.index("Aaa Safe Cluster")

    assert order(client.get(URL).content.decode())
    assert not order(client.get(URL, {"sort": "name"}).content.decode())


def test_month_ticks_are_written_in_the_language_of_the_page(client, staff, programme):
    _cluster_with_expiring_bronze(programme, name="Some Cluster")
    client.force_login(staff)
    english = client.get(URL).content.decode()
    staff.language = "lt"
    staff.save()
    lithuanian = client.get(URL).content.decode()
    assert ">Jan<" in english or ">Jul<" in english
    assert ">saus.<" in lithuanian or ">liep.<" in lithuanian


def test_the_staff_dashboard_links_the_projection(client, staff, programme):
    make_programme_clusters(programme, 2)
    client.force_login(staff)
    html = client.get(reverse("reports:dashboard")).content.decode()
    assert f"{URL}?programme={programme.pk}" in html
    assert "If the planned benchmarkings succeed: bronze 2 / 6" in html


def test_no_programme_no_planner(client, staff, db):
    client.force_login(staff)
    assert client.get(URL).status_code == 404


QUERIES: dict[int, int] = {}


@pytest.mark.parametrize("count", [5, 50])
def test_planner_runs_a_fixed_number_of_queries(client, staff, programme, count, django_assert_max_num_queries):
    for index, cluster in enumerate(make_programme_clusters(programme, count)):
        if index % 2:
            Benchmarking.objects.create(
                cluster=cluster, kind=Benchmarking.Kind.GOLD, month=add_months(month_start(timezone.localdate()), 3)
            )
    ProgrammeFactory()  # a second programme for the select
    client.force_login(staff)
    with django_assert_max_num_queries(14) as queries:
        response = client.get(URL, {"programme": programme.pk})
    assert response.status_code == 200
    assert response.content.decode().count('class="planner-row"') == count
    QUERIES[count] = len(queries)
    assert len(set(QUERIES.values())) == 1, QUERIES


@pytest.mark.parametrize("value", ["²", "abc", "99999999999999999999"])
def test_a_programme_id_that_is_no_number_is_not_found(client, staff, programme, value):
    client.force_login(staff)
    assert client.get(reverse("reports:planner"), {"programme": value}).status_code == 404


def test_a_target_is_met_at_exactly_its_number(client, staff, programme):
    from reports.selectors import _kpi_row

    row = _kpi_row("bronze", 6, 6, 5)
    assert (row["held_met"], row["planned_met"]) == (True, False)
    client.force_login(staff)
    programme.silver_target = 0  # nothing to reach: both figures meet it and are ticked
    programme.save()
    page = client.get(URL, {"programme": programme.pk}).content.decode()
    assert 'data-kpi="silver-planned">0 / 0 ✓' in page and 'data-kpi="silver-held">0 / 0 ✓' in page
    assert 'data-kpi="bronze-held">0 / 6</strong>' in page
