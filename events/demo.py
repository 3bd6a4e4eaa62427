"""Demo events, applications, outcomes and funding intents, with dates relative to today.

The events are illustrative: their dates, places and partner organisations are made up for the demo, though the
kinds of event (a Baltic Sea Region Innovation Express call, an EU structural measure, international exhibitions)
are the ones the programme's press release names. Loading twice changes nothing.
"""

import datetime

from django.db.models import Q
from django.utils import timezone

from clusters.models import IndicatorArea
from inolink.history import save_with_many_to_many

from .models import Decision, Delegate, Event, FundingIntent, Outcome, Participation, PartnershipLead

Kind = Event.Kind
TEXTS = ("title_lt", "title_en", "description_lt", "description_en")  # each demo event has both languages


def _at(days: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone())


EVENTS = [
    {
        "key": "presentation-vilnius",
        "title_lt": "InoLink klasterių pristatymo renginys Vilniuje",
        "title_en": "InoLink cluster presentation event in Vilnius",
        "kind": Kind.PRESENTATION,
        "organiser": "Inovacijų agentūra (MITA) ir Lietuvos inovacijų centras",
        "country": "LT",
        "city": "Vilnius",
        "venue": "MITA, A. Goštauto g. 12",
        "start": (40, 10),
        "hours": 6,
        "deadline": 25,
        "places": 8,
        "delegates": 3,
        "description_lt": "Programos „InoLink“ klasteriai pristato savo veiklą, narius ir tarptautinio "
        "bendradarbiavimo planus verslo asociacijoms, investuotojams ir užsienio ambasadų atstovams.\n\n"
        "Kiekvienas klasteris turės 10 minučių pristatymui ir stendą tinklaveikos zonoje. "
        "Renginys nemokamas, dalyvių skaičius ribotas.",
        "description_en": "The clusters of the InoLink programme present their work, members and international "
        "cooperation plans to business associations, investors and representatives of foreign embassies.\n\n"
        "Each cluster has 10 minutes to present and a stand in the networking area. "
        "The event is free of charge; places are limited.",
    },
    {
        "key": "presentation-kaunas",
        "title_lt": "Klasterių diena Kaune: pramonė ir mokslas",
        "title_en": "Cluster day in Kaunas: industry and science",
        "kind": Kind.PRESENTATION,
        "organiser": "Lietuvos inovacijų centras",
        "country": "LT",
        "city": "Kaunas",
        "venue": "Kauno technologijos universitetas, Santakos slėnis",
        "start": (68, 9),
        "hours": 7,
        "deadline": 9,  # closes soon: iVITA has not applied, so it is on the manager's to-do list
        "places": 10,
        "delegates": 2,
        "description_lt": "Pramonės ir mokslo klasterių pristatymai, susitikimai su universitetų tyrėjų "
        "grupėmis ir diskusija apie bendrus projektus naujuoju ES finansavimo laikotarpiu.",
        "description_en": "Presentations by industry and science clusters, meetings with university research "
        "groups and a discussion "
        "of joint projects in the new EU funding period.",
    },
    {
        "key": "hannover",
        "title_lt": "Hannover Messe: Lietuvos klasterių paviljonas",
        "title_en": "Hannover Messe: Lithuanian cluster pavilion",
        "kind": Kind.EXHIBITION,
        "organiser": "Deutsche Messe AG; Lithuanian pavilion by MITA",
        "country": "DE",
        "city": "Hannover",
        "venue": "Hannover Exhibition Grounds",
        "start": (120, 9),
        "hours": 24 * 4 + 9,
        "deadline": 70,
        "places": 3,
        "delegates": 2,
        "description_lt": "Pasaulyje pirmaujanti pramonės technologijų paroda. Programos klasteriai dalijasi "
        "Lietuvos paviljonu: "
        "vieta stende, laikas paviljono pristatymų programoje ir susitikimai su lankytojais.",
        "description_en": "The world's leading industrial technology fair. Programme clusters share a Lithuanian "
        "pavilion: a stand place, a slot in the pavilion's pitch programme and matchmaking with visitors.",
    },
    {
        "key": "expo-health",
        "title_lt": "Šiaurės šalių sveikatingumo paroda „Nordic Health & Wellness Expo“",
        "title_en": "Nordic Health & Wellness Expo",
        "kind": Kind.EXHIBITION,
        "organiser": "Nordic Health Expo AB",
        "country": "SE",
        "city": "Stockholm",
        "venue": "Stockholmsmässan",
        "start": (95, 10),
        "hours": 24 * 2 + 7,
        "deadline": 60,
        "places": 4,
        "delegates": 2,
        "description_lt": "Šiaurės ir Baltijos šalių sveikatingumo, sveikatos turizmo ir medicinos technologijų "
        "paroda su pirkėjų "
        "programa SPA centrų ir klinikų valdytojams.",
        "description_en": "Exhibition of wellness, health tourism and medical technology from the Nordic and "
        "Baltic countries, with a buyers' programme for spa and clinic operators.",
    },
    {
        "key": "cluster-conference",
        "title_lt": "Europos klasterių konferencija",
        "title_en": "European Cluster Conference",
        "kind": Kind.INTERNATIONAL,
        "organiser": "European Commission, European Cluster Collaboration Platform",
        "country": "BE",
        "city": "Brussels",
        "venue": "The Square, Brussels Meeting Centre",
        "start": (80, 9),
        "hours": 24 + 8,
        "deadline": 45,
        "places": 5,
        "delegates": 2,
        "description_lt": "Klasterių vadovai ir politikos formuotojai iš visos Europos aptaria klasterių vadybos "
        "kompetenciją, "
        "tarptautiškumą ir Europos klasterių partnerystes.",
        "description_en": "Cluster managers and policy makers from across Europe meet to discuss cluster "
        "excellence, internationalisation and the European Cluster Partnerships.",
    },
    {
        "key": "slush",
        "title_lt": "Slush: Baltijos šalių klasterių delegacija",
        "title_en": "Slush: Baltic cluster delegation",
        "kind": Kind.INTERNATIONAL,
        "organiser": "Slush Oy",
        "country": "FI",
        "city": "Helsinki",
        "venue": "Messukeskus Helsinki",
        "start": (150, 10),
        "hours": 24 + 8,
        "deadline": 110,
        "places": None,
        "delegates": 2,
        "description_lt": "Startuolių ir technologijų renginys; programa suburia bendrą klasterių delegaciją "
        "susitikimams su "
        "investuotojais ir įmonių partneriais.",
        "description_en": "Start-up and technology event; the programme arranges a joint delegation of "
        "clusters with investors and corporate partners.",
    },
    {
        "key": "brokerage-riga",
        "title_lt": "Baltijos jūros regiono klasterių partnerių paieškos renginys",
        "title_en": "Baltic Sea Region Cluster Matchmaking",
        "kind": Kind.BROKERAGE,
        "organiser": "Enterprise Europe Network Baltic partners",
        "country": "LV",
        "city": "Riga",
        "venue": "Latvian Chamber of Commerce and Industry",
        "start": (55, 9),
        "hours": 8,
        "deadline": 35,
        "places": 6,
        "delegates": 2,
        "description_lt": "Iš anksto suderinti dvišaliai klasterių ir Baltijos jūros regiono įmonių, ieškančių "
        "partnerių bendriems "
        "projektams, susitikimai.",
        "description_en": "Pre-arranged one-to-one meetings between clusters and companies of the Baltic Sea "
        "Region looking for partners in joint projects.",
    },
    {
        "key": "bsr-innovation-express",
        "title_lt": "Baltijos jūros regiono programos „Innovation Express“ kvietimas",
        "title_en": "Baltic Sea Region Innovation Express call",
        "kind": Kind.FUNDING_CALL,
        "organiser": "BSR Innovation Express partners; in Lithuania: MITA",
        "country": "EU",
        "city": "",
        "venue": "",
        "start": (60, 9),
        "hours": 24 * 90,
        "deadline": 45,
        "opens": -20,  # a funding call has dates only: it opened 20 days ago and closes in 12 days
        "closes": 12,
        "places": None,
        "delegates": 1,
        "external_url": "https://mita.lrv.lt/",
        "description_lt": "Baltijos jūros regiono programos priemonė „Innovation Express“ finansuoja klasterių "
        "tarptautinio bendradarbiavimo veiklas: bendrus projektus su kitų šalių klasteriais, paslaugų "
        "paketų kūrimą įmonėms ir patekimą į naujas rinkas.\n\n"
        "Ketinantys teikti paraišką klasteriai kviečiami pažymėti savo ketinimą – programos ekspertai "
        "padės parengti paraišką.",
        "description_en": "The Innovation Express measure of the Baltic Sea Region programme funds clusters' "
        "international "
        "cooperation: joint projects with clusters of other countries, service packages for companies and entry "
        "into new markets.\n\n"
        "Clusters that intend to apply are invited to mark their intent: the programme's experts will help "
        "prepare the application.",
    },
    {
        "key": "eu-measure",
        "title_lt": "ES struktūrinių fondų priemonė klasteriams „Inoklaster LT“",
        "title_en": "EU structural funds measure for clusters “Inoklaster LT”",
        "kind": Kind.EU_MEASURE,
        "organiser": "Lietuvos Respublikos ekonomikos ir inovacijų ministerija; įgyvendina MITA",
        "country": "LT",
        "city": "",
        "venue": "",
        "start": (100, 9),
        "hours": 24 * 60,
        "deadline": 90,
        "opens": 100,
        "closes": 160,
        "places": None,
        "delegates": 1,
        "description_lt": "Naujojo ES investicijų laikotarpio priemonė klasterių brandai ir konkurencingumui "
        "stiprinti: bendros klasterio narių inovacijų veiklos, naujų produktų kūrimas ir eksporto plėtra.\n\n"
        "Kvietimas skelbiamas pagal priemonės aprašą; paraiškos teikiamos per DMS sistemą.",
        "description_en": "A measure of the new EU investment period that strengthens the maturity and "
        "competitiveness of clusters: "
        "joint innovation activities of cluster members, new products and export growth.\n\n"
        "The call is announced under the measure's description; applications are submitted through the DMS system.",
    },
    {
        "key": "draft-forum",
        "title_lt": "Klasterių forumas Klaipėdoje (rengiama)",
        "title_en": "Cluster forum in Klaipėda (in preparation)",
        "kind": Kind.PRESENTATION,
        "organiser": "Lietuvos inovacijų centras",
        "country": "LT",
        "city": "Klaipėda",
        "venue": "",
        "start": (160, 10),
        "hours": 6,
        "deadline": 140,
        "places": 12,
        "delegates": 2,
        "status": Event.Status.DRAFT,
        "description_lt": "Renginio programa rengiama.",
        "description_en": "The programme of the event is being prepared.",
    },
    {
        "key": "past-itb",
        "title_lt": "ITB Berlin: sveikatos turizmo paviljonas",
        "title_en": "ITB Berlin: health tourism pavilion",
        "kind": Kind.EXHIBITION,
        "organiser": "Messe Berlin GmbH; Lithuanian stand by MITA",
        "country": "DE",
        "city": "Berlin",
        "venue": "Messe Berlin",
        "start": (-60, 10),
        "hours": 24 * 2 + 8,
        "deadline": -90,
        "places": 3,
        "delegates": 2,
        "description_lt": "Tarptautinė turizmo paroda; sveikatos ir medicinos turizmo salėje veikė bendras "
        "programos klasterių "
        "Lietuvos stendas.",
        "description_en": "International tourism trade show; the health and medical tourism hall hosted a "
        "Lithuanian stand shared by programme clusters.",
    },
]


