"""Open data: anyone reads the registry and the programme's results, with their licence, cached, and no personal data;
the results are the figures the staff dashboard and the reports show."""

import csv
import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from agreements.tests.factories import ActiveAgreementFactory, ProgrammeFactory
from api.open_data import quarters
from clusters.models import Cluster
from clusters.tests.factories import LabelAwardFactory
from consultations.models import Consultation, ServiceArea, SessionOutcome
from consultations.tests.factories import SessionOutcomeFactory
from events.models import Delegate
from events.tests.factories import OutcomeFactory, PartnershipLeadFactory
from inolink.tables import ReportScope, get_table_spec
from reports.selectors import dashboard

from .factories import cluster_data

pytestmark = pytest.mark.django_db

URLS = [
    "/open-data/",
    "/open-data/clusters.json",
    "/open-data/clusters.csv",
    "/open-data/results.json",
    "/open-data/results.csv",
]
# Fields that would carry a person or a consultation's content, whatever their value.
PERSONAL_KEYS = {
    "email",
    "phone",
    "first_name",
    "last_name",
    "full_name",
    "signer_name",
    "signer_role",
    "user",
    "manager",
    "managers",
    "expert",
    "expert_name",
    "booked_by",
    "topic",
    "agenda",
    "summary",
    "recommendations",
    "follow_up_actions",
    "motivation",
    "notes",
    "comment",
    "delegates",
}
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def keys_of(value):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from keys_of(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from keys_of(inner)


def personal_values():
    """Every person's name, email and phone, each consultation's topic and content, the clusters' contacts."""
    from django.contrib.auth import get_user_model

    values = set()
    for user in get_user_model().objects.all():
        values |= {user.email, user.first_name, user.last_name, user.phone}
    for consultation in Consultation.objects.all():
        values |= {consultation.topic, consultation.agenda, consultation.meeting_url, consultation.address}
    for outcome in SessionOutcome.objects.all():
        values |= {outcome.summary, outcome.recommendations, outcome.follow_up_actions}
    values |= set(Delegate.objects.values_list("full_name", flat=True))
    for cluster in Cluster.objects.all():
        values |= {cluster.email, cluster.phone}
    from agreements.models import Signature

    values |= set(Signature.objects.values_list("signer_name", flat=True))
    return {value for value in values if value and len(value) > 3}


def test_the_open_data_holds_no_personal_data(client):
    data = cluster_data()
    for person in (data.manager, data.expert):
        person.first_name, person.last_name, person.phone = "Rūta", "Petrauskaitė-Test", "+37060000000"
        person.save()
    Cluster.objects.filter(pk=data.cluster.pk).update(email="office@cluster.example.lt", phone="+37052000000")
    PartnershipLeadFactory(outcome=data.participation.outcome)
    secrets = personal_values()
    assert {"Rūta", "office@cluster.example.lt", data.consultation.topic} <= secrets
    for url in URLS:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        if url.endswith((".json", "/")):
            found = set(keys_of(json.loads(text))) & PERSONAL_KEYS
            assert not found, f"{url} has personal fields {found}"
        assert not EMAIL.search(text), f"{url} has an email address: {EMAIL.search(text).group()}"
        leaked = [value for value in secrets if value in text]
        assert not leaked, f"{url} shows {leaked}"


def test_the_walk_would_see_a_leak(client):
    """The check above fails when a person's data is published: the cluster's contact email, say."""
    data = cluster_data()
    Cluster.objects.filter(pk=data.cluster.pk).update(legal_name="Run by ruta@example.lt")
    assert EMAIL.search(client.get("/open-data/clusters.json").content.decode())


def test_open_data_is_public_licensed_and_cached(client, django_assert_num_queries):
    cluster_data()
    for url in URLS:
        response = client.get(url)
        assert response.status_code == 200
        assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
        assert 'rel="license"' in response["Link"] and "creativecommons.org/licenses/by/4.0" in response["Link"]
    body = client.get("/open-data/clusters.json").json()
    assert body["licence"]["name"] == "CC BY 4.0" and "CC BY 4.0" in body["licence"]["statement"]
    with django_assert_num_queries(0):  # the payload comes from the cache
        assert client.get("/open-data/results.json").status_code == 200
        assert client.get("/open-data/clusters.csv").status_code == 200
    assert client.post("/open-data/clusters.json").status_code == 405


def test_the_registry_lists_every_cluster_with_its_labels_and_programmes(client):
    data = cluster_data()
    other = Cluster.objects.exclude(pk=data.cluster.pk).first()
    rows = {row["company_code"]: row for row in client.get("/open-data/clusters.json").json()["clusters"]}
    assert set(rows) == set(Cluster.objects.values_list("company_code", flat=True))
    mine = rows[data.cluster.company_code]
    assert mine["current_label"] == "bronze"
    assert mine["labels"] == [
        {
            "label": "bronze",
            "awarded_on": data.label.awarded_on.isoformat(),
            "valid_until": data.label.valid_until.isoformat(),
            "valid_today": True,
        }
    ]
    assert mine["programmes"] == [
        {
            "programme": data.agreement.programme.code,
            "programme_name": data.agreement.programme.name,
            "agreement": data.agreement.number,
            "starts_on": data.agreement.starts_on.isoformat(),
            "ends_on": data.agreement.ends_on.isoformat(),
            "status": "active",
        }
    ]
    assert other is None or rows[other.company_code]["programmes"] == [] or other.agreements.exists()
    csv_lines = client.get("/open-data/clusters.csv").content.decode().splitlines()
    assert csv_lines[0].startswith("name,legal_name,company_code,sector")
    assert len(csv_lines) == 1 + Cluster.objects.count()


def test_a_registry_text_that_would_start_a_formula_is_text_in_the_csv_and_as_typed_in_the_json(client):
    """A cluster named "=HYPERLINK(…)" must not run in the spreadsheet that opens the CSV."""
    cluster = cluster_data().cluster
    cluster.name = '=HYPERLINK("http://evil.example","Open")'
    cluster.save(update_fields=["name"])
    rows = list(csv.reader(io.StringIO(client.get("/open-data/clusters.csv").content.decode())))
    names = [row[0] for row in rows[1:]]
    assert "'" + cluster.name in names
    assert cluster.name not in names
    assert cluster.name in [row["name"] for row in client.get("/open-data/clusters.json").json()["clusters"]]


def test_the_registry_queries_stay_flat(client, django_assert_max_num_queries):
    for _ in range(2):
        cluster_data()
    with django_assert_max_num_queries(5):
        client.get("/open-data/clusters.json")
    for _ in range(8):
        cluster_data()
    from django.core.cache import cache

    cache.clear()
    with django_assert_max_num_queries(5):
        client.get("/open-data/clusters.json")


@pytest.fixture
def programme_world():
    """A programme that started 200 days ago: sessions held in two quarters, a label, an event attended."""
    today = timezone.localdate()
    programme = ProgrammeFactory(starts_on=today - datetime.timedelta(days=200), bronze_target=2)
    agreement = ActiveAgreementFactory(programme=programme, starts_on=programme.starts_on)
    legal, financial = ServiceArea.objects.get(code="legal"), ServiceArea.objects.get(code="financial")
    for days, area, hours in ((-150, legal, "1.5"), (-150, financial, "2"), (-3, legal, "0.75")):
        start = timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=days), datetime.time(10)))
        SessionOutcomeFactory(
            consultation__agreement=agreement,
            consultation__service_area=area,
            consultation__starts_at=start,
            consultation__ends_at=start + datetime.timedelta(hours=2),
            hours_delivered=Decimal(hours),
        )
    LabelAwardFactory(cluster=agreement.cluster)
    OutcomeFactory(participation__cluster=agreement.cluster, contacts_made=7)
    return programme


