"""The export's XLSX written row by row, and a CSV whose texts a spreadsheet never runs as formulas.

tablib, which django-import-export's XLSX format calls, holds the whole sheet in memory and addresses every cell
by its name: most of a 50,000-row export's time went there. openpyxl's write-only mode streams the rows instead,
with the same sheet as before: bold, frozen header row, columns as wide as their text, native dates and numbers.
"""

from io import BytesIO
from itertools import islice

import tablib
from import_export.formats import base_formats
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook.child import INVALID_TITLE_REGEX

# Column widths follow the header and the first rows: measuring every cell of a long export costs a second pass.
WIDTH_SAMPLE_ROWS = 1000
MAX_COLUMN_WIDTH = 60
SHEET_TITLE_LENGTH = 31  # Excel's limit
# The first characters with which a spreadsheet opening a CSV reads a cell as a formula (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Spreadsheets read a cell that starts with an apostrophe as text, and do not show the apostrophe.
TEXT_MARK = "'"


class XLSX(base_formats.XLSX):
    def export_data(self, dataset, **kwargs):
        workbook = Workbook(write_only=True)
        title = INVALID_TITLE_REGEX.sub("-", dataset.title or "")[:SHEET_TITLE_LENGTH] or None
        sheet = workbook.create_sheet(title=title)
        sheet.freeze_panes = "A2"
        for index, width in enumerate(_column_widths(dataset), start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        bold = Font(bold=True)
        sheet.append([_bold_cell(sheet, header, bold) for header in dataset.headers or []])
        for row in dataset:
            sheet.append([text_cell(sheet, value) if isinstance(value, str) else value for value in row])
        stream = BytesIO()
        workbook.save(stream)
        return stream.getvalue()


def _column_widths(dataset) -> list[int]:
    widths = [len(str(header)) for header in dataset.headers or []]
    for row in islice(dataset, WIDTH_SAMPLE_ROWS):
        widths = [max(width, len(str(value))) for width, value in zip(widths, row, strict=False)]
    return [min(width + 2, MAX_COLUMN_WIDTH) for width in widths]


def _bold_cell(sheet, value, font):
    cell = WriteOnlyCell(sheet, value=str(value))
    cell.font = font
    return cell


def text_cell(sheet, value: str):
    """A text as text in any workbook's ``sheet.append`` (reports' sheets too): never a formula (a topic
    "=HYPERLINK(…)" typed by anyone stays what they typed), and control characters a workbook cannot hold become
    "?"."""
    if value.startswith("=") or ILLEGAL_CHARACTERS_RE.search(value):
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("?", value))
        cell.data_type = "s"
        return cell
    return value


class CSV(base_formats.CSV):
    """A CSV in which a text that would start a formula ("=HYPERLINK(…)", "+370 5 123 4567") is marked as text.

    Numbers ("-1.5") are left as they are. An import takes the mark off again, so a file exported, edited and
    imported back keeps every text as it was.
    """

    def export_data(self, dataset, **kwargs):
        return super().export_data(_each_value(dataset, marked_as_text), **kwargs)

    def create_dataset(self, in_stream, **kwargs):
        return _each_value(super().create_dataset(in_stream, **kwargs), _unmarked)


def _each_value(dataset, change) -> tablib.Dataset:
    changed = tablib.Dataset(headers=dataset.headers, title=dataset.title)
    for row in dataset:
        changed.append([change(value) for value in row])
    return changed


def marked_as_text(value):
    """The value as a CSV cell that a spreadsheet cannot run (reports' CSV tables too)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _is_number(value):
        return TEXT_MARK + value
    return value


def _unmarked(value):
    if isinstance(value, str) and value.startswith(TEXT_MARK) and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
