from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from inolink.translation_supplement import supplement_path, update_supplement

# Each app keeps its own catalogue in <app>/locale; project-wide templates and inolink/ use locale/.
TRANSLATED_APPS = [
    "accounts",
    "clusters",
    "agreements",
    "consultations",
    "events",
    "outreach",
    "reports",
    "notifications",
    "api",
]
IGNORED = [".venv/*", "node_modules/*", "staticfiles/*", "media/*", "bench/*"]


def update_catalogues(root: Path, *, compile_messages: bool) -> dict[str, list[str]]:
    """Extract every translatable string under ``root`` into its Lithuanian catalogue (run with cwd = root).

    Also brings the supplement for Django's and the installed packages' strings up to date; returns its strings
    still waiting for their Lithuanian text, by domain.
    """
    for app in TRANSLATED_APPS:
        (root / app / "locale").mkdir(exist_ok=True)
    call_command(
        "makemessages", locale=["lt"], no_location=True, no_obsolete=True, ignore_patterns=IGNORED, verbosity=0
    )
    waiting = update_supplement()
    if compile_messages:
        call_command("compilemessages", locale=["lt"], ignore_patterns=IGNORED, verbosity=0)
    return waiting


class Command(BaseCommand):
    help = "Extract translatable strings into the Lithuanian catalogues and compile them."

    def add_arguments(self, parser):
        parser.add_argument("--no-compile", action="store_true", help="Only extract; do not compile .mo files.")

    def handle(self, *args, **options):
        waiting = update_catalogues(Path(settings.BASE_DIR), compile_messages=not options["no_compile"])
        for domain, msgids in waiting.items():
            if msgids:
                path = supplement_path(domain).relative_to(settings.BASE_DIR)
                self.stdout.write(f"{len(msgids)} strings of Django or installed packages await Lithuanian in {path}")
