"""Demo experts (one per service area, plus the demo expert account), their hours, the agreements' hours per
service area, and consultations."""

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.demo import demo_user
from agreements.models import Agreement
from clusters.models import Cluster, IndicatorArea
from inolink.history import save_with_many_to_many

from .models import (
    AvailabilityException,
    Consultation,
    ConsultationChange,
    Expert,
    ExtraHours,
    HourAllocation,
    Rating,
    ServiceArea,
    SessionOutcome,
    WeeklyAvailability,
    extra_hours_dispute_days,
)
from .services import recount_delivered_hours

DEMO_EXPERTS = [
    ("legal.expert@example.com", "Aistė", "Teisininkė", ["legal"], "Law firm (sample)", ["lt", "en"]),
    ("finance.expert@example.com", "Mindaugas", "Finansininkas", ["financial"], "Audit firm (sample)", ["lt"]),
    ("marketing.expert@example.com", "Greta", "Rinkodaraitė", ["marketing"], "Agency (sample)", ["lt", "en"]),
    (
        "partnership.expert@example.com",
        "Jonas",
        "Partnerystė",
        ["international-partnership"],
        "Consultancy (sample)",
        ["lt", "en", "de"],
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
            ["en", "lt"],
            bio="Helps clusters assess their maturity and prepare for the European Cluster Excellence labels.",
        )
    ]
    for email, first, last, areas, organisation, languages in DEMO_EXPERTS:
        user = demo_user(email, first_name=first, last_name=last)
        experts.append(expert(user, areas, organisation, languages))
    load_availability(experts)
    return experts


HOURS_PER_AREA = {
    "legal": Decimal("20"),
    "financial": Decimal("20"),
    "marketing": Decimal("25"),
    "strategy": Decimal("30"),
    "international-partnership": Decimal("25"),
}


def load_allocations(*, programme) -> None:
    """The hours of each live agreement of the programme that has none yet."""
    areas = list(ServiceArea.objects.filter(code__in=HOURS_PER_AREA))
    for agreement in programme.agreements.live().filter(allocations__isnull=True):
        HourAllocation.objects.bulk_create(
            HourAllocation(agreement=agreement, service_area=area, hours_granted=HOURS_PER_AREA[area.code])
            for area in areas
        )


WEEKLY_HOURS = [(weekday, datetime.time(9), datetime.time(17)) for weekday in range(5)]


def load_availability(experts) -> None:
    """Monday to Friday, 9:00–17:00, for each demo expert who has no weekly hours yet; the first expert also has
    a week's holiday in a month, entered as one row."""
    for profile in experts:
        if not profile.weekly_hours.exists():
            WeeklyAvailability.objects.bulk_create(
                WeeklyAvailability(expert=profile, weekday=weekday, start_time=start, end_time=end)
                for weekday, start, end in WEEKLY_HOURS
            )
    if experts and not experts[0].exceptions.exists():
        today = timezone.localdate()
        monday = today + datetime.timedelta(days=28 - today.weekday())
        AvailabilityException.objects.create(
            expert=experts[0],
            start_date=monday,
            end_date=monday + datetime.timedelta(days=4),
            kind=AvailabilityException.Kind.TIME_OFF,
            note="Holiday",
        )


def _weekday(offset: int) -> datetime.date:
    """The day ``offset`` days from today, moved forward (future) or back (past) off the weekend."""
    day = timezone.localdate() + datetime.timedelta(days=offset)
    step = 1 if offset >= 0 else -1
    while day.weekday() >= 5:
        day += datetime.timedelta(days=step)
    return day


def _at(offset: int, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(_weekday(offset), datetime.time(hour)))


