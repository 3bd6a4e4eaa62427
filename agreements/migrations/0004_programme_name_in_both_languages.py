from django.db import migrations, models

from inolink.bilingual import looks_lithuanian


def move_lithuanian_names(apps, schema_editor):
    """The existing name was renamed to the English field; one written in Lithuanian moves to the Lithuanian one, in
    the programmes and in their history."""
    for model_name in ("Programme", "HistoricalProgramme"):
        model = apps.get_model("agreements", model_name)
        for row in model.objects.only("pk", "name_en").iterator():
            if looks_lithuanian(row.name_en):
                row.name_lt, row.name_en = row.name_en, ""
                row.save(update_fields=["name_lt", "name_en"])


def move_back(apps, schema_editor):
    """Back to one name per programme: the Lithuanian one where written."""
    for model_name in ("Programme", "HistoricalProgramme"):
        apps.get_model("agreements", model_name).objects.exclude(name_lt="").update(name_en=models.F("name_lt"))


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0003_move_hour_allocations_to_consultations"),
    ]

    operations = [
        migrations.RenameField(model_name="programme", old_name="name", new_name="name_en"),
        migrations.RenameField(model_name="historicalprogramme", old_name="name", new_name="name_en"),
        migrations.AlterField(
            model_name="programme",
            name="name_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="name in English"),
        ),
        migrations.AlterField(
            model_name="historicalprogramme",
            name="name_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="name in English"),
        ),
        migrations.AddField(
            model_name="programme",
            name="name_lt",
            field=models.CharField(blank=True, max_length=200, verbose_name="name in Lithuanian"),
        ),
        migrations.AddField(
            model_name="historicalprogramme",
            name="name_lt",
            field=models.CharField(blank=True, max_length=200, verbose_name="name in Lithuanian"),
        ),
        migrations.RunPython(move_lithuanian_names, move_back),
        migrations.AddConstraint(
            model_name="programme",
            constraint=models.CheckConstraint(
                condition=models.Q(("name_lt__gt", ""), ("name_en__gt", ""), _connector="OR"),
                name="agreements_programme_has_name",
            ),
        ),
    ]
