"""The admin's exports of consultations, outcomes and ratings (consultations/resources.py)."""

import io

import openpyxl
import pytest
from django.utils import timezone, translation

from accounts.tests.factories import StaffFactory
from consultations.models import Consultation
from consultations.resources import ConsultationResource, RatingResource, SessionOutcomeResource
from consultations.tests.factories import ConsultationFactory, RatingFactory, SessionOutcomeFactory
from inolink.tests.exports import csv_rows, export

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def test_consultation_export_reads_names_and_display_values(staff_client):
    consultation = ConsultationFactory(status=Consultation.Status.CONFIRMED, topic="Export strategy")
    response = export(staff_client, "consultations_consultation", ConsultationResource)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.csv"')
    [row] = csv_rows(response)
    assert row["topic"] == "Export strategy"
    assert row["cluster"] == consultation.cluster.name
    assert row["expert"] == str(consultation.expert)
    assert row["status"] == "Confirmed"  # the display name, not the code
    assert row["format"] == "Online"
    assert row["place or link"] == consultation.meeting_url


def test_consultation_export_headers_are_translated(client):
    client.force_login(StaffFactory(language="lt"))
    ConsultationFactory(status=Consultation.Status.CONFIRMED)
    [row] = csv_rows(export(client, "consultations_consultation", ConsultationResource))
    with translation.override("lt"):
        header = str(ConsultationResource.fields["status"].column_name)
        status = str(Consultation.Status.CONFIRMED.label)
    assert header != "status"
    assert row[header] == status


def test_export_follows_the_list_filter(staff_client):
    ConsultationFactory(status=Consultation.Status.CONFIRMED, topic="Kept")
    ConsultationFactory(status=Consultation.Status.REQUESTED, topic="Filtered out")
    response = export(staff_client, "consultations_consultation", ConsultationResource, query="status__exact=confirmed")
    assert [row["topic"] for row in csv_rows(response)] == ["Kept"]


def test_export_with_a_tampered_filter_goes_back_to_the_list(staff_client):
    response = export(staff_client, "consultations_consultation", ConsultationResource, query="starts_at__gte=%00")
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


def test_xlsx_export_has_native_dates_and_numbers(staff_client):
    consultation = ConsultationFactory(status=Consultation.Status.CONFIRMED)
    response = export(staff_client, "consultations_consultation", ConsultationResource, file_format="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    values = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert values["topic"] == consultation.topic
    # Cells a spreadsheet sums and sorts: numbers and Vilnius wall-clock times, not their text.
    assert values["booked hours"] == 1 and not isinstance(values["booked hours"], str)
    assert values["No."] == consultation.pk
    assert values["starts"] == timezone.localtime(consultation.starts_at).replace(tzinfo=None)


def test_outcome_and_rating_exports(staff_client):
    rating = RatingFactory(comment="Very useful")
    SessionOutcomeFactory(consultation=rating.consultation)
    [outcome_row] = csv_rows(export(staff_client, "consultations_sessionoutcome", SessionOutcomeResource))
    assert outcome_row["result"] == "Held"
    assert outcome_row["cluster"] == rating.consultation.cluster.name
    [rating_row] = csv_rows(export(staff_client, "consultations_rating", RatingResource))
    assert rating_row["rating"] == "4"
    assert rating_row["comment"] == "Very useful"


@pytest.mark.parametrize(
    ("admin_url", "resource", "make"),
    [
        # A requested booking, and a held one with its outcome and rating: each column's relation read with the list.
        (
            "consultations_consultation",
            ConsultationResource,
            lambda: (ConsultationFactory(), RatingFactory(consultation=SessionOutcomeFactory().consultation)),
        ),
        ("consultations_sessionoutcome", SessionOutcomeResource, lambda: SessionOutcomeFactory()),
        ("consultations_rating", RatingResource, lambda: RatingFactory()),
    ],
)
def test_export_queries_are_flat(staff_client, django_assert_max_num_queries, admin_url, resource, make):
    def count(rows):
        for _ in range(rows):
            make()
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = export(staff_client, admin_url, resource)
        assert response.status_code == 200
        return len(queries)

    assert count(1) == count(9)  # 1 row, then 10


def test_the_consultations_export_counts_delivered_hours_as_the_reports_do(staff_client):
    """Hours logged over the booked length wait for the cluster, in the export as in the budget and the reports."""
    import datetime
    from decimal import Decimal

    from consultations.models import ExtraHours

    consultation = ConsultationFactory(status=Consultation.Status.HELD, hours=Decimal("1"))
    outcome = SessionOutcomeFactory(
        consultation=consultation,
        hours_delivered=Decimal("1.5"),
        extra_status=ExtraHours.PENDING,
        extra_due_at=timezone.now() + datetime.timedelta(days=7),
    )
    [row] = csv_rows(export(staff_client, "consultations_consultation", ConsultationResource))
    assert row["hours delivered"] == "1.00" == f"{outcome.hours_counted:.2f}"
    [logged] = csv_rows(export(staff_client, "consultations_sessionoutcome", SessionOutcomeResource))
    assert logged["hours delivered"] == "1.50"
