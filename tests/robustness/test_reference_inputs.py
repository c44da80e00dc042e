"""Broken reference CSV files: ReferenceDataError naming file, row and column, never a crash."""
# ruff: noqa: E501  (tables of cases read best one per line)

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from data.csv_reader import ReferenceDataError
from data.reference import load_geography


def rewrite(folder: Path, name: str, change: str, old: str = "", new: str = "") -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    if change == "replace":
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    elif change == "truncate-row":
        path.write_text(
            "\n".join([*lines[:-1], lines[-1].rsplit(",", 2)[0]]) + "\n", encoding="utf-8"
        )
    elif change == "drop-column":
        rows = list(csv.reader(lines))
        kept = [[v for i, v in enumerate(row) if i != 0] for row in rows]
        path.write_text("\n".join(",".join(row) for row in kept) + "\n", encoding="utf-8")
    elif change == "duplicate-row":
        path.write_text("\n".join([*lines, lines[-1]]) + "\n", encoding="utf-8")
    elif change == "empty":
        path.write_text("", encoding="utf-8")
    elif change == "delete":
        path.unlink()
    elif change == "bytes":
        path.write_bytes(path.read_bytes() + new.encode("latin-1"))


@pytest.mark.parametrize(
    ("name", "change", "old", "new", "row", "column", "words"),
    [
        pytest.param("communes.csv", "truncate-row", "", "", 6, "siren_epci", "row has 4 fields, the header has 6", id="truncated-row"),
        pytest.param("regions.csv", "drop-column", "", "", 1, "code_region", "column missing from the header (found: nom_region, chef_lieu_insee, zone)", id="missing-column"),
        pytest.param("regions.csv", "empty", "", "", 1, None, "file is empty", id="empty-file"),
        pytest.param("epci.csv", "delete", "", "", None, None, "file not found", id="missing-file"),
        pytest.param("territoires_industrie_phase1.csv", "duplicate-row", "", "", 4, "id_ti", "ti-9401 appears twice", id="duplicate-territory"),
        pytest.param("epci.csv", "duplicate-row", "", "", 5, "siren_epci", "200000003 appears twice", id="duplicate-epci"),
        pytest.param("communes.csv", "replace", "2A004,Delta,2A,94,200000003,70000", "01001,Delta,2A,94,200000003,70000", 5, "code_insee", "01001 appears twice", id="duplicate-commune"),
        pytest.param("regions.csv", "duplicate-row", "", "", 5, "code_region", "989 appears twice", id="duplicate-region"),
        pytest.param("communes.csv", "replace", "01002,Bravo,01,84,200000001,12000", "01002,Bravo,01,84,200000001,-12", 3, "population", "-12 is negative", id="negative-population"),
        pytest.param("communes.csv", "replace", "01002,Bravo,01,84,200000001,12000", "01002,Bravo,01,84,200000001,1e9", 3, "population", "'1e9' is not an integer", id="population-not-integer"),
        pytest.param("communes.csv", "replace", "01002,Bravo", "1002,Bravo", 3, "code_insee", "'1002' is not a valid code", id="bad-commune-code"),
        pytest.param("territoires_industrie_phase1.csv", "replace", ",84,Auvergne", ",99,Auvergne", 2, "code_region_from_id", "99 is not a region of regions.csv", id="unknown-region"),
        pytest.param("territoires_industrie_phase1.csv", "replace", ',2,"200000001', ',3,"200000001', 2, "sirens_groupements_raw", "2 SIRENs but nb_groupements is 3", id="member-count-mismatch"),
        pytest.param("regions.csv", "bytes", "", "99,R\xe9gion,99001,metro\n", None, None, "not UTF-8 text", id="invalid-utf8"),
        pytest.param("regions.csv", "bytes", "", '99,"never closed\n', 5, "chef_lieu_insee", "row has 2 fields, the header has 4", id="unclosed-quote"),
    ],
)  # fmt: skip
def test_broken_files(
    small_data_dir: Path,
    name: str,
    change: str,
    old: str,
    new: str,
    row: int | None,
    column: str | None,
    words: str,
) -> None:
    rewrite(small_data_dir, name, change, old, new)
    with pytest.raises(ReferenceDataError) as caught:
        load_geography(small_data_dir)
    error = caught.value
    assert (error.file, error.row, error.column) == (name, row, column), str(error)
    assert str(error).startswith(name) and words in str(error)


def test_reordered_columns_read_the_same(small_data_dir: Path) -> None:
    before = load_geography(small_data_dir)
    for name in ("communes.csv", "regions.csv", "territoires_industrie_phase1.csv"):
        path = small_data_dir / name
        rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
        with path.open("w", encoding="utf-8", newline="") as file:
            csv.writer(file, lineterminator="\n").writerows([row[::-1] for row in rows])
    after = load_geography(small_data_dir)
    assert (after.regions, after.communes, after.territories) == (
        before.regions,
        before.communes,
        before.territories,
    )


def test_a_byte_order_mark_is_accepted(small_data_dir: Path) -> None:
    path = small_data_dir / "regions.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert len(load_geography(small_data_dir).regions) == 2
