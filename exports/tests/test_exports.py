"""Long admin-list exports: built by a worker through the list's own admin, downloaded by their requester only."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.tests.factories import StaffFactory
from consultations.models import Consultation
from consultations.resources import ConsultationResource
from consultations.tests.factories import ConsultationFactory
from exports.admin import REFRESH_SECONDS
from exports.models import KEPT_FOR, ExportFile
from exports.services import export_file_build
from inolink.tests.exports import csv_rows, export

pytestmark = pytest.mark.django_db

LIST = "consultations_consultation"


@pytest.fixture
def staff():
    return StaffFactory()


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def export_in_background(client, django_capture_on_commit_callbacks, **kwargs):
    """The export form's POST, with the worker's build run when the request's transaction commits."""
    with django_capture_on_commit_callbacks(execute=True):
        return export(client, LIST, ConsultationResource, **kwargs)


def download(client, export_file):
    return client.get(reverse("admin:exports_exportfile_download", args=[export_file.pk]))


def test_an_export_up_to_the_limit_is_built_at_once(staff_client, settings):
    settings.EXPORT_ROWS_AT_ONCE = 2
    ConsultationFactory.create_batch(2)
    response = export(staff_client, LIST, ConsultationResource)
    assert response.status_code == 200
    assert len(csv_rows(response)) == 2
    assert not ExportFile.objects.exists()


def test_a_longer_export_is_built_by_a_worker_with_the_same_rows(
    staff_client, staff, settings, django_capture_on_commit_callbacks
):
    ConsultationFactory.create_batch(3, status=Consultation.Status.CONFIRMED)
    ConsultationFactory(status=Consultation.Status.REQUESTED)
    at_once = csv_rows(export(staff_client, LIST, ConsultationResource, query="status__exact=confirmed"))

    settings.EXPORT_ROWS_AT_ONCE = 2
    response = export_in_background(staff_client, django_capture_on_commit_callbacks, query="status__exact=confirmed")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:exports_exportfile_changelist")
    export_file = ExportFile.objects.get()
    assert (export_file.requested_by, export_file.rows, export_file.status) == (staff, 3, ExportFile.Status.READY)
    assert export_file.file_name.endswith(".csv")

    built = download(staff_client, export_file)
    assert built.status_code == 200
    assert built["Content-Type"].startswith("text/csv")
    assert built["Content-Disposition"] == f'attachment; filename="{export_file.file_name}"'
    assert csv_rows(built) == at_once
    assert len(at_once) == 3


