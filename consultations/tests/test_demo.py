import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from consultations.models import Consultation, HourAllocation, Rating, SessionOutcome, WeeklyAvailability

pytestmark = pytest.mark.django_db


def counts():
    return [model.objects.count() for model in (Consultation, SessionOutcome, Rating, WeeklyAvailability)]


def test_demo_consultations_load_once_and_show_every_state(client):
    call_command("load_demo", stdout=None)
    first = counts()
    call_command("load_demo", stdout=None)
    assert counts() == first
    manager = User.objects.get(email="manager@example.com")
    expert = User.objects.get(email="expert@example.com")
    mine = Consultation.objects.filter(cluster__managers=manager)
    assert mine.filter(status="requested", expert__user=expert).exists()
    assert mine.filter(status="confirmed").upcoming().exists()
    assert mine.outcome_due().filter(expert__user=expert).exists()
    assert mine.filter(status="held", rating__isnull=True).exists()
    assert mine.filter(status="held", rating__isnull=False).exists()
    assert mine.filter(status="declined", status_reason__gt="").exists()
    assert all(a.hours_remaining >= 0 for a in HourAllocation.objects.with_usage())
    # The pages link to what is waiting (checked by address, so translations cannot break it).
    client.force_login(manager)
    response = client.get(reverse("consultations:dashboard"))
    todos = [*response.context["todos"], *response.context["todos_more"]]
    rate_urls = [item.url for item in todos if item.kind == "rate"]
    assert sorted(rate_urls) == sorted(
        f"{c.get_absolute_url()}#rate" for c in mine.filter(status="held", rating__isnull=True)
    )
    client.force_login(expert)
    page = client.get(reverse("consultations:my-sessions")).content.decode()
    due = mine.outcome_due().get(expert__user=expert)
    requested = mine.filter(status="requested", expert__user=expert).first()
    assert reverse("consultations:consultation-outcome", args=[due.pk]) in page
    assert reverse("consultations:consultation-confirm", args=[requested.pk]) in page


def test_demo_outcomes_read_as_logged_once_with_the_dispute_window_counted_from_the_logging():
    import datetime

    from django.utils import timezone

    from consultations.models import ExtraHours, extra_hours_dispute_days

    call_command("load_demo", stdout=None)
    for outcome in SessionOutcome.objects.select_related("consultation"):
        assert [record.history_date for record in outcome.history.all()] == [outcome.created_at]
        assert outcome.consultation.created_at < outcome.consultation.starts_at
    pending = SessionOutcome.objects.get(extra_status=ExtraHours.PENDING)
    assert pending.extra_due_at == pending.created_at + datetime.timedelta(days=extra_hours_dispute_days())
    assert pending.extra_due_at > timezone.now()
