"""Time off and extra hours over a range of days: ``date`` becomes ``start_date`` and each existing row, one
day long, gets the same ``end_date``; the last day is never before the first.

An expert's weekly hours on one weekday may no longer overlap: rows that overlap already are joined into one
(the free times stay the same: the slot computation joined them anyway). On PostgreSQL an exclusion constraint
then holds it, applied with the schema editor as in 0004, so the migration state is the same on every database.
"""

from django.db import migrations, models
from django.db.models import F

from consultations.constraints import weekly_overlap_constraint


def one_day_each(apps, schema_editor):
    for name in ("AvailabilityException", "HistoricalAvailabilityException"):
        apps.get_model("consultations", name).objects.update(end_date=F("start_date"))


def join_overlapping_hours(apps, schema_editor):
    WeeklyAvailability = apps.get_model("consultations", "WeeklyAvailability")
    kept = None
    for row in WeeklyAvailability.objects.order_by("expert_id", "weekday", "start_time", "end_time"):
        same_day = kept is not None and (kept.expert_id, kept.weekday) == (row.expert_id, row.weekday)
        if same_day and row.start_time < kept.end_time:
            if row.end_time > kept.end_time:
                kept.end_time = row.end_time
                kept.save(update_fields=["end_time"])
            row.delete()
        else:
            kept = row


def add_weekly_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.add_constraint(apps.get_model("consultations", "WeeklyAvailability"), weekly_overlap_constraint())


def remove_weekly_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.remove_constraint(apps.get_model("consultations", "WeeklyAvailability"), weekly_overlap_constraint())


class Migration(migrations.Migration):
    dependencies = [("consultations", "0015_extra_hours_schedule")]

    operations = [
        migrations.RenameField("availabilityexception", "date", "start_date"),
        migrations.RenameField("historicalavailabilityexception", "date", "start_date"),
        migrations.AddField("availabilityexception", "end_date", models.DateField(null=True, verbose_name="last day")),
        migrations.AddField(
            "historicalavailabilityexception", "end_date", models.DateField(null=True, verbose_name="last day")
        ),
        migrations.RunPython(one_day_each, migrations.RunPython.noop),
        migrations.AlterField("availabilityexception", "end_date", models.DateField(verbose_name="last day")),
        migrations.AlterField("historicalavailabilityexception", "end_date", models.DateField(verbose_name="last day")),
        migrations.AlterModelOptions(
            name="availabilityexception",
            options={
                "ordering": ["expert", "start_date", "start_time"],
                "verbose_name": "availability exception",
                "verbose_name_plural": "availability exceptions",
            },
        ),
        migrations.AlterField(
            model_name="availabilityexception",
            name="start_date",
            field=models.DateField(verbose_name="first day"),
        ),
        migrations.AlterField(
            model_name="historicalavailabilityexception",
            name="start_date",
            field=models.DateField(verbose_name="first day"),
        ),
        migrations.AddIndex(
            model_name="availabilityexception",
            index=models.Index(fields=["expert", "end_date"], name="consultations_exception_end"),
        ),
        migrations.AddConstraint(
            model_name="availabilityexception",
            constraint=models.CheckConstraint(
                condition=models.Q(("end_date__gte", models.F("start_date"))),
                name="consultations_exception_dates_order",
            ),
        ),
        migrations.RunPython(join_overlapping_hours, migrations.RunPython.noop),
        migrations.RunPython(add_weekly_constraint, remove_weekly_constraint),
    ]
