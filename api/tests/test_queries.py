"""Every API list does a fixed number of queries, the same at one and at ten clusters' worth of data (and few)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse

from accounts.tests.factories import StaffFactory
from inolink.tests import matrix

from .factories import bearer, cluster_data, token_for

pytestmark = pytest.mark.django_db

LIST_NAMES = sorted(
    name
    for name, _ in matrix.walk(get_resolver().url_patterns)
    if name and name.startswith("api:") and name.endswith("-list")
)
OPEN_DATA = ["/open-data/clusters.json", "/open-data/results.json"]
BUDGET = 8  # the token and its last use, the throttle (cache), count, rows, and a prefetch or two


def counts(client, headers_by_role):
    found = {}
    for role, headers in headers_by_role.items():
        client.get(reverse(LIST_NAMES[0]), **headers)  # the token's last use is written once a minute at most
        for name in LIST_NAMES:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(reverse(name), {"page_size": 200}, **headers)
            assert response.status_code == 200, (role, name)
            found[(role, name)] = len(queries)
        for url in OPEN_DATA:
            cache.clear()
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found[("anonymous", url)] = len(queries)
    return found


def test_lists_are_flat_at_one_and_ten_times_the_data(client):
    first = cluster_data()
    headers = {
        "staff": bearer(token_for(StaffFactory())),
        "manager": bearer(token_for(first.manager)),
        "expert": bearer(token_for(first.expert)),
        "system": bearer(token_for(None)),
    }
    small = counts(client, headers)
    programme = first.agreement.programme
    for _ in range(9):
        cluster_data(programme)
    # The managers' own data grows too: more sessions, applications and labels of their clusters.
    for _ in range(3):
        more = cluster_data(programme)
        more.cluster.managers.add(first.manager)
    cache.clear()
    large = counts(client, headers)
    assert large == small
    over = {key: count for key, count in large.items() if key[0] != "anonymous" and count > BUDGET}
    assert not over, over
