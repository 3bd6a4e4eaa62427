from decimal import Decimal

from django.db import models
from django.db.models import Value


def allocation_usage_annotations() -> dict:
    """Annotations for ``HourAllocation``: hours delivered by outcomes and held by upcoming bookings.

    Bookings and outcomes are not recorded yet, so both are zero; the booking
    module replaces these with sums over its consultations.
    """
    zero = Value(Decimal("0.00"), output_field=models.DecimalField(max_digits=8, decimal_places=2))
    return {"hours_delivered": zero, "hours_held": zero}
