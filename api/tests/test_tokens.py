"""API tokens: stored hashed, shown once, acting as their person; revoked, expired or unknown ones refused."""

import datetime
import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import StaffFactory, UserFactory
from api.models import ApiToken
from api.services import api_token_create, api_token_find, api_token_revoke, api_token_touch
from clusters.models import Cluster, LabelLevel
from clusters.tests.factories import ClusterFactory, LabelAwardFactory

from .factories import bearer, token_for

pytestmark = pytest.mark.django_db

CLUSTERS = "/api/v1/clusters/"


def test_only_the_secrets_sha256_is_stored_and_the_prefix_finds_the_row():
    token, text = api_token_create(name="Ministry BI")
    label, prefix, secret = text.split("_", 2)
    assert label == "inolink" and prefix == token.prefix and len(secret) >= 40
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    stored = ApiToken.objects.values_list(flat=False).get(pk=token.pk)
    assert not any(secret in str(value) for value in stored)
    assert api_token_find(text) == token


@pytest.mark.parametrize(
    "mangle",
    [
        lambda text: text[:-1] + ("A" if text[-1] != "A" else "B"),  # the right prefix, a wrong secret
        lambda text: text.replace("inolink_", "other_", 1),
        lambda text: text.rsplit("_", 1)[0],
        lambda text: "inolink_zzzzzzzz_" + text.split("_", 2)[2],
        lambda text: text + "\x00",
        lambda text: "",
    ],
)
def test_a_wrong_or_malformed_token_finds_nothing(client, mangle):
    text = token_for(StaffFactory())
    assert api_token_find(mangle(text)) is None
    assert client.get(CLUSTERS, **bearer(mangle(text) or "x")).status_code == 401


def test_a_token_acts_as_its_person(client):
    manager = UserFactory()
    mine = ClusterFactory(managers=[manager])
    ClusterFactory()
    response = client.get(CLUSTERS, **bearer(token_for(manager)))
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [mine.pk]


def test_without_a_token_the_api_answers_401_naming_the_scheme(client):
    response = client.get(CLUSTERS)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_revoked_token_is_refused_from_then_on(client):
    staff = StaffFactory()
    token, text = api_token_create(name="Staff laptop", user=staff)
    assert client.get(CLUSTERS, **bearer(text)).status_code == 200
    api_token_revoke(token=token, by=staff)
    first = token.revoked_at
    assert first is not None and token.revoked_by == staff
    assert client.get(CLUSTERS, **bearer(text)).status_code == 401
    api_token_revoke(token=token)
    assert token.revoked_at == first  # revoking again keeps the first time


def test_an_expired_token_is_refused(client, settings):
    token, text = api_token_create(
        name="Short", user=StaffFactory(), expires_at=timezone.now() + datetime.timedelta(hours=1)
    )
    assert client.get(CLUSTERS, **bearer(text)).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(CLUSTERS, **bearer(text)).status_code == 401


def test_a_token_cannot_be_created_already_expired():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        api_token_create(name="Past", expires_at=timezone.now() - datetime.timedelta(minutes=1))


def test_the_token_of_a_person_who_may_no_longer_sign_in_is_refused(client):
    staff = StaffFactory()
    text = token_for(staff)
    staff.is_active = False
    staff.save()
    assert client.get(CLUSTERS, **bearer(text)).status_code == 401


def test_last_use_is_recorded_at_most_once_a_minute(client, django_assert_num_queries):
    token, text = api_token_create(name="BI")
    assert token.last_used_at is None
    client.get(CLUSTERS, **bearer(text))
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    with django_assert_num_queries(0):
        api_token_touch(token, now=first + datetime.timedelta(seconds=59))
    api_token_touch(token, now=first + datetime.timedelta(minutes=1))
    token.refresh_from_db()
    assert token.last_used_at == first + datetime.timedelta(minutes=1)


def test_a_systems_token_reads_the_whole_registry_and_changes_nothing(client):
    ClusterFactory.create_batch(3)
    text = token_for(None, name="National cluster registry")
    response = client.get(CLUSTERS, **bearer(text))
    assert response.status_code == 200 and response.json()["count"] == Cluster.objects.count()
    created = client.post(
        CLUSTERS,
        {"name": "X", "company_code": "1", "region": "vilnius"},
        **bearer(text),
        content_type="application/json",
    )
    assert created.status_code == 403
    assert not Cluster.objects.filter(name="X").exists()


