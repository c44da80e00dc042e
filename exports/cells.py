"""The typed cells and tables every export is made of, and the rows every summary ends with."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from exports.labels import LABELS, SHEETS, WHAT_IF, WORDS, Lang
from schema.provenance import DataVersion

# What a number is: written with its own number format (thousands, percent) in the workbook;
# "id" is an identifier (a project id): a whole number shown without thousands separator.
Kind = Literal["text", "id", "int", "euros", "share", "decimal"]
Plain = str | int | float | None


@dataclass(frozen=True)
class Typed:
    """A cell whose kind is not its column's (the summary's value column mixes them)."""

    value: Plain
    kind: Kind


Cell = Plain | Typed


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind = "text"


@dataclass(frozen=True)
class Table:
    name: str  # the sheet's name, SHEETS[lang][key]
    columns: tuple[Column, ...]
    rows: list[tuple[Cell, ...]] = field(default_factory=list)


@dataclass(frozen=True)
class ProjectName:
    name: str
    company: str | None
    origin: str  # "laureate" or "generated" (models.project.ORIGINS)


@dataclass(frozen=True)
class Names:
    """What the engine's arrays do not carry: territory names by id, projects by id."""

    territories: Mapping[str, str] = field(default_factory=dict)
    projects: Mapping[int, ProjectName] = field(default_factory=dict)


@dataclass(frozen=True)
class Stamp:
    """Where the figures come from: the seeded dataset (None: none recorded) and when."""

    data: DataVersion | None
    generated_at: dt.datetime


def kind_of(column: Column, cell: Cell) -> tuple[Plain, Kind]:
    """A cell's value and kind (its own when Typed, else its column's)."""
    if isinstance(cell, Typed):
        return cell.value, cell.kind
    return cell, column.kind


def columns_of(lang: Lang, *keys: tuple[str, Kind]) -> tuple[Column, ...]:
    return tuple(Column(LABELS[lang][key], kind) for key, kind in keys)


def summary_table(lang: Lang, rows: Sequence[tuple[str, Plain, Kind]]) -> Table:
    """Labels in the first column, values (each of its kind) in the second."""
    labels = LABELS[lang]
    return Table(
        SHEETS[lang]["summary"],
        columns_of(lang, ("label", "text"), ("value", "text")),
        [(labels[key], Typed(value, kind)) for key, value, kind in rows],
    )


def scenario_words(name: str, lang: Lang) -> str:
    """A scenario's name; an unnamed what-if's: the word for a simulation."""
    return WORDS[lang]["what_if"] if name == WHAT_IF else name


def data_words(data: DataVersion | None, lang: Lang) -> str:
    words = WORDS[lang]
    if data is None:
        return words["no_data"]
    kind = words["synthetic"] if data.synthetic else words["real"]
    return (
        f"{kind}, {data.project_count} {words['projects']}, {words['seed']} {data.seed}, "
        f"{words['fingerprint']} {data.fingerprint}"
    )


def stamp_rows(stamp: Stamp, lang: Lang) -> list[tuple[str, Plain, Kind]]:
    when = stamp.generated_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    return [("data", data_words(stamp.data, lang), "text"), ("generated_at", when, "text")]
