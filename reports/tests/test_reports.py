import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from openpyxl import load_workbook

from accounts.tests.factories import UserFactory
from agreements.tests.factories import ProgrammeFactory
from clusters.models import EligibilityWaiver
from clusters.tests.factories import ClusterFactory
from consultations.models import HourAllocation
from inolink.formatting import date_span
from inolink.tables import CLUSTER, ReportScope, build_tables, get_table_spec
from notifications.models import OutgoingMessage
from notifications.services import messages_send
from reports.exports import XLSX_CONTENT_TYPE, table_csv, workbook_bytes
from reports.services import monthly_period, report_send_weekly, scope_from_json, weekly_period
from reports.views import TABLE_PAGE_ROWS

from .conftest import add_activity, make_programme_clusters


def this_year():
    today = timezone.localdate()
    return ReportScope(date_from=today.replace(month=1, day=1), date_to=today.replace(month=12, day=31))


def sheet_rows(workbook, title):
    return list(workbook[title].iter_rows(values_only=True))


# XLSX and CSV ------------------------------------------------------------------------------------


def test_workbook_opens_with_one_typed_sheet_per_table_and_totals_equal_the_database(programme):
    make_programme_clusters(programme, 3)
    tables = build_tables(this_year())
    workbook = load_workbook(io.BytesIO(workbook_bytes(tables)))

    assert workbook.sheetnames == [table.sheet for table in tables]
    for table in tables:
        sheet = workbook[table.sheet]
        assert sheet.freeze_panes == "A2"
        assert [cell.value for cell in sheet[1]] == [str(column.label) for column in table.columns]

    hours = workbook["Hours by cluster"]
    header = [cell.value for cell in hours[1]]
    granted_col = header.index("Hours granted") + 1
    last = hours.max_row
    assert hours.cell(last, 1).value == "Total"
    assert (
        Decimal(str(hours.cell(last, granted_col).value))
        == HourAllocation.objects.aggregate(s=Sum("hours_granted"))["s"]
    )
    assert hours.cell(2, granted_col).number_format == "#,##0.00"
    assert sum(Decimal(str(hours.cell(r, granted_col).value)) for r in range(2, last)) == Decimal("113.25")

    agreements = workbook["Agreements"]
    header = [cell.value for cell in agreements[1]]
    start_col = header.index("Period starts") + 1
    assert isinstance(agreements.cell(2, start_col).value, datetime.datetime)
    assert agreements.cell(2, start_col).number_format == "yyyy-mm-dd"
    assert agreements.cell(agreements.max_row, header.index("Hours granted") + 1).value == pytest.approx(113.25)

    kpi = sheet_rows(workbook, "Label KPI")
    assert kpi[1][2:6] == (3, 6, 1, 1)


def test_text_never_becomes_a_formula(programme):
    make_programme_clusters(programme, 1)
    ClusterFactory.reset_sequence()
    cluster = programme.agreements.get().cluster
    cluster.name = '=HYPERLINK("http://evil.example","x")'
    cluster.save()
    table = get_table_spec("agreements").build(this_year())
    workbook = load_workbook(io.BytesIO(workbook_bytes([table])))
    cell = workbook.active.cell(2, 2)
    assert (cell.data_type, cell.value) == ("s", '=HYPERLINK("http://evil.example","x")')
    assert "'=HYPERLINK" in table_csv(table)


def test_csv_has_header_rows_and_totals(programme):
    make_programme_clusters(programme, 2)
    text = table_csv(get_table_spec("hours_by_area").build(this_year()))
    lines = text.lstrip("\ufeff").strip().splitlines()
    assert lines[0].startswith("Cluster,Service area")
    assert len(lines) == 1 + 6 + 1
    assert lines[-1].startswith("Total") and "75.50" in lines[-1]


def test_cluster_scope_only_holds_that_cluster(programme):
    mine, other = make_programme_clusters(programme, 2)
    scope = ReportScope(**{**this_year().__dict__, "cluster": mine})
    for table in build_tables(scope, CLUSTER):
        names = {row[0] if table.key != "agreements" else row[1] for row in table.rows}
        assert names <= {mine.name}, table.key
        assert other.name not in str(table.rows)