def test_the_results_are_the_report_tables_figures(client, programme_world):
    programme = programme_world
    today = timezone.localdate()
    body = client.get("/open-data/results.json").json()
    results = next(p for p in body["programmes"] if p["programme"] == programme.code)

    # The label KPI: the staff dashboard's chart and the report table, against the targets.
    scope = ReportScope(programme.starts_on, today, programme=programme)
    chart = dashboard(scope)["kpi_charts"][0]
    bars = {bar.label: bar for bar in chart["bars"]}
    kpi = results["label_kpi"]
    assert (kpi["bronze"], kpi["bronze_target"]) == (bars["bronze"].value, bars["bronze"].target) == (1, 2)
    assert (kpi["silver"], kpi["silver_target"]) == (bars["silver"].value, bars["silver"].target)
    assert kpi["targets_met"] is False and kpi["target_date"] == programme.target_date.isoformat()

    # Hours per service area and quarter: the report table "consultations by cluster and area" for each quarter.
    expected = {}
    for date_from, date_to in quarters(programme.starts_on, today):
        table = get_table_spec("consultations_by_area").build(ReportScope(date_from, date_to, programme=programme))
        for row in table.dicts():
            key = (f"{date_from.year}-Q{(date_from.month - 1) // 3 + 1}", row["area"])
            expected[key] = expected.get(key, 0) + float(row["delivered"])
    published = {
        (row["quarter"], row["service_area_name"]): row["hours_delivered"] for row in results["hours_by_quarter"]
    }
    assert published == expected
    assert sum(published.values()) == 4.25  # every logged hour, once
    assert len({quarter for quarter, _area in published}) == 2

    # Events: the report table's attendance, per kind and quarter.
    table = get_table_spec("event_applications").build(ReportScope(programme.starts_on, today, programme=programme))
    totals = table.totals()
    assert sum(row["attended"] for row in results["events_by_quarter"]) == totals["attended"] == 1
    assert sum(row["contacts_made"] for row in results["events_by_quarter"]) == totals["contacts"] == 7

    lines = client.get("/open-data/results.csv").content.decode().splitlines()
    assert lines[0] == "programme,period,indicator,breakdown,breakdown_name,value"
    assert f"{programme.code},{today.isoformat()},label_bronze,,,1" in lines


def test_the_results_are_published_in_the_visitors_language_with_the_same_codes(client, programme_world):
    english = client.get("/open-data/results.json", HTTP_ACCEPT_LANGUAGE="en").json()["programmes"][0]
    lithuanian = client.get("/open-data/results.json", HTTP_ACCEPT_LANGUAGE="lt").json()["programmes"][0]
    assert [r["service_area"] for r in english["hours_by_quarter"]] == [
        r["service_area"] for r in lithuanian["hours_by_quarter"]
    ]
    names = {r["service_area"]: r["service_area_name"] for r in english["hours_by_quarter"]}
    names_lt = {r["service_area"]: r["service_area_name"] for r in lithuanian["hours_by_quarter"]}
    assert names["legal"] != names_lt["legal"]


def test_quarters_cover_the_period_cut_to_its_days():
    assert quarters(datetime.date(2026, 2, 10), datetime.date(2026, 7, 3)) == [
        (datetime.date(2026, 2, 10), datetime.date(2026, 3, 31)),
        (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)),
        (datetime.date(2026, 7, 1), datetime.date(2026, 7, 3)),
    ]
    assert quarters(datetime.date(2026, 11, 5), datetime.date(2027, 1, 1))[-1] == (
        datetime.date(2027, 1, 1),
        datetime.date(2027, 1, 1),
    )
