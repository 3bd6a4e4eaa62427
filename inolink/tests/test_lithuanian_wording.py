"""Lithuanian as a native speaker writes it (issue 16, "Lithuanian wording"): success messages say what happened
without an "Atlikta:" before them, language names are not capitalised in a line of text, dates read
"gruodžio 7 d."."""

import datetime
import re

import polib
import pytest
from django.contrib import messages
from django.template import engines
from django.utils import translation
from django.utils.formats import date_format

from inolink.formatting import language_list
from inolink.tests.test_translations import CATALOGUES, po_files


@pytest.mark.parametrize("po_path", po_files(CATALOGUES), ids=lambda p: p.parent.parent.parent.parent.name)
def test_no_lithuanian_text_starts_with_atlikta(po_path):
    texts = [
        text
        for entry in polib.pofile(str(po_path))
        if not entry.obsolete
        for text in [entry.msgstr, *entry.msgstr_plural.values()]
        if text.strip().lower().startswith("atlikta")
    ]
    assert texts == []


@pytest.mark.parametrize(
    ("level", "prefix"), [(messages.SUCCESS, None), (messages.ERROR, "Klaida:"), (messages.WARNING, "Įspėjimas:")]
)
def test_a_success_message_has_no_prefix_others_keep_theirs(level, prefix):
    message = messages.storage.base.Message(level, "Jūsų darbo laikas išsaugotas.")
    template = engines["django"].from_string('{% include "includes/messages.html" %}')
    with translation.override("lt"):
        html = template.render({"messages": [message]})
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()
    expected = "Jūsų darbo laikas išsaugotas." if prefix is None else f"{prefix} Jūsų darbo laikas išsaugotas."
    assert text == expected
    assert "Atlikta" not in html and "Done:" not in html


def test_language_names_are_lower_case_in_a_lithuanian_line():
    with translation.override("lt"):
        assert language_list([translation.gettext("Lithuanian"), translation.gettext("English")]) == "lietuvių, anglų"
    with translation.override("en"):
        assert language_list(["Lithuanian", "English"]) == "Lithuanian, English"


def test_a_day_and_month_read_as_lithuanians_write_them():
    """The project's date formats (Django's own for Lithuanian) give the month in the genitive with "d."."""
    with translation.override("lt"):
        assert date_format(datetime.date(2026, 12, 7), "MONTH_DAY_FORMAT") == "gruodžio 7 d."


@pytest.mark.parametrize("po_path", po_files(CATALOGUES), ids=lambda p: p.parent.parent.parent.parent.name)
def test_names_that_carry_their_own_quotes_are_not_quoted_again(po_path):
    """Cluster names are written with their quotes ('"iVITA" Wellness Cluster'): „%(cluster)s“ would read
    „"iVITA" Wellness Cluster“. A name the English text quotes too (a constraint's) is not a cluster's."""
    quoted = re.compile(r"„(%\((?:cluster|name)\)s)“")
    texts = [
        text
        for entry in polib.pofile(str(po_path))
        if not entry.obsolete
        for text in [entry.msgstr, *entry.msgstr_plural.values()]
        for placeholder in quoted.findall(text)
        if f"“{placeholder}”" not in entry.msgid and f'"{placeholder}"' not in entry.msgid
    ]
    assert texts == []
