from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import demo as accounts_demo
from agreements import demo as agreements_demo
from clusters import demo as clusters_demo
from consultations import demo as consultations_demo
from events import demo as events_demo
from inolink.ical import absolute_url
from outreach import demo as outreach_demo


class Command(BaseCommand):
    help = "Load the InoLink demo: the seed's agency, partner, programme and ten clusters, plus sample data."

    def handle(self, *args, **options):
        with transaction.atomic():
            users = accounts_demo.load()
            registry = clusters_demo.load(manager=users["manager"])
            experts = consultations_demo.load(expert_user=users["expert"])
            programme = agreements_demo.load(registry=registry)
            consultations_demo.load_allocations(programme=programme)
            consultations_demo.load_consultations(manager=users["manager"])
            events_demo.load(registry=registry, manager=users["manager"], staff=users["staff"])
            invitation = outreach_demo.load(registry=registry, staff=users["staff"])
        self.stdout.write(
            self.style.SUCCESS(
                "Demo data is loaded. Sign in as staff@example.com, manager@example.com or expert@example.com."
            )
        )
        self.stdout.write(f"  {len(experts)} experts, {len(registry['programme_clusters'])} programme clusters.")
        if invitation.accepted_at is None and invitation.revoked_at is None:
            self.stdout.write(
                f"  Invitation for {invitation.email} (manager of {invitation.cluster}): "
                f"{absolute_url(invitation.get_accept_url())}"
            )
