import pytest
from django.core.management import call_command

from accounts.models import User
from agreements.models import Agreement, Programme, Signature
from clusters.models import Cluster, LabelAward, LabelLevel, Membership, Organisation
from consultations.models import Expert, HourAllocation

pytestmark = pytest.mark.django_db

SEED_CLUSTERS = [
    '"iVITA" Wellness Cluster',
    "Laser and Engineering Technology Cluster",
    "SMART Food Cluster",
    "National Food and Economy Cluster",
    "Smart Technology Cluster",
    "Lithuanian Plastics Cluster",
    'Cluster "Railway LT"',
    "Bio Power Plant Development Cluster",
    "Lithuanian Automotive Component Manufacturers and Exporters Association (LAuGEA)",
    '"Užupis Creative Cluster" Association',
]

MODELS = [User, Cluster, Organisation, Membership, LabelAward, Programme, Agreement, Signature, HourAllocation, Expert]


def snapshot():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_demo_holds_the_seed_facts_and_loading_twice_changes_nothing():
    call_command("load_demo")
    first = snapshot()
    call_command("load_demo")
    assert snapshot() == first

    programme = Programme.objects.get(code="inolink")
    assert programme.agency.name.startswith("Agency for Science, Innovation and Technology")
    assert programme.partner.name == "Lithuanian Innovation Center"
    assert (programme.bronze_target, programme.silver_target) == (6, 1)
    assert (programme.ends_on - programme.starts_on).days >= 3 * 365 - 2

    active = Agreement.objects.active().filter(programme=programme)
    assert sorted(active.values_list("cluster__name", flat=True)) == sorted(SEED_CLUSTERS)
    assert HourAllocation.objects.filter(agreement__in=active).count() == 50
    assert Cluster.objects.count() > 50
    assert Cluster.objects.filter(is_sample=False).count() == 10
    assert programme.kpi_progress()["bronze"] == 1
    ivita = Cluster.objects.get(name='"iVITA" Wellness Cluster')
    assert ivita.current_label_level == LabelLevel.BRONZE

    staff = User.objects.get(email="staff@example.com")
    assert staff.is_staff and staff.check_password("inolink-demo")
    manager = User.objects.get(email="manager@example.com")
    assert list(manager.managed_clusters.all()) == [ivita]
    assert Expert.objects.filter(user__email="expert@example.com").exists()
