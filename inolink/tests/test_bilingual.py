"""Texts kept in both languages (inolink/bilingual.py), and the migrations that sorted the texts written before
(events/0008, agreements/0004) into the language each was written in."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone, translation

from agreements.models import Programme
from clusters.tests.factories import OrganisationFactory
from events.models import Event
from inolink.bilingual import looks_lithuanian, pick

BEFORE = [("events", "0007_funding_call_dates"), ("agreements", "0003_move_hour_allocations_to_consultations")]


@pytest.mark.parametrize(
    ("text", "lithuanian"),
    [
        ("Klasterių diena Kaune: pramonė ir mokslas", True),
        ("ES struktūrinių fondų priemonė klasteriams", True),
        ("Hannover Messe: Lithuanian cluster pavilion", False),
        ("Cluster day in Šiauliai with partners from the whole Baltic Sea Region and beyond", False),
        ("Šiauliai", True),
        ("", False),
        ("2026 – 2027", False),
    ],
)
def test_a_text_looks_lithuanian_by_its_letters(text, lithuanian):
    assert looks_lithuanian(text) is lithuanian


def test_pick_gives_the_readers_language_or_the_other():
    assert pick(lt="Kvietimas", en="Call", language="en") == "Call"
    assert pick(lt="Kvietimas", en="Call", language="lt") == "Kvietimas"
    assert pick(lt="", en="Call", language="lt") == "Call"
    assert pick(lt="Kvietimas", en="", language="en") == "Kvietimas"
    with translation.override("en-gb"):
        assert pick(lt="Kvietimas", en="Call") == "Call"
    with translation.override("lt"):
        assert pick(lt="Kvietimas", en="Call") == "Kvietimas"


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_the_readers_text_cannot_be_assigned_where_it_would_be_lost():
    event = Event(title_lt="Mugė", title_en="Fair")
    with pytest.raises(AttributeError, match="title_lt or title_en"):
        event.title = "Renamed"
    with translation.override("en"):
        assert event.title == "Fair"


# serialized_rollback: the flush afterwards leaves the seeded rows for the next such test to restore.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_texts_written_before_move_to_the_language_they_are_written_in():
    agency, partner = OrganisationFactory(), OrganisationFactory()
    old = migrate(BEFORE)
    try:
        start = timezone.now() + datetime.timedelta(days=30)
        times = {"starts_at": start, "ends_at": start + datetime.timedelta(hours=6), "registration_deadline": start}
        OldEvent = old.get_model("events", "Event")
        lithuanian = OldEvent.objects.create(
            title="Klasterių diena Kaune", description="Susitikimai su tyrėjų grupėmis.", kind="presentation", **times
        )
        english = OldEvent.objects.create(title="Hannover Messe", description="A fair.", kind="exhibition", **times)
        mixed = OldEvent.objects.create(title="Slush", description="Startuolių renginys.", kind="exhibition", **times)
        old.get_model("events", "HistoricalEvent").objects.create(
            id=lithuanian.pk,
            title="Klasterių diena Kaune",
            kind="presentation",
            history_date=start,
            history_type="+",
            created_at=start,
            updated_at=start,
            **times,
        )
        OldProgramme = old.get_model("agreements", "Programme")
        dates = {"starts_on": start.date(), "ends_on": start.date() + datetime.timedelta(days=900)}
        programme = OldProgramme.objects.create(
            name="Promotion and Development of Innovation Networking (InoLink)",
            code="inolink",
            agency_id=agency.pk,
            partner_id=partner.pk,
            target_date=dates["ends_on"],
            **dates,
        )
        lithuanian_programme = OldProgramme.objects.create(
            name="Inovacijų tinklaveikos skatinimas ir plėtra",
            code="lt",
            agency_id=agency.pk,
            partner_id=partner.pk,
            target_date=dates["ends_on"],
            **dates,
        )
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    def texts(event):
        event = Event.objects.get(pk=event.pk)
        return event.title_lt, event.title_en, event.description_lt, event.description_en

    assert texts(lithuanian) == ("Klasterių diena Kaune", "", "Susitikimai su tyrėjų grupėmis.", "")
    assert texts(english) == ("", "Hannover Messe", "", "A fair.")
    assert texts(mixed) == ("", "Slush", "Startuolių renginys.", "")
    historical = Event.history.get(id=lithuanian.pk)
    assert (historical.title_lt, historical.title_en) == ("Klasterių diena Kaune", "")
    assert Programme.objects.values_list("name_lt", "name_en").get(pk=programme.pk) == (
        "",
        "Promotion and Development of Innovation Networking (InoLink)",
    )
    assert Programme.objects.values_list("name_lt", "name_en").get(pk=lithuanian_programme.pk) == (
        "Inovacijų tinklaveikos skatinimas ir plėtra",
        "",
    )
