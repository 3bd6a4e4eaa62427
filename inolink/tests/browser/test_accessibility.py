"""Every front-end page, for every role, in both languages, has no WCAG 2.1 AA violation axe-core can find.

The pages are those of the demo data, so what a new user sees is what is checked.
"""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from agreements.models import Programme
from clusters.models import Cluster
from consultations.models import Consultation
from events.models import Event, Participation

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DEMO_PASSWORD = "inolink-demo"


def manager_pages():
    cluster = Cluster.objects.get(name='"iVITA" Wellness Cluster')
    consultation = Consultation.objects.filter(cluster=cluster).order_by("-starts_at").first()
    upcoming = Consultation.objects.filter(cluster=cluster, starts_at__gt=timezone.now() + timezone.timedelta(days=2))
    participation = Participation.objects.filter(cluster=cluster).first()
    open_event = (
        Event.objects.published()
        .filter(registration_deadline__gt=timezone.now())
        .exclude(participations__cluster=cluster)
        .first()
    )
    pages = [
        reverse("consultations:dashboard"),
        reverse("consultations:book"),
        f"{reverse('consultations:book-slots')}?area=strategy&length=1",
        reverse("consultations:consultation-list"),
        reverse("consultations:consultation-detail", args=[consultation.pk]),
        reverse("consultations:calendar"),
        reverse("events:event-list"),
        reverse("events:participation-detail", args=[participation.pk]),
        reverse("events:participation-withdraw", args=[participation.pk]),
        reverse("clusters:cluster-detail", args=[cluster.pk]),
        reverse("reports:cluster-road", args=[cluster.pk]),
        reverse("reports:evidence-pack", args=[cluster.pk]),
        reverse("agreements:agreement-detail", args=[cluster.agreements.first().pk]),
        reverse("accounts:password-change"),
    ]
    declined = Consultation.objects.filter(cluster=cluster, status=Consultation.Status.DECLINED).first()
    if declined:
        pages.append(reverse("consultations:consultation-detail", args=[declined.pk]))
    if upcoming.exists():
        pages += [
            reverse("consultations:consultation-cancel", args=[upcoming.first().pk]),
            reverse("consultations:consultation-reschedule", args=[upcoming.first().pk]),
        ]
    if open_event:
        pages += [
            reverse("events:event-detail", args=[open_event.pk]),
            reverse("events:participation-apply", args=[open_event.pk]),
        ]
    return pages


def expert_pages():
    user = User.objects.get(email="expert@example.com")
    sessions = Consultation.objects.filter(expert__user=user)
    pages = [
        reverse("consultations:my-sessions"),
        reverse("consultations:session-list"),
        reverse("consultations:availability"),
        reverse("consultations:calendar"),
        reverse("events:event-list"),
        reverse("consultations:consultation-detail", args=[sessions.first().pk]),
    ]
    due = sessions.filter(starts_at__lt=timezone.now(), outcome__isnull=True).first()
    if due:
        pages.append(reverse("consultations:consultation-outcome", args=[due.pk]))
    requested = sessions.filter(status=Consultation.Status.REQUESTED).first()
    if requested:
        pages.append(reverse("consultations:consultation-decline", args=[requested.pk]))
    return pages


def staff_pages():
    event = Event.objects.published().first()
    return [
        reverse("reports:dashboard"),
        reverse("reports:planner"),
        reverse("reports:hours-pace", args=[Programme.objects.order_by("-starts_on").first().pk]),
        reverse("reports:table", args=["consultations_by_area"]),
        reverse("events:funding-table"),
        reverse("events:event-list"),
        reverse("events:event-outcomes", args=[event.pk]),
        reverse("events:participation-detail", args=[Participation.objects.order_by("pk").first().pk]),
        reverse("clusters:cluster-detail", args=[Cluster.objects.order_by("pk").first().pk]),
        reverse("reports:cluster-road", args=[Cluster.objects.order_by("pk").first().pk]),
    ]


def visit_every_page(page):
    """Sign in as each demo role in turn and open each of its pages; yields each URL once its page is loaded."""
    for email, pages in ROLES.items():
        page.context.clear_cookies()
        page.goto(reverse("accounts:login"))
        page.locator("#id_username").fill(email)
        page.locator("#id_password").fill(DEMO_PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        for url in pages():
            response = page.goto(url)
            assert response.status == 200, f"{email} {url}: {response.status}"
            yield url


ROLES = {
    "manager@example.com": manager_pages,
    "expert@example.com": expert_pages,
    "staff@example.com": staff_pages,
}


@pytest.mark.parametrize("language", ["lt", "en"])
def test_every_page_of_every_role_passes_axe(page, language):
    call_command("load_demo", verbosity=0)
    User.objects.update(language=language)
    page.goto(reverse("accounts:login"))
    assert_accessible(page)
    page.goto(reverse("accounts:password-reset"))
    assert_accessible(page)
    for _url in visit_every_page(page):
        assert_accessible(page)
