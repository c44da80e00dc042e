"""Tables as an Excel workbook (openpyxl): one sheet per table, numbers typed with their number
format (thousands, percent), the header row bold and frozen, columns wide enough to read."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from exports.cells import Kind, Plain, Table, kind_of

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel writes the separators of the reader's locale: "12 207" in French, "12,207" in English.
FORMATS: Mapping[Kind, str] = {
    "int": "#,##0",
    "euros": "#,##0",
    "share": "0.0%",
    "decimal": "#,##0.0",
    "text": "@",
}
MIN_WIDTH, MAX_WIDTH = 8, 60  # characters
LONG_TEXT = 60  # a text longer than this wraps (explanations)


def workbook_bytes(tables: Sequence[Table]) -> bytes:
    """The .xlsx file of ``tables``, in their order."""
    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for table in tables:
        sheet = book.create_sheet(table.name)
        widths = [len(column.header) for column in table.columns]
        sheet.append([column.header for column in table.columns])
        for heading in sheet[1]:
            heading.font = bold
        for r, row in enumerate(table.rows, start=2):
            for c, (column, raw) in enumerate(zip(table.columns, row, strict=True), start=1):
                value, kind = kind_of(column, raw)
                cell = sheet.cell(row=r, column=c)
                _write(cell, value, kind)
                widths[c - 1] = max(widths[c - 1], _shown_length(value, kind))
        sheet.freeze_panes = "A2"
        for c, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(c)].width = min(
                max(width + 2, MIN_WIDTH), MAX_WIDTH
            )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _write(cell: SheetCell, value: Plain, kind: Kind) -> None:
    if value is None:
        return
    if kind == "text" or isinstance(value, str):
        cell.value = str(value)
        cell.data_type = "s"  # a text starting with "=" stays text, never a formula
        if len(str(value)) > LONG_TEXT:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        return
    cell.value = int(value) if kind in ("int", "euros") and float(value).is_integer() else value
    cell.number_format = FORMATS[kind]


def _shown_length(value: Plain, kind: Kind) -> int:
    """About how many characters the cell shows."""
    if value is None:
        return 0
    if kind == "text" or isinstance(value, str):
        return min(len(str(value)), MAX_WIDTH)
    if kind == "share":
        return 7
    digits = len(f"{abs(float(value)):,.0f}")
    return digits + (2 if kind == "decimal" else 0) + (1 if float(value) < 0 else 0)
