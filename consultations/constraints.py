"""The PostgreSQL-only exclusion constraints: an expert's live bookings never overlap, nor do their weekly hours.

SQLite has no exclusion constraints, so these are not in the models' Meta (that would make the migration state
differ between databases); migrations 0004 and 0014 add them on PostgreSQL only, and the services lock and
re-check on both databases.
"""

from django.db.models import Func, Q


def expert_overlap_constraint():
    from django.contrib.postgres.constraints import ExclusionConstraint
    from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators

    class TsTzRange(Func):
        function = "TSTZRANGE"
        output_field = DateTimeRangeField()

    return ExclusionConstraint(
        name="consultations_no_expert_overlap",
        expressions=[
            (TsTzRange("starts_at", "ends_at"), RangeOperators.OVERLAPS),
            ("expert", RangeOperators.EQUAL),
        ],
        condition=Q(status__in=["requested", "confirmed"]),
        violation_error_message="This time was just taken by another booking.",
    )


class WallClockRange(Func):
    """A weekly row's hours as a range of timestamps on one fixed day: PostgreSQL has no range of times, and
    a date plus a time is immutable, as an exclusion constraint needs."""

    template = "TSRANGE(DATE '2000-01-03' + %(expressions)s)"
    arg_joiner = ", DATE '2000-01-03' + "

    @property
    def output_field(self):
        from django.contrib.postgres.fields import DateTimeRangeField

        return DateTimeRangeField()


def weekly_overlap_constraint():
    """An expert's weekly hours on one weekday never overlap (hours that only touch, 09–12 and 12–17, do not).

    Deferred to the end of the transaction, so the editor can move hours between rows in one save.
    """
    from django.contrib.postgres.constraints import ExclusionConstraint
    from django.contrib.postgres.fields import RangeOperators
    from django.db.models import Deferrable

    return ExclusionConstraint(
        name="consultations_no_weekly_overlap",
        expressions=[
            (WallClockRange("start_time", "end_time"), RangeOperators.OVERLAPS),
            ("expert", RangeOperators.EQUAL),
            ("weekday", RangeOperators.EQUAL),
        ],
        deferrable=Deferrable.DEFERRED,
        violation_error_message="These weekly hours overlap other hours on the same day.",
    )
