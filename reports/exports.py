"""Tables to XLSX (one sheet per table, frozen header, typed cells) and CSV."""

import csv
import datetime
import io
import re
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from inolink.tables import Table

NUMBER_FORMATS = {"int": "#,##0", "hours": "#,##0.00", "date": "yyyy-mm-dd", "percent": "0.0%"}
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FILL = PatternFill("solid", fgColor="DCE6F4")


def _safe_text(value):
    """Text a person typed must never become a spreadsheet formula (CSV/formula injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _cell_value(value, kind: str):
    value = _safe_text(value)
    if kind == "bool":
        return _("yes") if value else _("no")
    if isinstance(value, Decimal):
        return float(value) if kind == "percent" else value
    return value


def _sheet_title(title: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]\*\?/\\:]", " ", title).strip()[:31] or "Sheet"
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
        sheet = workbook.create_sheet(_sheet_title(table.title, used))
        sheet.append([str(column.label) for column in table.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
        for row in table.rows:
            sheet.append([_cell_value(value, column.kind) for value, column in zip(row, table.columns, strict=True)])
        total = table.total_row()
        if total is not None:
            total[0] = _("Total")
            sheet.append(total)
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


def _csv_value(value, kind: str):
    value = _safe_text(value)
    if kind == "bool":
        return _("yes") if value else _("no")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if kind == "percent":
        return f"{float(value) * 100:.1f}"
    return value


def table_csv(table: Table) -> str:
    """CSV with a header, the rows and the totals; the BOM lets spreadsheet programs detect UTF-8."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([str(column.label) for column in table.columns])
    for row in table.rows:
        writer.writerow([_csv_value(value, column.kind) for value, column in zip(row, table.columns, strict=True)])
    total = table.total_row()
    if total is not None:
        total[0] = _("Total")
        writer.writerow(total)
    return buffer.getvalue()
