"""The PostgreSQL-only exclusion constraint: an expert's live bookings never overlap.

SQLite has no exclusion constraints, so the constraint is not in ``Consultation.Meta`` (that would make the
migration state differ between databases); migration 0004 adds it on PostgreSQL only, and the booking
services lock and re-check on both databases.
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
