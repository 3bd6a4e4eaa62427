"""The export's XLSX (exports/formats.py): the sheet staff open, written row by row."""

import datetime
import io

import openpyxl
import tablib

from exports.formats import MAX_COLUMN_WIDTH, XLSX


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
