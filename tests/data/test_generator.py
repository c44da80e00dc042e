"""Generated candidates (data.generator): placed in real communes, with their flags and columns."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import replace

import numpy as np
import pytest

from data.estimates import AID_CEILING_EUR, FIGURES, declared_range
from data.first_review import MAX_AID_INTENSITY
from data.generator import (
    FILIERES,
    LAUREATE_FILIERES,
    RURAL_ABOVE,
    RURAL_BY_POPULATION,
    Levels,
    generate_projects,
    has_density_grid,
    rural_communes,
)
from data.geography import Geography
from data.laureates import SECTORS
from data.project_rows import ProjectRows
from models.project import Project
from tests.conftest import REAL_DATA, needs_real_data


def _same(a: ProjectRows, b: ProjectRows) -> bool:
    return a.to_dicts() == b.to_dicts() and bool((a.first_review == b.first_review).all())


def test_same_seed_same_rows(synthetic: Geography) -> None:
    assert _same(generate_projects(synthetic, 500, 3), generate_projects(synthetic, 500, 3))


def test_other_seed_other_rows(synthetic: Geography) -> None:
    a, b = generate_projects(synthetic, 500, 3), generate_projects(synthetic, 500, 4)

    assert not np.array_equal(a.investment_eur, b.investment_eur)
    assert a.name != b.name


def test_rows_are_consistent(real: Geography) -> None:
    rows = generate_projects(real, 1600, 2020)
    territories = {t.id: t for t in real.territories}
    communes = {c.code: c for c in real.communes}

    assert rows.id.tolist() == list(range(1, 1601))
    assert (rows.aid_requested_eur <= MAX_AID_INTENSITY * rows.investment_eur + 100).all()
    assert (rows.aid_requested_eur > 0).all()
    assert 0.08 < rows.aid_requested_eur.sum() / rows.investment_eur.sum() < 0.14
    assert ((rows.co2_avoided_t > 0) == rows.decarbonisation).all()
    for i in range(0, 1600, 37):
        territory = territories[str(rows.territory_id[i])]
        commune = communes[str(rows.commune_code[i])]
        assert territory.phase == 1 and commune.code in territory.commune_codes
        assert rows.region_code[i] == territory.region_code
        assert rows.name[i].endswith(f" — {commune.name}")


def _check_fragility(rows: ProjectRows, geography: Geography, rural: list[bool]) -> None:
    """Each project's flags are its commune's: fragile = QPV or Action cœur de ville or rural,
    the rural flag in ``zrr``, no AFR."""
    index = {c.code: i for i, c in enumerate(geography.communes)}
    communes = [geography.communes[index[str(code)]] for code in rows.commune_code]
    qpv = [c.qpv for c in communes]
    acv = [c.action_coeur_de_ville for c in communes]
    zrr = [rural[index[c.code]] for c in communes]

    assert rows.qpv.tolist() == qpv
    assert rows.action_coeur_de_ville.tolist() == acv
    assert rows.zrr.tolist() == zrr
    assert rows.fragile.tolist() == [q or a or r for q, a, r in zip(qpv, acv, zrr, strict=True)]
    assert not rows.afr.any()


@needs_real_data
def test_fragility_is_qpv_acv_or_rural_of_the_density_grid(real: Geography) -> None:
    assert has_density_grid(real)
    rows = generate_projects(real, 1600, 2020)

    _check_fragility(rows, real, [c.rural for c in real.communes])
    # most communes are rural, and the candidates mostly fragile: more than the winners' 69 %
    assert 0.70 < rows.fragile.mean() < 0.80
    assert 0.50 < rows.zrr.mean() < 0.60


def test_fragility_on_the_synthetic_geography(synthetic: Geography) -> None:
    rows = generate_projects(synthetic, 1600, 2020)

    _check_fragility(rows, synthetic, rural_communes(synthetic, 2020).tolist())
    assert rows.zrr.any() and (rows.fragile & ~rows.qpv & ~rows.action_coeur_de_ville).any()


def test_without_a_density_grid_rural_is_drawn_as_in_the_real_grid(synthetic: Geography) -> None:
    assert not has_density_grid(synthetic)
    population = np.array([c.population for c in synthetic.communes])
    rural = rural_communes(synthetic, 2020)
    limits = [0] + [limit for limit, _ in RURAL_BY_POPULATION] + [np.inf]
    shares = [share for _, share in RURAL_BY_POPULATION] + [RURAL_ABOVE]

    for low, high, share in zip(limits, limits[1:], shares, strict=False):
        members = (population >= low) & (population < high)
        if members.sum() >= 200:  # enough communes for the share to be measured
            assert rural[members].mean() == pytest.approx(share, abs=0.06), (low, high)
    assert (rural_communes(synthetic, 2020) == rural).all()  # drawn once per seed
    assert (rural_communes(synthetic, 7) != rural).any()


def test_with_a_density_grid_rural_is_the_grid_and_nothing_is_drawn(synthetic: Geography) -> None:
    # every commune a small town, except the first, a rural market town
    communes = tuple(
        replace(c, density_level="Bourgs ruraux" if i == 0 else "Petites villes")
        for i, c in enumerate(synthetic.communes)
    )
    geography = replace(synthetic, communes=communes)

    assert rural_communes(geography, 2020).tolist() == [True] + [False] * (len(communes) - 1)
    rows = generate_projects(geography, 1600, 2020)
    _check_fragility(rows, geography, [c.rural for c in communes])
    assert set(rows.density_level.tolist()) <= {"Bourgs ruraux", "Petites villes"}


def test_fragile_projects_yield_fewer_jobs_per_euro(synthetic: Geography) -> None:
    rows = generate_projects(synthetic, 16_000, 5)
    per_euro = rows.jobs_created / rows.investment_eur

    assert np.median(per_euro[rows.fragile]) < 0.9 * np.median(per_euro[~rows.fragile])


def test_count_must_be_positive(synthetic: Geography) -> None:
    with pytest.raises(ValueError, match="count: must be at least 1"):
        generate_projects(synthetic, 0, 1)


def test_sectors_are_the_laureates_filieres_in_their_shares(synthetic: Geography) -> None:
    rows = generate_projects(synthetic, 16_000, 2020)
    drawn = Counter(rows.sector.tolist())
    total = sum(LAUREATE_FILIERES.values())

    assert set(FILIERES) == set(LAUREATE_FILIERES) == set(SECTORS) == set(drawn)
    for filiere, count in LAUREATE_FILIERES.items():
        assert drawn[filiere] / 16_000 == pytest.approx(count / total, abs=0.01), filiere
    decarbonising = {s: rows.decarbonisation[rows.sector == s].mean() for s in FILIERES}
    for filiere, parameters in FILIERES.items():
        assert decarbonising[filiere] == pytest.approx(parameters.decarbonisation, abs=0.06)
    objects = {o for parameters in FILIERES.values() for o in parameters.objects}
    assert all(any(f" {o} — " in name for o in objects) for name in rows.name[:200])


@needs_real_data
def test_filiere_shares_are_the_counts_of_the_laureates_file() -> None:
    with (REAL_DATA / "laureats_fonds_territoires.csv").open(encoding="utf-8") as file:
        filieres = Counter(row["filiere"] for row in csv.DictReader(file))
    filieres["Mode et Luxe"] += filieres.pop("Mode et luxe", 0)  # spelled both ways in the file
    filieres.pop("", None)  # no filière: not a sector to draw

    assert dict(filieres) == LAUREATE_FILIERES


def _check_generated_columns(rows: ProjectRows, geography: Geography) -> None:
    count = len(rows)
    communes = {c.code: c for c in geography.communes}
    phase2 = {m.siren: t.id for t in geography.phase(2) for m in t.members}
    for column in (
        "laureate_id",
        "company_name",
        "siren",
        "company_size",
        "postal_code",
        "latitude",
        "longitude",
        "record_date",
        "employees",
    ):
        assert getattr(rows, column).tolist() == [None] * count, column
    assert set(rows.origin.tolist()) == set(rows.location_precision.tolist()) == {"generated"}
    placed = [communes[str(code)] for code in rows.commune_code]
    assert rows.department_code.tolist() == [c.department_code for c in placed]
    assert rows.density_level.tolist() == [c.density_level for c in placed]
    expected = [phase2.get(c.epci_siren or "") for c in placed]
    assert rows.phase2_territory_id.tolist() == expected
    for figure in FIGURES:  # the range of a declaration (data.estimates.DECLARED_BAND)
        value, low, high = (getattr(rows, f"{figure}{part}") for part in ("", "_low", "_high"))
        assert set(getattr(rows, f"{figure}_source").tolist()) == {"generated"}, figure
        assert (low <= value).all() and (value <= high).all(), figure
        expected_low, expected_high = declared_range(figure, value)
        assert low.tolist() == expected_low.tolist() and high.tolist() == expected_high.tolist()
        assert (low[value > 0] < value[value > 0]).any(), figure  # a band, not the value alone


def test_generated_columns_on_the_synthetic_geography(synthetic: Geography) -> None:
    rows = generate_projects(synthetic, 1600, 2020)

    _check_generated_columns(rows, synthetic)
    assert rows.phase2_territory_id.tolist().count(None) < len(rows)


@needs_real_data
def test_generated_columns_on_the_real_geography(real: Geography) -> None:
    rows = generate_projects(real, 1600, 2020)

    _check_generated_columns(rows, real)
    in_phase2 = np.array([t is not None for t in rows.phase2_territory_id])
    assert 0.5 < in_phase2.mean() < 1  # most phase-1 places are in a phase-2 territory too


def test_to_dicts_has_every_column_of_the_project_table(synthetic: Geography) -> None:
    rows = generate_projects(synthetic, 20, 2020).to_dicts()

    assert len(rows) == 20
    assert list(rows[0]) == list(ProjectRows.COLUMNS)
    assert set(rows[0]) == {column.name for column in Project.__table__.columns}
    assert rows[0]["origin"] == "generated" and rows[0]["laureate_id"] is None
    assert isinstance(rows[0]["investment_eur_low"], int)


def test_first_id_numbers_the_rows_and_changes_nothing_else(synthetic: Geography) -> None:
    one = generate_projects(synthetic, 300, 2020)
    later = generate_projects(synthetic, 300, 2020, first_id=1150)

    assert later.id.tolist() == list(range(1150, 1450))
    strip = [{k: v for k, v in row.items() if k != "id"} for row in one.to_dicts()]
    assert strip == [{k: v for k, v in row.items() if k != "id"} for row in later.to_dicts()]
    assert (one.first_review == later.first_review).all()


def test_with_levels_candidates_have_those_means_and_the_aid_ceiling(
    synthetic: Geography,
) -> None:
    levels = Levels(
        investment_eur=4_700_000, aid_requested_eur=508_000, jobs_created=26.3, jobs_kept=94.2
    )
    plain = generate_projects(synthetic, 2_000, 2020)
    rows = generate_projects(synthetic, 2_000, 2020, levels=levels)

    assert rows.investment_eur.mean() == pytest.approx(levels.investment_eur, rel=1e-3)
    assert rows.aid_requested_eur.mean() == pytest.approx(levels.aid_requested_eur, rel=1e-3)
    assert rows.jobs_created.mean() == pytest.approx(levels.jobs_created, rel=0.01)
    assert rows.jobs_kept.mean() == pytest.approx(levels.jobs_kept, rel=0.01)
    assert rows.aid_requested_eur.max() <= AID_CEILING_EUR < plain.aid_requested_eur.max()
    assert (rows.aid_requested_eur <= MAX_AID_INTENSITY * rows.investment_eur + 100).all()
    # Only the levels move: where, what and which are fragile stay as drawn.
    assert (rows.commune_code == plain.commune_code).all()
    assert (rows.sector == plain.sector).all()
    assert (rows.fragile == plain.fragile).all()
