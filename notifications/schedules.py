"""The default periodic tasks, kept in django-celery-beat's tables so staff can edit them in the admin.

Created by the migration ``0002_default_schedules`` and by ``manage.py setup_periodic_tasks``
(both idempotent: an existing task keeps whatever staff changed in it).
"""

import json

DEFAULT_INTERVAL_TASKS = [
    # (name, task, every N minutes, description)
    ("Send due messages", "notifications.tasks.send_due_messages", 5, "Sends pending emails; retries failed ones."),
    ("Find due reminders and notices", "notifications.tasks.run_sweeps", 5, "Runs every registered sweep."),
    (
        "Count undisputed extra hours",
        "consultations.tasks.settle_extra_hours",
        60,
        "Hours logged over a booking count once the cluster's dispute window has passed.",
    ),
]
DEFAULT_CRONTAB_TASKS = [
    # (name, task, minute, hour, day_of_week, day_of_month, description)
    ("Weekly programme report", "reports.tasks.send_weekly_report", "0", "7", "1", "*", "Mondays 07:00 to staff."),
    (
        "Monthly cluster statements",
        "reports.tasks.send_monthly_statements",
        "0",
        "7",
        "*",
        "1",
        "On the 1st at 07:00 to each programme cluster's managers.",
    ),
]


def ensure_default_schedules(PeriodicTask, IntervalSchedule, CrontabSchedule, timezone_name: str) -> int:
    """Create the default periodic tasks that do not exist yet; returns how many were created."""
    created = 0
    for name, task, minutes, description in DEFAULT_INTERVAL_TASKS:
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        interval, _ = IntervalSchedule.objects.get_or_create(every=minutes, period="minutes")
        PeriodicTask.objects.create(
            name=name, task=task, interval=interval, args=json.dumps([]), kwargs=json.dumps({}), description=description
        )
        created += 1
    for name, task, minute, hour, day_of_week, day_of_month, description in DEFAULT_CRONTAB_TASKS:
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_week=day_of_week,
            day_of_month=day_of_month,
            month_of_year="*",
            timezone=timezone_name,
        )
        PeriodicTask.objects.create(
            name=name, task=task, crontab=crontab, args=json.dumps([]), kwargs=json.dumps({}), description=description
        )
        created += 1
    return created
