from django.core.management.base import BaseCommand

from notifications.services import messages_send
from notifications.sweeps import sweeps_run


class Command(BaseCommand):
    help = "Run the sweeps and send every due message now, without a Celery worker (the tasks' own code)."

    def add_arguments(self, parser):
        parser.add_argument("--no-sweeps", action="store_true", help="Only send what is already pending.")

    def handle(self, *args, **options):
        if not options["no_sweeps"]:
            for name, offered in sweeps_run(dispatch=False).items():
                self.stdout.write(f"sweep {name}: {offered if offered >= 0 else 'FAILED (see log)'}")
        result = messages_send()
        self.stdout.write(f"sent {result.sent}, failed {result.failed}, skipped {result.skipped}")
