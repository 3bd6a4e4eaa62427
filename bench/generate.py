"""A large programme for the benchmark, generated in chunks with bulk inserts.

The full size is ten chunks: 60 clusters, 250 experts, 50,000 consultations with outcomes, 1,000 events and
10,000 participations. Each chunk spreads its consultations and applications over every cluster and expert
generated so far, so the benchmark's own manager and expert see their data grow tenfold between one tenth and
the full size.
"""

import datetime
import itertools
import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from agreements.models import Agreement, Party, Programme, Signature
from clusters.models import Cluster, LabelAward, LabelLevel, Organisation, Region, Sector
from consultations.models import Consultation, Expert, HourAllocation, ServiceArea, SessionOutcome, WeeklyAvailability
from consultations.services import recount_delivered_hours
from events.models import Event, Participation

CLUSTERS_PER_CHUNK = 6
EXPERTS_PER_CHUNK = 25
CONSULTATIONS_PER_CHUNK = 5_000
EVENTS_PER_CHUNK = 100
PARTICIPATIONS_PER_CHUNK = 1_000
BATCH = 2_000

BENCH_PASSWORD = "bench-password"
STAFF_EMAIL = "bench.staff@example.com"
MANAGER_EMAIL = "bench.manager@example.com"
EXPERT_EMAIL = "bench.expert@example.com"


def base_objects():
    """The programme, its parties and the three people whose pages are measured."""
    agency, _ = Organisation.objects.get_or_create(name="Bench agency", defaults={"kind": Organisation.Kind.PUBLIC})
    partner, _ = Organisation.objects.get_or_create(name="Bench partner", defaults={"kind": Organisation.Kind.PUBLIC})
    today = timezone.localdate()
    programme, _ = Programme.objects.get_or_create(
        code="bench",
        defaults={
            "name_en": "Bench programme",
            "agency": agency,
            "partner": partner,
            "starts_on": today - datetime.timedelta(days=400),
            "ends_on": today + datetime.timedelta(days=700),
            "target_date": today + datetime.timedelta(days=700),
        },
    )
    password = make_password(BENCH_PASSWORD)
    staff, _ = User.objects.get_or_create(
        email=STAFF_EMAIL, defaults={"is_staff": True, "is_superuser": True, "password": password, "language": "en"}
    )
    manager, _ = User.objects.get_or_create(email=MANAGER_EMAIL, defaults={"password": password, "language": "en"})
    expert_user, _ = User.objects.get_or_create(email=EXPERT_EMAIL, defaults={"password": password, "language": "en"})
    return programme, staff, manager, expert_user


