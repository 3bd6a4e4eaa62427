"""The registry behind the permission matrix test (inolink/tests/test_permission_matrix.py).

Every front-end URL pattern that takes a parameter (an object id, a slug, ...) must be registered here, so
that the matrix can build a real object for it, request it as every wrong role and expect a refusal, and
request it as the rightful people and expect the page. A pattern nobody registered fails the test: adding
a URL without saying who may open it is not possible silently.

How to register a URL: in your app, create ``<app>/tests/permission_matrix.py`` (the test imports that
module of every project app) and write a factory that builds the object and names its rightful users::

    from inolink.tests.matrix import Case, register

    @register("consultations:consultation-detail")
    def consultation_detail():
        consultation = ConsultationFactory()
        return Case(
            kwargs={"pk": consultation.pk},               # what reverse() needs
            rightful=[consultation.expert.user, *consultation.cluster.managers.all(), StaffFactory()],
            wrong={"the other expert of the cluster": ExpertFactory().user},  # optional, beyond the standard roles
        )

The factory runs inside the test's database transaction. The matrix then checks, for GET and POST:

- anonymous: redirected to the sign-in page (or 405 for a method the view refuses), or ``anonymous_status``;
- a signed-in user without any role, the manager of another cluster, an expert not involved in the
  object, and every ``wrong`` user of the case: 403 or 404 (or 405 for a method the view refuses);
- staff who have not entered their second factor (when one is required): sent to the code page;
- every ``rightful`` user: ``rightful_status`` (200) for GET, which proves the refusals are not a broken URL.

A POST-only view sets ``rightful_status=405`` (GET refused) and, if it should, ``rightful_post`` with
valid data to show a rightful POST succeeds (any status below 400). A standard role that may open the URL
by design (any cluster's manager applying to a published event) is named in ``open_to`` with the reason.
A URL with parameters that is public by design (a password-reset link) is registered with
``exempt(name, reason)`` instead.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.urls import URLPattern, URLResolver

# URL prefixes that are not the front end: the admin (guarded by the admin site), the language switch,
# the health check and the media files served only in DEBUG.
EXCLUDED_PREFIXES = ("admin/", "i18n/", "healthz", "media/", "^media/")


@dataclass
class Case:
    kwargs: dict
    rightful: list
    wrong: dict = field(default_factory=dict)
    rightful_status: int = 200
    rightful_post: dict | None = None
    # Standard wrong roles that may open this URL by design (label -> why), e.g. any cluster's manager may
    # apply to a published event for their own cluster.
    open_to: dict = field(default_factory=dict)
    # What anonymous requests get instead of the sign-in page: the REST API (api/) answers 401, as APIs do.
    anonymous_status: int | None = None


REGISTRY: dict[str, Callable[[], Case]] = {}
EXEMPT: dict[str, str] = {}


def register(url_name: str):
    """Register the factory that builds the object of ``url_name`` (namespace:name) and its rightful users."""

    def decorator(factory):
        if url_name in REGISTRY or url_name in EXEMPT:
            raise ValueError(f"{url_name} is registered twice")
        REGISTRY[url_name] = factory
        return factory

    return decorator


def exempt(url_name: str, reason: str) -> None:
    """Declare a URL with parameters that anyone may open by design, and say why."""
    if not reason.strip():
        raise ValueError(f"say why {url_name} is exempt")
    if url_name in REGISTRY or url_name in EXEMPT:
        raise ValueError(f"{url_name} is registered twice")
    EXEMPT[url_name] = reason


def discover() -> None:
    """Import ``<app>.tests.permission_matrix`` of every project app (apps living inside the project folder)."""
    base = str(settings.BASE_DIR)
    for config in apps.get_app_configs():
        if not str(config.path).startswith(base):
            continue
        module = f"{config.name}.tests.permission_matrix"
        try:
            spec = find_spec(module)
        except ModuleNotFoundError:
            spec = None
        if spec is not None:
            import_module(module)


def walk(patterns, route="", namespace=""):
    """(namespace:name, route) of every URL pattern under ``patterns``."""
    for entry in patterns:
        full_route = route + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from walk(entry.url_patterns, full_route, inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield name, full_route
