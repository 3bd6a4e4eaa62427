"""Journey 5: a manager who types another cluster's consultation address gets "not found", in the site's layout."""

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, UserFactory
from agreements.tests.factories import ActiveAgreementFactory
from clusters.tests.factories import ClusterFactory
from consultations.models import Consultation
from consultations.tests.factories import ConsultationFactory
from events.tests.factories import ParticipationFactory

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_another_clusters_consultation_is_not_found(page):
    manager = UserFactory(email="manager@example.com")
    ActiveAgreementFactory(cluster=ClusterFactory(name="Laser Cluster", managers=[manager]))
    theirs = ConsultationFactory(topic="Their secret merger", agreement=ActiveAgreementFactory())
    their_application = ParticipationFactory(motivation="Their secret plan")

    sign_in(page, manager.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Laser Cluster")
    addresses = [
        f"/consultations/{theirs.pk}/",
        f"/consultations/{theirs.pk}/reschedule/",
        f"/consultations/{theirs.pk}/cancel/",
        f"/events/applications/{their_application.pk}/",
    ]
    for address in addresses:
        response = page.goto(address)
        assert response.status == 404, address
        expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
        expect(page.locator("main")).not_to_contain_text("Their secret")
        assert_accessible(page)

    # The page keeps the navigation, so the way back is one click.
    page.get_by_role("link", name="Go to your start page").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Laser Cluster")
    theirs.refresh_from_db()
    assert theirs.status == Consultation.Status.REQUESTED
