"""The hostile walk: every URL, as every role, with hostile values in every form field and query parameter.

No answer may be a server error. The URLs are walked from the URLconf (the front end) and from each registered
ModelAdmin's own URLs (the admin), the objects come from the permission matrix's factories (inolink/tests/matrix.py)
and each model's factory, and the forms and query parameters are read from the pages themselves
(inolink/tests/hostile.py): a new URL, form, field or filter is walked without anyone listing it.

Each page is requested as anonymous, a cluster manager, an expert and staff; its query parameters get every value
of ``hostile.QUERY_VALUES`` (all at once and one at a time), each POST form on it every variant of
``Form.bodies`` (NUL, numbers beyond 64 bits, far dates, non-numeric ids, reversed ranges, 10^6 characters, a
thousand formset rows), and each URL parameter the values of ``hostile.PATH_VALUES``. Links on the page to
another page with a query string (the slot picker's links to the booking form) are walked the same way, once.
"""

import inspect
import re
import time
from importlib import import_module
from importlib.util import find_spec
from urllib.parse import urlencode, urlsplit

import factory.django
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.test import Client
from django.urls import NoReverseMatch, Resolver404, get_resolver, resolve, reverse
from django.utils import timezone

from accounts.tests.factories import StaffFactory
from clusters.models import Cluster
from consultations.models import Expert
from consultations.tests.conftest import make_world
from events.tests.factories import EventFactory, FundingCallFactory, ParticipationFactory
from inolink.tests import hostile, matrix

matrix.discover()

pytestmark = pytest.mark.django_db
ROLES = ("anonymous", "manager", "expert", "staff")
PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")
# Requests the walk sent, for the closing summary: (role, url name, hostile value label).
COVERED: set = set()


def front_end_urls():
    return sorted(
        (name, route)
        for name, route in matrix.walk(get_resolver().url_patterns)
        if name and not route.lstrip("^").startswith(("admin/", "media/"))
    )


FRONT_END = front_end_urls()


class Walk:
    """One role's requests, with every server error remembered (the walk goes on, so one run shows them all)."""

    def __init__(self, role, user=None):
        self.role = role
        self.user = user
        self.client = Client()
        if user is not None:
            self.client.force_login(user)
        self.errors = []
        self.seen = set()
        self.today = timezone.localdate()

    def request(self, method, url, data=None, label="plain"):
        name = _url_name(url)
        COVERED.add((self.role, name, label))
        try:
            response = getattr(self.client, method)(url, data)
        except Exception as error:  # the test client re-raises the view's exception: a 500 in production
            self.errors.append(f"{self.role} {method.upper()} {name} [{label}]: {type(error).__name__}: {error}"[:400])
            return None
        if response.status_code >= 500:
            self.errors.append(f"{self.role} {method.upper()} {name} [{label}]: {response.status_code}")
        if method == "post" and self.user is not None and "_auth_user_id" not in self.client.session:
            self.client.force_login(self.user)  # a sign-out form, a changed password: the walk goes on as the role
        return response

    def page(self, url, *, post_fields=None, follow_links=True):
        """GET the page, then its query parameters and forms with hostile values (and its linked query pages)."""
        response = self.request("get", url)
        if response is None:
            return
        page = hostile.parse(response)
        path = urlsplit(url).path
        params = hostile.query_params(page, path)
        if params:
            for label, query in hostile.query_variants(params):
                self.request("get", f"{path}?{urlencode(query)}", label=label)
        forms = [form for form in page.forms if form.method == "post"]
        if response.status_code == 405 and post_fields is not None:
            forms.append(_form_from(path, post_fields))
        for form in forms:
            self.form(form, url)
        if follow_links:
            for link in page.links:
                parts = urlsplit(link)
                if parts.query and not parts.netloc and parts.path and parts.path != path:
                    key = (_url_name(parts.path), tuple(sorted(k for k, _ in _pairs(parts.query))))
                    if key[0] and key not in self.seen and not key[0].startswith(("admin:", "set_language")):
                        self.seen.add(key)
                        self.page(link, follow_links=False)

    def form(self, form, page_url):
        action = form.action or page_url
        if urlsplit(action).netloc:
            return
        key = (urlsplit(action).path, tuple(sorted(form.fields)))
        if key in self.seen:
            return
        self.seen.add(key)
        for label, body in form.bodies(self.today):
            response = self.request("post", action, body, label=label)
            if label == "many forms" and response is not None and response.status_code == 200:
                # A thousand formset rows are refused with a message, not built, checked and shown again.
                names = {name for shown in hostile.parse(response).forms for name in shown.fields}
                for count in form.formset_counts:
                    prefix = count.removesuffix("TOTAL_FORMS")
                    if any(name.startswith(f"{prefix}{int(hostile.MANY_FORMS) - 1}-") for name in names):
                        self.errors.append(f"{self.role} POST {_url_name(action)}: {prefix}* showed 1000 rows")

    def path_values(self, url_name, route, kwargs):
        """The URL with each of its parameters replaced by the values its converter lets through."""
        for converter, name in parameters(route):
            for value in hostile.PATH_VALUES.get(converter, hostile.PATH_VALUES["str"]):
                try:
                    url = url_for(url_name, {**kwargs, name: value})
                except NoReverseMatch:
                    continue
                self.request("get", url, label=f"{name}={value[:10]!r}")
                self.request("post", url, label=f"{name}={value[:10]!r}")


