"""Experts' languages become a list of language codes, so every reader sees them named in their own language.

The free text ("Lithuanian, English") is read name by name: a language code, or a language's English or own
name or its Lithuanian name (as Django knows them), becomes its code; anything else was not a language the list offers and is dropped.
"""

import re

from django.conf.locale import LANG_INFO
from django.db import migrations, models
from django.db.models.lookups import Exact
from django.utils import translation

import consultations.models


def codes_from_text(text: str) -> list[str]:
    known = {}
    for code in consultations.models.CONSULTING_LANGUAGES:
        info = LANG_INFO[code]
        with translation.override("lt"):
            lithuanian = translation.gettext(info["name"])
        for name in (code, info["name"], info["name_local"], lithuanian):
            known[name.casefold()] = code
    codes = []
    for token in re.split(r"[,;/]| and | ir ", text or ""):
        code = known.get(token.strip().casefold())
        if code and code not in codes:
            codes.append(code)
    return codes


def to_codes(apps, schema_editor):
    for model_name in ("Expert", "HistoricalExpert"):
        model = apps.get_model("consultations", model_name)
        rows = list(model.objects.exclude(languages="").only("pk", "languages"))
        for row in rows:
            row.language_codes = codes_from_text(row.languages)
        model.objects.bulk_update(rows, ["language_codes"], batch_size=500)


def to_text(apps, schema_editor):
    for model_name in ("Expert", "HistoricalExpert"):
        model = apps.get_model("consultations", model_name)
        rows = list(model.objects.only("pk", "language_codes"))
        for row in rows:
            row.languages = ", ".join(LANG_INFO[code]["name"] for code in row.language_codes)
        model.objects.bulk_update(rows, ["languages"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0008_consultation_admin_indexes"),
    ]

    operations = (
        [
            migrations.AddField(
                model_name=model_name,
                name="language_codes",
                field=consultations.models.LanguageListField(
                    blank=True,
                    default=list,
                    help_text="Languages the expert consults in.",
                    validators=[consultations.models.validate_consulting_languages],
                    verbose_name="languages",
                ),
            )
            for model_name in ("expert", "historicalexpert")
        ]
        + [
            migrations.RunPython(to_codes, to_text),
        ]
        + [
            operation
            for model_name in ("expert", "historicalexpert")
            for operation in (
                migrations.RemoveField(model_name=model_name, name="languages"),
                migrations.RenameField(model_name=model_name, old_name="language_codes", new_name="languages"),
            )
        ]
        + [
            migrations.AddConstraint(
                model_name="expert",
                constraint=models.CheckConstraint(
                    condition=Exact(consultations.models.JSONTypeOf("languages"), "array"),
                    name="consultations_expert_languages_list",
                ),
            ),
        ]
    )
