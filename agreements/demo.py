"""The InoLink programme of the demo and a signed, active agreement with each of its ten clusters.

Their hours per service area are the consultations app's (``consultations.demo.load_allocations``).
"""

import datetime

from django.utils import timezone

from .models import Agreement, Party, Programme, Signature


def three_years_after(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 3) - datetime.timedelta(days=1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 3, day=28)


def load(*, registry) -> Programme:
    starts_on = timezone.localdate() - datetime.timedelta(days=40)
    ends_on = three_years_after(starts_on)
    programme, _created = Programme.objects.get_or_create(
        code="inolink",
        defaults={
            "name_lt": "Inovacijų tinklaveikos skatinimas ir plėtra (InoLink)",
            "name_en": "Promotion and Development of Innovation Networking (InoLink)",
            "agency": registry["agency"],
            "partner": registry["partner"],
            "starts_on": starts_on,
            "ends_on": ends_on,
            "target_date": ends_on,
            "bronze_target": 6,
            "silver_target": 1,
            "description": "Eksperimentinės konsultavimo paslaugos dešimčiai perspektyviausių Lietuvos klasterių, "
            "siekiant jų brandos ir tarptautiškumo.",
        },
    )
    for number, cluster in enumerate(registry["programme_clusters"], start=1):
        agreement, created = Agreement.objects.get_or_create(
            programme=programme,
            cluster=cluster,
            terminated_on=None,
            defaults={
                "number": f"INOLINK-{programme.starts_on:%Y}-{number:02d}",
                "starts_on": programme.starts_on,
                "ends_on": programme.ends_on,
            },
        )
        if not created:
            continue
        signers = {
            Party.AGENCY: ("Kęstutis Šetkus", "Director, MITA"),
            Party.PARTNER: ("LIC director (demo)", "Director, Lithuanian Innovation Center"),
            Party.CLUSTER: (f"Manager of {cluster.name} (demo)", "Cluster manager"),
        }
        Signature.objects.bulk_create(
            Signature(
                agreement=agreement, party=party, signer_name=name, signer_role=role, signed_on=programme.starts_on
            )
            for party, (name, role) in signers.items()
        )
    return programme
