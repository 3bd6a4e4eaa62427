"""The permission matrix: every front-end URL with an object id, requested as each wrong role.

The URL patterns are walked from the project's URLconf, so a new pattern is covered without anyone
remembering to: until its app registers how to build its object (see inolink/tests/matrix.py for how),
its row here fails.
"""

import pytest
from django.urls import get_resolver, reverse

from accounts.tests.factories import StaffFactory, UserFactory
from clusters.tests.factories import ClusterFactory
from consultations.tests.factories import ExpertFactory
from inolink.tests import matrix

matrix.discover()


def takes_parameters(route):
    return "<" in route or "(?P" in route


def object_urls():
    """(name, route) of every front-end pattern that takes a parameter."""
    return sorted(
        (name or f"<unnamed: {route}>", route)
        for name, route in matrix.walk(get_resolver().url_patterns)
        if takes_parameters(route) and not route.lstrip("^").startswith(matrix.EXCLUDED_PREFIXES)
    )


OBJECT_URLS = object_urls()
CHECKED = [(name, route) for name, route in OBJECT_URLS if name not in matrix.EXEMPT]


def standard_wrong_users():
    other_cluster_manager = UserFactory()
    ClusterFactory(managers=[other_cluster_manager])
    return {
        "a user without a role": UserFactory(),
        "the manager of another cluster": other_cluster_manager,
        "an expert not involved": ExpertFactory().user,
    }


def is_login_redirect(response):
    return response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_the_matrix_sees_the_object_urls_we_know():
    names = {name for name, _ in OBJECT_URLS}
    assert {"clusters:cluster-detail", "agreements:agreement-detail", "agreements:agreement-document"} <= names
    assert "admin:index" not in names and not any(name.startswith("admin:") for name in names)


def test_every_registration_names_a_url_that_exists():
    names = {name for name, _ in OBJECT_URLS}
    stale = sorted((set(matrix.REGISTRY) | set(matrix.EXEMPT)) - names)
    assert not stale, f"registered in the permission matrix but no such URL with parameters: {stale}"


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "route"), CHECKED, ids=[name for name, _ in CHECKED])
def test_wrong_roles_are_refused_and_rightful_users_let_in(client, settings, url_name, route):
    factory = matrix.REGISTRY.get(url_name)
    if factory is None:
        pytest.fail(
            f"The URL {url_name} ({route}) takes an object id but nobody registered who may open it. Add a "
            f"factory with @register({url_name!r}) in its app's tests/permission_matrix.py "
            "(see inolink/tests/matrix.py)."
        )
    case = factory()
    url = reverse(url_name, kwargs=case.kwargs)

    for method in ("get", "post"):
        response = getattr(client, method)(url)
        refused = response.status_code in {case.anonymous_status, 405}
        assert is_login_redirect(response) or refused, f"anonymous {method.upper()} {url}: {response.status_code}"

    standard = {label: user for label, user in standard_wrong_users().items() if label not in case.open_to}
    wrong = {**standard, **case.wrong}
    for label, user in wrong.items():
        client.force_login(user)
        refused_get = {403, 404, 405} if case.rightful_status == 405 else {403, 404}
        for method, allowed in (("get", refused_get), ("post", {403, 404, 405})):
            status = getattr(client, method)(url).status_code
            assert status in allowed, f"{label} {method.upper()} {url}: {status}, expected one of {sorted(allowed)}"
        client.logout()

    settings.OTP_REQUIRED_FOR_STAFF = True
    client.force_login(StaffFactory())
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:second-factor")), (
        f"staff without their second factor GET {url}: {response.status_code}"
    )
    client.logout()
    settings.OTP_REQUIRED_FOR_STAFF = False

    assert case.rightful, f"{url_name}: name at least one rightful user, to prove the refusals are real"
    for user in case.rightful:
        client.force_login(user)
        status = client.get(url).status_code
        assert status == case.rightful_status, f"rightful {user} GET {url}: {status}, expected {case.rightful_status}"
        client.logout()
    if case.rightful_post is not None:
        client.force_login(case.rightful[0])
        status = client.post(url, case.rightful_post).status_code
        assert status < 400, f"rightful {case.rightful[0]} POST {url}: {status}"


def test_exemptions_say_why():
    for name, reason in matrix.EXEMPT.items():
        assert len(reason) > 10, name


@pytest.mark.django_db
def test_openings_name_standard_roles_and_say_why():
    labels = set(standard_wrong_users())
    for name, factory in matrix.REGISTRY.items():
        case = factory()
        assert set(case.open_to) <= labels, name
        assert all(len(reason) > 10 for reason in case.open_to.values()), name