# (days from today, hour, length, expert email, area, status, format, topic, agenda)
DEMO_CONSULTATIONS = [
    (
        -40,
        10,
        "1.5",
        "expert@example.com",
        "strategy",
        "held",
        "online",
        "Klasterio valdymo ir sprendimų priėmimo tvarka",
        "Valdybos ir narių susirinkimo vaidmenys, sprendimų priėmimo tvarka.",
    ),
    (
        -33,
        13,
        "1.5",
        "finance.expert@example.com",
        "financial",
        "held",
        "online",
        "Narių paslaugų paketas ir jo kainodara",
        "Kurias paslaugas nariams teikti už nario mokestį, o kurias – už atskirą mokestį.",
    ),
    (
        -18,
        11,
        "1",
        "marketing.expert@example.com",
        "marketing",
        "held",
        "online",
        "Narių sėkmės istorijos ir paraiška apdovanojimui",
        "Sėkmės istorijų atranka, paraiškos nacionaliniam inovacijų apdovanojimui planas.",
    ),
    (
        -24,
        10,
        "2",
        "expert@example.com",
        "strategy",
        "held",
        "onsite",
        "Klasterio strategijos 2027–2030 m. gairės",
        "1. Klasterio brandos įsivertinimo rezultatai.\n2. Strateginiai tikslai ir rodikliai.\n3. Narių įtraukimas.",
    ),
    (
        -12,
        13,
        "1.5",
        "marketing.expert@example.com",
        "marketing",
        "held",
        "online",
        "Bendro klasterio prekės ženklo pristatymas užsienio rinkose",
        "Aptarti klasterio vertės pasiūlymą, svetainės turinį anglų kalba ir parodų komunikaciją.",
    ),
    (
        -9,
        10,
        "1",
        "legal.expert@example.com",
        "legal",
        "cancelled",
        "online",
        "Narystės sutarties ir įstatų pakeitimai",
        "Peržiūrėti naujų narių priėmimo tvarką.",
    ),
    (
        -2,
        14,
        "2",
        "expert@example.com",
        "international-partnership",
        "confirmed",
        "onsite",
        "Partnerių paieška „Baltic Sea Region Innovation Express“ kvietimui",
        "1. Tinkami partneriai Suomijoje ir Švedijoje.\n2. Projekto idėjos aprašas.\n3. Terminai.",
    ),
    (
        3,
        10,
        "2",
        "expert@example.com",
        "strategy",
        "requested",
        "onsite",
        "Pasirengimas Europos klasterių kompetencijos sidabro ženklui",
        "Aptarti ESCA vertinimo kriterijus, trūkstamus įrodymus ir veiksmų planą iki paraiškos.",
    ),
    (
        4,
        14,
        "1.5",
        "legal.expert@example.com",
        "legal",
        "declined",
        "online",
        "Intelektinės nuosavybės sutartys su universitetais",
        "Licencijavimo sąlygos ir bendra nuosavybė bendruose projektuose.",
    ),
    (
        5,
        11,
        "1",
        "finance.expert@example.com",
        "financial",
        "confirmed",
        "online",
        "Klasterio veiklos finansavimo modelis ir nario mokesčiai",
        "Nario mokesčių struktūra, ES fondų bendrasis finansavimas, biudžetas 2027 m.",
    ),
    (
        8,
        13,
        "1.5",
        "partnership.expert@example.com",
        "international-partnership",
        "requested",
        "online",
        "Dalyvavimas tarptautinėje sveikatingumo parodoje",
        "Parodos pasirinkimas, bendras stendas ir susitikimų planavimas.",
    ),
]

DEMO_REASONS = {
    "cancelled": "Pasikeitė klasterio valdybos posėdžio data.",
    "declined": "Tą savaitę vedu mokymus užsienyje. Užsisakykite kitą laiką arba kreipkitės į kitą teisės ekspertą.",
}

