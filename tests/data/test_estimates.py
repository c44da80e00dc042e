from __future__ import annotations

import csv
import math
from dataclasses import dataclass, replace
from functools import cache

import numpy as np
import pytest

from data.estimate_checks import held_out
from data.estimates import (
    AID_CEILING_EUR,
    AID_RATIO,
    DECLARED_BAND,
    FIGURES,
    MARCH_2021,
    MODELLED,
    UNITS,
    declared_range,
    estimate,
    stated_values,
)
from data.laureates import LAUREATES_FILE, Laureate, read_laureates
from data.reference import load_geography
from tests.conftest import REAL_DATA, needs_real_data

# Stated rows per figure, as SOURCES.md counts them in the laureates file.
STATED = {
    "jobs_created": 454,
    "jobs_kept": 111,
    "investment_eur": 118,
    "aid_requested_eur": 2,
    "co2_avoided_t": 1,
}


@dataclass(frozen=True)
class Row:
    """The fields of a laureate that the estimates read (invented rows; data.laureates.Laureate
    has these and more)."""

    company_size: str = "TPE / PME"
    department_code: str = "01"
    sector: str = "Agroalimentaire"
    label: str = "Atelier"
    co2_t: int | None = None
    jobs_created: int | None = None
    jobs_kept: int | None = None
    employees: int | None = None
    investment_eur: int | None = None
    aid_eur: int | None = None


@cache
def real_laureates() -> tuple[Laureate, ...]:
    laureates, _ = read_laureates(REAL_DATA / LAUREATES_FILE, load_geography(REAL_DATA))
    return tuple(laureates)


def file_column(figure: str) -> dict[str, int]:
    """The file's own column of a figure, read plainly: laureate id -> stated value."""
    column = {"aid_requested_eur": "aid_eur", "co2_avoided_t": "tco2_an"}.get(figure, figure)
    with (REAL_DATA / LAUREATES_FILE).open(encoding="utf-8") as file:
        return {row["laureate_id"]: int(row[column]) for row in csv.DictReader(file) if row[column]}


def invented(count: int = 240, scale: float = 5.0) -> list[Row]:
    """A known log-linear relation, no noise but rounding: jobs created = scale x employees^0.6,
    twice as many in large firms; every fourth row does not state it."""
    rows = []
    for i in range(count):
        employees = int(10 * 1.02**i)  # 10 to about 1,150
        size = "GE" if i % 3 == 0 else "TPE / PME"
        jobs = scale * employees**0.6 * (2.0 if size == "GE" else 1.0)
        stated = None if i % 4 == 0 else round(jobs)
        rows.append(Row(company_size=size, employees=employees, jobs_created=stated))
    return rows


@needs_real_data
def test_stated_figures_pass_through_exactly_with_their_declaration_band() -> None:
    laureates = real_laureates()
    estimates = estimate(laureates)
    for figure in FIGURES:
        column = estimates[figure]
        stated = stated_values(laureates, figure)
        known = ~np.isnan(stated)
        assert known.sum() == STATED[figure], figure
        assert (column.value[known] == stated[known]).all(), figure
        assert (column.source[known] == "stated").all(), figure
        assert (column.source[~known] == "estimated").all(), figure
        stated_rows = {
            laureate.laureate_id: int(column.value[i])
            for i, laureate in enumerate(laureates)
            if column.source[i] == "stated"
        }
        assert stated_rows == file_column(figure), figure
        low, high = declared_range(figure, column.value[known])
        assert (column.low[known] == low).all() and (column.high[known] == high).all(), figure


def test_declaration_band_of_a_stated_figure() -> None:
    rows = [Row(jobs_created=10, investment_eur=2_000_000, aid_eur=150_000), Row(), Row()]
    estimates = estimate(rows, calibrate=False)
    expected = {
        "jobs_created": (10, DECLARED_BAND["jobs_created"]),
        "investment_eur": (2_000_000, DECLARED_BAND["investment_eur"]),
        "aid_requested_eur": (150_000, DECLARED_BAND["aid_requested_eur"]),
    }
    for figure, (value, (low, high)) in expected.items():
        column = estimates[figure]
        assert column.source[0] == "stated"
        assert (column.low[0], column.value[0], column.high[0]) == (
            round(value * low),
            value,
            round(value * high),
        )


