from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

# Each app keeps its own catalogue in <app>/locale; project-wide templates and inolink/ use locale/.
TRANSLATED_APPS = ["accounts", "clusters", "agreements", "consultations", "events", "reports", "notifications"]
IGNORED = [".venv/*", "node_modules/*", "staticfiles/*", "media/*", "bench/*"]


def update_catalogues(root: Path, *, compile_messages: bool) -> None:
    """Extract every translatable string under ``root`` into its Lithuanian catalogue (run with cwd = root)."""
    for app in TRANSLATED_APPS:
        (root / app / "locale").mkdir(exist_ok=True)
    call_command(
        "makemessages", locale=["lt"], no_location=True, no_obsolete=True, ignore_patterns=IGNORED, verbosity=0
    )
    if compile_messages:
        call_command("compilemessages", locale=["lt"], ignore_patterns=IGNORED, verbosity=0)


class Command(BaseCommand):
    help = "Extract translatable strings into the Lithuanian catalogues and compile them."

    def add_arguments(self, parser):
        parser.add_argument("--no-compile", action="store_true", help="Only extract; do not compile .mo files.")

    def handle(self, *args, **options):
        update_catalogues(Path(settings.BASE_DIR), compile_messages=not options["no_compile"])
