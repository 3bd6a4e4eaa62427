from django.conf import settings
from django.core.management.base import BaseCommand
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from notifications.schedules import ensure_default_schedules


class Command(BaseCommand):
    help = "Create the default periodic tasks (sweeps, sending, reports) that are missing; keeps edited ones."

    def handle(self, *args, **options):
        created = ensure_default_schedules(PeriodicTask, IntervalSchedule, CrontabSchedule, settings.TIME_ZONE)
        self.stdout.write(f"{created} periodic task(s) created.")