def test_staff_create_and_update_clusters_and_the_history_names_them(client):
    staff = StaffFactory()
    text = token_for(staff)
    body = {"name": "Smart Textile Cluster", "company_code": "305550001", "region": "kaunas", "sector": "textile"}
    response = client.post(CLUSTERS, body, content_type="application/json", **bearer(text))
    assert response.status_code == 201, response.json()
    cluster = Cluster.objects.get(pk=response.json()["id"])
    response = client.patch(
        f"{CLUSTERS}{cluster.pk}/",
        {"website": "https://textile.example.lt"},
        content_type="application/json",
        **bearer(text),
    )
    assert response.status_code == 200
    cluster.refresh_from_db()
    assert cluster.website == "https://textile.example.lt"
    assert cluster.history.latest().history_user == staff


def test_a_registry_write_answers_with_the_clusters_current_label(client):
    text = token_for(StaffFactory())
    response = client.post(
        CLUSTERS,
        {"name": "New", "company_code": "305550002", "region": "kaunas"},
        content_type="application/json",
        **bearer(text),
    )
    assert response.status_code == 201 and response.json()["current_label"] is None
    LabelAwardFactory(cluster_id=response.json()["id"], level=LabelLevel.SILVER)
    response = client.patch(
        f"{CLUSTERS}{response.json()['id']}/",
        {"website": "https://new.example.lt"},
        content_type="application/json",
        **bearer(text),
    )
    assert response.status_code == 200 and response.json()["current_label"] == LabelLevel.SILVER.value


def test_a_registry_write_checks_the_models_rules_and_constraints(client):
    text = token_for(StaffFactory())
    existing = ClusterFactory()
    duplicate = {"name": "Another", "company_code": existing.company_code, "region": "kaunas"}
    response = client.post(CLUSTERS, duplicate, content_type="application/json", **bearer(text))
    assert response.status_code == 400 and "company_code" in response.json()
    too_early = {"name": "Old", "company_code": "1", "region": "kaunas", "founded_year": 1900}
    response = client.post(CLUSTERS, too_early, content_type="application/json", **bearer(text))
    assert response.status_code == 400 and "founded_year" in response.json()


@pytest.mark.parametrize("role", ["manager", "expert"])
def test_managers_and_experts_change_nothing_in_the_registry(client, role):
    from consultations.tests.factories import ExpertFactory

    user = ExpertFactory().user if role == "expert" else UserFactory()
    cluster = ClusterFactory(managers=[user] if role == "manager" else [])
    text = token_for(user)
    response = client.patch(
        f"{CLUSTERS}{cluster.pk}/", {"name": "Renamed"}, content_type="application/json", **bearer(text)
    )
    assert response.status_code in {403, 404}
    cluster.refresh_from_db()
    assert cluster.name != "Renamed"


def test_staff_create_a_token_in_the_admin_and_see_it_once(client):
    staff = StaffFactory(is_superuser=True)
    person = UserFactory()
    client.force_login(staff)
    response = client.post(
        reverse("admin:api_apitoken_add"),
        {"name": "Rasa's scripts", "user": person.pk, "expires_at_0": "", "expires_at_1": ""},
        follow=True,
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    shown = [str(message) for message in response.context["messages"] if "shown this once" in str(message)]
    assert len(shown) == 1
    text = shown[0][shown[0].index("inolink_") :].split()[0]
    assert api_token_find(text) == token and token.user == person and token.created_by == staff
    change = client.get(reverse("admin:api_apitoken_change", args=[token.pk]))
    assert text.split("_", 2)[2] not in change.content.decode()


def test_staff_revoke_tokens_in_the_admin(client):
    staff = StaffFactory(is_superuser=True)
    token, text = api_token_create(name="Old system")
    client.force_login(staff)
    client.post(
        reverse("admin:api_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == staff
    client.logout()
    assert client.get(CLUSTERS, **bearer(text)).status_code == 401


def test_requests_are_throttled_per_token(client, settings):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "token": "3/minute"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    SimpleRateThrottle.THROTTLE_RATES = rates
    try:
        first, second = token_for(StaffFactory()), token_for(StaffFactory())
        statuses = [client.get(CLUSTERS, **bearer(first)).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        assert client.get(CLUSTERS, **bearer(second)).status_code == 200  # another token has its own count
    finally:
        SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
