"""The API's permission matrix with tokens: every object endpoint, requested as every wrong role, answers 404 (401
without a token), and as its rightful readers 200; every list shows a wrong role none of the cluster's rows.

The endpoints are walked from the URLconf (``api:*-detail``), so a new one is covered without anyone listing it;
who may read it is ``permission_matrix.READERS``.
"""

import pytest
from django.urls import get_resolver, reverse

from accounts.tests.factories import StaffFactory, UserFactory
from clusters.tests.factories import ClusterFactory
from consultations.tests.factories import ExpertFactory
from inolink.tests import matrix

from .factories import bearer, cluster_data, token_for
from .permission_matrix import READERS

pytestmark = pytest.mark.django_db

DETAIL_NAMES = sorted(
    name
    for name, _route in matrix.walk(get_resolver().url_patterns)
    if name and name.startswith("api:") and name.endswith("-detail")
)


def test_every_object_endpoint_says_who_reads_it():
    assert DETAIL_NAMES, "no API object endpoints found"
    assert {name.removeprefix("api:").removesuffix("-detail") for name in DETAIL_NAMES} == set(READERS)


@pytest.fixture
def data():
    return cluster_data()


@pytest.fixture
def tokens(data):
    other_manager = UserFactory()
    ClusterFactory(managers=[other_manager])
    return {
        "wrong": {
            "a user without a role": token_for(UserFactory()),
            "the manager of another cluster": token_for(other_manager),
            "an expert not involved": token_for(ExpertFactory().user),
        },
        "manager": token_for(data.manager),
        "expert": token_for(data.expert),
        "staff": token_for(StaffFactory()),
        "system": token_for(None),
    }


@pytest.mark.parametrize("url_name", DETAIL_NAMES)
def test_wrong_roles_get_404_and_rightful_readers_the_object(client, data, tokens, url_name):
    basename = url_name.removeprefix("api:").removesuffix("-detail")
    pk = data.objects()[basename]
    url = reverse(url_name, kwargs={"pk": pk})
    list_url = reverse(f"api:{basename}-list")
    assert client.get(url).status_code == 401
    wrong = dict(tokens["wrong"])
    for role in ("manager", "expert"):
        if role not in READERS[basename]:
            wrong[f"the cluster's {role}"] = tokens[role]
    for label, text in wrong.items():
        assert client.get(url, **bearer(text)).status_code == 404, f"{label} GET {url}"
        listed = [row["id"] for row in client.get(list_url, **bearer(text)).json()["results"]]
        assert pk not in listed, f"{label} sees {basename} {pk} in {list_url}"
        for method in ("put", "patch"):
            status = getattr(client, method)(url, {}, content_type="application/json", **bearer(text)).status_code
            assert status in {403, 404, 405}, f"{label} {method.upper()} {url}: {status}"
    rightful = [tokens[role] for role in READERS[basename]] + [tokens["staff"], tokens["system"]]
    for text in rightful:
        response = client.get(url, **bearer(text))
        assert response.status_code == 200 and response.json()["id"] == pk
        assert pk in [row["id"] for row in client.get(list_url, **bearer(text)).json()["results"]]


def test_a_managers_token_reads_exactly_the_consultations_their_pages_show(client, data):
    from consultations.permissions import consultations_visible_to

    other = cluster_data()
    listed = client.get(reverse("api:consultation-list"), **bearer(token_for(data.manager))).json()["results"]
    assert {row["id"] for row in listed} == set(consultations_visible_to(data.manager).values_list("pk", flat=True))
    assert other.consultation.pk not in {row["id"] for row in listed}


def test_an_experts_token_reads_their_own_sessions_only(client, data):
    other = cluster_data()
    listed = client.get(reverse("api:consultation-list"), **bearer(token_for(data.expert))).json()["results"]
    assert [row["id"] for row in listed] == [data.consultation.pk]
    assert other.consultation.pk != data.consultation.pk
