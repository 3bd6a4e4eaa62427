"""Writes to accounts that pages, the admin and commands share."""

from django.conf import settings

# A language chosen with the switch before signing in, kept in the session until the person signs in.
CHOSEN_LANGUAGE_SESSION_KEY = "accounts_chosen_language"


def user_language_choose(*, user, language: str) -> None:
    """Keep the language a person chose (the switch in the navigation) as theirs: the pages after sign-in and
    their emails follow it.

    Nothing else writes it: until a person chooses, it stays empty and the pages follow the language they are
    reading in (the switch's cookie, else the browser's languages), so signing in never changes the language.
    """
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"Unknown language {language!r}")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