def parameters(route):
    """(converter, name) of each parameter of a route; a regular expression's groups are str, unnamed ones numbered."""
    found = [(converter or "str", name) for converter, name in PARAMETER.findall(route)]
    found += [("str", name) for name in re.findall(r"\(\?P<(\w+)>", route)]
    found += [("str", index) for index in range(len(re.findall(r"\((?!\?)", route)))]
    return found


def url_for(url_name, values):
    """reverse() with the numbered values as positional arguments and the named ones as keyword arguments."""
    args = [value for key, value in sorted((k, v) for k, v in values.items() if isinstance(k, int))]
    kwargs = {key: value for key, value in values.items() if isinstance(key, str)}
    return reverse(url_name, args=args or None, kwargs=kwargs or None)


def _pairs(query):
    from urllib.parse import parse_qsl

    return parse_qsl(query, keep_blank_values=True)


def _url_name(url):
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None
    return match.view_name


def _form_from(action, fields):
    """A form for a POST-only view (its GET answers 405), from the matrix's rightful POST."""
    page = hostile.PageParser()
    inputs = "".join(f'<input name="{name}" value="{value}">' for name, value in fields.items())
    page.feed(f'<form method="post" action="{action}">{inputs}</form>')
    return page.forms[0]


def people():
    """The standard person of each role, with something to see: a cluster with an active agreement and hours,
    an available expert in its area, a published event and a funding call it applied to."""
    world = make_world()
    EventFactory()
    ParticipationFactory(cluster=world.cluster, event=FundingCallFactory())
    return {"anonymous": None, "manager": world.manager, "expert": world.expert.user, "staff": StaffFactory()}


def role_of(user):
    if user.is_staff:
        return "staff"
    if Expert.objects.filter(user=user).exists():
        return "expert"
    if Cluster.objects.managed_by(user).exists():
        return "manager"
    return None


def report(walks):
    errors = [error for walk in walks for error in walk.errors]
    assert not errors, f"{len(errors)} server errors:\n" + "\n".join(errors)


@pytest.mark.parametrize(("url_name", "route"), FRONT_END, ids=[name for name, _ in FRONT_END])
def test_front_end_url(url_name, route):
    standard = people()
    kwargs, post_fields = {}, None
    if PARAMETER.search(route):
        factory_ = matrix.REGISTRY.get(url_name)
        if factory_ is None:  # exempt URLs (a password-reset link, the calendar feed) are walked with their values
            factory_ = EXEMPT_CASES[url_name]
        case = factory_()
        kwargs, post_fields = case.kwargs, case.rightful_post
        for user in case.rightful:
            if role_of(user) and standard[role_of(user)] is not None:
                standard[role_of(user)] = user
    walks = []
    for role in ROLES:
        walk = Walk(role, standard[role])
        walk.page(reverse(url_name, kwargs=kwargs), post_fields=post_fields)
        if kwargs:
            walk.path_values(url_name, route, kwargs)
        walks.append(walk)
    report(walks)


def _feed_case():
    from consultations.services import calendar_feed_for

    expert = make_world().expert
    return matrix.Case(kwargs={"token": calendar_feed_for(expert.user).token}, rightful=[])


def _password_reset_case():
    return matrix.Case(kwargs={"uidb64": "MQ", "token": "set-password"}, rightful=[])


