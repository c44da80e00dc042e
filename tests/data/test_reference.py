from __future__ import annotations

import logging
from pathlib import Path

import pytest

from data.csv_reader import ReferenceDataError
from data.reference import fingerprint, load_geography
from settings import Settings
from tests.conftest import needs_real_data


def test_small_folder_loads_with_joins(small_data_dir: Path) -> None:
    geography = load_geography(small_data_dir)

    assert not geography.synthetic
    assert [r.code for r in geography.regions] == ["84", "94"]  # "com" zone left out
    assert [d.code for d in geography.departments] == ["01", "2A"]
    assert {c.code for c in geography.communes} == {"01001", "01002", "01003", "2A004"}
    communes = {c.code: c for c in geography.communes}
    assert communes["01002"].qpv and not communes["01001"].qpv
    assert communes["2A004"].action_coeur_de_ville
    ain, delta = geography.phase(1)
    # Names with commas do not line up with the SIRENs: names come from epci.csv.
    assert [(m.siren, m.name) for m in ain.members] == [
        ("200000001", "CC Alpha Bravo"),
        ("200000002", "CC Charlie"),
    ]
    assert ain.population == 12900 + 4000
    assert ain.commune_codes == ("01001", "01002", "01003")
    assert ain.id == "p1-ti-8401"
    # A Corsican commune member (SIREN 21 20 ...) resolves to commune 2A004.
    assert delta.commune_codes == ("2A004",) and delta.population == 70000
    assert [t.population for t in geography.phase(2)] == [12900, 70000]


def test_missing_folder_gives_loud_synthetic_geography(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        geography = load_geography(tmp_path / "nowhere")

    assert geography.synthetic
    assert "SYNTHETIC" in caplog.text
    assert len(geography.regions) == 18
    assert (len(geography.phase(1)), len(geography.phase(2))) == (149, 183)
    assert all(t.commune_codes for t in geography.territories)


def _rewrite(directory: Path, name: str, old: str, new: str) -> None:
    path = directory / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [
        pytest.param(
            "communes.csv",
            "population\n",
            "pop\n",
            "communes.csv, row 1, column population: column missing from the header",
            id="renamed-column",
        ),
        pytest.param(
            "communes.csv",
            "01003,Charlie,01,84,200000002,4000",
            "01003,Charlie,01,84,200000002,4 000",
            "communes.csv, row 4, column population: '4 000' is not an integer",
            id="bad-integer",
        ),
        pytest.param(
            "communes.csv",
            "01002,Bravo,01,84,200000001,12000",
            "01002,Bravo,01",
            "communes.csv, row 3, column code_region: row has 3 fields, the header has 6",
            id="truncated-row",
        ),
        pytest.param(
            "departements.csv",
            "01,Ain",
            "1,Ain",
            "departements.csv, row 2, column code_departement: '1' is not a valid code",
            id="code-without-leading-zero",
        ),
        pytest.param(
            "territoires_industrie_phase1.csv",
            '"200000001, 200000002"',
            '"200000001, 20000002"',
            "territoires_industrie_phase1.csv, row 2, column sirens_groupements_raw: "
            "'20000002' is not a 9-digit SIREN",
            id="bad-siren",
        ),
        pytest.param(
            "territoires_industrie_phase2.csv",
            "CA Delta (200000003)",
            "CA Delta",
            "territoires_industrie_phase2.csv, row 3, column liste_groupements_raw: "
            "no 'Name (SIREN)' entry for 200000003",
            id="member-without-name",
        ),
        pytest.param(
            "territoires_industrie_phase2.csv",
            "ti-9401,Delta,94",
            "ti-9401,Delta,99",
            "territoires_industrie_phase2.csv, row 3, column code_region_from_id: "
            "99 is not a region of regions.csv",
            id="unknown-region",
        ),
    ],
)
def test_malformed_file_names_file_row_and_column(
    small_data_dir: Path, name: str, old: str, new: str, expected: str
) -> None:
    _rewrite(small_data_dir, name, old, new)

    with pytest.raises(ReferenceDataError) as error:
        load_geography(small_data_dir)

    assert str(error.value).startswith(expected)
    assert error.value.file == name


def test_missing_file_is_named(small_data_dir: Path) -> None:
    (small_data_dir / "epci.csv").unlink()

    with pytest.raises(ReferenceDataError, match=r"^epci\.csv: file not found"):
        load_geography(small_data_dir)


def test_fingerprint_follows_content(small_data_dir: Path) -> None:
    before = fingerprint(small_data_dir)
    _rewrite(small_data_dir, "territoires_industrie_phase2.csv", "ti-8401,Ain,", "ti-8401,Ains,")

    assert fingerprint(small_data_dir) != before


@needs_real_data
def test_real_folder_counts() -> None:
    geography = load_geography(Settings().data_dir)

    assert (len(geography.phase(1)), len(geography.phase(2))) == (149, 183)
    assert len(geography.regions) == 18
    assert len(geography.departments) == 101
    assert all(t.commune_codes for t in geography.territories)
    assert all(t.population for t in geography.territories)
    # Codes keep their leading zeros and Corsican letters.
    codes = {c.code for c in geography.communes}
    assert {"01001", "2A004", "2B033"} <= codes
    assert sum(c.action_coeur_de_ville for c in geography.communes) >= 222
