"""The shared admin pieces give the same markup as Django's own."""

import pytest
from django.contrib import admin

from clusters.models import Cluster
from clusters.tests.factories import ClusterFactory
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