def _invitation_case():
    from accounts.tests.factories import StaffFactory
    from clusters.tests.factories import ClusterFactory
    from outreach.services import invitation_create

    invitation = invitation_create(
        email="invitee@example.com", role="manager", cluster=ClusterFactory(), by=StaffFactory()
    )
    return matrix.Case(kwargs={"token": invitation.token}, rightful=[])


EXEMPT_CASES = {
    "consultations:calendar-feed": _feed_case,
    "accounts:password-reset-confirm": _password_reset_case,
    "outreach:invitation-accept": _invitation_case,
}


def test_every_exempt_url_has_values_to_walk():
    assert set(matrix.EXEMPT) <= set(EXEMPT_CASES)


# --- The admin ------------------------------------------------------------------------------------------


def model_factories():
    """Model -> the factory_boy factory of the project's tests that builds it (the first one found)."""
    found = {}
    for config in apps.get_app_configs():
        try:
            spec = find_spec(f"{config.name}.tests.factories")
        except ModuleNotFoundError:
            spec = None
        if spec is None or not str(config.path).startswith(str(settings.BASE_DIR)):
            continue
        for _, value in inspect.getmembers(import_module(spec.name), inspect.isclass):
            if issubclass(value, factory.django.DjangoModelFactory) and value._meta.model is not None:
                model = value._meta.model
                if value.__name__ == f"{model.__name__}Factory" or model not in found:
                    found[model] = value
    return found


MODEL_ADMINS = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def admin_object(model):
    factory_ = model_factories().get(model)
    if factory_ is not None:
        return factory_()
    return model._default_manager.first()


@pytest.mark.parametrize(("model", "model_admin"), MODEL_ADMINS, ids=[model._meta.label for model, _ in MODEL_ADMINS])
def test_admin_model(model, model_admin):
    walk = Walk("staff", StaffFactory())
    obj = admin_object(model)
    # The delete confirmation last: a plausible POST to it deletes the object the other pages show.
    urls = sorted(
        ((name, route) for name, route in matrix.walk(model_admin.urls) if name), key=lambda u: u[0].endswith("_delete")
    )
    for name, route in urls:
        url_name = f"admin:{name}"
        if not parameters(route):
            walk.page(reverse(url_name))
            continue
        values = object_values(obj, route)
        if obj is not None:
            walk.page(url_for(url_name, values), follow_links=False)
        walk.path_values(url_name, route, values)
    report([walk])


def object_values(obj, route):
    """The object's id for each parameter; simple-history's second one is its latest historical record (rows a data
    migration seeded have none)."""
    values = {}
    for position, (_, name) in enumerate(parameters(route)):
        if obj is None:
            values[name] = "1"
        elif position == 1 and hasattr(obj, "history"):
            latest = obj.history.order_by("-history_id").first()
            values[name] = str(latest.history_id) if latest else "1"
        else:
            values[name] = str(obj.pk)
    return values


SITE_URLS = [
    (name, route)
    for name, route in matrix.walk(admin.site.get_urls())
    if name and not any(route.startswith(f"{m._meta.app_label}/{m._meta.model_name}/") for m in admin.site._registry)
]


def test_admin_site_pages():
    """The admin's own pages: index, app lists, autocomplete, password change, view on site."""
    walk = Walk("staff", StaffFactory())
    obj = EventFactory()
    for name, route in SITE_URLS:
        url_name = f"admin:{name}"
        values = {"app_label": "events", "content_type_id": "1", "object_id": str(obj.pk)}
        kwargs = {parameter: values[parameter] for _, parameter in parameters(route)}
        walk.page(url_for(url_name, kwargs), follow_links=False)
        if kwargs:
            walk.path_values(url_name, route, kwargs)
    # The autocomplete view's parameters come from the widgets' data attributes, not from links.
    autocomplete = reverse("admin:autocomplete")
    query = {"app_label": "consultations", "model_name": "calendarfeed", "field_name": "user", "term": "a"}
    for label, variant in hostile.query_variants(query):
        walk.request("get", f"{autocomplete}?{urlencode(variant)}", label=label)
    report([walk])


def test_summary(capsys):
    """Print what the walk covered (run last: pytest keeps the file's order)."""
    if not COVERED:
        pytest.skip("run with the walk's other tests to see the summary")
    urls = {name for _, name, _ in COVERED}
    with capsys.disabled():
        print(
            f"\nhostile walk: {len(urls)} URL names, {len({(r, n) for r, n, _ in COVERED})} URL × role pairs, "
            f"{len(COVERED)} URL × role × value combinations ({time.strftime('%H:%M:%S')})"
        )
