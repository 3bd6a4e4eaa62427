"""Lithuanian emails greet in a form right for every name (issue 15).

Lithuanian addresses a person in the vocative ("Tomai", "Jūrate"); "Sveiki, Tomas," is the nominative and reads
wrong. Every email greets through templates/emails/_greeting.txt: "Laba diena," in Lithuanian, without the name.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail

from accounts.tests.factories import UserFactory
from consultations import services
from consultations.tests.factories import ConsultationFactory

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)


def _email_templates():
    return [
        path
        for path in ROOT.glob("*/templates/**/emails/*")
        if path.suffix in (".txt", ".html") and not {".venv", "node_modules", "mutants"} & set(path.parts)
    ] + list((ROOT / "templates" / "emails").glob("*"))


def test_no_email_template_greets_by_name_on_its_own():
    """Only the shared greeting may use a first name (and only in English); no template overrides it."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in _email_templates()
        if path.name != "_greeting.txt"
        and ("first_name" in path.read_text() or "block greeting" in path.read_text())
        and path.parent != ROOT / "templates" / "emails"
    ]
    assert offenders == []


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.mark.parametrize("name", ["Tomas", "Jūratė", "Rasa", "Paulius"])
def test_lithuanian_email_greets_without_a_name_in_the_nominative(name, django_capture_on_commit_callbacks):
    manager = UserFactory(first_name=name, language="lt")
    consultation = ConsultationFactory(agreement__cluster__managers=[manager])
    with django_capture_on_commit_callbacks(execute=True):
        services.consultation_confirm(consultation=consultation, by=consultation.expert.user)
    [email] = mail.outbox
    html = email.alternatives[0][0]
    assert email.body.startswith("Laba diena,\n")
    assert name not in email.body and name not in html
    assert "Sveiki" not in email.body and "Laba diena," in html


def test_english_email_greets_by_first_name(django_capture_on_commit_callbacks):
    manager = UserFactory(first_name="Tomas", language="en")
    consultation = ConsultationFactory(agreement__cluster__managers=[manager])
    with django_capture_on_commit_callbacks(execute=True):
        services.consultation_confirm(consultation=consultation, by=consultation.expert.user)
    [email] = mail.outbox
    assert email.body.startswith("Hello Tomas,\n")