def _event(spec) -> Event:
    start = _at(spec["start"][0], spec["start"][1])
    deadline = _at(spec["deadline"], 23, 59)
    if deadline > start:
        deadline = start
    texts = {name: spec[name] for name in TEXTS}
    # Found by either title: a demo loaded before both languages were kept has only one; it gets the other.
    event = Event.objects.filter(Q(title_lt=spec["title_lt"]) | Q(title_en=spec["title_en"])).first()
    if event is not None:
        missing = [name for name in TEXTS if not getattr(event, name)]
        for name in missing:
            setattr(event, name, texts[name])
        if missing:
            event.save(update_fields=missing)
        return event
    return Event.objects.create(
        **texts,
        **{
            "kind": spec["kind"],
            "organiser": spec["organiser"],
            "country": spec["country"],
            "city": spec["city"],
            "venue": spec["venue"],
            "starts_at": start,
            "ends_at": start + datetime.timedelta(hours=spec["hours"]),
            "registration_deadline": deadline,
            "places": spec["places"],
            "delegates_per_cluster": spec["delegates"],
            "external_url": spec.get("external_url", ""),
            "status": spec.get("status", Event.Status.PUBLISHED),
            **_call_dates(spec),
        },
    )


def _call_dates(spec) -> dict:
    """A funding call's opening and closing days (its moments follow from them on save)."""
    if "opens" not in spec:
        return {}
    today = timezone.localdate()
    return {
        "opens_on": today + datetime.timedelta(days=spec["opens"]),
        "closes_on": today + datetime.timedelta(days=spec["closes"]),
    }


