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


# Invented lines in the format of the optional files (the density grid and postal codes).
DENSITY = [
    "insee_com,lib_com,niveau_densite",
    "01001,Alpha,Rural à habitat dispersé",
    "01002,Bravo,Petites villes",
    "2A004,Delta,Grands centres urbains",
]
POSTAL_CODES = [
    "code_insee,code_postal",
    "01001,01100",
    "01002,01100",
    "01003,01300",
    "2A004,20000",
]


def _write_optional(directory: Path) -> None:
    (directory / "communes_grille_densite.csv").write_text("\n".join(DENSITY) + "\n", "utf-8")
    (directory / "communes_codes_postaux.csv").write_text("\n".join(POSTAL_CODES) + "\n", "utf-8")


def test_density_grid_and_postal_codes(small_data_dir: Path) -> None:
    _write_optional(small_data_dir)

    geography = load_geography(small_data_dir)

    communes = {c.code: c for c in geography.communes}
    assert communes["01001"].density_level == "Rural à habitat dispersé"
    assert communes["01001"].rural and not communes["01002"].rural
    assert communes["01003"].density_level is None and not communes["01003"].rural
    assert geography.postal_codes == {
        "01100": ("01001", "01002"),
        "01300": ("01003",),
        "20000": ("2A004",),
    }


def test_optional_files_missing_give_no_density_and_a_warning(
    small_data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        geography = load_geography(small_data_dir)

    assert all(c.density_level is None and not c.rural for c in geography.communes)
    assert geography.postal_codes == {}
    assert "communes_grille_densite.csv not found" in caplog.text
    assert "communes_codes_postaux.csv not found" in caplog.text


def test_collectivities_are_kept_apart(small_data_dir: Path) -> None:
    _rewrite(
        small_data_dir,
        "departements.csv",
        "2A,Corse-du-Sud",
        "989,Île de Clipperton,989,Île de Clipperton,98901,com\n2A,Corse-du-Sud",
    )

    geography = load_geography(small_data_dir)

    assert [r.code for r in geography.regions] == ["84", "94"]
    assert [(r.code, r.zone) for r in geography.collectivity_regions] == [("989", "com")]
    assert [(d.code, d.region_code) for d in geography.collectivity_departments] == [("989", "989")]


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [
        pytest.param(
            "communes_grille_densite.csv",
            "Petites villes",
            "Petite ville",
            "communes_grille_densite.csv, row 3, column niveau_densite: 'Petite ville' is not "
            "a level of the density grid",
            id="unknown-density-level",
        ),
        pytest.param(
            "communes_codes_postaux.csv",
            "01003,01300",
            "01003,1300",
            "communes_codes_postaux.csv, row 4, column code_postal: '1300' is not a valid code",
            id="short-postal-code",
        ),
    ],
)
def test_malformed_optional_file_names_file_row_and_column(
    small_data_dir: Path, name: str, old: str, new: str, expected: str
) -> None:
    _write_optional(small_data_dir)
    _rewrite(small_data_dir, name, old, new)

    with pytest.raises(ReferenceDataError) as error:
        load_geography(small_data_dir)

    assert str(error.value).startswith(expected)


@pytest.mark.parametrize(
    "name",
    [
        "communes_grille_densite.csv",
        "communes_codes_postaux.csv",
        "laureats_fonds_territoires.csv",
        "territoires_industrie_phase1.geojson",
        "territoires_industrie_phase2.geojson",
    ],
)
def test_fingerprint_follows_optional_files(small_data_dir: Path, name: str) -> None:
    without = fingerprint(small_data_dir)
    (small_data_dir / name).write_text("one\n", encoding="utf-8")
    with_file = fingerprint(small_data_dir)
    (small_data_dir / name).write_text("two\n", encoding="utf-8")

    assert len({without, with_file, fingerprint(small_data_dir)}) == 3
