"""The run command's jobs range and price of robustness, on results built by hand."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from cli import lever_tables, main
from simulation.levers import Uncertainty
from simulation.result import JobsRange, Robustness
from tests.cli.helpers import write
from tests.cli.test_render_levers import result, text

RANGE = JobsRange(
    mean=21_480.4,
    p10=20_900.2,
    p50=21_470.0,
    p90=22_049.6,
    draws=2_000,
    seed=0,
    realisation_rate=None,
    target_jobs=25_000,
    target_probability=0.03,
)
# The robust allocation's range is RANGE; the expected-jobs one, drawn with the same seed, has
# a mean 310.4 higher and a 10th percentile 540.2 lower: 310 jobs given up, 540 gained.
PRICE = Robustness(
    budget=40.0,
    expected=replace(RANGE, mean=21_790.8, p10=20_360.0),
    expected_jobs_given_up=310.4,
    p10_gained=540.2,
    worst_case_jobs=19_875.0,
)


def flat(output: str) -> str:
    """The output with every run of blanks as one space (table cells wrap over lines)."""
    return " ".join(output.split())


def test_the_range_is_printed_beside_the_declared_jobs_as_an_estimate() -> None:
    output = flat(text(result(jobs=27_732.0, jobs_range=RANGE)))
    assert "jobs created 27,732 as declared" in output
    assert (
        "jobs range estimated by Monte Carlo (2,000 draws, seed 0): mean 21,480, "
        "10th-90th percentile 20,900 - 22,050, median 21,470; P(jobs >= 25,000) = 3 %"
    ) in output


def test_the_rate_is_named_and_no_probability_without_a_target() -> None:
    jobs = replace(RANGE, realisation_rate=0.8, target_jobs=None, target_probability=None)
    output = flat(text(result(jobs_range=jobs)))
    assert "(2,000 draws, seed 0, 80% of declared jobs realised at the median)" in output
    assert "P(jobs" not in output


def test_no_range_line_when_the_engine_gave_none() -> None:
    output = flat(text(result()))
    assert "jobs range" not in output
    assert "Price of robustness" not in output


@pytest.mark.parametrize(
    ("probability", "shown"),
    [
        (0.0, "0 %"),
        (0.004, "< 1 %"),
        (1 / 2000, "< 1 %"),
        (10 / 2000, "1 %"),  # 0.5 %: halves round up, never down to a certainty
        (0.025, "3 %"),  # 2.5 %, as the dashboard's Math.round writes it
        (0.03, "3 %"),
        (0.994, "99 %"),
        (0.996, "> 99 %"),
        (1990 / 2000, "> 99 %"),  # 99.5 % rounds up to 100: not a certainty
        (1999 / 2000, "> 99 %"),
        (1.0, "100 %"),
    ],
)
def test_a_probability_near_0_or_1_is_not_rounded_to_a_certainty(
    probability: float, shown: str
) -> None:
    assert lever_tables.percent(probability) == shown


def test_the_price_of_robustness_with_the_robust_objective() -> None:
    output = flat(text(result(jobs_range=RANGE, robustness=PRICE)))
    assert (
        "Price of robustness: the robust allocation gives up 310 expected jobs and gains 540 "
        "jobs at the 10th percentile (budget of uncertainty 40: funded projects that may fall "
        "to their 10th percentile at once; 19,875 jobs in its worst case). The expected-jobs "
        "allocation, same draws: mean 21,791, 10th percentile 20,360."
    ) in output


def test_a_price_whose_signs_flip_is_said_the_other_way() -> None:
    # Sampling noise: the robust allocation may draw a higher mean, or a lower 10th percentile.
    price = replace(PRICE, expected_jobs_given_up=-12.0, p10_gained=-3.0, budget=6.5)
    output = flat(text(result(jobs_range=RANGE, robustness=price)))
    assert "the robust allocation gains 12 expected jobs and loses 3 jobs at the 10th" in output
    assert "(budget of uncertainty 6.5:" in output


def test_json_carries_the_range_and_the_price() -> None:
    data = json.loads(json.dumps(result(jobs_range=RANGE, robustness=PRICE).to_dict()))
    assert data["jobs_range"]["p10"] == pytest.approx(20_900.2)
    assert data["jobs_range"]["target_probability"] == pytest.approx(0.03)
    assert data["robustness"]["expected"]["mean"] == pytest.approx(21_790.8)
    assert data["robustness"]["p10_gained"] == pytest.approx(540.2)


SCENARIO_FILE = """version: 2
name: ranged
uncertainty:
  target_jobs: 1
  draws: 200
  seed: 4
