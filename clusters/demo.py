"""The cluster registry of the demo: the seed's ten programme clusters, the agency and partner, and sample clusters.

Names of the ten clusters, the agency and the partner come from the programme's
press release. Their company codes, contacts and member companies are
illustrative, and so is every cluster marked as sample data.
"""

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from .models import Benchmarking, Cluster, EligibilityCriterion, Membership, Organisation, Region, Sector, add_months
from .services import (
    benchmarking_plan,
    benchmarking_record_result,
    eligibility_waiver_record,
    label_award_from_benchmarking,
)

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

# The road to the label in the demo (see load_label_road).
GAPS_CLUSTER = "LPC"
ELIGIBILITY_GAPS = {"eccp_profile_url": "", "english_website_url": "", "management_fte": Decimal("0.3")}
WAIVED_CLUSTER = "Railway LT"
# Planned first bronze benchmarkings, months from now: one still in 2027, one that reaches the target date.
PLANNED_FIRST_BRONZE = {"SMART Food": 4, "STC": 8, "NFEC": 13}

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
        registry = (
            ELIGIBILITY_GAPS
            if short == GAPS_CLUSTER
            else {
                "eccp_profile_url": f"https://reporting.clustercollaboration.eu/cluster-organisations/cluster{number}",
                "english_website_url": f"https://cluster{number}.example.com/en",
                "management_fte": Decimal("1.5") + Decimal(number % 3) / 2,
            }
        )
        target = cluster(
            company_code=f"30{number:07d}",
            is_sample=False,
            email=f"info@cluster{number}.example.com",
            website=f"https://cluster{number}.example.com",
            **registry,
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
        # ECCP asks for 15 members: all but the cluster with gaps and the waived one have them recorded.
        extra = {GAPS_CLUSTER: 0, WAIVED_CLUSTER: 4}.get(short, 11)
        add_members(
            target,
            [
                (
                    organisation(
                        f"UAB {short} Narys {i} (sample)", Organisation.Kind.COMPANY, f"33{number:04d}{i:03d}"
                    ),
                    Membership.Role.MEMBER,
                )
                for i in range(1, extra + 1)
            ],
            joined_on=datetime.date(spec["founded_year"] + 2, 3, 1),
        )
        programme_clusters.append(target)

    ivita = programme_clusters[0]
    ivita.managers.add(manager)
    load_label_road(
        {spec["short_name"]: c for spec, c in zip(PROGRAMME_CLUSTERS, programme_clusters, strict=True)}, today
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


def load_label_road(clusters: dict[str, Cluster], today: datetime.date) -> None:
    """iVITA's bronze, the country's only one, from a first benchmarking 19 months ago: valid two years, so it
    expires before the programme's target date unless renewed, and its silver window is open now. Three clusters
    have a first bronze benchmarking planned, one has eligibility gaps, one a waiver. Each step runs once.
    """
    ivita = clusters["iVITA"]
    if not ivita.benchmarkings.exists():
        first = benchmarking_plan(
            cluster=ivita,
            kind=Benchmarking.Kind.FIRST_BRONZE,
            month=add_months(today, -19),
            expert="ESCA benchmarking expert (demo)",
        )
        benchmarking_record_result(benchmarking=first, today=today)
        label_award_from_benchmarking(
            benchmarking=first,
            awarded_on=first.month + datetime.timedelta(days=40),
            reference="ECEI bronze label (demo reference)",
        )
    for short, months in PLANNED_FIRST_BRONZE.items():
        if not clusters[short].benchmarkings.exists():
            benchmarking_plan(
                cluster=clusters[short],
                kind=Benchmarking.Kind.FIRST_BRONZE,
                month=add_months(today, months),
                expert="ESCA benchmarking expert (demo)",
            )
    waived = clusters[WAIVED_CLUSTER]
    if not waived.eligibility_waivers.exists():
        eligibility_waiver_record(
            cluster=waived,
            criterion=EligibilityCriterion.MEMBERS,
            reason="Dalyvauja nacionalinėje klasterių programoje, kurios reikalavimai kitokie (demo).",
            by=None,
        )
