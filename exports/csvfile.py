"""Tables as one CSV file that Excel opens as it is in French settings: UTF-8 with a byte order
mark, `;` between fields, a decimal comma in French (a dot in English), no thousands separator,
CRLF line ends. Each table is a section: its sheet name alone on a line, the header, the rows,
an empty line."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import numpy as np

from exports.cells import Plain, Table, kind_of
from exports.labels import Lang

MEDIA_TYPE = "text/csv; charset=utf-8"
BOM = "\ufeff"
# A text Excel would read as a formula ("=...", "+24.2 jobs", "-57.5 jobs", "@..."): written
# after an apostrophe, Excel's mark of a text cell.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SIGNIFICANT = 12  # digits of a float written (the workbook keeps the full float)


def csv_bytes(tables: Sequence[Table], lang: Lang) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for table in tables:
        writer.writerow([table.name])
        writer.writerow([_text(column.header) for column in table.columns])
        for row in table.rows:
            writer.writerow(
                [
                    _field(*kind_of(column, cell), lang)
                    for column, cell in zip(table.columns, row, strict=True)
                ]
            )
        writer.writerow([])
    return (BOM + out.getvalue()).encode("utf-8")


def _field(value: Plain, kind: str, lang: Lang) -> str:
    if value is None:
        return ""
    if kind == "text" or isinstance(value, str):
        return _text(str(value))
    return number_text(value, lang)


def number_text(value: int | float, lang: Lang) -> str:
    """``value`` to 12 significant digits (a whole number: every digit), never in exponent
    notation, with the decimal mark of ``lang``. Twelve digits drop a float's binary noise
    (0.16000000000000003 is written 0,16) and keep more than any figure here means."""
    if isinstance(value, int) or (float(value).is_integer() and abs(value) < 2**53):
        return str(int(value))
    text = np.format_float_positional(
        float(value), precision=SIGNIFICANT, unique=True, fractional=False, trim="-"
    )
    return text.replace(".", ",") if lang == "fr" else text


def _text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value
