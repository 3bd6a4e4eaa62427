"""The shared admin pieces give the same markup as Django's own."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from clusters.models import Cluster
from clusters.tests.factories import ClusterFactory
from consultations.tests.factories import ConsultationFactory
from inolink.admin import PlainActionCheckboxMixin

pytestmark = pytest.mark.django_db


def test_plain_action_checkbox_is_the_checkbox_django_renders():
    cluster = ClusterFactory(name='Tom & "Jerry" <b>')
    model_admin = admin.site._registry[Cluster]
    assert isinstance(model_admin, PlainActionCheckboxMixin)
    assert model_admin.action_checkbox(cluster) == admin.ModelAdmin.action_checkbox(model_admin, cluster)


SEARCHES = ["", "strategy", "STRATEGY baltic", '"baltic sea"', "Jonaitis", "jonaitis@", "nothing-matches", "'", '"']


@pytest.mark.parametrize(
    "model_path", ["consultations.Consultation", "consultations.SessionOutcome", "events.Participation"]
)
def test_subquery_search_finds_what_djangos_search_finds(model_path, rf):
    from django.apps import apps

    from accounts.tests.factories import StaffFactory, UserFactory
    from consultations.tests.factories import ConsultationFactory, ExpertFactory, SessionOutcomeFactory
    from events.tests.factories import EventFactory, ParticipationFactory
    from inolink.admin import SubquerySearchMixin

    baltic = ClusterFactory(name="Baltic Sea Strategy Cluster")
    other = ClusterFactory(name="Food Valley")
    jonaitis = ExpertFactory(user=UserFactory(last_name="Jonaitis", email="r.jonaitis@example.com"))
    ConsultationFactory(agreement__cluster=baltic, topic="Export plan")
    ConsultationFactory(agreement__cluster=other, topic="Strategy review", expert=jonaitis)
    ConsultationFactory(agreement__cluster=other, topic="Pricing", agenda="Baltic sea partners and strategy")
    SessionOutcomeFactory(consultation__agreement__cluster=baltic, summary="Agreed next steps")
    SessionOutcomeFactory(consultation__agreement__cluster=other, summary="A strategy for the Baltic sea region")
    ParticipationFactory(cluster=baltic, event=EventFactory(title="Hannover Messe"))
    ParticipationFactory(cluster=other, event=EventFactory(title="Baltic Sea Strategy Forum"))

    model = apps.get_model(model_path)
    model_admin = admin.site._registry[model]
    assert isinstance(model_admin, SubquerySearchMixin)
    request = rf.get("/")
    request.user = StaffFactory()
    for term in SEARCHES:
        ours, _ = model_admin.get_search_results(request, model.objects.all(), term)
        djangos, _ = admin.ModelAdmin.get_search_results(model_admin, request, model.objects.all(), term)
        assert set(ours.values_list("pk", flat=True)) == set(djangos.values_list("pk", flat=True)), term
    found, _ = model_admin.get_search_results(request, model.objects.all(), "baltic")
    assert found.exists()


@pytest.mark.parametrize(
    ("list_url", "parameter"),
    [
        ("admin:consultations_consultation_changelist", "expert_id"),
        ("admin:consultations_consultation_changelist", "cluster__id__exact"),
        ("admin:consultations_sessionoutcome_changelist", "consultation_cluster_id"),
        ("admin:events_participation_changelist", "event__id__exact"),
    ],
)
def test_drop_down_filters_ignore_values_that_are_not_ids(client, list_url, parameter):
    from django.urls import reverse

    from accounts.tests.factories import StaffFactory
    from consultations.tests.factories import ExpertFactory
    from events.tests.factories import EventFactory

    # A filter is only in play when it has choices.
    ClusterFactory(), ExpertFactory(), EventFactory()
    client.force_login(StaffFactory())
    for value in ("²", "x", "-", "1e3", ""):
        assert client.get(reverse(list_url), {parameter: value}).status_code == 200, value
    # Beyond the database's integers: SQLite raised OverflowError, PostgreSQL "bigint out of range".
    for value in ("9" * 20, "-" + "9" * 20):
        assert client.get(reverse(list_url), {parameter: value}).status_code == 200, value


# --- Hostile input: every admin answers a form error or a 404 (inolink.admin.InolinkAdminSite) ---------------


@pytest.fixture
def staff_client(client):
    from accounts.tests.factories import StaffFactory

    client.force_login(StaffFactory())
    return client


@pytest.mark.parametrize("value", ["NaN", "abc", "9" * 20, "-1e999"])
def test_an_autocomplete_field_refuses_a_key_that_is_not_one(staff_client, value):
    """``user=NaN`` answered 500: the autocomplete widget looked the refused value up again to show it."""
    response = staff_client.post("/admin/consultations/calendarfeed/add/", {"user": value})
    assert response.status_code == 200
    assert "valid choice" in str(response.context["adminform"].form.errors["user"])


def test_a_many_to_many_field_refuses_a_key_beyond_the_database(staff_client):
    response = staff_client.post("/admin/auth/group/add/", {"name": "Walkers", "permissions": ["9" * 20]})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["permissions"]


@pytest.mark.parametrize("object_id", ["abc", "%00", "9" * 20])
def test_history_pages_of_a_malformed_id_are_404(staff_client, object_id):
    from agreements.tests.factories import AgreementFactory

    agreement = AgreementFactory()
    history_id = agreement.history.latest().history_id
    assert staff_client.get(f"/admin/agreements/agreement/{object_id}/history/").status_code == 404
    assert staff_client.get(f"/admin/agreements/agreement/{object_id}/history/{history_id}/").status_code == 404
    assert staff_client.get(f"/admin/agreements/agreement/{agreement.pk}/history/{object_id}/").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "status__exact=%00",  # PostgreSQL refuses a NUL in a query parameter
        f"starts_on__year={'9' * 20}&starts_on__month=1",  # the date hierarchy's year beyond a C long
    ],
)
def test_a_changelist_with_a_broken_filter_starts_again_without_it(staff_client, query):
    response = staff_client.get(f"/admin/agreements/agreement/?{query}")
    assert response.status_code == 302 and response.url.endswith("?e=1")


@pytest.mark.parametrize("term", ["a\x00b", "x" * 10**5])
def test_a_search_with_a_nul_or_of_100000_characters_is_no_error(staff_client, term):
    """PostgreSQL refuses the NUL, SQLite a LIKE pattern over 50,000 bytes: both answered 500."""
    from agreements.tests.factories import AgreementFactory

    AgreementFactory()
    # Django's search form refuses the NUL and lists everything with the error; the long term finds nothing.
    assert staff_client.get("/admin/agreements/agreement/", {"q": term}).status_code == 200
    query = {"app_label": "consultations", "model_name": "calendarfeed", "field_name": "user", "term": term}
    response = staff_client.get("/admin/autocomplete/", query)
    assert response.status_code == 200 and response.json()["results"] == []


def test_a_year_one_date_is_a_form_error(staff_client):
    """Midnight of 0001-01-01 in Vilnius is before the first UTC date: saving it answered OverflowError."""
    response = staff_client.post(
        "/admin/django_celery_beat/clockedschedule/add/",
        {"clocked_time_0": "0001-01-01", "clocked_time_1": "00:00:00"},
    )
    assert response.status_code == 200
    assert "between the years" in str(response.context["adminform"].form.errors["clocked_time"])


def test_a_crontab_with_minute_minus_one_is_a_form_error(staff_client):
    fields = {"minute": "-1", "hour": "*", "day_of_month": "*", "month_of_year": "*", "day_of_week": "*"}
    response = staff_client.post("/admin/django_celery_beat/crontabschedule/add/", {**fields, "timezone": "UTC"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["minute"]


def test_an_inline_refuses_a_thousand_rows_without_building_them(staff_client):
    from clusters.models import EligibilityCriterion
    from clusters.tests.factories import ClusterFactory

    cluster = ClusterFactory()
    data = {"name": cluster.name, "legal_name": cluster.legal_name, "status": cluster.status}
    for prefix in ("memberships", "eligibility_waivers"):
        data.update({f"{prefix}-TOTAL_FORMS": "1000", f"{prefix}-INITIAL_FORMS": "0"})
    response = staff_client.post(f"/admin/clusters/cluster/{cluster.pk}/change/", data)
    assert response.status_code == 200
    sizes = {
        formset.formset.prefix: len(formset.formset.forms) for formset in response.context["inline_admin_formsets"]
    }
    assert sizes == {"memberships": 100, "label_awards": 0, "eligibility_waivers": len(EligibilityCriterion)}
    assert f"at most {len(EligibilityCriterion)}" in str(response.context["errors"])


@pytest.mark.parametrize(
    ("model_admin", "key_columns"),
    [
        ("events.Participation", {"status_label", "decide_link"}),
        ("agreements.Agreement", {"status_display", "missing_signatures"}),
    ],
)
def test_key_columns_come_before_the_long_names_in_the_admin_lists(model_admin, key_columns):
    """At 1400 px the columns after a long cluster, event or programme name scroll out of sight (issue 14)."""
    list_display = admin.site._registry[apps.get_model(model_admin)].list_display
    first = list_display[: list_display.index(next(c for c in list_display if c in {"event", "programme"}))]
    assert key_columns <= set(first)


def test_the_admin_shows_history_but_restores_no_old_version(admin_client):
    """A restore would write around the services (issue 12: one write path per action)."""
    consultation = ConsultationFactory(topic="First")
    consultation.topic = "Second"
    consultation.save()
    first = consultation.history.order_by("history_date").first()
    url = reverse("admin:consultations_consultation_simple_history", args=[consultation.pk, first.history_id])
    response = admin_client.get(url)
    assert response.status_code == 200 and response.context["revert_disabled"] is True
    assert admin_client.post(url, {"topic": "First"}).status_code == 405
    consultation.refresh_from_db()
    assert consultation.topic == "Second"