@needs_real_data
def test_every_value_sits_inside_its_range_and_estimates_have_a_real_range() -> None:
    estimates = estimate(real_laureates())
    for figure in FIGURES:
        column = estimates[figure]
        assert column.value.dtype == np.int64, figure
        assert (column.low <= column.value).all() and (column.value <= column.high).all(), figure
        assert (column.value % UNITS[figure] == 0)[column.source == "estimated"].all(), figure
        positive = (column.source == "estimated") & (column.value > 0)
        # The model's 80 % interval is wide (sigma about 0.9 on the log scale, 0.5 for the aid
        # intensity alone, one-sided at the aid ceiling): a factor 1.5 at least.
        assert (column.high[positive] >= 1.5 * column.low[positive]).all(), figure
    aid = estimates["aid_requested_eur"]
    estimated = aid.source == "estimated"
    assert aid.high[estimated].max() <= AID_CEILING_EUR
    assert (aid.value[estimated] == AID_CEILING_EUR).sum() >= 1  # the 384 M EUR investment


@needs_real_data
def test_calibration_hits_the_march_2021_means_per_project() -> None:
    laureates = real_laureates()
    estimates = estimate(laureates)
    for figure in (*MODELLED, "aid_requested_eur"):
        target = MARCH_2021[figure] / MARCH_2021["projects"]
        # The calibration is exact before rounding; rounding each value to its unit moves the
        # mean by at most half a unit.
        assert abs(estimates[figure].value.mean() - target) <= UNITS[figure] / 2, figure
    # The uncalibrated model sits well below the published level (stated rows are not a random
    # sample and their medians are below their means): the calibration does real work.
    raw = estimate(laureates, calibrate=False)
    assert raw["jobs_kept"].value.mean() < 0.7 * MARCH_2021["jobs_kept"] / MARCH_2021["projects"]
    aid, investment = estimates["aid_requested_eur"].value, estimates["investment_eur"].value
    assert aid.sum() / investment.sum() == pytest.approx(AID_RATIO, rel=1e-3)


def test_the_model_recovers_a_known_log_linear_relation() -> None:
    rows = invented()
    estimates = estimate(rows, calibrate=False)
    fit = estimates.fits["jobs_created"]
    coef = dict(zip(fit.names, fit.coef, strict=True))
    assert coef["log employees"] == pytest.approx(0.6, abs=0.02)
    assert coef["size GE"] - coef["size TPE / PME"] == pytest.approx(math.log(2), abs=0.05)
    jobs = estimates["jobs_created"]
    for i, row in enumerate(rows):
        if row.jobs_created is None:
            truth = 5 * row.employees**0.6 * (2.0 if row.company_size == "GE" else 1.0)  # type: ignore[operator]
            assert jobs.source[i] == "estimated"
            assert jobs.value[i] == pytest.approx(truth, rel=0.05)
            # Rounding is the only noise: the 80 % interval is narrow.
            assert jobs.low[i] <= jobs.value[i] <= jobs.high[i] <= 1.2 * jobs.low[i]
    (error,) = [row for row in held_out(rows) if row.figure == "jobs_created"]
    assert error.error < 0.05 < error.baseline_error


def test_calibration_moves_only_the_estimates() -> None:
    rows = invented(scale=1.0)
    raw, calibrated = estimate(rows, calibrate=False), estimate(rows)
    estimated = raw["jobs_created"].source == "estimated"
    factor = calibrated.factors["jobs_created"]
    assert abs(factor - 1) > 0.2  # the invented jobs are far from 14,000 / 531 per project
    assert (
        calibrated["jobs_created"].value[~estimated] == raw["jobs_created"].value[~estimated]
    ).all()
    moved = calibrated["jobs_created"].value[estimated].sum()
    assert moved == pytest.approx(factor * raw["jobs_created"].value[estimated].sum(), rel=0.02)


def test_decarbonisation_rule_and_co2() -> None:
    rows = [
        Row(label="Chaudière biomasse"),
        Row(sector="Nouveaux systèmes énergétiques"),
        Row(sector="Transformation et valorisation des déchets"),
        Row(co2_t=15),
        Row(label="Ligne d'usinage", investment_eur=5_000_000),
        Row(label="Production d'hydrogène vert", investment_eur=5_000_000),
    ]
    estimates = estimate(rows, calibrate=False)
    assert estimates.decarbonisation.tolist() == [True, True, True, True, False, True]
    co2 = estimates["co2_avoided_t"]
    assert co2.source.tolist() == ["estimated"] * 3 + ["stated"] + ["estimated"] * 2
    assert co2.value[3] == 15
    assert (co2.value[[0, 1, 2, 5]] > 0).all()
    assert (co2.value[4], co2.low[4], co2.high[4]) == (0, 0, 0)
    assert co2.value[5] == 600  # 5 M EUR x 120 t per M EUR


def test_a_subset_above_the_target_keeps_the_fitted_level() -> None:
    rows = [replace(row, jobs_created=row.jobs_created and 10_000) for row in invented()]
    estimates = estimate(rows)
    assert estimates.factors["jobs_created"] == 1.0