@transaction.atomic
def generate_chunk(chunk: int) -> None:
    rng = random.Random(chunk)
    programme, _staff, bench_manager, bench_expert_user = base_objects()
    areas = list(ServiceArea.objects.order_by("position"))
    now = timezone.now()
    password = make_password(BENCH_PASSWORD)

    # Clusters with active agreements, signatures, allocations, managers and some labels.
    clusters = Cluster.objects.bulk_create(
        Cluster(
            name=f"Bench cluster {chunk:02d}-{i:02d}",
            company_code=f"8{chunk:03d}{i:05d}",
            sector=rng.choice(Sector.values),
            region=rng.choice(Region.values),
            founded_year=2000 + i,
        )
        for i in range(CLUSTERS_PER_CHUNK)
    )
    managers = User.objects.bulk_create(
        User(email=f"bench.manager.{chunk}.{i}@example.com", password=password) for i in range(CLUSTERS_PER_CHUNK)
    )
    if chunk == 0:
        managers[0] = bench_manager
    Cluster.managers.through.objects.bulk_create(
        Cluster.managers.through(cluster_id=cluster.pk, user_id=manager.pk)
        for cluster, manager in zip(clusters, managers, strict=True)
    )
    agreements = Agreement.objects.bulk_create(
        Agreement(
            programme=programme,
            cluster=cluster,
            number=f"BENCH-{chunk:02d}-{i:02d}",
            starts_on=programme.starts_on,
            ends_on=programme.ends_on,
        )
        for i, cluster in enumerate(clusters)
    )
    Signature.objects.bulk_create(
        Signature(
            agreement=agreement, party=party, signer_name="Bench", signer_role="Director", signed_on=agreement.starts_on
        )
        for agreement in agreements
        for party in Party.values
    )
    HourAllocation.objects.bulk_create(
        HourAllocation(agreement=agreement, service_area=area, hours_granted=Decimal("1000"))
        for agreement in agreements
        for area in areas
    )
    LabelAward.objects.bulk_create(
        LabelAward(
            cluster=cluster,
            level=LabelLevel.BRONZE if i % 2 else LabelLevel.SILVER,
            awarded_on=now.date() - datetime.timedelta(days=100),
            valid_until=now.date() + datetime.timedelta(days=600),
        )
        for i, cluster in enumerate(clusters[:3])
    )

    # Experts, each in two service areas, working weekdays 9-17.
    expert_users = User.objects.bulk_create(
        User(email=f"bench.expert.{chunk}.{i}@example.com", password=password) for i in range(EXPERTS_PER_CHUNK)
    )
    if chunk == 0:
        expert_users[0] = bench_expert_user
    experts = Expert.objects.bulk_create(Expert(user=user, organisation="Bench consultancy") for user in expert_users)
    Expert.service_areas.through.objects.bulk_create(
        Expert.service_areas.through(expert_id=expert.pk, servicearea_id=areas[(i + k) % len(areas)].pk)
        for i, expert in enumerate(experts)
        for k in range(2)
    )
    WeeklyAvailability.objects.bulk_create(
        WeeklyAvailability(expert=expert, weekday=day, start_time=datetime.time(9), end_time=datetime.time(17))
        for expert in experts
        for day in range(5)
    )

    # Consultations spread over every cluster and expert so far: mostly held in the past with outcomes,
    # some cancelled, a few live in the future (never overlapping for an expert).
    all_agreements = list(Agreement.objects.filter(programme=programme).select_related("cluster"))
    all_experts = list(Expert.objects.filter(user__email__startswith="bench.expert").prefetch_related("service_areas"))
    cluster_manager = dict(
        Cluster.managers.through.objects.filter(cluster__in=[a.cluster_id for a in all_agreements]).values_list(
            "cluster_id", "user_id"
        )
    )
    consultations = []
    future_slot = itertools.count(chunk * 10_000)
    for n in range(CONSULTATIONS_PER_CHUNK):
        agreement = all_agreements[n % len(all_agreements)]
        expert = all_experts[(n * 7 + chunk) % len(all_experts)]
        area = list(expert.service_areas.all())[n % 2]
        roll = rng.random()
        if roll < 0.97:
            starts = now - datetime.timedelta(days=rng.randint(2, 380), hours=rng.randint(0, 8))
            status = Consultation.Status.HELD if roll < 0.9 else Consultation.Status.CANCELLED
        else:
            slot = next(future_slot)
            # A unique future hour per slot number: no expert is ever booked twice at once.
            starts = now.replace(minute=0, second=0, microsecond=0) + datetime.timedelta(days=3, hours=3 * slot)
            status = Consultation.Status.CONFIRMED if roll < 0.985 else Consultation.Status.REQUESTED
        consultations.append(
            Consultation(
                cluster_id=agreement.cluster_id,
                agreement=agreement,
                service_area=area,
                expert=expert,
                booked_by_id=cluster_manager[agreement.cluster_id],
                starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=2),
                hours=Decimal("2"),
                format=Consultation.Format.ONLINE,
                meeting_url="https://meet.example.com/bench",
                topic=f"Bench topic {n}",
                status=status,
                status_reason="Bench cancellation" if status == Consultation.Status.CANCELLED else "",
            )
        )
    created = Consultation.objects.bulk_create(consultations, batch_size=BATCH)
    SessionOutcome.objects.bulk_create(
        (
            SessionOutcome(
                consultation=consultation,
                summary="Bench summary",
                recommendations="Bench recommendations",
                hours_delivered=Decimal("2"),
            )
            for consultation in created
            if consultation.status == Consultation.Status.HELD
        ),
        batch_size=BATCH,
    )
    recount_delivered_hours(HourAllocation.objects.filter(agreement__programme=programme))  # as after an import

    # Events and applications over every cluster so far.
    event_starts = [now + datetime.timedelta(days=rng.randint(-300, 300)) for _ in range(EVENTS_PER_CHUNK)]
    Event.objects.bulk_create(
        Event(
            title_en=f"Bench event {chunk}-{i}",
            kind=rng.choice(Event.Kind.values),
            organiser="Bench organiser",
            country="LT",
            city="Vilnius",
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=8),
            registration_deadline=starts - datetime.timedelta(days=7),
            # bulk_create calls no save(): a funding call's dates are given (its moments then only approximate).
            opens_on=timezone.localdate(starts),
            closes_on=timezone.localdate(starts),
            places=None,
            delegates_per_cluster=3,
            status=Event.Status.PUBLISHED,
        )
        for i, starts in enumerate(event_starts)
    )
    # Applications over every event and cluster so far, topping the total up to 1,000 per chunk.
    all_clusters = [agreement.cluster_id for agreement in all_agreements]
    all_events = list(Event.objects.filter(title_en__startswith="Bench event").values_list("pk", flat=True))
    taken = set(Participation.objects.values_list("event_id", "cluster_id"))
    wanted = min(PARTICIPATIONS_PER_CHUNK * (chunk + 1), len(all_events) * len(all_clusters)) - len(taken)
    pairs = set()
    while len(pairs) < wanted:
        pair = (rng.choice(all_events), rng.choice(all_clusters))
        if pair not in taken:
            pairs.add(pair)
    Participation.objects.bulk_create(
        (
            Participation(
                event_id=event_id,
                cluster_id=cluster_id,
                status=rng.choice([Participation.Status.APPLIED, Participation.Status.APPROVED]),
                motivation="Bench motivation",
                applied_by_id=cluster_manager[cluster_id],
            )
            for event_id, cluster_id in pairs
        ),
        batch_size=BATCH,
    )


def sizes() -> dict[str, int]:
    return {
        "clusters": Cluster.objects.count(),
        "experts": Expert.objects.count(),
        "consultations": Consultation.objects.count(),
        "outcomes": SessionOutcome.objects.count(),
        "events": Event.objects.count(),
        "participations": Participation.objects.count(),
    }
