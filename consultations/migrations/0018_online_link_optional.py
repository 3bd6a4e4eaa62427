# An online booking may leave its meeting link for the expert to add when confirming (issues 15 and 16).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('consultations', '0017_consultation_messages'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='consultation',
            name='consultations_format_details',
        ),
        migrations.AddConstraint(
            model_name='consultation',
            constraint=models.CheckConstraint(condition=models.Q(('format', 'online'), models.Q(('address__gt', ''), ('city__gt', ''), ('format', 'onsite')), _connector='OR'), name='consultations_format_details', violation_error_message='An on-site consultation needs a city and an address.'),
        ),
    ]
