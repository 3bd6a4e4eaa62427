from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0007_cluster_upcoming_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="consultation",
            index=models.Index(fields=["starts_at", "id"], name="consult_start_idx"),
        ),
    ]
