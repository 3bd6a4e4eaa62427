"""Demo experts: one per service area, plus the demo expert account."""

from accounts.demo import demo_user

from .models import Expert, ServiceArea

DEMO_EXPERTS = [
    ("legal.expert@example.com", "Aistė", "Teisininkė", ["legal"], "Law firm (sample)", "Lithuanian, English"),
    ("finance.expert@example.com", "Mindaugas", "Finansininkas", ["financial"], "Audit firm (sample)", "Lithuanian"),
    ("marketing.expert@example.com", "Greta", "Rinkodaraitė", ["marketing"], "Agency (sample)", "Lithuanian, English"),
    (
        "partnership.expert@example.com",
        "Jonas",
        "Partnerystė",
        ["international-partnership"],
        "Consultancy (sample)",
        "Lithuanian, English, German",
    ),
]


def expert(user, area_codes, organisation, languages, bio="") -> Expert:
    profile, created = Expert.objects.get_or_create(
        user=user, defaults={"organisation": organisation, "languages": languages, "bio": bio}
    )
    if created:
        profile.service_areas.set(ServiceArea.objects.filter(code__in=area_codes))
    return profile


def load(*, expert_user) -> list[Expert]:
    experts = [
        expert(
            expert_user,
            ["strategy", "international-partnership", "marketing"],
            "Cluster strategy consultancy (sample)",
            "English, Lithuanian",
            bio="Helps clusters assess their maturity and prepare for the European Cluster Excellence labels.",
        )
    ]
    for email, first, last, areas, organisation, languages in DEMO_EXPERTS:
        user = demo_user(email, first_name=first, last_name=last, language="lt")
        experts.append(expert(user, areas, organisation, languages))
    return experts
