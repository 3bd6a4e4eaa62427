"""The cluster registry of the demo: the seed's ten programme clusters, the agency and partner, and sample clusters.

Names of the ten clusters, the agency and the partner come from the programme's
press release. Their company codes, contacts and member companies are
illustrative, and so is every cluster marked as sample data.
"""

import datetime
import itertools

from django.utils import timezone

from .models import Cluster, LabelAward, LabelLevel, Membership, Organisation, Region, Sector

AGENCY = {"name": "Agency for Science, Innovation and Technology (MITA)", "kind": Organisation.Kind.PUBLIC}
PARTNER = {"name": "Lithuanian Innovation Center", "kind": Organisation.Kind.PUBLIC}

PROGRAMME_CLUSTERS = [
    {
        "name": '"iVITA" Wellness Cluster',
        "short_name": "iVITA",
        "sector": Sector.HEALTH,
        "region": Region.VILNIUS,
        "founded_year": 2012,
        "description": "Sveikatingumo paslaugų, medicinos turizmo ir sveikos gyvensenos įmonių klasteris. "
        "Vienintelis Lietuvos klasteris, turintis bronzinį klasterių kokybės ženklą.",
    },
    {
        "name": "Laser and Engineering Technology Cluster",
        "short_name": "LETC",
        "sector": Sector.LASERS,
        "region": Region.VILNIUS,
        "founded_year": 2013,
        "description": "Lazerių ir inžinerinių technologijų gamintojai bei mokslo institucijos, "
        "kuriančios fotonikos sprendimus pramonei.",
    },
    {
        "name": "SMART Food Cluster",
        "short_name": "SMART Food",
        "sector": Sector.FOOD,
        "region": Region.KAUNAS,
        "founded_year": 2014,
        "description": "Funkcinio ir sveiko maisto gamintojų bei tyrėjų bendradarbiavimo tinklas.",
    },
    {
        "name": "National Food and Economy Cluster",
        "short_name": "NFEC",
        "sector": Sector.FOOD,
        "region": Region.KAUNAS,
        "founded_year": 2011,
        "description": "Maisto pramonės ir žemės ūkio įmonių klasteris, skatinantis eksportą ir inovacijas.",
    },
    {
        "name": "Smart Technology Cluster",
        "short_name": "STC",
        "sector": Sector.ICT,
        "region": Region.KAUNAS,
        "founded_year": 2015,
        "description": "Išmaniųjų technologijų, daiktų interneto ir programinės įrangos kūrėjų klasteris.",
    },
    {
        "name": "Lithuanian Plastics Cluster",
        "short_name": "LPC",
        "sector": Sector.MANUFACTURING,
        "region": Region.KAUNAS,
        "founded_year": 2013,
        "description": "Plastikų gamintojai ir perdirbėjai, siekiantys žiedinės ekonomikos sprendimų.",
    },
    {
        "name": 'Cluster "Railway LT"',
        "short_name": "Railway LT",
        "sector": Sector.TRANSPORT,
        "region": Region.VILNIUS,
        "founded_year": 2016,
        "description": "Geležinkelių transporto, logistikos ir inžinerijos įmonių klasteris.",
    },
    {
        "name": "Bio Power Plant Development Cluster",
        "short_name": "BPPDC",
        "sector": Sector.ENERGY,
        "region": Region.UTENA,
        "founded_year": 2014,
        "description": "Biokuro ir bioenergijos jėgainių kūrėjai, gamintojai ir paslaugų teikėjai.",
    },
    {
        "name": "Lithuanian Automotive Component Manufacturers and Exporters Association (LAuGEA)",
        "short_name": "LAuGEA",
        "sector": Sector.AUTOMOTIVE,
        "region": Region.KAUNAS,
        "founded_year": 2012,
        "description": "Automobilių komponentų gamintojų ir eksportuotojų asociacija.",
    },
    {
        "name": '"Užupis Creative Cluster" Association',
        "short_name": "Užupis Creative",
        "sector": Sector.CREATIVE,
        "region": Region.VILNIUS,
        "founded_year": 2013,
        "description": "Kūrybinių industrijų, dizaino ir kultūros organizacijų asociacija Užupyje.",
    },
]

