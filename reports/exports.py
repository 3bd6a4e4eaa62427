"""Tables to XLSX (one sheet per table, frozen header, typed cells) and CSV.

XLSX cells hold real numbers and dates with number formats, so the spreadsheet program shows them with the
reader's own decimal separator. CSV follows the language: in English comma-separated with "." decimals, in
Lithuanian semicolon-separated with "," decimals, as a spreadsheet set up for Lithuanian reads it.
"""

import csv
import datetime
import io
import re
from decimal import Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from exports.formats import marked_as_text, text_cell
from inolink.tables import Table

NUMBER_FORMATS = {"int": "#,##0", "hours": "#,##0.00", "date": "yyyy-mm-dd", "percent": "0.0%"}
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FILL = PatternFill("solid", fgColor="DCE6F4")


def _cell_value(sheet, value, kind: str):
    """A typed cell: numbers stay numbers (their number format shows them), never text, and a text a person
    typed never becomes a formula (formula injection)."""
    if isinstance(value, str):
        return text_cell(sheet, value)
    if kind == "bool":
        return None if value is None else (_("yes") if value else _("no"))
    if isinstance(value, Decimal):
        return float(value) if kind == "percent" else value
    return value


SHEET_NAME_MAX = 31  # Excel's limit


def _shorten(name: str, limit: int = SHEET_NAME_MAX) -> str:
    """``name`` within ``limit`` characters, cut after a whole word with an ellipsis when it is longer."""
    if len(name) <= limit:
        return name
    cut = name[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:–-") or name[: limit - 1]
    return cut + "…"


def _sheet_title(title: str, used: set[str]) -> str:
    """A sheet's name: the table's short name (``register_table(sheet=...)``), without the characters Excel
    refuses, within 31 characters, unique in the workbook."""
    base = _shorten(re.sub(r"[\[\]\*\?/\\:]", " ", title).strip()) or "Sheet"
    candidate, n = base, 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate.lower())
    return candidate


def workbook_bytes(tables: list[Table], *, title: str = "") -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(table.sheet or table.title, used))
        sheet.append([str(column.label) for column in table.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
        for row in table.rows:
            sheet.append(
                [_cell_value(sheet, value, column.kind) for value, column in zip(row, table.columns, strict=True)]
            )
        total = table.total_row()
        if total is not None:
            total[0] = _("Total")
            sheet.append([None if value == "" else value for value in total])
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
        for index, column in enumerate(table.columns, start=1):
            letter = get_column_letter(index)
            number_format = NUMBER_FORMATS.get(column.kind)
            if number_format:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = number_format
            longest = max([len(str(column.label))] + [len(str(row[index - 1] or "")) for row in table.rows[:500]])
            sheet.column_dimensions[letter].width = min(max(10, longest + 2), 60)
        sheet.freeze_panes = "A2"
        if table.rows:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(table.rows) + 1}"
    if not tables:
        workbook.create_sheet(_("Empty"))
    if title:
        workbook.properties.title = title
    workbook.properties.creator = "InoLink"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Languages whose spreadsheets write decimals with a comma, and so separate CSV fields with a semicolon.
DECIMAL_COMMA_LANGUAGES = frozenset({"lt"})


def csv_dialect() -> tuple[str, str]:
    """(field separator, decimal separator) of CSV in the active language."""
    if (get_language() or "").split("-")[0] in DECIMAL_COMMA_LANGUAGES:
        return ";", ","
    return ",", "."


def _csv_number(value, kind: str, decimal: str) -> str:
    """A number as plain digits (no thousands separator), hours with two decimals, a share in per cent with one."""
    if kind == "percent":
        text = f"{Decimal(str(value)) * 100:.1f}"
    elif kind == "hours":
        text = f"{Decimal(str(value)):.2f}"
    else:
        text = str(value)
    return text.replace(".", decimal)


def _csv_value(value, kind: str, decimal: str = "."):
    value = marked_as_text(value)
    if kind == "bool":
        return "" if value is None else (_("yes") if value else _("no"))
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return _csv_number(value, kind, decimal)
    return value


def table_csv(table: Table) -> str:
    """CSV with a header, the rows and the totals, in the active language's dialect (``csv_dialect``); the BOM
    lets spreadsheet programs detect UTF-8."""
    separator, decimal = csv_dialect()
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=separator)
    writer.writerow([str(column.label) for column in table.columns])
    for row in table.rows:
        writer.writerow(
            [_csv_value(value, column.kind, decimal) for value, column in zip(row, table.columns, strict=True)]
        )
    total = table.total_row()
    if total is not None:
        writer.writerow(
            [_("Total")]
            + [
                _csv_value(value, column.kind, decimal)
                for value, column in zip(total[1:], table.columns[1:], strict=True)
            ]
        )
    return buffer.getvalue()