# topic: (summary, recommendations, follow-up, hours delivered, rating, the indicator areas the session served).
# iVITA's road shows solid evidence in management and services and thin evidence elsewhere (events.evidence).
DEMO_OUTCOMES = {
    "Klasterio valdymo ir sprendimų priėmimo tvarka": (
        "Aprašėme valdybos ir narių susirinkimo vaidmenis ir sprendimų priėmimo tvarką.",
        "Patvirtinti valdymo tvarką kitame narių susirinkime.",
        "Klasterio vadovė parengia valdymo tvarkos projektą.",
        "1.5",
        None,
        ("management",),
    ),
    "Narių paslaugų paketas ir jo kainodara": (
        "Sudarėme narių paslaugų sąrašą ir aptarėme, kurios įeina į nario mokestį.",
        "Paslaugų katalogą paskelbti svetainėje; įvertinti paslaugų paklausą apklausa.",
        "Ekspertas atsiųs kainodaros skaičiuoklę.",
        "1.5",
        (4, "Naudinga, norėtųsi daugiau pavyzdžių."),
        ("services", "financing"),
    ),
    "Narių sėkmės istorijos ir paraiška apdovanojimui": (
        "Atrinkome tris narių sėkmės istorijas ir paraiškos apdovanojimui planą.",
        "Sėkmės istorijas paskelbti lietuvių ir anglų kalbomis.",
        "Klasteris iki mėnesio pabaigos parengia paraiškos juodraštį.",
        "1",
        None,
        ("achievements",),
    ),
    "Klasterio strategijos 2027–2030 m. gairės": (
        "Aptarėme brandos įsivertinimo rezultatus ir suformulavome tris strateginius tikslus.",
        "Parengti strategijos projektą ir pateikti jį narių susirinkimui.",
        "Klasterio vadovė iki mėnesio pabaigos išsiunčia strategijos projektą nariams.",
        "2",
        (5, "Labai naudinga: aiškūs tikslai ir konkretūs žingsniai."),
        ("management", "services"),
    ),
    "Bendro klasterio prekės ženklo pristatymas užsienio rinkose": (
        "Peržiūrėjome klasterio vertės pasiūlymą ir svetainės turinį anglų kalba.",
        "Sutrumpinti vertės pasiūlymą iki trijų sakinių; paruošti vieną bendrą pristatymą parodoms.",
        "Ekspertė atsiųs pristatymo šabloną; klasteris surinks narių sėkmės istorijas.",
        "2",  # half an hour over the booking: waits for the cluster to accept or dispute it
        None,
        ("achievements", "interaction"),
    ),
}


