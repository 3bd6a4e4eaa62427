"""The export's formats (exports/formats.py): the XLSX sheet staff open, written row by row, and the CSV."""

import csv
import datetime
import io

import openpyxl
import tablib

from exports.formats import CSV, MAX_COLUMN_WIDTH, XLSX


def written(dataset):
    return openpyxl.load_workbook(io.BytesIO(XLSX().export_data(dataset))).active


def test_the_header_is_bold_and_frozen_and_values_keep_their_types():
    dataset = tablib.Dataset(headers=["topic", "starts", "hours"], title="Consultations")
    dataset.append(["Strategy", datetime.datetime(2026, 12, 7, 10, 0), 1.5])
    sheet = written(dataset)
    assert sheet.title == "Consultations"
    assert sheet.freeze_panes == "A2"
    assert [cell.value for cell in sheet[1]] == ["topic", "starts", "hours"]
    assert all(cell.font.b for cell in sheet[1])
    assert [cell.value for cell in sheet[2]] == ["Strategy", datetime.datetime(2026, 12, 7, 10, 0), 1.5]
    assert not any(cell.font.b for cell in sheet[2])


def test_a_text_that_looks_like_a_formula_stays_text():
    dataset = tablib.Dataset(headers=["topic"])
    dataset.append(['=HYPERLINK("https://attacker.example","Open")'])
    [cell] = written(dataset)[2]
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("https://attacker.example","Open")'


def test_control_characters_a_workbook_cannot_hold_are_replaced():
    dataset = tablib.Dataset(headers=["topic"])
    dataset.append(["Bell\x07 and NUL\x00"])
    [cell] = written(dataset)[2]
    assert cell.value == "Bell? and NUL?"


def test_columns_are_as_wide_as_their_text_up_to_a_limit_and_the_sheet_name_fits_excel():
    dataset = tablib.Dataset(headers=["No.", "summary"], title="Consultations: outcomes / ratings of the programme")
    dataset.append([1, "x" * 500])
    sheet = written(dataset)
    assert sheet.column_dimensions["A"].width == len("No.") + 2
    assert sheet.column_dimensions["B"].width == MAX_COLUMN_WIDTH
    assert sheet.title == "Consultations- outcomes - ratin"
    assert len(sheet.title) == 31


def test_a_csv_marks_texts_a_spreadsheet_would_run_as_formulas_and_leaves_numbers():
    dataset = tablib.Dataset(headers=["value"])
    for value in ['=HYPERLINK("https://attacker.example")', "+370 5 123 4567", "-cmd", "@SUM(A1)", "\tx", "\rx",
                  "-1.5", "+2", "plain", "a=b", 3]:  # fmt: skip
        dataset.append([value])
    written = CSV(encoding="utf-8").export_data(dataset)
    assert [row["value"] for row in csv.DictReader(io.StringIO(written))] == [
        "'=HYPERLINK(\"https://attacker.example\")", "'+370 5 123 4567", "'-cmd", "'@SUM(A1)", "'\tx", "'\rx",
        "-1.5", "+2", "plain", "a=b", "3",
    ]  # fmt: skip


def test_a_csv_read_back_loses_the_marks_and_nothing_else():
    texts = ["=1+1", "+370 5 123 4567", "'plain quote", "''=x", "-1.5"]
    dataset = tablib.Dataset(headers=["value"])
    for text in texts:
        dataset.append([text])
    written = CSV(encoding="utf-8").export_data(dataset)
    assert [row[0] for row in CSV(encoding="utf-8").create_dataset(written)] == texts
