"""The five service areas named by the programme: legal, financial, marketing, strategy making, international partnership."""

from django.db import migrations

SERVICE_AREAS = [
    ("legal", "Legal", "Legal matters of the cluster and its members: contracts, governance, intellectual property."),
    ("financial", "Financial", "Financing, budgeting, funding applications and financial sustainability."),
    ("marketing", "Marketing", "Marketing, branding and communication of the cluster and its offer."),
    ("strategy", "Strategy making", "Cluster strategy, maturity assessment and action planning."),
    (
        "international-partnership",
        "International partnership",
        "Finding international partners, networks and markets; preparing for international events.",
    ),
]


def create_service_areas(apps, schema_editor):
    ServiceArea = apps.get_model("consultations", "ServiceArea")
    for position, (code, name, description) in enumerate(SERVICE_AREAS, start=1):
        ServiceArea.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("consultations", "0001_initial")]

    operations = [migrations.RunPython(create_service_areas, migrations.RunPython.noop)]
