"""Every admin changelist and change form of the foundation's models opens for staff within a fixed query budget."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import StaffFactory, UserFactory
from agreements.tests.factories import ActiveAgreementFactory, HourAllocationFactory
from clusters.tests.factories import LabelAwardFactory, MembershipFactory
from consultations.models import ServiceArea
from consultations.tests.factories import ExpertFactory

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 20


def make_rows(n):
    for _ in range(n):
        agreement = ActiveAgreementFactory()
        cluster = agreement.cluster
        cluster.managers.add(UserFactory())
        MembershipFactory(cluster=cluster)
        LabelAwardFactory(cluster=cluster)
        for area in ServiceArea.objects.all()[:2]:
            HourAllocationFactory(agreement=agreement, service_area=area)
        ExpertFactory(service_areas=list(ServiceArea.objects.all()[:2]))


ADMIN_MODELS = [
    "clusters.cluster",
    "clusters.organisation",
    "clusters.membership",
    "clusters.labelaward",
    "agreements.programme",
    "agreements.agreement",
    "agreements.signature",
    "consultations.hourallocation",
    "consultations.servicearea",
    "consultations.expert",
    "accounts.user",
]


def count_queries(client, url):
    client.get(url)  # warm per-process caches (content types, permissions) so only the page's own queries count
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code in (200, 302), url
    return len(queries)


def admin_urls(model_label):
    from django.apps import apps
    from django.contrib import admin

    model = apps.get_model(model_label)
    if model not in admin.site._registry:
        return []
    info = (model._meta.app_label, model._meta.model_name)
    urls = [reverse("admin:{}_{}_changelist".format(*info))]
    obj = model._default_manager.order_by("pk").first()
    if obj is not None:
        urls.append(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
    urls.append(reverse("admin:{}_{}_add".format(*info)))
    return urls


@pytest.mark.parametrize("model_label", ADMIN_MODELS)
def test_admin_pages_stay_within_a_fixed_budget(client, model_label):
    client.force_login(StaffFactory())
    make_rows(2)
    small = {url: count_queries(client, url) for url in admin_urls(model_label)}
    make_rows(8)
    large = {url: count_queries(client, url) for url in admin_urls(model_label)}
    for url, count in small.items():
        assert count <= QUERY_BUDGET, f"{url}: {count} queries"
        assert large[url] == count, f"{url}: {count} queries at 2 rows, {large[url]} at 10"
