"""Every table of a report counts the chosen period, by the sessions' own dates, and agrees with the others."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from consultations.models import Consultation, ExtraHours, HourAllocation, ServiceArea, SessionOutcome
from consultations.services import recount_delivered_hours
from consultations.tests.factories import ConsultationFactory, SessionOutcomeFactory
from events.models import Participation
from events.tests.factories import FundingCallFactory, FundingIntentFactory, ParticipationFactory, PastEventFactory
from inolink.tables import CLUSTER, STAFF, ReportScope, build_tables, get_table_spec
from reports.exports import csv_dialect, table_csv, workbook_bytes
from reports.services import monthly_period

from .conftest import make_programme_clusters


def at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def period(programme):
    """Last month, with sessions in it, one before it whose outcome was logged since, and one after it."""
    date_from, date_to = monthly_period()
    clusters = make_programme_clusters(programme, 3)
    legal = ServiceArea.objects.get(code="legal")
    for index, cluster in enumerate(clusters):
        agreement = cluster.agreements.get()
        area = HourAllocation.objects.filter(agreement=agreement).order_by("service_area__position").first()
        area = area.service_area if area else legal

        def session(day, hour, status, delivered=None, agreement=agreement, area=area):
            consultation = ConsultationFactory(
                agreement=agreement,
                service_area=area,
                status=status,
                starts_at=at(day, hour),
                status_reason="Ill" if status == Consultation.Status.CANCELLED else "",
            )
            if delivered is not None:
                SessionOutcomeFactory(consultation=consultation, hours_delivered=Decimal(delivered))
            return consultation

        session(date_from + datetime.timedelta(days=3), 9, Consultation.Status.HELD, "1.5")
        session(date_from + datetime.timedelta(days=4), 9, Consultation.Status.HELD, "2.25")
        session(date_to, 14, Consultation.Status.CONFIRMED)  # not logged yet: its hours are held
        session(date_from + datetime.timedelta(days=5), 9, Consultation.Status.CANCELLED)
        # Before the period, logged today: it counts in its own month, not in this one.
        session(date_from - datetime.timedelta(days=3), 9, Consultation.Status.HELD, "1")
        # After the period: not in it.
        session(date_to + datetime.timedelta(days=1), 9, Consultation.Status.HELD, "3")
        event = PastEventFactory(
            starts_at=at(date_from + datetime.timedelta(days=index + 1), 9),
            ends_at=at(date_from + datetime.timedelta(days=index + 1), 17),
            registration_deadline=at(date_from - datetime.timedelta(days=5), 9),
        )
        ParticipationFactory(
            event=event, cluster=cluster, status=Participation.Status.APPROVED, delegates=["Ona", "Jonas"]
        )
        FundingIntentFactory(
            event=FundingCallFactory(
                starts_at=at(date_from + datetime.timedelta(days=2), 9),
                registration_deadline=at(date_from + datetime.timedelta(days=1), 9),
            ),
            cluster=cluster,
        )
    # The allocations' running totals count every logged outcome, whatever its session's date.
    recount_delivered_hours(HourAllocation.objects.all())
    return ReportScope(date_from, date_to, programme=programme)


def in_period(scope):
    return Consultation.objects.filter(starts_at__date__gte=scope.date_from, starts_at__date__lte=scope.date_to)


def test_every_table_of_a_period_agrees_with_the_others_and_with_the_database(period):
    tables = {table.key: table for table in build_tables(period, STAFF)}
    delivered = SessionOutcome.objects.filter(consultation__in=in_period(period)).aggregate(s=Sum("hours_delivered"))
    assert delivered["s"] == Decimal("11.25")  # 3 × (1.5 + 2.25), not the sessions before or after
    for key in ("agreements", "hours_by_service_area", "hours_by_area", "consultations_by_area", "consultations_list"):
        assert tables[key].totals()["delivered"] == delivered["s"], key

    held = sum(in_period(period).filter(status="confirmed").values_list("hours", flat=True))
    granted = HourAllocation.objects.aggregate(s=Sum("hours_granted"))["s"]
    for key in ("agreements", "hours_by_service_area", "hours_by_area"):
        totals = tables[key].totals()
        assert totals["held"] == held == 3, key
        assert totals["granted"] == granted, key
        # Remaining at the period's end: what the sessions up to then (the one before the period too) left.
        assert totals["remaining"] == granted - Decimal("11.25") - 3 - 3 * Decimal("1"), key

    by_area = tables["consultations_by_area"].totals()
    assert by_area["requested"] == len(tables["consultations_list"].rows) == in_period(period).count() == 12
    assert by_area["held"] == 6 and by_area["confirmed"] == 3 and by_area["cancelled"] == 3
    assert tables["consultations_list"].totals()["booked"] == in_period(period).aggregate(s=Sum("hours"))["s"]

    applications = tables["event_applications"].totals()
    participants = tables["event_participants"].dicts()
    assert applications["applied"] == len({(row["event"], row["cluster"]) for row in participants}) == 3
    assert sorted(row["delegate"] for row in participants) == ["Jonas", "Jonas", "Jonas", "Ona", "Ona", "Ona"]
    assert len(tables["funding_intents"].rows) == 3

    # The cluster's statement agrees with the staff's tables for that cluster.
    cluster = period.programme.agreements.order_by("cluster__name").first().cluster
    mine = ReportScope(period.date_from, period.date_to, cluster=cluster)
    statement = {table.key: table for table in build_tables(mine, CLUSTER)}
    for key in ("agreements", "hours_by_area", "consultations_by_area", "sessions"):
        assert statement[key].totals()["delivered"] == Decimal("3.75"), key


def test_hours_over_the_booked_length_count_in_reports_only_once_accepted(period):
    """Every report figure counts delivered hours as the cluster's budget does (the manager's pages, "who is
    behind"): hours logged over the booked length wait for the cluster's acceptance."""
    consultation = in_period(period).filter(outcome__hours_delivered=Decimal("2.25")).first()
    Consultation.objects.filter(pk=consultation.pk).update(hours=Decimal("2"))
    SessionOutcome.objects.filter(consultation=consultation).update(
        extra_status=ExtraHours.PENDING, extra_due_at=timezone.now() + datetime.timedelta(days=7)
    )
    recount_delivered_hours(HourAllocation.objects.all())
    allocation = HourAllocation.objects.get(agreement=consultation.agreement, service_area=consultation.service_area)
    assert allocation.hours_delivered == Decimal("1.5") + 2 + 1 + 3  # with the sessions before and after the period

    def delivered_in_reports():
        tables = {table.key: table for table in build_tables(period, STAFF)}
        keys = ("agreements", "hours_by_service_area", "hours_by_area", "consultations_by_area", "consultations_list")
        return {key: tables[key].totals()["delivered"] for key in keys}

    assert set(delivered_in_reports().values()) == {Decimal("11.25") - Decimal("0.25")}
    SessionOutcome.objects.filter(consultation=consultation).update(extra_status=ExtraHours.ACCEPTED)
    assert set(delivered_in_reports().values()) == {Decimal("11.25")}