SAMPLE_THEMES = [
    ("Baltic Wood Innovation", Sector.CONSTRUCTION),
    ("Green Building", Sector.CONSTRUCTION),
    ("Fintech Bridge", Sector.ICT),
    ("Cyber Security", Sector.ICT),
    ("Game Development", Sector.CREATIVE),
    ("Film and Media", Sector.CREATIVE),
    ("Medtech", Sector.HEALTH),
    ("Health Tourism", Sector.HEALTH),
    ("Biotech Valley", Sector.BIOTECH),
    ("Agritech", Sector.FOOD),
    ("Dairy Innovation", Sector.FOOD),
    ("Textile Design", Sector.TEXTILE),
    ("Furniture Makers", Sector.TEXTILE),
    ("Solar Energy", Sector.ENERGY),
    ("Hydrogen", Sector.ENERGY),
    ("Smart Logistics", Sector.TRANSPORT),
    ("Maritime", Sector.TRANSPORT),
    ("Drone Technology", Sector.MANUFACTURING),
    ("Metalworking", Sector.MANUFACTURING),
    ("Electronics", Sector.MANUFACTURING),
    ("Photonics Start-ups", Sector.LASERS),
    ("Robotics", Sector.MANUFACTURING),
    ("Water Technology", Sector.ENERGY),
    ("Packaging", Sector.MANUFACTURING),
    ("E-mobility", Sector.AUTOMOTIVE),
]

UNIVERSITIES = [
    ("Vilnius University", Organisation.Kind.UNIVERSITY),
    ("Kaunas University of Technology", Organisation.Kind.UNIVERSITY),
    ("Vilnius Gediminas Technical University", Organisation.Kind.UNIVERSITY),
    ("Center for Physical Sciences and Technology", Organisation.Kind.RESEARCH),
    ("Lithuanian Research Centre for Agriculture and Forestry", Organisation.Kind.RESEARCH),
]


def organisation(name, kind, code="") -> Organisation:
    org, _created = Organisation.objects.get_or_create(name=name, defaults={"kind": kind, "code": code})
    return org


def cluster(*, name, company_code, is_sample, **fields) -> Cluster:
    obj, _created = Cluster.objects.get_or_create(
        name=name, defaults={"company_code": company_code, "is_sample": is_sample, **fields}
    )
    return obj


def add_members(target: Cluster, members: list[tuple[Organisation, str]], joined_on: datetime.date) -> None:
    for org, role in members:
        Membership.objects.get_or_create(
            cluster=target, organisation=org, defaults={"role": role, "joined_on": joined_on}
        )


def load(*, manager) -> dict:
    today = timezone.localdate()
    agency = organisation(**AGENCY)
    partner = organisation(**PARTNER)
    universities = [organisation(name, kind) for name, kind in UNIVERSITIES]
    university_cycle = itertools.cycle(universities)

    programme_clusters = []
    for number, spec in enumerate(PROGRAMME_CLUSTERS, start=1):
        spec = dict(spec)
        short = spec.pop("short_name")
        target = cluster(
            company_code=f"30{number:07d}",
            is_sample=False,
            email=f"info@cluster{number}.example.com",
            website=f"https://cluster{number}.example.com",
            **spec,
        )
        coordinator = organisation(f"UAB {short} Koordinavimas (sample)", Organisation.Kind.COMPANY, f"31{number:07d}")
        companies = [
            organisation(f"UAB {short} {suffix} (sample)", Organisation.Kind.COMPANY, f"32{number:05d}{i}")
            for i, suffix in enumerate(["Sprendimai", "Technologijos", "Gamyba"], start=1)
        ]
        add_members(
            target,
            [(coordinator, Membership.Role.COORDINATOR)]
            + [(company, Membership.Role.MEMBER) for company in companies]
            + [(next(university_cycle), Membership.Role.MEMBER)],
            joined_on=datetime.date(spec["founded_year"], 6, 1),
        )
        programme_clusters.append(target)

    ivita = programme_clusters[0]
    ivita.managers.add(manager)
    LabelAward.objects.get_or_create(
        cluster=ivita,
        level=LabelLevel.BRONZE,
        defaults={
            "awarded_on": today - datetime.timedelta(days=300),
            "valid_until": today + datetime.timedelta(days=430),
            "reference": "ECEI bronze label (demo reference)",
        },
    )

    regions = itertools.cycle(Region.values)
    for number, ((theme, sector), suffix) in enumerate(
        itertools.product(SAMPLE_THEMES, ["Cluster", "Network"]), start=1
    ):
        if number > 45:
            break
        cluster(
            name=f"Sample: {theme} {suffix}",
            company_code=f"39{number:07d}",
            sector=sector,
            region=next(regions),
            founded_year=2005 + number % 18,
            is_sample=True,
            description="Sample registry entry for the demo; not a real cluster.",
        )

    return {"agency": agency, "partner": partner, "programme_clusters": programme_clusters}
