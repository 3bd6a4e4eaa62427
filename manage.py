#!/usr/bin/env python
import os
import secrets
import sys

# Commands that only read the code (no sessions, tokens or signed data) need no production secret key.
CODE_ONLY_COMMANDS = {"makemigrations", "makemessages", "compilemessages", "update_translations"}


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inolink.settings")
    if len(sys.argv) > 1 and sys.argv[1] in CODE_ONLY_COMMANDS:
        os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
