import pytest
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

from agreements.models import Programme
from clusters.models import Cluster
from events.models import Decision, Delegate, Event, FundingIntent, Outcome, Participation, PartnershipLead

pytestmark = pytest.mark.django_db

MODELS = [Event, Participation, Delegate, Decision, Outcome, PartnershipLead, FundingIntent]


def snapshot():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_demo_events_cover_every_kind_and_loading_twice_changes_nothing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_demo")
    first = snapshot()
    call_command("load_demo")
    assert snapshot() == first

    published = Event.objects.published()
    assert set(published.values_list("kind", flat=True)) == set(Event.Kind.values)
    assert published.filter(kind=Event.Kind.PRESENTATION, city="Vilnius").exists()
    assert published.filter(title_en__icontains="Innovation Express", kind=Event.Kind.FUNDING_CALL).exists()
    assert published.filter(kind=Event.Kind.EU_MEASURE).exists()
    assert Event.objects.filter(status=Event.Status.DRAFT).count() == 1
    # Staff wrote every demo event, and the programme's name, in both languages.
    assert not Event.objects.filter(Q(title_lt="") | Q(title_en="") | Q(description_lt="") | Q(description_en=""))
    assert not Programme.objects.filter(Q(name_lt="") | Q(name_en=""))
    # A demo loaded before both languages were kept gets the missing one, and nothing more.
    hannover = Event.objects.get(title_en="Hannover Messe: Lithuanian cluster pavilion")
    Event.objects.filter(pk=hannover.pk).update(title_lt="", description_lt="")
    call_command("load_demo")
    hannover.refresh_from_db()
    assert hannover.title_lt == "Hannover Messe: Lietuvos klasterių paviljonas" and hannover.description_lt
    assert snapshot() == first
    assert published.exclude(country="LT").filter(kind__in=[Event.Kind.INTERNATIONAL, Event.Kind.EXHIBITION]).exists()

    ivita = Cluster.objects.get(name='"iVITA" Wellness Cluster')
    now = timezone.now()
    past = Participation.objects.get(cluster=ivita, event__ends_at__lt=now)
    assert past.status == Participation.Status.APPROVED
    assert past.outcome.attended and past.outcome.leads.count() >= 2
    assert Participation.objects.filter(
        cluster=ivita, status=Participation.Status.APPLIED, event__registration_deadline__gt=now
    ).exists()
    assert FundingIntent.objects.filter(cluster=ivita).exists()
    # every event obeys the model's own rules
    for event in Event.objects.all():
        event.full_clean()
