"""The REST API's list endpoints (first page, as each person's token reads it) and the open data, uncached."""

from django.test import override_settings
from django.urls import reverse

from api.services import api_token_create

from .generate import EXPERT_EMAIL, MANAGER_EMAIL, STAFF_EMAIL
from .measure import token_client

ANONYMOUS = "anonymous"
ROLES = {STAFF_EMAIL: "staff", MANAGER_EMAIL: "manager", EXPERT_EMAIL: "expert"}
LISTS = (
    "cluster",
    "member",
    "agreement",
    "allocation",
    "consultation",
    "outcome",
    "event",
    "participation",
    "label",
    "benchmarking",
)
OPEN_DATA = ("clusters", "results")

# Open data is served from the cache for OPEN_DATA_CACHE_SECONDS; measured with a timeout of 0, every request
# builds the dataset afresh, as the first request after the cache expires does.
uncached_open_data = override_settings(OPEN_DATA_CACHE_SECONDS=0)


def _token_key(email: str) -> str:
    return f"api:{email}"


def token_clients(users: dict) -> dict:
    """An API client per person, with a token of theirs (created once, reused at every size)."""
    return {
        _token_key(email): token_client(api_token_create(name=f"Bench {ROLES[email]}", user=user)[1])
        for email, user in users.items()
    }


def api_specs() -> list[tuple[str, str, str]]:
    """(name, client key, URL): every list endpoint for every person's token, then the open datasets."""
    specs = [
        (f"api {name}s ({ROLES[email]})", _token_key(email), reverse(f"api:{name}-list"))
        for email in ROLES
        for name in LISTS
    ]
    specs += [(f"open data: {name}.json", ANONYMOUS, reverse(f"open-data-{name}-json")) for name in OPEN_DATA]
    return specs
