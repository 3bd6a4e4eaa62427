"""On PostgreSQL only: an expert's live bookings may not overlap (btree_gist exclusion constraint).

The constraint is applied with the schema editor rather than ``AddConstraint`` so that the migration state
is the same on every database (``makemigrations --check`` stays clean on SQLite and PostgreSQL alike).
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

from consultations.constraints import expert_overlap_constraint


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.add_constraint(apps.get_model("consultations", "Consultation"), expert_overlap_constraint())


def remove_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.remove_constraint(apps.get_model("consultations", "Consultation"), expert_overlap_constraint())


class Migration(migrations.Migration):
    dependencies = [("consultations", "0003_bookings")]

    operations = [
        BtreeGistExtension(),
        migrations.RunPython(add_constraint, remove_constraint),
    ]
