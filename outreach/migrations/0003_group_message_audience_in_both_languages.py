from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("outreach", "0002_group_messages"),
    ]

    operations = [
        # Earlier messages keep their one description here; readers of the other language fall back to it.
        migrations.RenameField(
            model_name="groupmessage", old_name="audience_description", new_name="audience_description_lt"
        ),
        migrations.AlterField(
            model_name="groupmessage",
            name="audience_description_lt",
            field=models.CharField(max_length=300, verbose_name="audience, in Lithuanian words"),
        ),
        migrations.AddField(
            model_name="groupmessage",
            name="audience_description_en",
            field=models.CharField(blank=True, max_length=300, verbose_name="audience, in English words"),
        ),
    ]