def test_a_report_rebuilt_later_for_the_same_period_shows_the_same_numbers(period):
    before = {table.key: table.rows for table in build_tables(period, STAFF) if table.key != "outcomes_overdue"}
    # Later: the session before the period is corrected, one after it logged, and new bookings made.
    old = Consultation.objects.filter(starts_at__date__lt=period.date_from).first()
    SessionOutcome.objects.filter(consultation=old).update(hours_delivered=Decimal("4"))
    later = Consultation.objects.filter(starts_at__date__gt=period.date_to).first()
    ConsultationFactory(agreement=later.agreement, service_area=later.service_area, status="confirmed")
    recount_delivered_hours(HourAllocation.objects.all())
    after = {table.key: table.rows for table in build_tables(period, STAFF) if table.key != "outcomes_overdue"}
    for key in before:
        if key in ("agreements", "hours_by_service_area", "hours_by_area"):
            # Only what is left at the period's end counts the session before it, now 3 hours longer.
            strip = {"agreements": 8, "hours_by_service_area": 4, "hours_by_area": 6}[key]
            assert [row[:strip] for row in before[key]] == [row[:strip] for row in after[key]], key
        else:
            assert before[key] == after[key], key


def test_lithuanian_sheets_name_the_column_of_every_booking_apart_from_the_status(period):
    with translation.override("lt"):
        table = get_table_spec("consultations_by_area").build(period)
        column = next(column for column in table.columns if column.key == "requested")
        assert str(column.label) == "Visi užsakymai"
        assert str(Consultation.Status.REQUESTED.label) == "Laukia patvirtinimo"
        areas = {row["area"] for row in get_table_spec("consultations_list").build(period).dicts()}
        cluster = period.programme.agreements.first().cluster
        scope = ReportScope(period.date_from, period.date_to, cluster=cluster)
        areas |= {row["area"] for row in get_table_spec("sessions").build(scope).dicts()}
    english = set(ServiceArea.objects.values_list("name", flat=True))
    assert areas and not areas & english, areas  # every area in its Lithuanian name


