# The hours per service area move to the consultations app, which keeps their usage (held and delivered hours),
# so the agreements app no longer needs consultations. Their rows stay: the tables are renamed to the new app's
# names here, and consultations/0011 takes the models (and their content types) over without touching the data.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('agreements', '0002_hourallocation_hours_delivered'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name='hourallocation', table='consultations_hourallocation'),
                migrations.AlterModelTable(name='historicalhourallocation', table='consultations_historicalhourallocation'),
            ],
            state_operations=[
                migrations.RemoveField(
                    model_name='hourallocation',
                    name='agreement',
                ),
                migrations.RemoveField(
                    model_name='hourallocation',
                    name='service_area',
                ),
                migrations.DeleteModel(
                    name='HistoricalHourAllocation',
                ),
                migrations.DeleteModel(
                    name='HourAllocation',
                ),
            ],
        ),
    ]
