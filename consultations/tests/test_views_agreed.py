"""Issue 16 pages: the detail page's history and answers, proposing another time, editing details, extra hours."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from consultations import services
from consultations.models import Consultation, ExtraHours, SessionOutcome
from inolink.formatting import day_and_time

from .factories import ConsultationFactory, local_at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def slot(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def page(client, consultation) -> str:
    return client.get(reverse("consultations:consultation-detail", args=[consultation.pk])).content.decode()


def test_the_history_shows_who_moved_it_why_and_both_times(client, world):
    consultation = services.consultation_book(**world.book_kwargs())
    services.consultation_confirm(consultation=consultation, by=world.expert.user)
    services.consultation_reschedule(
        consultation=consultation, starts_at=local_at(4, 11), hours=Decimal("1"), by=world.manager, reason="Board meets"
    )
    services.consultation_confirm(consultation=consultation, by=world.expert.user)
    client.force_login(world.manager)
    html = page(client, consultation)
    with translation.override("en"):
        old, new = day_and_time(local_at(3, 10)), day_and_time(local_at(4, 11))
    assert f"Moved: from {old} to {new}, by {world.manager} (cluster manager)" in html
    assert "Board meets" in html
    assert f"({world.expert.user})" not in html  # the manager's reason is not lent to the expert who confirmed
    assert html.count("Moved: from") == 1


def test_the_expert_proposes_another_time_and_the_manager_accepts_it(client, world):
    consultation = services.consultation_book(**world.book_kwargs())
    client.force_login(world.expert.user)
    assert "Propose another time" in page(client, consultation)
    url = reverse("consultations:consultation-propose", args=[consultation.pk])
    assert client.get(url).status_code == 200
    assert client.get(url, {"start": slot(local_at(5, 14)), "length": "1"}).context["starts_at"] == local_at(5, 14)
    response = client.post(url, {"starts_at": slot(local_at(5, 14)), "reason": "Away on the 3rd"})
    assert response.status_code == 302
    client.force_login(world.manager)
    html = page(client, consultation)
    assert "Accept the proposed time" in html and "Away on the 3rd" in html
    client.post(reverse("consultations:consultation-proposal-accept", args=[consultation.pk]))
    consultation.refresh_from_db()
    assert (consultation.status, consultation.starts_at) == ("confirmed", local_at(5, 14))
    # A second proposal page for a confirmed session says why not, on the detail page.
    client.force_login(world.expert.user)
    response = client.get(url, follow=True)
    assert "only for an upcoming request" in response.content.decode()


def test_the_expert_gives_the_link_the_cluster_left_with_the_proposal(client, world):
    consultation = services.consultation_book(**world.book_kwargs(meeting_url=""))
    client.force_login(world.expert.user)
    url = reverse("consultations:consultation-propose", args=[consultation.pk])
    form = client.get(url, {"start": slot(local_at(5, 14)), "length": "1"}).context["form"]
    assert form.fields["meeting_url"].required
    response = client.post(url, {"starts_at": slot(local_at(5, 14))})
    assert response.status_code == 200
    assert response.context["form"].errors["meeting_url"] == [str(services.LINK_WITH_PROPOSAL)]
    response = client.post(url, {"starts_at": slot(local_at(5, 14)), "meeting_url": "https://meet.example.com/x"})
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert (consultation.proposed_starts_at, consultation.meeting_url) == (
        local_at(5, 14),
        "https://meet.example.com/x",
    )


def test_the_proposal_asks_no_link_when_the_session_has_one(client, world):
    consultation = services.consultation_book(**world.book_kwargs())
    client.force_login(world.expert.user)
    url = reverse("consultations:consultation-propose", args=[consultation.pk])
    form = client.get(url, {"start": slot(local_at(5, 14)), "length": "1"}).context["form"]
    assert "meeting_url" not in form.fields


def test_the_manager_declines_a_proposal_with_an_optional_reason(client, world):
    consultation = services.consultation_book(**world.book_kwargs())
    services.consultation_propose(consultation=consultation, starts_at=local_at(5, 14), by=world.expert.user)
    client.force_login(world.manager)
    client.post(reverse("consultations:consultation-proposal-decline", args=[consultation.pk]), {"reason": ""})
    consultation.refresh_from_db()
    assert (consultation.status, consultation.proposed_starts_at) == ("requested", None)


def test_the_manager_edits_the_details(client, world):
    consultation = services.consultation_book(**world.book_kwargs())
    client.force_login(world.manager)
    url = reverse("consultations:consultation-edit", args=[consultation.pk])
    form = client.get(url).context["form"]
    assert form["topic"].value() == "Strategy review"
    response = client.post(url, {"topic": "", "format": "online", "meeting_url": "https://meet.example.com/new"})
    assert response.context["form"].errors["topic"]
    response = client.post(
        url,
        {"topic": "Export plan", "agenda": "Goals", "format": "online", "meeting_url": "https://meet.example.com/new"},
    )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert (consultation.topic, consultation.meeting_url) == ("Export plan", "https://meet.example.com/new")
    assert "Details corrected by" in page(client, consultation)


def held_with_extra(world) -> SessionOutcome:
    start = timezone.now() - datetime.timedelta(hours=3)
    consultation = ConsultationFactory(
        agreement=world.agreement, expert=world.expert, starts_at=start, hours=Decimal("2"), status="confirmed"
    )
    return services.outcome_save(
        consultation=consultation, by=world.expert.user, result="held", summary="Done", hours_delivered=Decimal("2.5")
    )


def test_the_manager_sees_the_difference_and_accepts(client, world):
    outcome = held_with_extra(world)
    world.manager.language = "en"
    world.manager.save()
    client.force_login(world.manager)
    # Hours are written with a no-break space ("2.5\u00a0h"); compare them as plain text.
    html = re.sub(r"\s+", " ", page(client, outcome.consultation).replace("&#x27;", "'").replace("&nbsp;", " "))
    assert "Logged 2.5 h on a booking of 2 h (0.5 h more)" in html
    assert "counted toward the cluster's hours: 2 h" in html
    client.post(reverse("consultations:extra-hours-accept", args=[outcome.consultation_id]))
    assert SessionOutcome.objects.get(pk=outcome.pk).extra_status == ExtraHours.ACCEPTED


def test_the_manager_disputes_with_a_reason(client, world):
    outcome = held_with_extra(world)
    client.force_login(world.manager)
    url = reverse("consultations:extra-hours-dispute", args=[outcome.consultation_id])
    assert client.post(url, {"reason": ""}).context["form"].errors["reason"]
    assert client.post(url, {"reason": "We stopped at noon"}).status_code == 302
    assert SessionOutcome.objects.get(pk=outcome.pk).extra_status == ExtraHours.DISPUTED
    assert "We stopped at noon" in page(client, outcome.consultation)
    # Disputed, there is nothing left to dispute: the page says so instead of a second form.
    assert "no extra hours awaiting" in client.get(url, follow=True).content.decode()


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_detail_page_reads_a_fixed_number_of_queries_whatever_its_history(client, world):
    consultation = services.consultation_book(**world.book_kwargs())
    services.consultation_propose(consultation=consultation, starts_at=local_at(5, 14), by=world.expert.user)
    client.force_login(world.manager)
    url = reverse("consultations:consultation-detail", args=[consultation.pk])
    few = _queries(client, url)
    for _n in range(10):
        services.consultation_proposal_decline(consultation=consultation, by=world.manager, reason="No")
        services.consultation_propose(consultation=consultation, starts_at=local_at(5, 14), by=world.expert.user)
    assert Consultation.objects.get(pk=consultation.pk).changes.count() == 21
    assert _queries(client, url) == few


def test_the_experts_request_list_says_which_requests_wait_for_the_clusters_answer(client, world):
    waiting = services.consultation_book(**world.book_kwargs())
    services.consultation_propose(consultation=waiting, starts_at=local_at(5, 14), by=world.expert.user)
    services.consultation_book(**world.book_kwargs(starts_at=local_at(6, 10), topic="Untouched"))
    client.force_login(world.expert.user)
    page = client.get(reverse("consultations:my-sessions")).content.decode()
    with translation.override("en"):
        when = day_and_time(local_at(5, 14))
    assert page.count("the cluster has not answered yet") == 1
    assert f'You proposed <span class="text-nowrap">{when}</span>; the cluster has not answered yet.' in page