"""


def test_run_prints_the_range_the_engine_drew(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "ranged.yaml", SCENARIO_FILE)
    assert main(["run", path, "--format", "json"]) == 0
    drawn = json.loads(capsys.readouterr().out)["result"]["jobs_range"]
    assert (drawn["draws"], drawn["seed"], drawn["target_jobs"]) == (200, 4, 1)
    assert drawn["p10"] <= drawn["p50"] <= drawn["p90"]
    assert drawn["target_probability"] == 1.0  # every draw of the funded projects creates jobs
    assert main(["run", path]) == 0
    output = flat(capsys.readouterr().out)
    assert (
        f"jobs range estimated by Monte Carlo (200 draws, seed 4): mean {drawn['mean']:,.0f}, "
        f"10th-90th percentile {drawn['p10']:,.0f} - {drawn['p90']:,.0f}, median "
        f"{drawn['p50']:,.0f}; P(jobs >= 1) = 100 %"
    ) in output


def test_run_prints_the_price_the_engine_gave_with_the_robust_objective(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = SCENARIO_FILE + "  objective: robust\n  robust_budget: 5\n"
    path = write(tmp_path, "robust.yaml", text.replace("name: ranged", "name: robust"))
    assert main(["run", path, "--format", "json"]) == 0
    price = json.loads(capsys.readouterr().out)["result"]["robustness"]
    assert price["budget"] == 5.0
    assert main(["run", path]) == 0
    output = flat(capsys.readouterr().out)
    given_up, gained = price["expected_jobs_given_up"], price["p10_gained"]
    assert (
        f"Price of robustness: the robust allocation {'gives up' if given_up >= 0 else 'gains'} "
        f"{abs(given_up):,.0f} expected jobs and {'gains' if gained >= 0 else 'loses'} "
        f"{abs(gained):,.0f} jobs at the 10th percentile (budget of uncertainty 5:"
    ) in output
    assert f"{price['worst_case_jobs']:,.0f} jobs in its worst case" in output


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        (Uncertainty(), ""),
        (
            Uncertainty(realisation_rate=0.8, target_jobs=29_000),
            "80% of declared jobs realised at the median; target 29,000 jobs",
        ),
        (Uncertainty(draws=500, seed=3), "500 draws, seed 3"),
        (
            Uncertainty(objective="robust"),
            "robust objective (budget of uncertainty the square root of the competing projects: "
            "funded projects that may fall to their 10th percentile at once)",
        ),
        (
            Uncertainty(objective="robust", robust_budget=12.5),
            "robust objective (budget of uncertainty 12.5: funded projects that may fall to "
            "their 10th percentile at once)",
        ),
    ],
)
def test_the_settings_in_words(settings: Uncertainty, words: str) -> None:
    assert lever_tables.uncertainty_words(settings) == words


def test_validate_says_the_uncertainty_a_scenario_sets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = SCENARIO_FILE + "  objective: robust\n  robust_budget: 5\n"
    assert main(["validate", write(tmp_path, "robust.yaml", text)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "    uncertainty: target 1 job; 200 draws, seed 4; robust objective (budget of "
        "uncertainty 5: funded projects that may fall to their 10th percentile at once)"
    )
