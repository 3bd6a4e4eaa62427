"""Experts' languages are codes, named in the reader's language wherever they are shown."""

import importlib

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.forms import modelform_factory
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import StaffFactory
from consultations.models import Expert

from .factories import ExpertFactory

pytestmark = pytest.mark.django_db

language_migration = importlib.import_module("consultations.migrations.0009_expert_language_codes")


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Lithuanian, English", ["lt", "en"]),
        ("lietuvių; English / german", ["lt", "en", "de"]),
        ("Lithuanian and Polish", ["lt", "pl"]),
        ("EN, en, English", ["en"]),
        ("Klingon, Lithuanian", ["lt"]),
        ("", []),
    ],
)
def test_free_text_becomes_codes(text, codes):
    assert language_migration.codes_from_text(text) == codes


def test_names_follow_the_readers_language():
    expert = ExpertFactory(languages=["lt", "en", "de"])
    with translation.override("en"):
        assert expert.language_names == "Lithuanian, English, German"
    with translation.override("lt"):
        assert expert.language_names == "lietuvių, anglų, vokiečių"  # not capitalised in a line of text


def test_form_offers_the_list_and_refuses_anything_else():
    expert = ExpertFactory(languages=[])
    form_class = modelform_factory(Expert, fields=["languages"])
    form = form_class({"languages": ["en", "fr"]}, instance=expert)
    assert form.is_valid(), form.errors
    form.save()
    expert.refresh_from_db()
    assert expert.languages == ["en", "fr"]

    refused = form_class({"languages": ["en", "xx"]}, instance=expert)
    assert not refused.is_valid() and "languages" in refused.errors
    expert.refresh_from_db()
    assert expert.languages == ["en", "fr"]


def test_model_validation_refuses_unknown_codes():
    expert = ExpertFactory.build(languages=["tlh"])
    with pytest.raises(Exception) as error:
        expert.full_clean(exclude=["user"])
    assert "languages" in error.value.message_dict


def test_slot_picker_and_admin_name_the_languages(client, world):
    world.expert.languages = ["lt", "de"]
    world.expert.save()
    world.manager.language = "lt"
    world.manager.save()
    client.force_login(world.manager)
    page = client.get(reverse("consultations:book-slots"), {"area": world.area.code, "length": "1"})
    assert "lietuvių, vokiečių" in page.content.decode()  # after the organisation, in a line of text

    client.force_login(StaffFactory(language="en"))
    page = client.get(reverse("admin:consultations_expert_changelist"))
    assert "Lithuanian, German" in page.content.decode()
    form = client.get(reverse("admin:consultations_expert_change", args=[world.expert.pk]))
    assert 'type="checkbox" name="languages" value="de"' in form.content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migration_turns_the_text_into_codes_and_back():
    before = [("consultations", "0008_consultation_admin_indexes")]
    after = [("consultations", "0009_expert_language_codes")]

    def migrate(targets):
        executor = MigrationExecutor(connection)
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = migrate(before)
        user = old.get_model("accounts", "User").objects.create(email="polyglot@example.com", password="!")
        old.get_model("consultations", "Expert").objects.create(user=user, languages="Lithuanian, English, Elvish")

        new = migrate(after)
        assert new.get_model("consultations", "Expert").objects.get(user_id=user.pk).languages == ["lt", "en"]

        old = migrate(before)
        assert old.get_model("consultations", "Expert").objects.get(user_id=user.pk).languages == "Lithuanian, English"
    finally:
        migrate(latest)


def test_database_refuses_languages_that_are_not_a_list():
    expert = ExpertFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Expert.objects.filter(pk=expert.pk).update(languages="Lithuanian, English")
