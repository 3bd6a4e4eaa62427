"""The staff desk (issue 14): export a filtered admin list, import the cluster registry with a preview, and act on
an escalated consultation from the to-do list; sort who is behind."""

import csv
import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, StaffFactory
from clusters.models import Cluster, Membership
from consultations.models import Consultation, SessionOutcome
from consultations.tests.conftest import make_world
from consultations.tests.factories import (
    ConsultationFactory,
    ExpertFactory,
    SessionOutcomeFactory,
    available_all_week,
    local_at,
)

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_staff_export_the_filtered_consultation_list_to_xlsx(page, tmp_path):
    world = make_world()
    for days, topic, status in [
        (3, "Kept", Consultation.Status.REQUESTED),
        (4, "Left out", Consultation.Status.CONFIRMED),
    ]:
        ConsultationFactory(
            agreement=world.agreement,
            expert=world.expert,
            service_area=world.area,
            topic=topic,
            status=status,
            starts_at=local_at(days, 10),
        )
    staff = StaffFactory()
    sign_in(page, staff.email, PASSWORD)

    page.goto("/admin/consultations/consultation/?status__exact=requested")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    page.get_by_role("link", name="Export", exact=True).click()
    assert_accessible(page)
    page.locator("#id_format").select_option(label="XLSX")
    with page.expect_download() as download:
        page.get_by_role("button", name="Submit").click()
    path = tmp_path / "export.xlsx"
    download.value.save_as(path)

    sheet = openpyxl.load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    topic = rows[0].index("Topic") if "Topic" in rows[0] else rows[0].index("topic")
    assert [row[topic] for row in rows[1:]] == ["Kept"]


def test_staff_get_a_long_export_from_my_exports(page, tmp_path, settings):
    settings.EXPORT_ROWS_AT_ONCE = 1  # two rows are a long export here
    world = make_world()
    for days in (3, 4):
        ConsultationFactory(
            agreement=world.agreement, expert=world.expert, service_area=world.area, starts_at=local_at(days, 10)
        )
    sign_in(page, StaffFactory().email, PASSWORD)

    page.goto("/admin/consultations/consultation/")
    page.get_by_role("link", name="Export", exact=True).click()
    page.locator("#id_format").select_option(label="XLSX")
    page.get_by_role("button", name="Submit").click()

    expect(page).to_have_url(re.compile(r"/admin/exports/exportfile/$"))
    expect(page.locator(".messagelist")).to_contain_text("2 rows are more than an export builds while you wait")
    row = page.locator("#result_list tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Ready to download")  # the worker ran in this process
    assert_accessible(page)
    with page.expect_download() as download:
        row.get_by_role("link", name=re.compile(r"^consultations-.*\.xlsx$")).click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.suffix == ".xlsx"
    assert len(list(openpyxl.load_workbook(path).active.iter_rows())) == 3  # the header and both sessions


def registry_file(path, rows):
    header = ["company code", "name", "legal name", "sector", "region", "founding year", "website",
              "contact email", "contact phone", "sample data", "members"]  # fmt: skip
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    path.write_text(out.getvalue())
    return path


GOOD = [
    ["300000901", "Laser Valley", "Asociacija Laser Valley", "Other", "Vilnius County", "2010", "", "", "", "no",
     "UAB Lazeriai [301000001]; Vilnius University"],
    ["300000902", "Wood Cluster", "", "Other", "Kaunas County", "", "", "", "", "", ""],
]  # fmt: skip
BAD = ["300000903", "Atlantis Cluster", "", "Other", "Atlantis County", "", "", "", "", "", ""]


def upload(page, path):
    page.goto("/admin/clusters/cluster/import/")
    page.get_by_label("File to import").set_input_files(str(path))
    page.locator("#id_format").select_option(label="CSV")
    page.get_by_role("button", name="Submit").click()


def test_staff_import_the_registry_with_a_bad_row_then_fixed_then_again(page, tmp_path):
    staff = StaffFactory()
    sign_in(page, staff.email, PASSWORD)
    console = []
    # axe-core's own probes set inline styles the policy refuses: the console is read before each axe run.
    page.on("console", lambda message: console.append(message.text))

    upload(page, registry_file(tmp_path / "bad.csv", [*GOOD, BAD]))
    expect(page.locator(".import-row-errors")).to_contain_text("Atlantis County")
    expect(page.get_by_role("button", name="Confirm import")).to_have_count(0)
    assert Cluster.objects.count() == 0
    assert [text for text in console if "Content Security Policy" in text] == []
    assert_accessible(page)
    console.clear()

    fixed = registry_file(tmp_path / "fixed.csv", [*GOOD, [*BAD[:4], "Utena County", *BAD[5:]]])
    upload(page, fixed)
    expect(page.locator("table.import-preview tbody tr.new")).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert [text for text in console if "Content Security Policy" in text] == []
    assert_accessible(page)
    console.clear()
    page.get_by_role("button", name="Confirm import").click()
    expect(page.locator(".messagelist .success")).to_have_count(1)
    snapshot = (list(Cluster.objects.order_by("pk").values()), Membership.objects.count(), Cluster.history.count())
    assert len(snapshot[0]) == 3

    upload(page, fixed)  # the same file again
    expect(page.locator("table.import-preview tbody tr.skip")).to_have_count(3)
    page.get_by_role("button", name="Confirm import").click()
    expect(page.locator(".messagelist")).to_be_visible()
    assert snapshot == (
        list(Cluster.objects.order_by("pk").values()),
        Membership.objects.count(),
        Cluster.history.count(),
    )
    assert [text for text in console if "Content Security Policy" in text] == []


