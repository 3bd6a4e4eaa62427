from django.conf import settings
from django.db import migrations


def create_schedule(apps, schema_editor):
    """The periodic "Count undisputed extra hours" task for databases set up before it existed (idempotent)."""
    from notifications.schedules import ensure_default_schedules

    ensure_default_schedules(
        apps.get_model("django_celery_beat", "PeriodicTask"),
        apps.get_model("django_celery_beat", "IntervalSchedule"),
        apps.get_model("django_celery_beat", "CrontabSchedule"),
        settings.TIME_ZONE,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0014_changes_proposals_extra_hours"),
        ("notifications", "0002_default_schedules"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, migrations.RunPython.noop)]
