"""Texts staff write in both languages (an event's title and description, the programme's name).

Each is a pair of model fields, ``<name>_lt`` and ``<name>_en``, and one read-only attribute ``<name>`` that gives the
reader's language: the active translation, as pages, emails (sent under the recipient's language) and calendar feeds
set it. When only one language is written, both readers get that one rather than nothing.
"""

from django.db.models import Q
from django.utils import translation

LANGUAGES = ("lt", "en")

# Letters of Lithuanian that English has not.
LITHUANIAN_LETTERS = frozenset("ąčęėįšųūžĄČĘĖĮŠŲŪŽ")


def reader_language() -> str:
    """The active language as one of ``LANGUAGES``: English for any English, otherwise Lithuanian (the default)."""
    return "en" if (translation.get_language() or "").startswith("en") else "lt"


def pick(*, lt: str, en: str, language: str | None = None) -> str:
    """The text in ``language`` (the reader's by default), or the other one when that is not written."""
    if (language or reader_language()) == "en":
        return en or lt
    return lt or en


def looks_lithuanian(text: str) -> bool:
    """Whether a text is written in Lithuanian rather than English, for sorting texts written before both were kept.

    At least 1 in 50 of its letters is Lithuanian only: a Lithuanian sentence has several times that, an English one
    naming "Šiauliai" far fewer. A text sorted wrongly still shows to every reader, the other language's as fallback.
    """
    letters = [character for character in text if character.isalpha()]
    return bool(letters) and 50 * sum(letter in LITHUANIAN_LETTERS for letter in letters) >= len(letters)


def written_in_either(name: str) -> Q:
    """A database check's condition: the text is written in at least one language."""
    return Q(**{f"{name}_lt__gt": ""}) | Q(**{f"{name}_en__gt": ""})


class BilingualText:
    """The attribute ``<name>``: ``<name>_lt`` or ``<name>_en`` by ``pick``. Read-only: staff write the pair.

    ``short_description`` is the label the admin and exports show for the attribute.
    """

    def __init__(self, verbose_name):
        self.short_description = verbose_name

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return pick(lt=getattr(instance, f"{self.name}_lt"), en=getattr(instance, f"{self.name}_en"))

    def __set__(self, instance, value):
        # Without this, an assignment would hide the pair on that object and be lost on save.
        raise AttributeError(f"{self.name} is read-only: set {self.name}_lt or {self.name}_en")