def load_consultations(*, manager) -> int:
    """Past and upcoming consultations of the manager's cluster (iVITA), once."""
    cluster = Cluster.objects.managed_by(manager).order_by("name").first()
    if cluster is None or Consultation.objects.filter(cluster=cluster).exists():
        return 0
    agreement = Agreement.objects.booking_for(cluster).first()
    if agreement is None:
        return 0
    areas = {area.code: area for area in ServiceArea.objects.all()}
    indicator_areas = {area.code: area for area in IndicatorArea.objects.all()}
    experts = {e.user.email: e for e in Expert.objects.select_related("user")}
    created = 0
    for offset, hour, length, email, area, status, fmt, topic, agenda in DEMO_CONSULTATIONS:
        hours = Decimal(length)
        starts_at = _at(offset, hour)
        consultation = Consultation.objects.create(
            cluster=cluster,
            agreement=agreement,
            service_area=areas[area],
            expert=experts[email],
            booked_by=manager,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=float(hours)),
            hours=hours,
            format=fmt,
            city="Vilnius" if fmt == "onsite" else "",
            address="Saulėtekio al. 15" if fmt == "onsite" else "",
            meeting_url="https://teams.microsoft.com/l/meetup-join/inolink-demo" if fmt == "online" else "",
            topic=topic,
            agenda=agenda,
            status=status,
            status_reason=DEMO_REASONS.get(status, ""),
            status_changed_by={"cancelled": manager, "declined": experts[email].user}.get(status),
            confirmed_at=starts_at - datetime.timedelta(days=3) if status in ("confirmed", "held") else None,
            cancelled_at=starts_at - datetime.timedelta(days=4) if status == "cancelled" else None,
            declined_at=timezone.now() if status == "declined" else None,
        )
        created += 1
        # Booked a week ahead (or now, for the sessions of the coming week), not on the day the demo was loaded.
        booked_at = min(timezone.now(), starts_at - datetime.timedelta(days=7))
        Consultation.objects.filter(pk=consultation.pk).update(created_at=booked_at)
        if topic in DEMO_OUTCOMES:
            summary, recommendations, follow_up, delivered, rating, served = DEMO_OUTCOMES[topic]
            outcome = SessionOutcome(
                consultation=consultation,
                result=SessionOutcome.Result.HELD,
                summary=summary,
                recommendations=recommendations,
                follow_up_actions=follow_up,
                hours_delivered=Decimal(delivered),
            )
            save_with_many_to_many(outcome, indicator_areas=[indicator_areas[code] for code in served])
            # Logged when the session ended; hours over the booked length two days ago, so the cluster still has
            # its dispute window (counted from the logging, as the pages say) to answer them.
            logged_at = consultation.ends_at
            if outcome.hours_delivered > hours:
                logged_at = timezone.now() - datetime.timedelta(days=2)
                SessionOutcome.objects.filter(pk=outcome.pk).update(
                    extra_status=ExtraHours.PENDING,
                    extra_due_at=logged_at + datetime.timedelta(days=extra_hours_dispute_days()),
                )
            SessionOutcome.objects.filter(pk=outcome.pk).update(created_at=logged_at)
            outcome.history.update(history_date=logged_at)  # its one record, of the logging
            if rating:
                Rating.objects.create(consultation=consultation, score=rating[0], comment=rating[1], rated_by=manager)
    _load_changes(cluster, manager)
    # The declined request came back last, after every other booking: it waits on the manager's to-do list.
    Consultation.objects.filter(cluster=cluster, status="declined").update(declined_at=timezone.now())
    # The outcomes were written directly, as an import would be: count their hours into the allocations.
    recount_delivered_hours(HourAllocation.objects.filter(agreement=agreement))
    return created


def _load_changes(cluster, manager) -> None:
    """A moved and corrected session, and a request for which the expert proposes another time (issue 16)."""
    of_cluster = Consultation.objects.filter(cluster=cluster).select_related("expert__user")
    moved = of_cluster.filter(topic__startswith="Klasterio veiklos finansavimo").first()
    if moved is not None:
        before = moved.starts_at - datetime.timedelta(days=1)
        ConsultationChange.objects.create(
            consultation=moved,
            kind=ConsultationChange.Kind.RESCHEDULED,
            by=manager,
            role=ConsultationChange.Role.MANAGER,
            reason="Tą dieną vyksta klasterio valdybos posėdis.",
            old_starts_at=before,
            old_ends_at=before + (moved.ends_at - moved.starts_at),
            new_starts_at=moved.starts_at,
            new_ends_at=moved.ends_at,
        )
        ConsultationChange.objects.create(
            consultation=moved,
            kind=ConsultationChange.Kind.DETAILS,
            by=manager,
            role=ConsultationChange.Role.MANAGER,
            fields_changed="agenda",
        )
    asked = of_cluster.filter(status=Consultation.Status.REQUESTED, topic__startswith="Pasirengimas").first()
    if asked is not None:
        proposed = _at(4, 11)
        ends = proposed + (asked.ends_at - asked.starts_at)
        Consultation.objects.filter(pk=asked.pk).update(proposed_starts_at=proposed, proposed_ends_at=ends)
        ConsultationChange.objects.create(
            consultation=asked,
            kind=ConsultationChange.Kind.PROPOSED,
            by=asked.expert.user,
            role=ConsultationChange.Role.EXPERT,
            reason="Tą rytą vedu mokymus; po pietų laikas tinka.",
            old_starts_at=asked.starts_at,
            old_ends_at=asked.ends_at,
            new_starts_at=proposed,
            new_ends_at=ends,
        )
