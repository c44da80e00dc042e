"""Checked reading of one reference CSV file: every error names the file, the line and the
column."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

SIREN = re.compile(r"\d{9}")


class ReferenceDataError(ValueError):
    def __init__(self, file: str, row: int | None, column: str | None, message: str) -> None:
        self.file, self.row, self.column, self.message = file, row, column, message
        where = [file]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column}")
        super().__init__(f"{', '.join(where)}: {message}")


class CsvReader:
    """One CSV file: checks the header, yields (line number, row) and parses fields."""

    def __init__(self, directory: Path, name: str, columns: tuple[str, ...]) -> None:
        self.name = name
        self.path = directory / name
        self.columns = columns
        self.line = 0
        self.seen: set[str] = set()

    def error(self, column: str | None, message: str) -> ReferenceDataError:
        return ReferenceDataError(self.name, self.line, column, message)

    def rows(self) -> Iterator[dict[str, str]]:
        if not self.path.is_file():
            raise ReferenceDataError(
                self.name, None, None, f"file not found in the reference folder {self.path.parent}"
            )
        try:
            yield from self._rows()
        except UnicodeDecodeError:
            where = f"after row {self.line}: " if self.line else ""
            raise ReferenceDataError(self.name, None, None, f"{where}not UTF-8 text") from None
        except csv.Error as error:
            raise self.error(None, f"not a well-formed CSV line: {error}") from None

    def _rows(self) -> Iterator[dict[str, str]]:
        with self.path.open(encoding="utf-8-sig", newline="") as file:
            reader = csv.reader(file)
            header = next(reader, None)
            self.line = reader.line_num
            if not header:
                raise ReferenceDataError(self.name, 1, None, "file is empty, expected a header")
            for column in self.columns:
                if column not in header:
                    found = ", ".join(header)
                    raise self.error(column, f"column missing from the header (found: {found})")
            for values in reader:
                self.line = reader.line_num
                if not values:
                    continue
                if len(values) != len(header):
                    short = header[len(values)] if len(values) < len(header) else None
                    raise self.error(
                        short, f"row has {len(values)} fields, the header has {len(header)}"
                    )
                yield dict(zip(header, values, strict=True))

    def unique(self, key: str, column: str) -> None:
        # A second row with the same id would silently replace the first one.
        if key in self.seen:
            raise self.error(column, f"{key} appears twice")
        self.seen.add(key)

    def text(self, row: dict[str, str], column: str) -> str:
        value = row[column].strip()
        if not value:
            raise self.error(column, "empty value")
        return value

    def code(self, row: dict[str, str], column: str, pattern: re.Pattern[str]) -> str:
        value = row[column].strip()
        if not pattern.fullmatch(value):
            raise self.error(column, f"{value!r} is not a valid code (expected {pattern.pattern})")
        return value

    def integer(self, row: dict[str, str], column: str) -> int:
        value = row[column].strip()
        try:
            number = int(value)
        except ValueError:
            raise self.error(column, f"{value!r} is not an integer") from None
        if number < 0:
            raise self.error(column, f"{number} is negative")
        return number

    def sirens(self, row: dict[str, str], column: str, separator: str) -> tuple[str, ...]:
        sirens = tuple(part.strip() for part in row[column].split(separator) if part.strip())
        if not sirens:
            raise self.error(column, "no SIREN")
        for siren in sirens:
            if not SIREN.fullmatch(siren):
                raise self.error(column, f"{siren!r} is not a 9-digit SIREN")
        return sirens
