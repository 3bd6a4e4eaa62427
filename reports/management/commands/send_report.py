import datetime

from django.core.management.base import BaseCommand, CommandError

from notifications.services import messages_send
from reports.services import report_send_monthly, report_send_weekly


class Command(BaseCommand):
    help = "Queue and send the weekly programme report or the monthly cluster statements now (no worker needed)."

    def add_arguments(self, parser):
        parser.add_argument("which", choices=["weekly", "monthly"])
        parser.add_argument("--today", help="Pretend today is this date (YYYY-MM-DD): reports the period before it.")

    def handle(self, *args, which, today=None, **options):
        try:
            day = datetime.date.fromisoformat(today) if today else None
        except ValueError as exc:
            raise CommandError(f"--today must be YYYY-MM-DD: {exc}") from None
        offered = (report_send_weekly if which == "weekly" else report_send_monthly)(today=day)
        result = messages_send()
        self.stdout.write(f"{which}: {offered} message(s) queued")
        self.stdout.write(f"sent {result.sent}, failed {result.failed}, skipped {result.skipped}")
