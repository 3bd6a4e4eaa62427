"""The national cluster registry's import (clusters/resources.py ClusterRegistryResource, through the admin's
preview and confirm steps) and the registry's export."""

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.tests.factories import StaffFactory, UserFactory
from clusters.models import Cluster, Membership, Organisation
from clusters.resources import ClusterResource
from clusters.tests.factories import ClusterFactory
from inolink.tests.exports import csv_rows, export

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[1] / "registry_sample.csv"
IMPORT_URL = "admin:clusters_cluster_import"
CSV_FORMAT = "1"  # the admin's formats: XLSX, CSV


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def registry_csv(rows: list[list[str]]) -> bytes:
    header = ["company code", "name", "legal name", "sector", "region", "founding year", "website",
              "contact email", "contact phone", "sample data", "members"]  # fmt: skip
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def preview(client, content: bytes, name="registry.csv"):
    upload = SimpleUploadedFile(name, content, content_type="text/csv")
    return client.post(reverse(IMPORT_URL), {"import_file": upload, "format": CSV_FORMAT, "resource": "0"})


def confirm(client, response):
    form = response.context["confirm_form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    return client.post(reverse("admin:clusters_cluster_process_import"), data)


def import_file(client, content: bytes):
    response = preview(client, content)
    assert response.status_code == 200 and not response.context["result"].has_errors()
    assert not response.context["result"].has_validation_errors()
    assert confirm(client, response).status_code == 302


GOOD = [
    ["300000901", "Laser Valley", "Asociacija Laser Valley", "Lasers, photonics and engineering", "Vilnius County",
     "2010", "https://laser.example.com", "info@laser.example.com", "+370 600 00001", "no",
     "UAB Lazeriai [301000001]; Vilnius University"],
    ["300000902", "Wood Cluster", "", "Statyba ir mediena", "Kauno apskritis", "", "", "", "", "", ""],
]  # fmt: skip


def test_the_sample_registry_has_more_than_50_clusters_and_imports_cleanly(staff_client):
    content = SAMPLE.read_bytes()
    response = preview(staff_client, content)
    result = response.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] > 50
    assert Cluster.objects.count() == 0  # the preview writes nothing
    assert confirm(staff_client, response).status_code == 302
    assert Cluster.objects.count() > 50
    assert Membership.objects.count() > 150


def test_a_new_registry_adds_clusters_members_and_contacts(staff_client):
    import_file(staff_client, registry_csv(GOOD))
    laser = Cluster.objects.get(company_code="300000901")
    assert (laser.sector, laser.region, laser.founded_year) == ("lasers", "vilnius", 2010)
    assert (laser.email, laser.phone) == ("info@laser.example.com", "+370 600 00001")
    members = set(laser.memberships.values_list("organisation__name", "organisation__code"))
    assert members == {("UAB Lazeriai", "301000001"), ("Vilnius University", "")}
    wood = Cluster.objects.get(company_code="300000902")  # Lithuanian display names are read as well
    assert (wood.sector, wood.region, wood.founded_year) == ("construction", "kaunas", None)


def test_one_bad_row_is_shown_in_the_preview_and_nothing_is_written(staff_client):
    bad = ["300000903", "Atlantis Cluster", "", "Other", "Atlantis County", "20x0", "", "not an email", "", "", ""]
    response = preview(staff_client, registry_csv([*GOOD, bad]))
    assert response.status_code == 200
    result = response.context["result"]
    assert result.has_validation_errors()
    [invalid] = result.invalid_rows
    assert invalid.number == 3
    # Named by the file's columns, not the model's attributes.
    assert set(invalid.field_specific_errors) >= {"region", "founding year", "contact email"}
    page = response.content.decode()
    assert "Atlantis County" in page
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert Cluster.objects.count() == 0 and Organisation.objects.count() == 0


def test_importing_the_same_file_twice_changes_nothing(staff_client):
    content = registry_csv(GOOD)
    import_file(staff_client, content)
    snapshot = (
        list(Cluster.objects.order_by("pk").values()),
        list(Membership.objects.order_by("pk").values()),
        list(Organisation.objects.order_by("pk").values()),
        Cluster.history.count(),
    )
    response = preview(staff_client, content)
    totals = response.context["result"].totals
    assert totals["new"] == totals["update"] == 0 and totals["skip"] == 2
    confirm(staff_client, response)
    assert snapshot == (
        list(Cluster.objects.order_by("pk").values()),
        list(Membership.objects.order_by("pk").values()),
        list(Organisation.objects.order_by("pk").values()),
        Cluster.history.count(),
    )


def test_a_known_company_code_updates_its_cluster_and_adds_its_new_members(staff_client):
    cluster = ClusterFactory(company_code="300000901", name="Laser Valley", phone="")
    response = preview(staff_client, registry_csv(GOOD[:1]))
    assert response.context["result"].totals["update"] == 1
    confirm(staff_client, response)
    cluster.refresh_from_db()
    assert cluster.phone == "+370 600 00001"
    assert cluster.memberships.count() == 2
    assert Cluster.objects.count() == 1


def test_a_tampered_confirm_step_goes_back_to_the_upload(staff_client):
    data = {"import_file_name": "gone.csv", "original_file_name": "x.csv", "format": "9", "resource": "0"}
    response = staff_client.post(reverse("admin:clusters_cluster_process_import"), data)
    assert response.status_code == 302 and response["Location"] == reverse(IMPORT_URL)
    data["format"] = CSV_FORMAT
    response = staff_client.post(reverse("admin:clusters_cluster_process_import"), data)
    assert response.status_code == 302


def test_the_registry_export_lists_members_managers_and_labels(staff_client):
    manager = UserFactory(first_name="Ieva", last_name="Vadovė")
    import_file(staff_client, registry_csv(GOOD[:1]))
    Cluster.objects.get().managers.add(manager)
    [row] = csv_rows(export(staff_client, "clusters_cluster", ClusterResource))
    assert row["sector"] == "Lasers, photonics and engineering"
    assert "UAB Lazeriai [301000001]" in row["members (organisation [code], role)"]
    assert manager.email in row["cluster managers"]


def test_a_phone_number_goes_out_marked_as_text_and_comes_back_as_it_was(staff_client):
    """A CSV cell starting with "+" opens as a formula in a spreadsheet: the export marks it, the import unmarks it."""
    import_file(staff_client, registry_csv(GOOD[:1]))
    [row] = csv_rows(export(staff_client, "clusters_cluster", ClusterResource))
    assert row["contact phone"] == "'+370 600 00001"
    edited = [*GOOD[0][:8], "'+370 600 00002", *GOOD[0][9:]]
    import_file(staff_client, registry_csv([edited]))
    assert Cluster.objects.get().phone == "+370 600 00002"


def test_the_registry_export_queries_are_flat(staff_client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(times):
        for _ in range(times):
            cluster = ClusterFactory(managers=[UserFactory()])
            Membership.objects.create(cluster=cluster, organisation=Organisation.objects.create(name="Org"))
        with CaptureQueriesContext(connection) as captured:
            assert export(staff_client, "clusters_cluster", ClusterResource).status_code == 200
        return len(captured)

    assert queries(1) == queries(9)
