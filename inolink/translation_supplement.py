"""Lithuanian for the strings of Django and the packages we install that their own catalogues lack.

Staff work in the admin every day, which Django, django-axes, django-otp, django-simple-history,
django-celery-beat and django-import-export draw. Django's Lithuanian catalogue lags its English one by a few
releases (the admin's
"Show counts", its success messages, the calendar's month names) and the other packages ship no Lithuanian at
all, so those strings would show in English. ``locale_supplement/`` carries their Lithuanian; it comes after
``locale/`` in LOCALE_PATHS, and Django merges it with every catalogue, the JavaScript one included.

A few of Django's own Lithuanian admin strings are retranslated here too (OVERRIDDEN): they put a model's name
where Lithuanian needs it declined or agreeing in gender ("Pasirinkite ekspertas kurį norite keisti", "Naujas
konsultacija"); ours name the model after a colon instead, which reads right for every model. The week days'
abbreviations are the usual two letters.

``update_supplement()`` (run by ``manage.py update_translations``) adds what a package upgrade brought, with an
empty translation for a person to fill, and drops what the packages now translate themselves.
"""

from dataclasses import dataclass
from pathlib import Path

import polib
from django.conf import settings

LANGUAGE = "lt"
DOMAINS = ("django", "djangojs")
SUPPLEMENT_DIR = Path(settings.BASE_DIR) / "locale_supplement"


def _django_dir(*parts: str) -> Path:
    import django

    return Path(django.__file__).resolve().parent.joinpath(*parts)


def _package_dir(name: str) -> Path:
    import importlib

    return Path(importlib.import_module(name).__file__).resolve().parent


OVERRIDDEN = {
    "django": {
        "Select %s to change",
        "Select %s to view",
        "Change %s",
        "View %s",
        "Add %s",
        "Add %(name)s",
        "Add another %(verbose_name)s",
        "Add another %(model)s",
        "Change selected %(model)s",
        "Delete selected %(verbose_name_plural)s",
        # Django gives every plural form "rezultatai": "11 rezultatų", "21 rezultatas".
        "%(counter)s result",
        # A person's "vardas" in Django's auth, which lists first and so wins; our models name things.
        "name",
        # Django's one-letter P, Š, S leave Friday, Saturday and Sunday guessable only from their order.
        "Mon",
        "Tue",
        "Wed",
        "Thu",
        "Fri",
        "Sat",
        "Sun",
    },
    "djangojs": {"Available %s", "Chosen %s"},
}


@dataclass(frozen=True)
class Source:
    """A package's catalogues, and the language whose catalogue lists all its strings (English where the package
    ships one; otherwise its most complete translation, whose msgids are the same)."""

    locale_dir: Path
    reference_language: str


def sources() -> list[Source]:
    found = [Source(_django_dir("conf", "locale"), "en")]
    found += [
        Source(_django_dir("contrib", app, "locale"), "en")
        for app in ("admin", "auth", "contenttypes", "sessions", "messages")
    ]
    found += [
        Source(_package_dir("axes") / "locale", "de"),
        Source(_package_dir("django_otp") / "locale", "de"),
        Source(_package_dir("simple_history") / "locale", "de"),
        Source(_package_dir("django_celery_beat") / "locale", "de"),
        Source(_package_dir("import_export") / "locale", "de"),  # the admin's export and import pages
    ]
    return found


Key = tuple[str | None, str]  # (msgctxt, msgid)


def _catalogue(locale_dir: Path, language: str, domain: str) -> polib.POFile | None:
    path = locale_dir / language / "LC_MESSAGES" / f"{domain}.po"
    return polib.pofile(str(path)) if path.exists() else None


def _is_translated(entry: polib.POEntry) -> bool:
    if "fuzzy" in entry.flags or entry.obsolete:
        return False
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def _translated_keys(catalogues) -> set[Key]:
    return {(e.msgctxt, e.msgid) for catalogue in catalogues for e in catalogue if _is_translated(e)}


def needed_entries(domain: str) -> dict[Key, polib.POEntry]:
    """The packages' strings of ``domain`` that no Lithuanian catalogue but the supplement translates (or that it
    translates over Django's, OVERRIDDEN).

    Gettext merges every catalogue of a domain into one, so a string one package translates (say Django's core
    "Username") serves the others too. Our own catalogues count as well.
    """
    package_catalogues = [(source, _catalogue(source.locale_dir, LANGUAGE, domain)) for source in sources()]
    ours = [Path(settings.BASE_DIR) / "locale"] + [
        Path(app_dir) / "locale" for app_dir in _project_app_dirs() if (Path(app_dir) / "locale").is_dir()
    ]
    translated = _translated_keys(c for _source, c in package_catalogues if c is not None)
    translated |= _translated_keys(c for c in (_catalogue(d, LANGUAGE, domain) for d in ours) if c is not None)
    needed: dict[Key, polib.POEntry] = {}
    for source, _lithuanian in package_catalogues:
        reference = _catalogue(source.locale_dir, source.reference_language, domain)
        for entry in reference or ():
            key = (entry.msgctxt, entry.msgid)
            wanted = key not in translated or (entry.msgctxt is None and entry.msgid in OVERRIDDEN[domain])
            if entry.msgid and not entry.obsolete and wanted and key not in needed:
                needed[key] = entry
    return needed


def _project_app_dirs() -> list[str]:
    from django.apps import apps

    base = Path(settings.BASE_DIR).resolve()
    return [config.path for config in apps.get_app_configs() if Path(config.path).resolve().is_relative_to(base)]


def supplement_path(domain: str) -> Path:
    return SUPPLEMENT_DIR / LANGUAGE / "LC_MESSAGES" / f"{domain}.po"


def update_supplement() -> dict[str, list[str]]:
    """Bring each domain's supplement in line with what the packages need; returns the msgids still untranslated."""
    untranslated = {}
    for domain in DOMAINS:
        path = supplement_path(domain)
        path.parent.mkdir(parents=True, exist_ok=True)
        existing = polib.pofile(str(path)) if path.exists() else _new_catalogue()
        kept = {(e.msgctxt, e.msgid): e for e in existing if not e.obsolete}
        catalogue = _new_catalogue(existing.metadata)
        for key, reference in sorted(needed_entries(domain).items(), key=lambda item: (item[0][1], item[0][0] or "")):
            entry = kept.get(key) or polib.POEntry(
                msgctxt=reference.msgctxt,
                msgid=reference.msgid,
                msgid_plural=reference.msgid_plural,
                msgstr_plural=dict.fromkeys(range(4), "") if reference.msgid_plural else {},
                flags=[flag for flag in reference.flags if flag.endswith("-format")],
            )
            catalogue.append(entry)
        catalogue.save(str(path))
        untranslated[domain] = [entry.msgid for entry in catalogue if not _is_translated(entry)]
    return untranslated


def _new_catalogue(metadata: dict | None = None) -> polib.POFile:
    catalogue = polib.POFile(wrapwidth=120)
    catalogue.metadata = metadata or {
        "Project-Id-Version": "InoLink (strings of Django and installed packages)",
        "Language": LANGUAGE,
        "Last-Translator": "InoLink team",
        "Language-Team": "Lithuanian",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": (
            "nplurals=4; plural=(n % 10 == 1 && (n % 100 > 19 || n % 100 < 11) ? 0 : (n % 10 >= 2 && n % 10 <=9) "
            "&& (n % 100 > 19 || n % 100 < 11) ? 1 : n % 1 != 0 ? 2: 3);"
        ),
    }
    return catalogue
