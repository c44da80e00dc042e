from __future__ import annotations

import time

import numpy as np
import pytest

from models.generator import (
    FIRST_REVIEW,
    MAX_AID_INTENSITY,
    ProjectRows,
    calibration,
    commune_zonings,
    first_review_size,
    generate_projects,
)
from models.reference import Geography, load_geography
from settings import Settings
from tests.conftest import needs_real_data


@pytest.fixture(scope="module")
def synthetic() -> Geography:
    from models.synthetic import synthetic_geography

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


def test_awards_scale_with_candidates(synthetic: Geography) -> None:
    rows = generate_projects(synthetic, 16_000, 1)

    assert first_review_size(16_000) == rows.first_review.sum() == 2530
    _check_calibration(rows, 0.03)


def test_rows_are_consistent(real: Geography) -> None:
    rows = generate_projects(real, 1600, 2020)
    territories = {t.id: t for t in real.territories}
    communes = {c.code: c for c in real.communes}
    zonings = commune_zonings(real, 2020)

    assert rows.id.tolist() == list(range(1, 1601))
    assert (rows.aid_requested_eur <= MAX_AID_INTENSITY * rows.investment_eur + 100).all()
    assert (rows.aid_requested_eur > 0).all()
    assert 0.08 < rows.aid_requested_eur.sum() / rows.investment_eur.sum() < 0.14
    assert (
        rows.fragile.tolist()
        == (rows.qpv | rows.zrr | rows.afr | rows.action_coeur_de_ville).tolist()
    )
    assert ((rows.co2_avoided_t > 0) == rows.decarbonisation).all()
    for i in range(0, 1600, 37):
        territory = territories[str(rows.territory_id[i])]
        commune = communes[str(rows.commune_code[i])]
        assert territory.phase == 1 and commune.code in territory.commune_codes
        assert rows.region_code[i] == territory.region_code
        assert rows.name[i].endswith(f" — {commune.name}")
        assert (
            rows.qpv[i] == commune.qpv
            and rows.action_coeur_de_ville[i] == commune.action_coeur_de_ville
        )
        assert (bool(rows.zrr[i]), bool(rows.afr[i])) == zonings[commune.code]


def test_zonings_follow_national_shares(real: Geography) -> None:
    zrr, afr = np.array(list(commune_zonings(real, 2020).values())).T

    assert zrr.mean() == pytest.approx(17_694 / 34_965, abs=0.01)
    assert 0.14 < afr.mean() < 0.17  # the 2014-2020 map's share, plus every overseas commune


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
