"""Text a person types is bounded everywhere: every form field, every model text column, one message."""

from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import get_resolver
from django.utils import translation

from inolink.forms import FreeTextField, LinkField


def project_apps():
    root = Path(settings.BASE_DIR).resolve()
    return [config for config in apps.get_app_configs() if Path(config.path).resolve().parent == root]


def project_form_classes():
    """Every form class the project's apps define (front end and admin), found by walking the subclasses of
    Django's forms once every module that defines them is imported (the URLconf imports views, views forms)."""
    get_resolver().url_patterns  # noqa: B018 (imports every view module and through them the forms)
    names = tuple(f"{config.name}." for config in project_apps())
    found, todo = set(), [forms.BaseForm]
    while todo:
        for subclass in todo.pop().__subclasses__():
            todo.append(subclass)
            if subclass.__module__.startswith(names) and ".tests" not in subclass.__module__:
                found.add(subclass)
    return sorted(found, key=lambda form: f"{form.__module__}.{form.__qualname__}")


def test_the_walk_finds_the_forms_people_type_into():
    names = {form.__name__ for form in project_form_classes()}
    assert {"BookingForm", "ReasonForm", "OutcomeForm", "RatingForm", "AvailabilityExceptionForm"} <= names
    assert {"ApplicationForm", "DelegateForm", "LeadForm", "FundingIntentForm", "DecisionForm"} <= names


@pytest.mark.parametrize("form", project_form_classes(), ids=lambda form: f"{form.__module__}.{form.__qualname__}")
def test_every_text_field_of_every_form_has_a_maximum_length(form):
    """A new text field without a limit fails here; a text area must also count line breaks as the browser does
    and give the limit's message (``FreeTextField``). Passwords are hashed, never stored or shown as typed."""
    for name, field in form.base_fields.items():
        if not isinstance(field, forms.CharField) or isinstance(field.widget, forms.PasswordInput):
            continue
        assert field.max_length is not None, f"{form.__name__}.{name} has no max_length"
        if isinstance(field.widget, forms.Textarea):
            assert isinstance(field, FreeTextField), f"{form.__name__}.{name} is a text area but no FreeTextField"


def test_every_limited_text_column_has_its_database_check():
    """A TextField's max_length binds only its forms; the check makes the database refuse longer text too."""
    for config in project_apps():
        for model in config.get_models():
            checks = {
                (constraint.condition.lhs.source_expressions[0].name, constraint.condition.rhs)
                for constraint in model._meta.constraints
                if isinstance(constraint, models.CheckConstraint)
                and isinstance(constraint.condition, LessThanOrEqual)
                and isinstance(constraint.condition.lhs, Length)
            }
            for field in model._meta.get_fields():
                if isinstance(field, models.TextField) and field.max_length and not model._meta.auto_created:
                    if model.__name__.startswith("Historical"):
                        continue  # history rows copy what the checked table already holds
                    assert (field.name, field.max_length) in checks, f"{model.__name__}.{field.name} has no check"


class Note(forms.Form):
    text = FreeTextField(max_length=4000, widget=forms.Textarea)
    link = LinkField(max_length=30, required=False)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Shorten this to at most 4,000 characters; you wrote 4,213."),
        ("lt", "Sutrumpinkite tekstą iki 4\xa0000 simbolių; dabar jų 4\xa0213."),
    ],
)
def test_the_message_gives_the_limit_and_the_count_in_the_interface_language(language, expected):
    with translation.override(language):
        form = Note({"text": "ž" * 4213})
        assert form.errors["text"] == [expected]


def test_a_link_gets_the_same_message():
    with translation.override("en"):
        assert Note({"text": "a", "link": "https://example.com/" + "a" * 20}).errors["link"] == [
            "Shorten this to at most 30 characters; you wrote 40."
        ]


def test_line_breaks_are_kept_as_one_character_each_as_the_browser_counts_them():
    form = Note({"text": "a\r\n" * 1999 + "ab"})  # 4,000 characters as the browser counts, 5,999 as sent
    assert form.is_valid(), form.errors
    assert form.cleaned_data["text"] == "a\n" * 1999 + "ab"


def test_a_text_area_carries_its_limit_for_the_page_counter():
    assert 'maxlength="4000"' in str(Note()["text"])
