import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.tests.factories import StaffFactory
from agreements.models import Agreement, Signature
from agreements.tests.factories import ActiveAgreementFactory, AgreementFactory, ProgrammeFactory
from agreements.tests.test_models import PDF_BYTES
from clusters.tests.factories import ClusterFactory
from consultations.models import HourAllocation, ServiceArea

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def agreement_form(programme, cluster, *, signatures=(), allocations=(), **fields):
    data = {
        "programme": programme.pk,
        "cluster": cluster.pk,
        "number": "INO-1",
        "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + datetime.timedelta(days=365)).isoformat(),
        "terminated_on": "",
        "termination_reason": "",
        "notes": "",
        "signatures-TOTAL_FORMS": len(signatures),
        "signatures-INITIAL_FORMS": 0,
        "allocations-TOTAL_FORMS": len(allocations),
        "allocations-INITIAL_FORMS": 0,
    }
    for i, (party, name) in enumerate(signatures):
        data |= {
            f"signatures-{i}-party": party,
            f"signatures-{i}-signer_name": name,
            f"signatures-{i}-signer_role": "Director",
            f"signatures-{i}-signed_on": TODAY.isoformat(),
        }
    for i, (area, hours) in enumerate(allocations):
        data |= {f"allocations-{i}-service_area": area.pk, f"allocations-{i}-hours_granted": hours}
    return data | fields


def add_agreement(client, data):
    return client.post(reverse("admin:agreements_agreement_add"), data)


def test_staff_create_an_active_agreement_with_signatures_and_hours(staff_client):
    programme, cluster = ProgrammeFactory(), ClusterFactory()
    legal = ServiceArea.objects.get(code="legal")
    data = agreement_form(
        programme,
        cluster,
        signatures=[("agency", "A"), ("partner", "P"), ("cluster", "C")],
        allocations=[(legal, "20")],
        document=SimpleUploadedFile("signed.pdf", PDF_BYTES, content_type="application/pdf"),
    )
    response = add_agreement(staff_client, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    agreement = Agreement.objects.get()
    assert agreement.is_active
    assert agreement.allocations.get().hours_granted == 20
    change = staff_client.get(reverse("admin:agreements_agreement_change", args=[agreement.pk]))
    assert "Active" in change.content.decode()


def form_errors(response):
    return response.context["adminform"].form.errors


def test_period_ending_before_start_gets_a_field_message(staff_client):
    data = agreement_form(
        ProgrammeFactory(), ClusterFactory(), ends_on=(TODAY - datetime.timedelta(days=3)).isoformat()
    )
    response = add_agreement(staff_client, data)
    assert response.status_code == 200
    assert "must end after it starts" in str(form_errors(response)["ends_on"])
    assert not Agreement.objects.exists()


def test_second_signature_for_the_same_party_is_refused(staff_client):
    data = agreement_form(ProgrammeFactory(), ClusterFactory(), signatures=[("agency", "A"), ("agency", "B")])
    response = add_agreement(staff_client, data)
    assert response.status_code == 200
    assert "duplicate" in response.content.decode().lower()
    assert not Agreement.objects.exists()


def test_adding_a_signature_for_a_party_that_already_signed_is_refused(staff_client):
    agreement = ActiveAgreementFactory()
    response = staff_client.post(
        reverse("admin:agreements_signature_add")
        if False
        else reverse("admin:agreements_agreement_change", args=[agreement.pk]),
        {
            **agreement_form(agreement.programme, agreement.cluster, number=agreement.number),
            "signatures-TOTAL_FORMS": 4,
            "signatures-INITIAL_FORMS": 3,
            **{
                f"signatures-{i}-{key}": value
                for i, signature in enumerate(agreement.signatures.all())
                for key, value in {
                    "id": signature.pk,
                    "agreement": agreement.pk,
                    "party": signature.party,
                    "signer_name": signature.signer_name,
                    "signer_role": signature.signer_role,
                    "signed_on": signature.signed_on.isoformat(),
                }.items()
            },
            "signatures-3-party": "agency",
            "signatures-3-signer_name": "Second signer",
            "signatures-3-signer_role": "Deputy",
            "signatures-3-signed_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 200
    assert Signature.objects.filter(agreement=agreement).count() == 3


@pytest.mark.parametrize("hours", ["-3", "0", "100000", "abc"])
def test_negative_or_absurd_hours_get_a_message(staff_client, hours):
    legal = ServiceArea.objects.get(code="legal")
    data = agreement_form(ProgrammeFactory(), ClusterFactory(), allocations=[(legal, hours)])
    response = add_agreement(staff_client, data)
    assert response.status_code == 200
    formset_errors = [inline.formset.errors for inline in response.context["inline_admin_formsets"]]
    assert any(errors and errors[0].get("hours_granted") for errors in formset_errors)
    assert not HourAllocation.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("signed.pdf", b"plain text pretending", "not a PDF"),
        ("signed.txt", PDF_BYTES, "extension"),
    ],
)
def test_non_pdf_upload_is_refused_at_the_field(staff_client, name, content, message):
    data = agreement_form(ProgrammeFactory(), ClusterFactory(), document=SimpleUploadedFile(name, content))
    response = add_agreement(staff_client, data)
    assert response.status_code == 200
    assert message in str(form_errors(response)["document"])


def test_duplicate_live_agreement_is_refused_with_a_message(staff_client):
    existing = ActiveAgreementFactory()
    response = add_agreement(staff_client, agreement_form(existing.programme, existing.cluster, number="INO-NEW"))
    assert response.status_code == 200
    assert "already has a live agreement" in response.content.decode()
    assert Agreement.objects.count() == 1


def test_failed_edit_keeps_what_was_saved(staff_client):
    agreement = AgreementFactory(notes="Original notes")
    data = agreement_form(
        agreement.programme,
        agreement.cluster,
        number=agreement.number,
        notes="Changed",
        ends_on=(TODAY - datetime.timedelta(days=400)).isoformat(),
    )
    response = staff_client.post(reverse("admin:agreements_agreement_change", args=[agreement.pk]), data)
    assert response.status_code == 200
    agreement.refresh_from_db()
    assert agreement.notes == "Original notes"


def test_programme_page_shows_kpi_progress(staff_client):
    programme = ProgrammeFactory()
    response = staff_client.get(reverse("admin:agreements_programme_change", args=[programme.pk]))
    assert "bronze 0 / 6, silver 0 / 1" in response.content.decode()


def test_cluster_list_tells_which_clusters_are_in_a_programme(staff_client):
    inside, outside = ActiveAgreementFactory().cluster, ClusterFactory()
    url = reverse("admin:clusters_cluster_changelist")
    page = staff_client.get(url)
    assert "in_programme_display" in page.context["cl"].list_display
    for value, expected in (("yes", [inside]), ("no", [outside])):
        rows = staff_client.get(url, {"in_programme": value}).context["cl"].result_list
        assert list(rows) == expected, value
