"""Time off entered one date a row before 0016 (a two-week holiday was ten rows) becomes ranges: an expert's
whole days off with the same note are joined when they touch, overlap or repeat, and across a gap of at most
``MAX_BRIDGED_DAYS`` days on which the expert works no weekly hours and has no other exception (the weekend in a
holiday of two working weeks), so the expert's free times stay the same. A gap with a working day in it keeps two
ranges; part days off and extra hours are left as they are.
"""

import datetime
from collections import defaultdict

from django.db import migrations

# The values of the time of writing, frozen here as migrations do: one row covers at most this many days
# (models.EXCEPTION_MAX_DAYS), and a gap this long or shorter may be bridged (a weekend).
MAX_DAYS = 366
MAX_BRIDGED_DAYS = 2
ONE_DAY = datetime.timedelta(days=1)


def _days(first, last):
    day = first
    while day <= last:
        yield day
        day += ONE_DAY


def merge_time_off_days(apps, schema_editor):
    AvailabilityException = apps.get_model("consultations", "AvailabilityException")
    WeeklyAvailability = apps.get_model("consultations", "WeeklyAvailability")
    working = defaultdict(set)
    for expert_id, weekday in WeeklyAvailability.objects.values_list("expert_id", "weekday").distinct():
        working[expert_id].add(weekday)
    whole_days_off = AvailabilityException.objects.filter(kind="off", start_time__isnull=True)
    # Days with extra hours or a part day off are never covered by a bridge: the range would change what they mean.
    other_days = defaultdict(set)
    for row in AvailabilityException.objects.exclude(pk__in=whole_days_off.values("pk")).only(
        "expert_id", "start_date", "end_date"
    ):
        other_days[row.expert_id].update(_days(row.start_date, row.end_date))

    def bridgeable(expert_id, first, last):
        gap = list(_days(first, last))
        return len(gap) <= MAX_BRIDGED_DAYS and not any(
            day.weekday() in working[expert_id] or day in other_days[expert_id] for day in gap
        )

    kept = None
    for row in whole_days_off.order_by("expert_id", "note", "start_date", "end_date", "pk"):
        joins = (
            kept is not None
            and (kept.expert_id, kept.note) == (row.expert_id, row.note)
            and (
                row.start_date <= kept.end_date + ONE_DAY
                or bridgeable(row.expert_id, kept.end_date + ONE_DAY, row.start_date - ONE_DAY)
            )
            and (max(kept.end_date, row.end_date) - kept.start_date).days < MAX_DAYS
        )
        if not joins:
            kept = row
            continue
        if row.end_date > kept.end_date:
            kept.end_date = row.end_date
            kept.save(update_fields=["end_date"])
        row.delete()


class Migration(migrations.Migration):
    dependencies = [("consultations", "0018_online_link_optional")]

    operations = [migrations.RunPython(merge_time_off_days, migrations.RunPython.noop)]
