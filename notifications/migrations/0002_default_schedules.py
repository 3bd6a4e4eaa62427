from django.conf import settings
from django.db import migrations


def create_default_schedules(apps, schema_editor):
    from notifications.schedules import ensure_default_schedules

    ensure_default_schedules(
        apps.get_model("django_celery_beat", "PeriodicTask"),
        apps.get_model("django_celery_beat", "IntervalSchedule"),
        apps.get_model("django_celery_beat", "CrontabSchedule"),
        settings.TIME_ZONE,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_default_schedules, migrations.RunPython.noop)]
