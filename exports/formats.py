"""The export's XLSX written row by row.

tablib, which django-import-export's XLSX format calls, holds the whole sheet in memory and addresses every cell
by its name: most of a 50,000-row export's time went there. openpyxl's write-only mode streams the rows instead,
with the same sheet as before: bold, frozen header row, columns as wide as their text, native dates and numbers.
"""

from io import BytesIO
from itertools import islice

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
            sheet.append([_text_cell(sheet, value) if isinstance(value, str) else value for value in row])
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


def _text_cell(sheet, value: str):
    """A text as text: never a formula (a topic "=HYPERLINK(…)" typed by anyone stays what they typed), and
    control characters a workbook cannot hold become "?"."""
    if value.startswith("=") or ILLEGAL_CHARACTERS_RE.search(value):
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("?", value))
        cell.data_type = "s"
        return cell
    return value
