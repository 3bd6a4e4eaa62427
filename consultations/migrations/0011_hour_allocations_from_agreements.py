# The hours per service area, taken over from the agreements app (see agreements/0003): same tables, same rows.

import django.core.validators
import django.db.models.deletion
import simple_history.models
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


MODELS = ("hourallocation", "historicalhourallocation")


def relabel_content_types(apps, schema_editor, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    rows = ContentType.objects.using(schema_editor.connection.alias)
    for model in MODELS:
        if not rows.filter(app_label=new, model=model).exists():
            rows.filter(app_label=old, model=model).update(app_label=new)
    ContentType.objects.clear_cache()


def content_types_to_consultations(apps, schema_editor):
    relabel_content_types(apps, schema_editor, "agreements", "consultations")


def content_types_to_agreements(apps, schema_editor):
    relabel_content_types(apps, schema_editor, "consultations", "agreements")


class Migration(migrations.Migration):

    dependencies = [
        ('agreements', '0003_move_hour_allocations_to_consultations'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('consultations', '0010_outcome_created_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables were renamed by agreements/0003; only Django's picture of the models moves here.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='HistoricalHourAllocation',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('hours_granted', models.DecimalField(decimal_places=2, help_text='Consultancy hours granted in this service area, at most 1000.', max_digits=6, validators=[django.core.validators.MinValueValidator(Decimal('0.25')), django.core.validators.MaxValueValidator(Decimal('1000'))], verbose_name='hours granted')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('agreement', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='agreements.agreement', verbose_name='agreement')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('service_area', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='consultations.servicearea', verbose_name='service area')),
                    ],
                    options={
                        'verbose_name': 'historical hour allocation',
                        'verbose_name_plural': 'historical hour allocations',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='HourAllocation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('hours_granted', models.DecimalField(decimal_places=2, help_text='Consultancy hours granted in this service area, at most 1000.', max_digits=6, validators=[django.core.validators.MinValueValidator(Decimal('0.25')), django.core.validators.MaxValueValidator(Decimal('1000'))], verbose_name='hours granted')),
                        ('hours_delivered', models.DecimalField(decimal_places=2, default=Decimal('0'), editable=False, help_text="The sum of the hours delivered in the logged outcomes of this agreement's sessions in the area.", max_digits=8, verbose_name='hours delivered')),
                        ('agreement', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='allocations', to='agreements.agreement', verbose_name='agreement')),
                        ('service_area', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='allocations', to='consultations.servicearea', verbose_name='service area')),
                    ],
                    options={
                        'verbose_name': 'hour allocation',
                        'verbose_name_plural': 'hour allocations',
                        'ordering': ['agreement', 'service_area__position'],
                        'constraints': [models.UniqueConstraint(fields=('agreement', 'service_area'), name='agreements_one_allocation_per_area', violation_error_message='This agreement already has hours in this service area.'), models.CheckConstraint(condition=models.Q(('hours_granted__gt', 0), ('hours_granted__lte', Decimal('1000'))), name='agreements_allocation_hours_range'), models.CheckConstraint(condition=models.Q(('hours_delivered__gte', 0)), name='agreements_allocation_delivered_gte_0')],
                    },
                ),
            ],
        ),
        # Permissions, admin log entries and staff groups point at the content types: keep their rows, relabelled.
        migrations.RunPython(content_types_to_consultations, content_types_to_agreements),
    ]