def test_the_list_page_says_the_file_is_coming_and_refreshes_until_it_is_built(
    staff_client, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_ROWS_AT_ONCE = 0
    ConsultationFactory()
    with django_capture_on_commit_callbacks(execute=False):
        response = export(staff_client, LIST, ConsultationResource)
    page = staff_client.get(response["Location"])
    assert "1 row is more than an export builds while you wait" in page.content.decode()
    refresh = f'<meta http-equiv="refresh" content="{REFRESH_SECONDS}">'
    assert refresh in page.content.decode()
    assert "Being prepared" in page.content.decode()

    export_file = ExportFile.objects.get()
    assert export_file.get_download_url() not in page.content.decode()
    assert export_file.file_name in page.content.decode()

    export_file_build(export_file.pk)
    page = staff_client.get(response["Location"])
    assert refresh not in page.content.decode()
    assert f'<a href="{export_file.get_download_url()}" download>{export_file.file_name}</a>' in page.content.decode()


def test_only_the_requester_sees_and_downloads_the_file(
    client, staff_client, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_ROWS_AT_ONCE = 0
    ConsultationFactory()
    export_in_background(staff_client, django_capture_on_commit_callbacks)
    export_file = ExportFile.objects.get()

    client.force_login(StaffFactory())
    assert download(client, export_file).status_code == 404
    assert export_file.file_name not in client.get(reverse("admin:exports_exportfile_changelist")).content.decode()
    client.logout()
    assert download(client, export_file).status_code == 302  # to the sign-in page


def test_the_file_is_built_in_the_requesters_language(client, settings, django_capture_on_commit_callbacks):
    client.force_login(StaffFactory(language="lt"))
    settings.EXPORT_ROWS_AT_ONCE = 0
    ConsultationFactory(status=Consultation.Status.CONFIRMED)
    export_in_background(client, django_capture_on_commit_callbacks)
    [row] = csv_rows(download(client, ExportFile.objects.get()))
    with translation.override("lt"):
        assert row[str(ConsultationResource.fields["status"].column_name)] == str(Consultation.Status.CONFIRMED.label)


def test_a_requester_who_lost_staff_access_gets_no_file(
    staff_client, staff, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_ROWS_AT_ONCE = 0
    ConsultationFactory()
    with django_capture_on_commit_callbacks(execute=False):
        export(staff_client, LIST, ConsultationResource)
    staff.is_staff = False
    staff.save()
    export_file = export_file_build(ExportFile.objects.get().pk)
    assert export_file.status == ExportFile.Status.FAILED
    assert export_file.content is None
    assert export_file.finished_at is not None


def test_a_list_that_refuses_the_replayed_form_fails_the_export(
    staff_client, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_ROWS_AT_ONCE = 0
    ConsultationFactory()
    with django_capture_on_commit_callbacks(execute=False):
        export(staff_client, LIST, ConsultationResource)
    ExportFile.objects.update(form_data={"format": ["9"]})  # no such format: the form is shown again
    assert export_file_build(ExportFile.objects.get().pk).status == ExportFile.Status.FAILED


def test_a_built_file_is_not_built_again(staff_client, settings, django_capture_on_commit_callbacks):
    settings.EXPORT_ROWS_AT_ONCE = 0
    ConsultationFactory(topic="First")
    export_in_background(staff_client, django_capture_on_commit_callbacks)
    export_file = ExportFile.objects.get()
    ConsultationFactory(topic="Second")
    export_file_build(export_file.pk)  # a redelivered task
    assert [row["topic"] for row in csv_rows(download(staff_client, export_file))] == ["First"]


def test_the_requesters_old_files_go_when_they_export_again(
    staff_client, staff, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_ROWS_AT_ONCE = 0
    ConsultationFactory()
    export_in_background(staff_client, django_capture_on_commit_callbacks)
    export_in_background(staff_client, django_capture_on_commit_callbacks)
    old, kept = ExportFile.objects.order_by("pk")
    now = timezone.now()
    ExportFile.objects.filter(pk=old.pk).update(requested_at=now - KEPT_FOR - datetime.timedelta(minutes=1))
    ExportFile.objects.filter(pk=kept.pk).update(requested_at=now - KEPT_FOR + datetime.timedelta(minutes=1))
    other = StaffFactory()
    ExportFile.objects.create(
        requested_by=other, list_model=old.list_model, language="en", rows=1, requested_at=now - 2 * KEPT_FOR
    )

    export_in_background(staff_client, django_capture_on_commit_callbacks)
    assert not ExportFile.objects.filter(pk=old.pk).exists()
    assert ExportFile.objects.filter(pk=kept.pk).exists()
    assert ExportFile.objects.filter(requested_by=other).exists()  # another person's files are theirs to keep
    assert ExportFile.objects.of(staff).count() == 2


@pytest.mark.parametrize(
    "page",
    ["admin:consultations_consultation_export", "admin:clusters_cluster_export", "admin:clusters_cluster_import"],
)
def test_formats_are_named_as_people_know_them(staff_client, page):
    choices = staff_client.get(reverse(page)).context["form"].fields["format"].choices
    assert [label for value, label in choices if value] == ["XLSX", "CSV"]


@pytest.mark.parametrize(
    ("changelist", "buttons"),
    [
        ("admin:clusters_cluster_changelist", ["admin:clusters_cluster_import", "admin:clusters_cluster_export"]),
        ("admin:consultations_consultation_changelist", ["admin:consultations_consultation_export"]),
    ],
)
def test_a_list_shows_a_button_for_each_of_its_imports_and_exports(staff_client, changelist, buttons):
    page = staff_client.get(reverse(changelist)).content.decode()
    for button in buttons:
        assert re.search(rf"""href=["']{re.escape(reverse(button))}[?"']""", page), button
