from django.db import migrations, models

from inolink.bilingual import looks_lithuanian


def move_lithuanian_texts(apps, schema_editor):
    """The existing title and description were renamed to the English fields; those written in Lithuanian move to
    the Lithuanian ones, in the events and in their history."""
    for model_name in ("Event", "HistoricalEvent"):
        model = apps.get_model("events", model_name)
        for row in model.objects.only("pk", "title_en", "description_en").iterator():
            changed = []
            for name in ("title", "description"):
                text = getattr(row, f"{name}_en")
                if looks_lithuanian(text):
                    setattr(row, f"{name}_lt", text)
                    setattr(row, f"{name}_en", "")
                    changed += [f"{name}_lt", f"{name}_en"]
            if changed:
                row.save(update_fields=changed)


def move_back(apps, schema_editor):
    """Back to one text per event: the Lithuanian one where written."""
    for model_name in ("Event", "HistoricalEvent"):
        model = apps.get_model("events", model_name)
        for name in ("title", "description"):
            model.objects.exclude(**{f"{name}_lt": ""}).update(**{f"{name}_en": models.F(f"{name}_lt")})


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0007_funding_call_dates"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="event",
            options={
                "ordering": ["starts_at", "title_lt", "title_en"],
                "verbose_name": "event",
                "verbose_name_plural": "events",
            },
        ),
        migrations.RenameField(model_name="event", old_name="title", new_name="title_en"),
        migrations.RenameField(model_name="event", old_name="description", new_name="description_en"),
        migrations.RenameField(model_name="historicalevent", old_name="title", new_name="title_en"),
        migrations.RenameField(model_name="historicalevent", old_name="description", new_name="description_en"),
        migrations.AlterField(
            model_name="event",
            name="title_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="title in English"),
        ),
        migrations.AlterField(
            model_name="event",
            name="description_en",
            field=models.TextField(blank=True, verbose_name="description in English"),
        ),
        migrations.AlterField(
            model_name="historicalevent",
            name="title_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="title in English"),
        ),
        migrations.AlterField(
            model_name="historicalevent",
            name="description_en",
            field=models.TextField(blank=True, verbose_name="description in English"),
        ),
        migrations.AddField(
            model_name="event",
            name="title_lt",
            field=models.CharField(blank=True, max_length=200, verbose_name="title in Lithuanian"),
        ),
        migrations.AddField(
            model_name="event",
            name="description_lt",
            field=models.TextField(blank=True, verbose_name="description in Lithuanian"),
        ),
        migrations.AddField(
            model_name="historicalevent",
            name="title_lt",
            field=models.CharField(blank=True, max_length=200, verbose_name="title in Lithuanian"),
        ),
        migrations.AddField(
            model_name="historicalevent",
            name="description_lt",
            field=models.TextField(blank=True, verbose_name="description in Lithuanian"),
        ),
        migrations.RunPython(move_lithuanian_texts, move_back),
        migrations.AddConstraint(
            model_name="event",
            constraint=models.CheckConstraint(
                condition=models.Q(("title_lt__gt", ""), ("title_en__gt", ""), _connector="OR"),
                name="events_event_has_title",
            ),
        ),
    ]
