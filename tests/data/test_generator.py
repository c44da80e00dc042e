from __future__ import annotations

import csv
import time
from collections import Counter
from dataclasses import replace

import numpy as np
import numpy.typing as npt
import pytest

from data.estimates import FIGURES, declared_range
from data.generator import (
    FILIERES,
    FIRST_REVIEW,
    LAUREATE_FILIERES,
    MARCH_2021,
    MAX_AID_INTENSITY,
    RURAL_ABOVE,
    RURAL_BY_POPULATION,
    ProjectRows,
    calibration,
    first_review_size,
    generate_projects,
    has_density_grid,
    later_review,
    out_of_sample,
    rural_communes,
)
from data.geography import Geography
from data.laureates import SECTORS
from data.reference import load_geography
from models.project import Project
from settings import Settings
from tests.conftest import REAL_DATA, needs_real_data


@pytest.fixture(scope="module")
def synthetic() -> Geography:
    from data.synthetic import synthetic_geography

    return synthetic_geography()


@pytest.fixture(scope="module")
def real() -> Geography:
    data_dir = Settings().data_dir
    if not data_dir.is_dir():
        pytest.skip(f"reference data folder {data_dir} is absent")
    return load_geography(data_dir)


def _same(a: ProjectRows, b: ProjectRows) -> bool:
    return a.to_dicts() == b.to_dicts() and bool((a.first_review == b.first_review).all())


def test_same_seed_same_rows(synthetic: Geography) -> None:
    assert _same(generate_projects(synthetic, 500, 3), generate_projects(synthetic, 500, 3))


def test_other_seed_other_rows(synthetic: Geography) -> None:
    a, b = generate_projects(synthetic, 500, 3), generate_projects(synthetic, 500, 4)

    assert not np.array_equal(a.investment_eur, b.investment_eur)
    assert a.name != b.name


def _check_calibration(rows: ProjectRows, tolerance: float) -> None:
    """In sample: the generator rescales to these figures, so only rounding can miss them."""
    for figure, published, generated in calibration(rows):
        assert generated == pytest.approx(published, rel=tolerance), figure
    assert rows.jobs_created[rows.first_review].sum() > FIRST_REVIEW["jobs_created"]


@needs_real_data
@pytest.mark.parametrize("seed", [pytest.param(2020, id="default-seed"), pytest.param(7, id="7")])
def test_first_review_reproduces_published_figures(real: Geography, seed: int) -> None:
    rows = generate_projects(real, 1600, seed)

    assert rows.first_review.sum() == 253
    _check_calibration(rows, 0.03)


def test_first_review_calibrated_on_synthetic_geography(synthetic: Geography) -> None:
    _check_calibration(generate_projects(synthetic, 1600, 2020), 0.03)


# Out of sample: the March 2021 point (531 projects, 2.5 bn EUR, 270 M EUR, about 14,000 jobs),
# which the calibration never sees, against the awards extended down the first review's ranking.
# Measured gaps (docs/data.md, `python -m data.generator`), seeds 2020, 7, 1, 2, 3, real and
# synthetic geography: investment +9 % to +24 %, aid -5 % to +20 %, jobs -46 % to -36 % at 1,600
# candidates; +14 % to +21 %, +7 % to +17 %, -39 % to -34 % at 16,000. The generator misses the
# jobs: March 2021 reports 52 jobs per M EUR of aid against 35 in the first review, while a
# ranking by jobs per euro gives later winners fewer jobs per euro. These bounds hold the error
# where it is measured; a generator whose jobs ignore project size (small projects first, then
# large ones) misses investment by +49 % to +73 % and fails them.
OUT_OF_SAMPLE_BOUNDS = {"investment_eur": 0.35, "aid_eur": 0.35, "jobs_created": 0.50}