def _participation(event, cluster, *, user, status, delegates, motivation, staff, days_ago=20, note=""):
    participation, created = Participation.objects.get_or_create(
        event=event,
        cluster=cluster,
        defaults={
            "status": status,
            "motivation": motivation,
            "applied_by": user,
            "applied_at": min(timezone.now(), event.registration_deadline) - datetime.timedelta(days=days_ago),
            "waitlisted_at": timezone.now() if status == Participation.Status.WAITLISTED else None,
        },
    )
    if created:
        for position, (name, role) in enumerate(delegates):
            Delegate.objects.create(participation=participation, full_name=name, role=role, position=position)
        if status != Participation.Status.APPLIED:
            Decision.objects.create(
                participation=participation,
                kind=status,
                note=note,
                decided_by=staff,
                decided_at=participation.applied_at + datetime.timedelta(days=3),
            )
    return participation


def load(*, registry, manager, staff) -> dict:
    clusters = registry["programme_clusters"]
    ivita, laser, smart_food, _food, smart_tech, plastics, railway, _bio, laugea, uzupis = clusters
    events = {spec["key"]: _event(spec) for spec in EVENTS}
    Status = Participation.Status

    # The past exhibition iVITA attended, with an outcome and partnership leads.
    itb = _participation(
        events["past-itb"],
        ivita,
        user=manager,
        status=Status.APPROVED,
        staff=staff,
        days_ago=30,
        delegates=[("Ieva Cluster Manager", "Klasterio vadovė"), ("Rūta Kazlauskienė", "SPA centro direktorė")],
        motivation="Norime pristatyti Lietuvos sveikatingumo kurortus Vokietijos kelionių organizatoriams.",
    )
    if not Outcome.objects.filter(participation=itb).exists():
        outcome = Outcome(
            participation=itb,
            attended=True,
            contacts_made=14,
            notes="Stende apsilankė 40 lankytojų, 14 rimtų kontaktų. Du kelionių organizatoriai prašo "
            "pasiūlymo sveikatingumo paketams 2027 m. sezonui.",
            reported_by=manager,
        )
        # The exhibition is evidence for the road to the label (reports: the road's event results).
        save_with_many_to_many(
            outcome, indicator_areas=IndicatorArea.objects.filter(code__in=["interaction", "achievements"])
        )
        for organisation, country, topic, next_step in [
            ("Kurort Reisen GmbH (sample)", "DE", "Sveikatingumo kelionių paketai Druskininkuose", "Siųsti pasiūlymą"),
            (
                "Tallinn Health Tourism Cluster (sample)",
                "EE",
                "Bendras Baltijos šalių sveikatos turizmo maršrutas",
                "Vaizdo skambutis kitą mėnesį",
            ),
            ("Helsana Spa Consulting Oy (sample)", "FI", "SPA paslaugų kokybės standartai", ""),
        ]:
            PartnershipLead.objects.create(
                outcome=outcome, organisation=organisation, country=country, topic=topic, next_step=next_step
            )
    _participation(
        events["past-itb"],
        uzupis,
        user=staff,
        status=Status.APPROVED,
        staff=staff,
        delegates=[("Jonas Petraitis", "Association director")],
        motivation="Creative tourism offers from the Užupis district.",
    )

    # The open presentation event iVITA applied to.
    _participation(
        events["presentation-vilnius"],
        ivita,
        user=manager,
        status=Status.APPLIED,
        staff=staff,
        days_ago=2,
        delegates=[("Ieva Cluster Manager", "Klasterio vadovė"), ("Mantas Jankauskas", "Narių įmonės vadovas")],
        motivation="Pristatysime klasterio sveikatingumo paslaugų paketus ir ieškosime partnerių eksportui.",
    )
    # Hannover: three places, all taken, one cluster waiting.
    for cluster, status in [
        (laser, Status.APPROVED),
        (laugea, Status.APPROVED),
        (railway, Status.APPROVED),
        (plastics, Status.WAITLISTED),
    ]:
        _participation(
            events["hannover"],
            cluster,
            user=staff,
            status=status,
            staff=staff,
            delegates=[("Delegate of " + cluster.name[:40], "Cluster manager")],
            motivation="Meet industrial buyers and research partners at the pavilion.",
        )
    _participation(
        events["brokerage-riga"],
        smart_food,
        user=staff,
        status=Status.APPLIED,
        staff=staff,
        days_ago=1,
        delegates=[("Agnė Vaitkutė", "Klasterio koordinatorė")],
        motivation="Ieškome partnerių funkcinio maisto projektams Latvijoje ir Estijoje.",
    )

    today = timezone.localdate()
    for event, cluster, status, submitted in [
        (events["bsr-innovation-express"], ivita, FundingIntent.Status.APPLYING, None),
        (
            events["bsr-innovation-express"],
            smart_tech,
            FundingIntent.Status.APPLIED,
            today - datetime.timedelta(days=3),
        ),
        (events["bsr-innovation-express"], laser, FundingIntent.Status.CONSIDERING, None),
        (events["eu-measure"], ivita, FundingIntent.Status.CONSIDERING, None),
        (events["eu-measure"], plastics, FundingIntent.Status.APPLYING, None),
    ]:
        FundingIntent.objects.get_or_create(
            event=event,
            cluster=cluster,
            defaults={
                "status": status,
                "submitted_on": submitted,
                "updated_by": manager if cluster == ivita else staff,
            },
        )
    return events
