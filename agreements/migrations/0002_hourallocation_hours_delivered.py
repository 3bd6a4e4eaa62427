from decimal import Decimal

from django.db import migrations, models
from django.db.models import OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce


def count_delivered_hours(apps, schema_editor):
    HourAllocation = apps.get_model("agreements", "HourAllocation")
    SessionOutcome = apps.get_model("consultations", "SessionOutcome")
    hours = models.DecimalField(max_digits=8, decimal_places=2)
    delivered = (
        SessionOutcome.objects.filter(
            consultation__agreement_id=OuterRef("agreement_id"),
            consultation__service_area_id=OuterRef("service_area_id"),
        )
        .order_by()
        .values("consultation__agreement_id")
        .annotate(total=Sum("hours_delivered"))
        .values("total")
    )
    HourAllocation.objects.update(
        hours_delivered=Coalesce(Subquery(delivered, output_field=hours), Value(Decimal("0")), output_field=hours)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0001_initial"),
        ("consultations", "0005_indexes_for_hours_and_slots"),
    ]

    operations = [
        migrations.AddField(
            model_name="hourallocation",
            name="hours_delivered",
            field=models.DecimalField(
                decimal_places=2,
                default=Decimal("0"),
                editable=False,
                help_text="The sum of the hours delivered in the logged outcomes of this agreement's sessions in the area.",
                max_digits=8,
                verbose_name="hours delivered",
            ),
        ),
        migrations.AddConstraint(
            model_name="hourallocation",
            constraint=models.CheckConstraint(
                condition=models.Q(("hours_delivered__gte", 0)), name="agreements_allocation_delivered_gte_0"
            ),
        ),
        migrations.RunPython(count_delivered_hours, migrations.RunPython.noop),
    ]