def _check_out_of_sample(rows: ProjectRows) -> dict[str, float]:
    gaps = {
        figure: (generated - published) / published
        for figure, published, generated in out_of_sample(rows)
    }
    assert gaps.pop("projects") == pytest.approx(0, abs=1 / MARCH_2021["projects"])
    for figure, bound in OUT_OF_SAMPLE_BOUNDS.items():
        assert abs(gaps[figure]) <= bound, (figure, f"{gaps[figure]:+.1%}")
    return gaps


@needs_real_data
def test_march_2021_out_of_sample_at_the_defaults(real: Geography) -> None:
    rows = generate_projects(real, 1600, 2020)
    gaps = _check_out_of_sample(rows)

    # the figures docs/data.md gives for the defaults
    assert gaps == pytest.approx(
        {"investment_eur": 0.173, "aid_eur": 0.199, "jobs_created": -0.368}, abs=0.001
    )


@pytest.mark.parametrize("seed", [2020, 7, 1, 2, 3])
def test_march_2021_out_of_sample_over_seeds(synthetic: Geography, seed: int) -> None:
    _check_out_of_sample(generate_projects(synthetic, 16_000, seed))


def test_a_later_review_extends_the_first_by_the_same_rule(synthetic: Geography) -> None:
    rows = generate_projects(synthetic, 1600, 2020)
    march = later_review(rows)

    assert march.sum() == MARCH_2021["projects"]
    assert march[rows.first_review].all()  # cumulative: every first-review winner stays
    assert rows.fragile[march].mean() == pytest.approx(FIRST_REVIEW["fragile_share"], abs=0.002)
    later = march & ~rows.first_review
    assert rows.review_score[later].max() <= rows.review_score[rows.first_review].max()


class _JobsIgnoreSize:
    """A broken generator's random source: a project's jobs are drawn without regard to its
    investment (the draw of jobs per M EUR is divided by the project's investment)."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.investment = np.ones(1)

    def __getattr__(self, name: str) -> object:
        return getattr(self.rng, name)

    def lognormal(self, mean: float, sigma: float, size: int) -> npt.NDArray[np.float64]:
        drawn = self.rng.lognormal(mean, sigma, size)
        if mean == pytest.approx(np.log(2.5e6)):  # the investment draw
            self.investment = np.clip(drawn, 1e5, 1e8)
        elif mean == pytest.approx(np.log(3.6)):  # jobs per M EUR invested
            drawn = drawn * 2.5e6 / self.investment
        return drawn


def test_the_out_of_sample_bounds_fail_a_generator_whose_jobs_ignore_size(
    synthetic: Geography, monkeypatch: pytest.MonkeyPatch
) -> None:
    default_rng = np.random.default_rng
    monkeypatch.setattr(np.random, "default_rng", lambda seed: _JobsIgnoreSize(default_rng(seed)))
    rows = generate_projects(synthetic, 16_000, 2020)

    _check_calibration(rows, 0.03)  # in sample it is as good as the real one
    with pytest.raises(AssertionError, match="investment_eur"):
        _check_out_of_sample(rows)


def test_awards_scale_with_candidates(synthetic: Geography) -> None:
    rows = generate_projects(synthetic, 16_000, 1)

    assert first_review_size(16_000) == rows.first_review.sum() == 2530
    _check_calibration(rows, 0.03)


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


def test_jobs_per_aid_of_published_order(synthetic: Geography) -> None:
    rows = generate_projects(synthetic, 1600, 2020)
    won = rows.first_review
    jobs_per_meur = rows.jobs_created[won].sum() / rows.aid_requested_eur[won].sum() * 1e6

    # 5,000 jobs for 143 M EUR in Nov. 2020, 14,000 for 270 M EUR in March 2021.
    assert 30 < jobs_per_meur < 55


def test_160k_projects_fast(synthetic: Geography) -> None:
    start = time.perf_counter()
    rows = generate_projects(synthetic, 160_000, 2020)

    assert len(rows) == 160_000 and len(rows.name) == 160_000
    assert time.perf_counter() - start < 15
    _check_calibration(rows, 0.03)


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
