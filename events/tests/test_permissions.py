"""Every URL of the events app, tried by the wrong people: another cluster's manager, an expert, anonymous."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.urls import reverse

from accounts.tests.factories import StaffFactory, UserFactory
from clusters.tests.factories import ClusterFactory
from consultations.tests.factories import ExpertFactory
from events import permissions
from events.models import Event, FundingIntent, Outcome, Participation

from .factories import EventFactory, FundingCallFactory, ParticipationFactory, PastEventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    own_manager, other_manager = UserFactory(), UserFactory()
    own, other = ClusterFactory(managers=[own_manager]), ClusterFactory(managers=[other_manager])
    event = EventFactory()
    past = PastEventFactory()
    return {
        "own_manager": own_manager,
        "own": own,
        "other": other,
        "event": event,
        "draft": EventFactory(status=Event.Status.DRAFT),
        "call": FundingCallFactory(),
        "open_application": ParticipationFactory(event=event, cluster=other),
        "past_application": ParticipationFactory(event=past, cluster=other, status=Participation.Status.APPROVED),
    }


def other_cluster_object_urls(w):
    """(method, url) of every object URL that belongs to the other cluster or to staff only."""
    open_pk, past_pk = w["open_application"].pk, w["past_application"].pk
    return [
        ("get", reverse("events:participation-detail", args=[open_pk])),
        ("get", reverse("events:participation-detail", args=[past_pk])),
        ("post", reverse("events:participation-withdraw", args=[open_pk])),
        ("get", reverse("events:outcome-report", args=[past_pk])),
        ("post", reverse("events:outcome-report", args=[past_pk])),
        ("get", reverse("events:event-detail", args=[w["draft"].pk])),
        ("get", reverse("events:event-ics", args=[w["draft"].pk])),
        ("get", reverse("events:participation-apply", args=[w["draft"].pk])),
        ("get", reverse("events:funding-intent-edit", args=[w["draft"].pk])),
        ("get", reverse("events:event-outcomes", args=[w["event"].pk])),
        ("get", reverse("events:funding-table")),
        ("get", reverse("events:participation-detail", args=[999999])),
        ("get", reverse("events:event-detail", args=[999999])),
    ]


def snapshot():
    return (
        list(Participation.objects.values_list("pk", "status").order_by("pk")),
        Outcome.objects.count(),
        FundingIntent.objects.count(),
    )


def post_data():
    return {
        "attended": "yes",
        "contacts_made": "3",
        "leads-TOTAL_FORMS": "0",
        "leads-INITIAL_FORMS": "0",
    }


def test_another_clusters_manager_gets_404_for_every_object_url(client, world):
    client.force_login(world["own_manager"])
    before = snapshot()
    for method, url in other_cluster_object_urls(world):
        response = getattr(client, method)(url, post_data() if method == "post" else None)
        assert response.status_code == 404, (method, url, response.status_code)
    assert snapshot() == before


def test_an_expert_sees_the_catalogue_only(client, world):
    expert = ExpertFactory()
    client.force_login(expert.user)
    assert client.get(reverse("events:event-list")).status_code == 200
    assert client.get(reverse("events:event-detail", args=[world["event"].pk])).status_code == 200
    assert client.get(reverse("events:event-ics", args=[world["event"].pk])).status_code == 200
    before = snapshot()
    urls = other_cluster_object_urls(world) + [
        ("get", reverse("events:participation-apply", args=[world["event"].pk])),
        ("post", reverse("events:participation-apply", args=[world["event"].pk])),
        ("get", reverse("events:funding-intent-edit", args=[world["call"].pk])),
        ("post", reverse("events:funding-intent-edit", args=[world["call"].pk])),
    ]
    for method, url in urls:
        response = getattr(client, method)(url, {"status": "considering"} if method == "post" else None)
        assert response.status_code == 404, (method, url, response.status_code)
    assert snapshot() == before


def test_anonymous_people_are_sent_to_sign_in(client, world):
    urls = other_cluster_object_urls(world) + [
        ("get", reverse("events:event-list")),
        ("get", reverse("events:event-detail", args=[world["event"].pk])),
        ("get", reverse("events:event-ics", args=[world["event"].pk])),
        ("get", reverse("events:participation-apply", args=[world["event"].pk])),
        ("get", reverse("events:funding-intent-edit", args=[world["call"].pk])),
    ]
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("accounts:login")), url


def test_staff_read_every_application_but_never_act_for_a_cluster(client, world):
    client.force_login(StaffFactory())
    before = snapshot()
    assert client.get(reverse("events:participation-detail", args=[world["open_application"].pk])).status_code == 200
    assert client.get(reverse("events:event-detail", args=[world["draft"].pk])).status_code == 200
    assert client.get(reverse("events:event-outcomes", args=[world["event"].pk])).status_code == 200
    assert client.get(reverse("events:funding-table")).status_code == 200
    response = client.post(reverse("events:participation-withdraw", args=[world["open_application"].pk]))
    assert response.status_code == 404
    assert client.get(reverse("events:outcome-report", args=[world["past_application"].pk])).status_code == 404
    assert snapshot() == before


def test_a_manager_sees_their_own_application(client, world):
    mine = ParticipationFactory(event=world["event"], cluster=world["own"])
    client.force_login(world["own_manager"])
    response = client.get(reverse("events:participation-detail", args=[mine.pk]))
    assert response.status_code == 200
    assert "Withdraw the application" in response.content.decode()


def test_the_cluster_page_of_another_cluster_stays_hidden(client, world):
    client.force_login(world["own_manager"])
    assert client.get(world["other"].get_absolute_url()).status_code == 404


def test_the_permission_functions_answer_each_person_exactly(rf, world, django_assert_num_queries):
    """The rules themselves, below the pages: who sees which events and applications, who may change one."""
    staff, anonymous, manager = StaffFactory(), AnonymousUser(), world["own_manager"]
    cancelled = EventFactory(status=Event.Status.CANCELLED)
    draft = world["draft"]
    every_event = set(Event.objects.values_list("pk", flat=True))
    assert set(permissions.events_visible_to(staff).values_list("pk", flat=True)) == every_event
    assert set(permissions.events_visible_to(manager).values_list("pk", flat=True)) == every_event - {draft.pk}
    assert cancelled in permissions.events_visible_to(manager)
    assert not permissions.events_visible_to(anonymous).exists()
    assert permissions.get_event_for(staff, str(draft.pk)) == draft
    assert permissions.get_event_for(manager, str(cancelled.pk)) == cancelled
    for user, pk in ((manager, draft.pk), (anonymous, world["event"].pk), (manager, "x")):
        with pytest.raises(Http404):
            permissions.get_event_for(user, pk)

    own_application = ParticipationFactory(event=world["event"], cluster=world["own"])
    every_application = set(Participation.objects.values_list("pk", flat=True))
    assert set(permissions.participations_visible_to(staff).values_list("pk", flat=True)) == every_application
    assert list(permissions.participations_visible_to(manager)) == [own_application]
    assert not permissions.participations_visible_to(anonymous).exists()
    assert permissions.get_participation_for(manager, str(own_application.pk)) == own_application
    assert permissions.get_participation_for(staff, world["open_application"].pk) == world["open_application"]
    narrowed = Participation.objects.filter(status=Participation.Status.APPROVED)
    with pytest.raises(Http404):
        permissions.get_participation_for(manager, own_application.pk, queryset=narrowed)
    for user in (manager, anonymous):
        with pytest.raises(Http404):
            permissions.get_participation_for(user, world["open_application"].pk)

    request = rf.get("/")
    request.user = manager
    assert permissions.get_managed_participation(request, str(own_application.pk)) == own_application
    with pytest.raises(Http404):
        permissions.get_managed_participation(request, own_application.pk, queryset=narrowed)
    with pytest.raises(Http404):
        permissions.get_managed_participation(request, world["open_application"].pk)
    request.user = staff
    with pytest.raises(Http404):
        permissions.get_managed_participation(request, own_application.pk)

    # the pages show the event and the cluster of the application they fetched, without another query
    request.user = manager
    for fetched in (
        permissions.get_participation_for(manager, own_application.pk),
        permissions.get_managed_participation(request, own_application.pk),
    ):
        with django_assert_num_queries(0):
            assert (fetched.event.pk, fetched.cluster.pk) == (world["event"].pk, world["own"].pk)

    assert permissions.can_change_participation(manager, own_application)
    assert not permissions.can_change_participation(manager, world["open_application"])
    assert not permissions.can_change_participation(staff, own_application)
    assert not permissions.can_change_participation(anonymous, own_application)
