"""Pages of lower apps show what higher apps keep about their object, through ``inolink.panels``."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import StaffFactory
from agreements.tests.factories import ActiveAgreementFactory, HourAllocationFactory
from consultations.models import ServiceArea
from consultations.tests.factories import ConsultationFactory
from events.tests.factories import ParticipationFactory

pytestmark = pytest.mark.django_db


def queries_of(client, django_assert_max_num_queries, url, budget):
    with django_assert_max_num_queries(budget) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(captured)


def test_a_clusters_page_shows_its_agreements_and_events_in_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    client.force_login(StaffFactory())
    agreement = ActiveAgreementFactory()
    cluster = agreement.cluster
    participation = ParticipationFactory(cluster=cluster)
    url = reverse("clusters:cluster-detail", args=[cluster.pk])
    html, few = queries_of(client, django_assert_max_num_queries, url, 20)
    assert agreement.number in html and participation.event.title in html
    assert html.index(agreement.number) < html.index("member organisation") < html.index(participation.event.title)
    ParticipationFactory.create_batch(3, cluster=cluster)
    assert queries_of(client, django_assert_max_num_queries, url, 20)[1] == few


def test_an_agreements_page_shows_the_hours_its_sessions_use(client):
    client.force_login(StaffFactory())
    allocation = HourAllocationFactory(service_area=ServiceArea.objects.get(code="legal"), hours_granted=Decimal("20"))
    ConsultationFactory(agreement=allocation.agreement, service_area=allocation.service_area, hours=Decimal("2"))
    html = client.get(reverse("agreements:agreement-detail", args=[allocation.agreement.pk])).content.decode()
    cells = re.findall(r'<td class="num[^"]*" data-label="[^"]*">([\d,.]+)', html)
    assert cells == ["20", "0", "2", "18"]  # granted, delivered, held by the booking, remaining