def test_sheet_names_are_short_translated_names_unique_in_the_workbook(period):
    for language in ("en", "lt"):
        with translation.override(language):
            for audience in (STAFF, CLUSTER):
                tables = build_tables(period, audience)
                names = load_workbook(io.BytesIO(workbook_bytes(tables))).sheetnames
                assert all(len(name) <= 31 and not name.endswith("…") for name in names), names
                assert names == [table.sheet for table in tables], names
    with translation.override("lt"):
        assert "Valandos pagal klasterius" in [table.sheet for table in build_tables(period, STAFF)]


def test_xlsx_cells_are_numbers_with_number_formats(period):
    with translation.override("lt"):
        table = get_table_spec("hours_by_area").build(period)
        sheet = load_workbook(io.BytesIO(workbook_bytes([table]))).active
    assert sheet.max_row == len(table.rows) + 2
    for row in sheet.iter_rows(min_row=2):
        for cell, column in zip(row, table.columns, strict=True):
            if cell.row == sheet.max_row and not column.total:  # the total row leaves the shares empty
                assert cell.value is None or cell.column == 1
            elif column.kind in ("hours", "percent", "int"):
                assert isinstance(cell.value, int | float), (column.key, cell.value)
                assert cell.number_format in ("#,##0.00", "0.0%", "#,##0"), cell.number_format


def test_csv_is_semicolon_separated_with_decimal_commas_in_lithuanian(period):
    table_en = get_table_spec("hours_by_service_area").build(period)
    english = table_csv(table_en).lstrip("\ufeff").splitlines()
    assert csv_dialect() == (",", ".")
    assert english[-1].startswith("Total,") and ",11.25," in english[-1]
    with translation.override("lt"):
        table_lt = get_table_spec("hours_by_service_area").build(period)
        lithuanian = table_csv(table_lt).lstrip("\ufeff").splitlines()
        assert csv_dialect() == (";", ",")
    assert lithuanian[0].split(";")[0] == "Paslaugų sritis"
    assert lithuanian[-1].startswith("Iš viso;") and ";11,25;" in lithuanian[-1]
    assert all(len(line.split(";")) == len(table_lt.columns) for line in lithuanian)
    assert not any("." in cell for line in lithuanian[1:] for cell in line.split(";")[1:])


@pytest.mark.parametrize(
    ("date_from", "date_to", "message"),
    [
        ("2026-05-01", "2026-01-01", "The end of the period must not be before its start."),
        ("2001-01-01", "2026-01-01", "Choose a period of at most ten years."),
    ],
)
def test_a_download_with_an_invalid_filter_refuses_with_the_pages_message(
    client, staff, programme, date_from, date_to, message
):
    make_programme_clusters(programme, 1)
    client.force_login(staff)
    query = {"date_from": date_from, "date_to": date_to}
    page = client.get(reverse("reports:table", args=["agreements"]), query).content.decode()
    assert message in page
    for url in (
        reverse("reports:table-csv", args=["agreements"]),
        reverse("reports:table-xlsx", args=["agreements"]),
        reverse("reports:workbook-download"),
    ):
        response = client.get(url, query)
        assert response.status_code == 400, url
        assert response["Content-Type"].startswith("text/html")
        assert message in response.content.decode()
    assert client.get(reverse("reports:table-csv", args=["agreements"])).status_code == 200  # no filter: the year


def test_the_lithuanian_weekly_email_names_every_booking_apart_from_the_status_with_decimal_commas(programme):
    from django.core import mail

    from accounts.tests.factories import StaffFactory
    from notifications.services import messages_send
    from reports.services import report_send_weekly

    make_programme_clusters(programme, 3)
    StaffFactory(language="lt")
    report_send_weekly()
    messages_send()
    (email,) = mail.outbox
    assert "Visi užsakymai: 0" in email.body
    assert "Laukia patvirtinimo" not in email.body
    assert "Skirta valandų: 113,25" in email.body and "113.25" not in email.body
