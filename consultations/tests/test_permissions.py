"""Every URL of the app: the wrong manager and the wrong expert get 404, anonymous people the login page."""

import pytest
from django.http import Http404
from django.urls import reverse

from accounts.tests.factories import UserFactory
from consultations.models import Consultation

from .factories import ConsultationFactory, SessionOutcomeFactory, local_at

pytestmark = pytest.mark.django_db

# (url name, method) for every object URL; each is valid for someone.
OBJECT_URLS = [
    ("consultations:consultation-detail", "get"),
    ("consultations:consultation-cancel", "get"),
    ("consultations:consultation-cancel", "post"),
    ("consultations:consultation-reschedule", "get"),
    ("consultations:consultation-reschedule", "post"),
    ("consultations:consultation-rate", "post"),
    ("consultations:consultation-ics", "get"),
    ("consultations:consultation-confirm", "post"),
    ("consultations:consultation-decline", "get"),
    ("consultations:consultation-decline", "post"),
    ("consultations:consultation-outcome", "get"),
    ("consultations:consultation-outcome", "post"),
]
MANAGER_ONLY = {
    "consultations:consultation-cancel",
    "consultations:consultation-reschedule",
    "consultations:consultation-rate",
}
EXPERT_ONLY = {
    "consultations:consultation-confirm",
    "consultations:consultation-decline",
    "consultations:consultation-outcome",
}
PAGE_URLS = [
    "consultations:dashboard",
    "consultations:book",
    "consultations:book-slots",
    "consultations:book-new",
    "consultations:consultation-list",
    "consultations:my-sessions",
    "consultations:session-list",
    "consultations:availability",
    "consultations:calendar",
]


@pytest.fixture
def consultation(world):
    return ConsultationFactory(
        agreement=world.agreement, expert=world.expert, service_area=world.area, status=Consultation.Status.CONFIRMED
    )


def call(client, name, method, pk):
    url = reverse(name, args=[pk])
    data = {"reason": "x", "score": "5", "result": "held", "summary": "x", "hours_delivered": "1"}
    return client.post(url, data) if method == "post" else client.get(url)


@pytest.mark.parametrize(("name", "method"), OBJECT_URLS)
def test_wrong_manager_gets_404(client, consultation, other_world, name, method):
    client.force_login(other_world.manager)
    assert call(client, name, method, consultation.pk).status_code == 404
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.CONFIRMED


@pytest.mark.parametrize(("name", "method"), OBJECT_URLS)
def test_wrong_expert_gets_404(client, consultation, other_world, name, method):
    client.force_login(other_world.expert.user)
    assert call(client, name, method, consultation.pk).status_code == 404


@pytest.mark.parametrize(("name", "method"), [u for u in OBJECT_URLS if u[0] in MANAGER_ONLY])
def test_the_sessions_expert_cannot_act_for_the_cluster(client, consultation, name, method):
    client.force_login(consultation.expert.user)
    assert call(client, name, method, consultation.pk).status_code == 404


@pytest.mark.parametrize(("name", "method"), [u for u in OBJECT_URLS if u[0] in EXPERT_ONLY])
def test_the_manager_cannot_act_for_the_expert(client, consultation, world, name, method):
    client.force_login(world.manager)
    assert call(client, name, method, consultation.pk).status_code == 404


@pytest.mark.parametrize(("name", "method"), OBJECT_URLS)
def test_malformed_and_missing_ids_are_404(client, world, name, method):
    client.force_login(world.manager)
    assert call(client, name, method, 999999).status_code == 404


@pytest.mark.parametrize(("name", "method"), OBJECT_URLS)
def test_anonymous_goes_to_login(client, consultation, name, method):
    response = call(client, name, method, consultation.pk)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", PAGE_URLS)
def test_pages_need_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


# The manager's start page sends everyone else to the start page of their role instead (test_views).
@pytest.mark.parametrize("name", [name for name in PAGE_URLS if name != "consultations:dashboard"])
def test_people_without_the_role_get_404(client, name):
    client.force_login(UserFactory())
    assert client.get(reverse(name)).status_code == 404


def test_manager_and_expert_see_the_detail(client, consultation, world):
    for user in (world.manager, world.expert.user):
        client.force_login(user)
        assert client.get(consultation.get_absolute_url()).status_code == 200


def test_rating_a_session_of_another_cluster_is_404(client, world, other_world):
    outcome = SessionOutcomeFactory(consultation__agreement=world.agreement, consultation__starts_at=local_at(-3, 10))
    client.force_login(other_world.manager)
    response = client.post(reverse("consultations:consultation-rate", args=[outcome.consultation.pk]), {"score": "1"})
    assert response.status_code == 404


