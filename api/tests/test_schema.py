"""The API against its own published schema (schemathesis): for an anonymous caller and the tokens of a manager, an
expert, staff and a system, generated requests to every operation never get a server error, and every response
(status, content type, headers, body) is what the schema says."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.tests.factories import StaffFactory

from .factories import cluster_data, token_for

ROLES = ["anonymous", "manager", "expert", "staff", "system"]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Examples per operation and role: requests that fit the schema, and requests that do not.
MODES = {GenerationMode.POSITIVE: 6, GenerationMode.NEGATIVE: 4}


def published_schema():
    """The schema as /api/v1/schema/ serves it, through the whole application (WSGI, in this process)."""
    from django.test import override_settings

    from inolink.wsgi import application

    with override_settings(ALLOWED_HOSTS=["localhost"]):  # schemathesis's in-process client's host
        return schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)


schema = published_schema()


@pytest.fixture
def tokens(db, settings, monkeypatch):
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"token": "100000/hour", "anonymous": "100000/hour"})
    data = cluster_data()
    people = {"manager": data.manager, "expert": data.expert, "staff": StaffFactory(), "system": None}
    # schemathesis calls the WSGI application itself: keep it from closing the test's database connection at the
    # end of each request, as Django's test client does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield {role: {"Authorization": f"Bearer {token_for(person)}"} for role, person in people.items()}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def operations():
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_answers_as_its_schema_says(role, tokens):
    """Per role, every operation with requests that fit the schema and requests that do not (bad filters, ids,
    bodies); one data set per role, so the whole run stays within a minute or two."""
    failures = []
    for operation in operations():
        for mode, examples in MODES.items():

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=examples, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
            def run(case):
                case.call_and_validate(headers=tokens.get(role, {}), checks=CHECKS)

            try:
                run()
            except Exception as error:  # every operation is tried; all that failed are reported together
                failures.append(f"{operation.label} ({mode}): {error}")
    assert not failures, "\n\n".join(failures)


def test_the_schema_lists_every_endpoint():
    paths = {operation.path for operation in operations()}
    for name in (
        "clusters",
        "organisations",
        "members",
        "agreements",
        "allocations",
        "consultations",
        "outcomes",
        "events",
        "participations",
        "labels",
        "benchmarkings",
    ):
        assert {f"/api/v1/{name}/", f"/api/v1/{name}/{{id}}/"} <= paths


@pytest.mark.parametrize("role", ["anonymous", "manager", "staff"])
def test_hostile_values_in_every_parameter_get_no_server_error(client, role, tokens):
    """The hostile walk's values (inolink/tests/hostile.py: NUL, numbers beyond 64 bits, far dates, 10^6 characters)
    in every query and path parameter the schema names, one at a time: a 4xx or a page, never a 5xx."""
    from urllib.parse import urlencode

    from inolink.tests import hostile

    headers = {"HTTP_AUTHORIZATION": tokens[role]["Authorization"]} if role in tokens else {}
    errors = []
    for operation in operations():
        if operation.method.upper() != "GET":
            continue
        for parameter in operation.query:
            for value in [*hostile.QUERY_VALUES, "1.5", "-1"]:
                url = f"{operation.path}?{urlencode({parameter.name: value})}"
                status = client.get(url, **headers).status_code
                if status >= 500:
                    errors.append(f"{role} GET {url[:120]}: {status}")
        if "{id}" in operation.path:
            for value in [*hostile.PATH_VALUES["int"], *hostile.PATH_VALUES["str"], "1.5", "-1"]:
                url = operation.path.replace("{id}", value.replace("/", ""))
                response = client.get(url, **headers)
                if response.status_code >= 500 or response["Content-Type"] != "application/json":
                    errors.append(f"{role} GET {url[:120]}: {response.status_code} {response['Content-Type']}")
    assert not errors, "\n".join(errors)
