"""Every page of the app does the same number of queries at 5 and at 50 consultations."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import StaffFactory
from consultations.models import Consultation

from .factories import ConsultationFactory, ExpertFactory, SessionOutcomeFactory, available_all_week, local_at

pytestmark = pytest.mark.django_db


def add_rows(world, count, start_index):
    """``count`` consultations of mixed states, each with its own expert of the area."""
    for i in range(start_index, start_index + count):
        expert = available_all_week(ExpertFactory(service_areas=[world.area]))
        kind = i % 5
        if kind == 0:
            ConsultationFactory(agreement=world.agreement, expert=expert, starts_at=local_at(2 + i % 5, 9))
        elif kind == 1:
            ConsultationFactory(
                agreement=world.agreement, expert=world.expert, status="confirmed", starts_at=local_at(2 + i // 5, 8, 0)
            )
        elif kind == 2:
            SessionOutcomeFactory(
                consultation__agreement=world.agreement,
                consultation__expert=world.expert,
                consultation__starts_at=local_at(-1 - i, 9),
            )
        elif kind == 3:
            ConsultationFactory(
                agreement=world.agreement,
                expert=world.expert,
                status="confirmed",
                starts_at=local_at(-1 - i, 12),
            )
        else:
            ConsultationFactory(
                agreement=world.agreement,
                expert=world.expert,
                status="requested",
                starts_at=local_at(20 + i, 10) + datetime.timedelta(minutes=0),
            )


def count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def manager_urls(world):
    first = Consultation.objects.filter(cluster=world.cluster).order_by("pk").first()
    return [
        reverse("consultations:dashboard"),
        reverse("consultations:book"),
        f"{reverse('consultations:book-slots')}?area={world.area.code}&length=2",
        f"{reverse('consultations:book-slots')}?area={world.area.code}&length=2&expert={world.expert.pk}",
        # Each expert's next free time is read over all the pickers' weeks, whichever week is shown.
        f"{reverse('consultations:book-slots')}?area={world.area.code}&length=1&week=6",
        f"{reverse('consultations:book-new')}?area={world.area.code}&expert={world.expert.pk}&length=1"
        f"&start={timezone.localtime(local_at(2, 15)):%Y-%m-%dT%H:%M}",
        reverse("consultations:consultation-reschedule", args=[first.pk]),
        reverse("consultations:consultation-list"),
        f"{reverse('consultations:consultation-list')}?when=past",
        reverse("consultations:consultation-detail", args=[first.pk]),
        reverse("consultations:calendar"),
    ]


def expert_urls(world):
    # The first request of the expert's (``add_rows`` books them from day 20 on): its confirm page and grid of
    # other times to propose.
    request_ = Consultation.objects.filter(expert=world.expert, status="requested").order_by("pk").first()
    return [
        reverse("consultations:consultation-confirm", args=[request_.pk]),
        reverse("consultations:consultation-propose", args=[request_.pk]),
        reverse("consultations:my-sessions"),
        reverse("consultations:session-list"),
        f"{reverse('consultations:session-list')}?when=past&cluster={world.cluster.pk}",
        reverse("consultations:availability"),
    ]


def test_pages_have_a_fixed_query_count(client, world):
    add_rows(world, 5, 0)
    client.force_login(world.manager)
    small = {url: count(client, url) for url in manager_urls(world)}
    client.force_login(world.expert.user)
    small.update({url: count(client, url) for url in expert_urls(world)})
    add_rows(world, 45, 5)
    assert Consultation.objects.count() == 50
    client.force_login(world.manager)
    large = {url: count(client, url) for url in manager_urls(world)}
    client.force_login(world.expert.user)
    large.update({url: count(client, url) for url in expert_urls(world)})
    # The manager's start page also shows the road to the label's card (a reports panel): its five queries
    # (clusters.selectors.cluster_label_road) on top, and the to-do list's proposals and extra hours to answer
    # (consultations.selectors.manager_todo) and events' deadlines, reports and calls (events/panels.py).
    budgets = {reverse("consultations:dashboard"): 12 + 5 + 5}
    for url, queries in small.items():
        assert queries <= budgets.get(url, 12), f"{url}: {queries}"
        assert large[url] == queries, f"{url}: {queries} queries at 5, {large[url]} at 50"


def test_feed_has_a_fixed_query_count(client, world):
    from consultations.services import calendar_feed_for

    feed = calendar_feed_for(world.manager)
    add_rows(world, 5, 0)
    small = count(client, feed.get_absolute_url())
    add_rows(world, 45, 5)
    assert count(client, feed.get_absolute_url()) == small


ADMIN_MODELS = ["consultation", "sessionoutcome", "rating", "expert", "weeklyavailability", "availabilityexception"]


def test_admin_changelists_have_a_fixed_query_count(client, world):
    client.force_login(StaffFactory())
    add_rows(world, 5, 0)
    urls = [reverse(f"admin:consultations_{model}_changelist") for model in ADMIN_MODELS]
    first = Consultation.objects.order_by("pk").first()
    urls.append(reverse("admin:consultations_consultation_change", args=[first.pk]))
    small = {url: count(client, url) for url in urls}
    add_rows(world, 45, 5)
    for url in urls:
        assert count(client, url) == small[url], url
