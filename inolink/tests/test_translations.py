"""The Lithuanian translation is complete: a new string without its Lithuanian text fails here."""

import datetime
import os
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format

from inolink.management.commands.update_translations import TRANSLATED_APPS
from inolink.translation_supplement import DOMAINS, SUPPLEMENT_DIR, needed_entries, supplement_path

BASE_DIR = Path(settings.BASE_DIR)
CATALOGUES = [BASE_DIR / "locale", SUPPLEMENT_DIR] + [BASE_DIR / app / "locale" for app in TRANSLATED_APPS]
SKIP_DIRS = {".venv", "node_modules", "staticfiles", "media", ".git", ".pytest_cache", ".ruff_cache", "bench"}


def po_files(root_dirs):
    return [path for root in root_dirs for path in sorted(root.glob("lt/LC_MESSAGES/*.po"))]


def untranslated(po_path):
    catalogue = polib.pofile(str(po_path))
    return [
        entry.msgid
        for entry in catalogue
        if not entry.obsolete
        and ("fuzzy" in entry.flags or not (entry.msgstr or all(entry.msgstr_plural.values()) and entry.msgstr_plural))
    ]


@pytest.mark.parametrize("po_path", po_files(CATALOGUES), ids=lambda p: str(p.relative_to(BASE_DIR)))
def test_committed_catalogue_has_no_empty_or_fuzzy_entries(po_path):
    assert untranslated(po_path) == []


@pytest.mark.parametrize("po_path", po_files(CATALOGUES), ids=lambda p: str(p.relative_to(BASE_DIR)))
def test_compiled_catalogue_matches_its_source(po_path):
    compiled = polib.mofile(str(po_path.with_suffix(".mo")))
    source = polib.pofile(str(po_path))
    as_dict = lambda cat: {(e.msgctxt, e.msgid): e.msgstr or dict(e.msgstr_plural) for e in cat if e.msgid}  # noqa: E731
    mo = {
        (e.msgctxt, e.msgid): e.msgstr or {int(k): v for k, v in e.msgstr_plural.items()} for e in compiled if e.msgid
    }
    po = {
        key: value if isinstance(value, str) else {int(k): v for k, v in value.items()}
        for key, value in as_dict(source).items()
    }
    assert mo == po, "run `make messages` to recompile the .mo files"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext (xgettext) is not installed")
def test_every_string_in_the_code_has_its_lithuanian_text(tmp_path):
    copy = tmp_path / "project"
    shutil.copytree(BASE_DIR, copy, ignore=lambda directory, names: [n for n in names if n in SKIP_DIRS])
    env = {**os.environ, "DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    result = subprocess.run(
        [sys.executable, "manage.py", "update_translations", "--no-compile"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    missing = {
        str(path.relative_to(copy)): untranslated(path)
        for path in po_files(
            [copy / "locale", copy / SUPPLEMENT_DIR.name] + [copy / app / "locale" for app in TRANSLATED_APPS]
        )
    }
    assert {path: strings for path, strings in missing.items() if strings} == {}, "run `make messages` and translate"


def test_hours_and_interface_follow_the_language():
    from django.template import Context, Template

    template = Template("{% load inolink_format %}{{ value|hours }}")
    with translation.override("lt"):
        assert template.render(Context({"value": "1.50"})) == "1,5\N{NO-BREAK SPACE}val."
        assert translation.gettext("Sign out") == "Atsijungti"
    with translation.override("en"):
        assert template.render(Context({"value": "1.50"})) == "1.5\N{NO-BREAK SPACE}h"


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_supplement_translates_every_string_the_packages_leave_in_english(domain):
    """After upgrading Django or a package, `make messages` adds its new strings to the supplement to translate."""
    supplement = polib.pofile(str(supplement_path(domain)))
    translated = {(entry.msgctxt, entry.msgid) for entry in supplement if entry.msgid and entry.translated()}
    assert sorted(set(needed_entries(domain)) - translated) == []


@pytest.mark.django_db
def test_admin_speaks_lithuanian_where_the_packages_do_not(client):
    from django.urls import reverse

    from accounts.tests.factories import StaffFactory

    client.force_login(StaffFactory(language="lt"))
    changelist = client.get(reverse("admin:consultations_expert_changelist")).content.decode()
    assert "Show counts" not in changelist and "Start typing to filter" not in changelist
    # Django's own "Pasirinkite ekspertas kurį norite keisti" leaves the model's name undeclined.
    assert "Pasirinkite, ką keisti: ekspertas" in changelist
    index = client.get(reverse("admin:index")).content.decode()
    assert "Prisijungimo bandymai" in index
    assert "TOTP įrenginiai" in index and "TOTP devices" not in index  # the package's name is plain English
    calendar = client.get(reverse("admin:jsi18n")).content.decode()
    assert "Sekmadienis" in calendar


def test_things_have_a_name_not_a_first_name():
    field_label = "name"  # a variable, so the string is not extracted from this test into our catalogue
    with translation.override("lt"):
        assert translation.gettext(field_label) == "pavadinimas"


# English sentences with a day written in ``DATE_FORMAT`` (the placeholder named) before a full stop. Lithuanian
# writes such a day ending in "d." ("2026 m. gruodžio 7 d."), and that full stop ends the sentence too.
SENTENCES_WITH_A_DAY_BEFORE_A_FULL_STOP = [
    ("For the benchmarking interview; prepared %(day)s.", "day"),
    ("The silver re-benchmarking window closes %(to)s, before the target date %(target)s.", "target"),
    ("Registration closes on %(day)s.", "day"),
    ("Choose your password with the button below. The link works once, until %(until)s.", "until"),
    ("Here is the %(programme)s report for %(span)s. The full tables are in the attached spreadsheet.", "span"),
    ("The period of agreement %(number)s between %(programme)s and %(cluster)s ends on %(date)s.", "date"),
    ("The %(level)s cluster excellence label of %(cluster)s is valid until %(date)s.", "date"),
    (
        "The funding call below closes on %(day)s. %(cluster)s marked it: %(status)s. If the cluster applies, "
        "submit the application by then and mark it as applied here.",
        "day",
    ),
]


@pytest.mark.parametrize(("sentence", "day_name"), SENTENCES_WITH_A_DAY_BEFORE_A_FULL_STOP)
def test_a_lithuanian_day_before_a_full_stop_has_one(sentence, day_name):
    with translation.override("lt"):
        values = defaultdict(lambda: "X", {day_name: date_format(datetime.date(2026, 12, 7), "DATE_FORMAT")})
        text = translation.gettext(sentence) % values
    assert text != sentence % values, "not translated"
    assert "d.." not in text and text.endswith("."), text


@pytest.mark.django_db
def test_admin_counts_read_as_lithuanian_counts(client):
    from django.urls import reverse

    from accounts.tests.factories import StaffFactory
    from consultations.tests.factories import ExpertFactory

    for _ in range(11):
        ExpertFactory(organisation="Alfa")
    ExpertFactory(organisation="Beta")
    client.force_login(StaffFactory(language="lt"))
    found = client.get(reverse("admin:consultations_expert_changelist"), {"q": "Alfa"}).content.decode()
    assert "11 rezultatų" in found and "11 rezultatai" not in found  # Django's own gives every form "rezultatai"
    assert "Ekspertai: 11" in found and "11 ekspertai" not in found
