from django.core.management.base import BaseCommand
from django.db import transaction

from consultations.models import HourAllocation
from consultations.services import recount_delivered_hours


class Command(BaseCommand):
    help = (
        "Recount every hour allocation's delivered hours from the logged outcomes. The application keeps them in "
        "step itself; run this after changing outcomes outside it (SQL, bulk imports)."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            locked = list(HourAllocation.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
            recount_delivered_hours(HourAllocation.objects.filter(pk__in=locked))
        self.stdout.write(f"Recounted the delivered hours of {len(locked)} allocation(s).")