# The dashboard -----------------------------------------------------------------------------------


def test_dashboard_is_for_staff_only(client, programme):
    assert client.get(reverse("reports:dashboard")).url.startswith(reverse("accounts:login"))
    client.force_login(UserFactory())
    assert client.get(reverse("reports:dashboard")).status_code == 404
    assert client.get(reverse("reports:table-csv", args=["agreements"])).status_code == 404


def test_dashboard_shows_kpis_hours_tables_and_downloads(client, staff, programme):
    make_programme_clusters(programme, 2)
    client.force_login(staff)
    response = client.get(reverse("reports:dashboard"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "2 / 6" in html and "1 / 1" in html
    assert "<svg" in html and "<script>" not in html.split("</main>")[0]
    assert reverse("reports:table-xlsx", args=["hours_by_area"]) in html
    assert reverse("reports:table-csv", args=["labels"]) in html


@pytest.mark.parametrize("count", [5, 50])
def test_dashboard_and_table_pages_run_a_fixed_number_of_queries(
    client, staff, programme, count, django_assert_num_queries, django_assert_max_num_queries
):
    for cluster in make_programme_clusters(programme, count):
        add_activity(cluster, days_ago=0)
    ClusterFactory.create_batch(3)  # registry clusters outside the programme
    client.force_login(staff)
    # 6 of them the label KPI projection, 2 the hours by area (allocations, and the period's sessions summed),
    # 8 the to-do list (each of its 8 items' first rows carry their count: reports/todo.py), 2 the session and user,
    # 1 the navigation's roles, 3 the filter form's and the projection's programmes and clusters
    with django_assert_num_queries(22) as dashboard_queries:
        response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Consultations by cluster and service area" in html and "Partnership leads" in html
    with django_assert_max_num_queries(12) as table_queries:
        table = client.get(reverse("reports:table", args=["hours_by_area"]))
    assert table.status_code == 200
    assert table.content.decode().count("<tr") == min(3 * count, TABLE_PAGE_ROWS) + 2  # header and total rows
    QUERIES[count] = (len(dashboard_queries), len(table_queries))
    print(f"dashboard and table page queries at {count} clusters: {QUERIES[count]}")
    assert len(set(QUERIES.values())) == 1, QUERIES


QUERIES: dict[int, tuple[int, int]] = {}


def test_table_page_pages_through_its_rows_and_totals_them_all(client, staff, programme):
    make_programme_clusters(programme, 20)  # 60 allocations of 10.50 + 20 + 7.25 h
    client.force_login(staff)
    first = client.get(reverse("reports:table", args=["hours_by_area"]), {"date_from": "2001-01-01"}).content.decode()
    assert "Rows 1–50 of 60" in first and "Page 1 of 2" in first
    assert "date_from=2001-01-01&amp;page=2" in first
    assert "755.00" in first.split("<tfoot>")[1]  # the total covers every page
    second = client.get(reverse("reports:table", args=["hours_by_area"]), {"page": "2"}).content.decode()
    assert "Rows 51–60 of 60" in second
    assert client.get(reverse("reports:table", args=["sessions"])).status_code == 404  # a cluster-only table
    assert client.get(reverse("reports:table", args=["no-such-table"])).status_code == 404


def test_hours_by_service_area_sums_the_allocations_and_live_bookings(programme):
    from agreements.models import Agreement
    from consultations.models import Consultation

    clusters = make_programme_clusters(programme, 3)
    for cluster in clusters:
        add_activity(cluster, days_ago=0)
    today = timezone.localdate()
    Agreement.objects.filter(cluster=clusters[2]).update(
        terminated_on=today - datetime.timedelta(days=400), termination_reason="Left the programme"
    )
    other_programme = ProgrammeFactory(name="Other")
    this_year = ReportScope(date_from=today.replace(month=1, day=1), date_to=today.replace(month=12, day=31))
    scopes = [
        this_year,
        ReportScope(this_year.date_from, this_year.date_to, programme=programme),
        ReportScope(this_year.date_from, this_year.date_to, programme=other_programme),
        ReportScope(this_year.date_from, this_year.date_to, cluster=clusters[0]),
        ReportScope(datetime.date(2001, 1, 1), datetime.date(2001, 12, 31)),
    ]
    for scope in scopes:
        by_area = {row["area"]: row for row in get_table_spec("hours_by_service_area").build(scope).dicts()}
        per_allocation = get_table_spec("hours_by_area").build(scope).dicts()
        assert set(by_area) == {row["area"] for row in per_allocation}, scope
        for area, row in by_area.items():
            mine = [r for r in per_allocation if r["area"] == area]
            for key in ("granted", "delivered", "held", "remaining"):
                assert row[key] == sum(r[key] for r in mine), (scope, area, key)
    everything = get_table_spec("hours_by_service_area").build(this_year).dicts()
    assert sum(row["delivered"] for row in everything) > 0
    live_agreements = Agreement.objects.filter(terminated_on__isnull=True)
    assert sum(row["held"] for row in everything) == sum(
        Consultation.objects.holding_hours().filter(agreement__in=live_agreements).values_list("hours", flat=True)
    )


def test_filters_by_cluster_and_period_and_reject_bad_input(client, staff, programme):
    mine, other = make_programme_clusters(programme, 2)
    client.force_login(staff)
    response = client.get(reverse("reports:table", args=["hours_by_area"]), {"cluster": mine.pk})
    results = response.content.decode().split("<table")[1]  # after the filter's cluster list
    assert mine.name in results and other.name not in results
    assert f"cluster={mine.pk}" in client.get(reverse("reports:dashboard"), {"cluster": mine.pk}).content.decode()

    past = client.get(
        reverse("reports:table", args=["agreements"]), {"date_from": "2001-01-01", "date_to": "2001-12-31"}
    )
    assert "No rows for this period and filter." in past.content.decode()

    bad = client.get(reverse("reports:dashboard"), {"date_from": "2026-05-01", "date_to": "2026-01-01", "cluster": "x"})
    assert bad.status_code == 200
    assert "must not be before its start" in bad.content.decode()
    # Each field with an error is marked invalid and points at its message, for Bootstrap and screen readers.
    for field in ("date_to", "cluster"):
        (control,) = re.findall(rf'<(?:input|select) [^>]*id="id_{field}"[^>]*>', bad.content.decode())
        assert "is-invalid" in control and 'aria-invalid="true"' in control
        assert f'aria-describedby="id_{field}_error"' in control
        assert f'<div id="id_{field}_error" class="invalid-feedback">' in bad.content.decode()

    junk = client.get(reverse("reports:table-csv", args=["agreements"]), {"date_from": "31/31/31", "cluster": "999999"})
    assert junk.status_code == 400
    assert client.get(reverse("reports:table-csv", args=["no-such-table"])).status_code == 404


def test_downloads(client, staff, programme):
    make_programme_clusters(programme, 2)
    client.force_login(staff)
    xlsx = client.get(reverse("reports:table-xlsx", args=["hours_by_area"]))
    assert xlsx["Content-Type"] == XLSX_CONTENT_TYPE
    assert "attachment" in xlsx["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert len(rows) == 1 + 6 + 1
    everything = client.get(reverse("reports:workbook-download"))
    assert len(load_workbook(io.BytesIO(everything.content)).sheetnames) == len(build_tables(this_year()))
    csv = client.get(reverse("reports:table-csv", args=["labels"]))
    assert csv["Content-Type"].startswith("text/csv") and csv.content.decode().count("\n") == 3


# The periodic reports ----------------------------------------------------------------------------


def test_periods():
    assert weekly_period(datetime.date(2026, 11, 25)) == (datetime.date(2026, 11, 16), datetime.date(2026, 11, 22))
    assert monthly_period(datetime.date(2026, 1, 1)) == (datetime.date(2025, 12, 1), datetime.date(2025, 12, 31))


def test_weekly_report_goes_once_to_each_staff_member_with_summary_and_xlsx(staff, programme):
    make_programme_clusters(programme, 3)
    for _ in range(3):
        report_send_weekly()
        messages_send()

    assert [email.to for email in mail.outbox] == [[staff.email]]
    email = mail.outbox[0]
    with translation.override("en"):
        assert email.subject == f"{programme}: weekly report, {date_span(*weekly_period())}"
    assert "bronze 3 / 6, silver 1 / 1" in email.body
    assert "113.25" in email.body  # hours granted, in the summary
    assert reverse("reports:dashboard") in email.body
    filename, content, mimetype = email.attachments[0]
    assert filename.endswith(".xlsx") and mimetype == XLSX_CONTENT_TYPE
    workbook = load_workbook(io.BytesIO(content))
    assert "Agreements" in workbook.sheetnames


def test_the_weekly_report_is_built_once_for_all_staff(programme, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.tests.factories import StaffFactory

    make_programme_clusters(programme, 2)
    StaffFactory.create_batch(4)
    report_send_weekly()
    with CaptureQueriesContext(connection) as queries:
        messages_send()
    assert len(mail.outbox) == 4
    assert len({email.attachments[0][1] for email in mail.outbox}) == 1
    scope = scope_from_json(OutgoingMessage.objects.filter(kind="weekly_report").first().context)
    with CaptureQueriesContext(connection) as one_build:
        build_tables(scope)

    def table_reads(captured):
        return [q["sql"] for q in captured if 'FROM "agreements_agreement"' in q["sql"]]

    assert len(table_reads(queries.captured_queries)) == len(table_reads(one_build.captured_queries)) > 0


def test_monthly_statement_goes_to_each_clusters_managers_with_only_their_data(programme):
    clusters = make_programme_clusters(programme, 2)
    ClusterFactory(managers=[UserFactory()])  # not in the programme: nothing
    for _ in range(2):
        call_command("send_report", "monthly", stdout=io.StringIO())

    assert OutgoingMessage.objects.filter(kind="monthly_statement").count() == 2
    assert len(mail.outbox) == 2
    for cluster in clusters:
        manager = cluster.managers.get()
        (email,) = [e for e in mail.outbox if e.to == [manager.email]]
        assert cluster.name in email.subject
        workbook = load_workbook(io.BytesIO(email.attachments[0][1]))
        text = str([list(sheet.iter_rows(values_only=True)) for sheet in workbook])
        other = next(c for c in clusters if c != cluster)
        assert cluster.name in text and other.name not in text


def test_monthly_statement_lists_the_eligibility_gaps(programme):
    gappy, complete = make_programme_clusters(programme, 2)
    complete.eccp_profile_url = "https://clustercollaboration.eu/profile"
    complete.english_website_url = "https://example.com/en"
    complete.save()
    for criterion in ("members", "member_kinds", "management_fte"):
        EligibilityWaiver.objects.create(
            cluster=complete, criterion=criterion, reason="National programme", waived_by=UserFactory()
        )
    call_command("send_report", "monthly", stdout=io.StringIO())

    def email_of(cluster):
        return next(e for e in mail.outbox if e.to == [cluster.managers.get().email])

    gappy_email = email_of(gappy)
    assert "Eligibility for the bronze label: still missing" in gappy_email.body
    assert "European Cluster Collaboration Platform" in gappy_email.body
    assert "still missing" in gappy_email.alternatives[0][0]
    assert "still missing" not in email_of(complete).body


def test_chart_widths_are_valid_svg_in_lithuanian(client, programme):
    import re

    from accounts.tests.factories import StaffFactory

    make_programme_clusters(programme, 1)  # bronze 1/6 = 16.7 %
    client.force_login(StaffFactory(language="lt"))
    html = client.get(reverse("reports:dashboard")).content.decode()
    assert '<html lang="lt">' in html
    widths = re.findall(r'width="([^"]+)"', html.split('id="kpi-heading"')[1].split("</section>")[0])
    assert "16.7%" in widths
    assert all(re.fullmatch(r"\d+(\.\d+)?%", width) for width in widths), widths


# Consultation and event tables ---------------------------------------------------------------------------


def test_consultation_and_event_tables_total_the_database(programme):
    from consultations.models import Consultation, SessionOutcome
    from events.models import Participation, PartnershipLead

    clusters = make_programme_clusters(programme, 3)
    for cluster in clusters:
        add_activity(cluster)
    tables = {table.key: table for table in build_tables(this_year())}
    by_area = tables["consultations_by_area"].totals()
    assert by_area["requested"] == Consultation.objects.count() == 9
    assert by_area["held"] == Consultation.objects.filter(status="held").count() == 3
    assert by_area["cancelled"] == 3 and by_area["no_show"] == 0
    assert by_area["delivered"] == SessionOutcome.objects.aggregate(total=Sum("hours_delivered"))["total"]
    assert len(tables["outcomes_overdue"].rows) == 3  # the confirmed sessions two days ago, not logged
    applications = tables["event_applications"].totals()
    assert applications["applied"] == applications["approved"] == Participation.objects.count() == 3
    assert applications["attended"] == 3 and applications["contacts"] == 12
    assert applications["leads"] == PartnershipLead.objects.count() == len(tables["partnership_leads"].rows) == 3
    assert "sessions" not in tables and "cluster_events" not in tables  # the clusters' own statements only


def test_monthly_statement_holds_the_clusters_own_sessions_outcomes_and_events(programme):
    first, second = make_programme_clusters(programme, 2)
    add_activity(first)
    add_activity(second)
    year = this_year()
    tables = {t.key: t for t in build_tables(ReportScope(year.date_from, year.date_to, cluster=first), CLUSTER)}
    assert {"sessions", "consultations_by_area", "cluster_events", "partnership_leads"} <= set(tables)
    assert "outcomes_overdue" not in tables and "event_applications" not in tables
    sessions = tables["sessions"].dicts()
    assert len(sessions) == 3 and {row["status"] for row in sessions} == {"Held", "Confirmed", "Cancelled"}
    assert tables["sessions"].totals()["delivered"] == Decimal("1.5")
    [event] = tables["cluster_events"].dicts()
    assert event["attended"] is True and event["contacts"] == 4 and event["leads"] == 1
    assert [row["cluster"] for row in tables["partnership_leads"].dicts()] == [first.name]


@pytest.mark.django_db
def test_the_lithuanian_period_filter_reads_from_and_until(client):
    from accounts.tests.factories import StaffFactory

    staff = StaffFactory(language="lt")
    client.force_login(staff)
    form = client.get(reverse("reports:dashboard")).context["form"]
    with translation.override("lt"):
        labels = [str(form.fields[name].label) for name in ("date_from", "date_to")]
        assert labels == ["Nuo", "Iki"]
        assert str(form.fields["programme"].empty_label) == "Visos programos"


def test_the_dashboards_sentences_write_days_as_the_language_does(client, programme):
    """Lithuanian reads "Laikotarpis: 2026 m. sausio 1 d. – gruodžio 31 d." and "2026 m. gruodžio 6 d.", not ISO."""
    from accounts.tests.factories import StaffFactory

    make_programme_clusters(programme, 1)
    client.force_login(StaffFactory(language="lt"))
    response = client.get(reverse("reports:dashboard"))
    html, scope = response.content.decode(), response.context["scope"]
    with translation.override("lt"):
        span = date_span(scope.date_from, scope.date_to)
        today = date_format(timezone.localdate(), "DATE_FORMAT")
    assert f"Laikotarpis: {span}" in html and " m. " in span
    assert f'<span class="text-nowrap">{today}</span>' in html
    assert timezone.localdate().isoformat() not in html
