"""The generated first review (data.first_review): calibrated on the published figures of
November 2020, checked out of sample against March 2021."""

from __future__ import annotations

import time

import numpy as np
import numpy.typing as npt
import pytest

from data.first_review import (
    FIRST_REVIEW,
    MARCH_2021,
    calibration,
    first_review_size,
    later_review,
    out_of_sample,
)
from data.generator import generate_projects
from data.geography import Geography
from data.project_rows import ProjectRows
from tests.conftest import needs_real_data


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