def test_calendar_feed_needs_the_right_token(client, consultation, world, other_world):
    client.force_login(world.manager)
    client.get(reverse("consultations:calendar"))
    token = world.manager.calendar_feed.token
    client.logout()
    assert client.get(reverse("consultations:calendar-feed", args=["wrong-token"])).status_code == 404
    response = client.get(reverse("consultations:calendar-feed", args=[token]))
    assert response.status_code == 200
    assert consultation.topic in response.content.decode()
    # Another cluster's manager's feed does not show it.
    client.force_login(other_world.manager)
    client.get(reverse("consultations:calendar"))
    other_feed = client.get(reverse("consultations:calendar-feed", args=[other_world.manager.calendar_feed.token]))
    assert consultation.topic not in other_feed.content.decode()


@pytest.mark.parametrize("token", ["%00", "a%00b", "%C4%85", "a%20b", "a.b"])
def test_a_malformed_calendar_token_is_404_without_a_query(client, django_assert_num_queries, token):
    """Tokens are URL-safe base64 (secrets.token_urlsafe): anything else is not a feed, and is never looked up.

    PostgreSQL refuses a NUL in a query parameter with a ValueError, which answered 500.
    """
    with django_assert_num_queries(0):
        assert client.get(f"/consultations/calendar/feed/{token}.ics").status_code == 404


def test_an_expert_lists_only_their_own_sessions(client, consultation, other_world):
    """Even the clusters of the filter come from their own sessions: no other cluster's name shows."""
    client.force_login(other_world.expert.user)
    mine = ConsultationFactory(agreement=other_world.agreement, expert=other_world.expert)
    response = client.get(reverse("consultations:session-list"), {"when": "all"})
    assert list(response.context["consultations"]) == [mine]
    html = response.content.decode()
    assert consultation.topic not in html and consultation.cluster.name not in html


# --- The permission functions themselves (the mutation run, README "Mutation testing") -----------------------


def test_who_sees_which_consultations(world, other_world, consultation, rf):
    from django.contrib.auth.models import AnonymousUser

    from consultations import permissions

    theirs = ConsultationFactory(agreement=other_world.agreement, expert=other_world.expert)
    anonymous, stranger = AnonymousUser(), UserFactory()
    assert permissions.expert_for(anonymous) is None and permissions.expert_for(world.manager) is None
    assert permissions.expert_for(world.expert.user) == world.expert
    assert permissions.require_expert(world.expert.user) == world.expert
    with pytest.raises(Http404):
        permissions.require_expert(world.manager)
    for function in (
        permissions.consultations_visible_to,
        permissions.consultations_managed_by,
        permissions.consultations_of_expert,
    ):
        assert not function(anonymous).exists() and not function(stranger).exists()
    assert list(permissions.consultations_visible_to(world.manager)) == [consultation]
    assert list(permissions.consultations_visible_to(world.expert.user)) == [consultation]
    assert list(permissions.consultations_managed_by(world.manager)) == [consultation]
    assert not permissions.consultations_managed_by(world.expert.user).exists()
    assert list(permissions.consultations_of_expert(world.expert.user)) == [consultation]
    assert not permissions.consultations_of_expert(world.manager).exists()
    assert list(permissions.sessions_of(other_world.expert)) == [theirs]
    request = rf.get("/")
    request.user = world.manager
    assert list(permissions.consultations_managed_in(request)) == [consultation]


def test_getters_answer_404_alike_for_malformed_missing_and_foreign_ids(world, other_world, consultation):
    from consultations import permissions

    assert permissions.get_consultation_for(world.manager, str(consultation.pk)) == consultation
    assert permissions.get_consultation_for(world.expert.user, consultation.pk) == consultation
    assert permissions.get_consultation_for_manager(world.manager, consultation.pk) == consultation
    assert permissions.get_consultation_for_expert(world.expert.user, consultation.pk) == consultation
    for getter, user in [
        (permissions.get_consultation_for, other_world.manager),
        (permissions.get_consultation_for_manager, world.expert.user),
        (permissions.get_consultation_for_expert, world.manager),
    ]:
        for pk in (consultation.pk, "abc", consultation.pk + 1000):
            with pytest.raises(Http404):
                getter(user if pk == consultation.pk else world.manager, pk)


def test_each_getter_returns_the_consultation_asked_for(world, consultation):
    from consultations import permissions

    second = ConsultationFactory(agreement=world.agreement, expert=world.expert, starts_at=local_at(6, 10))
    for getter, user in [
        (permissions.get_consultation_for, world.manager),
        (permissions.get_consultation_for_manager, world.manager),
        (permissions.get_consultation_for_expert, world.expert.user),
    ]:
        assert (getter(user, consultation.pk), getter(user, second.pk)) == (consultation, second)


def test_expert_for_reads_the_expert_with_their_user(world, django_assert_num_queries):
    from consultations import permissions

    with django_assert_num_queries(1):
        assert permissions.expert_for(world.expert.user).user.email == world.expert.user.email
