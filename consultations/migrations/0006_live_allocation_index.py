from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0005_indexes_for_hours_and_slots"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="consultation",
            index=models.Index(
                condition=models.Q(("status__in", ["requested", "confirmed"])),
                fields=["agreement", "service_area"],
                name="consult_live_allocation_idx",
            ),
        ),
    ]