def test_staff_act_on_an_escalated_consultation_from_the_todo_list_and_sort_who_is_behind(page):
    world = make_world()
    escalated = ConsultationFactory(
        agreement=world.agreement,
        expert=world.expert,
        service_area=world.area,
        topic="Export strategy",
        starts_at=local_at(-30, 10),
        status=Consultation.Status.CONFIRMED,
    )
    upcoming = ConsultationFactory(
        agreement=world.agreement, expert=world.expert, service_area=world.area, topic="Legal check",
        starts_at=local_at(5, 10),
    )  # fmt: skip
    other = available_all_week(ExpertFactory(service_areas=[world.area]))
    staff = StaffFactory()
    sign_in(page, staff.email, PASSWORD)

    page.get_by_role("link", name="Dashboard", exact=True).click()
    todo = page.locator("#todo")
    assert_accessible(page)
    todo.get_by_role("link", name="Export strategy").click()
    expect(page).to_have_url(re.compile(re.escape(escalated.get_absolute_url()) + "$"))
    page.get_by_role("link", name="Log the outcome for the expert").click()
    assert_accessible(page)
    page.get_by_label("Summary").fill("Export markets chosen")
    page.get_by_label("Hours delivered").fill("1")
    page.get_by_label("Note for the history").fill("The expert sent the notes by email")
    page.get_by_role("button", name="Save the outcome").click()
    expect(page.locator("main")).to_contain_text("The expert sent the notes by email")
    assert SessionOutcome.objects.get(consultation=escalated).summary == "Export markets chosen"

    page.goto(upcoming.get_absolute_url())
    page.get_by_role("link", name="Reassign to another expert").click()
    assert_accessible(page)
    page.get_by_label("New expert").select_option(label=str(other))
    page.get_by_role("button", name="Reassign", exact=True).click()
    expect(page.locator("main")).to_contain_text(str(other))
    upcoming.refresh_from_db()
    assert upcoming.expert == other

    page.get_by_role("link", name="Who is behind").click()
    page.get_by_role("link", name="By name").click()
    expect(page.get_by_role("link", name="By name")).to_have_attribute("aria-current", "true")
    assert_accessible(page)
    assert timezone.now() - escalated.ends_at > datetime.timedelta(days=7)


DELIVERED = "Hours delivered in the period"


def hours(text) -> Decimal:
    """A figure as the page or a sheet shows it ("3.50", "3,5 h", 3.5) as a number."""
    return Decimal(re.sub(r"[^\d.]", "", str(text).replace(",", ".")) or "0")


def test_staff_build_a_report_for_a_period_and_its_sheets_agree_with_the_page(page, tmp_path):
    world = make_world()
    for days, delivered in [(-2, "1.5"), (-3, "2"), (-40, "4")]:  # the last one before the period
        SessionOutcomeFactory(
            consultation__agreement=world.agreement,
            consultation__cluster=world.cluster,
            consultation__expert=world.expert,
            consultation__service_area=world.area,
            consultation__starts_at=local_at(days, 10),
            hours_delivered=Decimal(delivered),
        )
    today = timezone.localdate()
    date_from = today - datetime.timedelta(days=30)
    staff = StaffFactory()
    sign_in(page, staff.email, PASSWORD)

    page.get_by_role("link", name="Dashboard", exact=True).click()
    page.get_by_label("From", exact=True).fill(date_from.isoformat())
    page.get_by_label("To", exact=True).fill(today.isoformat())
    page.get_by_role("button", name="Apply").click()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download all tables (XLSX)").click()
    path = tmp_path / "report.xlsx"
    download.value.save_as(path)

    totals = {}
    for sheet in openpyxl.load_workbook(path).worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        if rows and DELIVERED in rows[0]:
            totals[sheet.title] = hours(rows[-1][rows[0].index(DELIVERED)])
    assert len(totals) >= 2 and set(totals.values()) == {Decimal("3.5")}, totals

    page.goto(f"/reports/tables/hours_by_area/?date_from={date_from.isoformat()}&date_to={today.isoformat()}")
    headers = [text.strip() for text in page.locator("table thead th").all_inner_texts()]
    footer = page.locator("table tfoot td").all_inner_texts()
    assert hours(footer[headers.index(DELIVERED)]) == Decimal("3.5")
    assert_accessible(page)
