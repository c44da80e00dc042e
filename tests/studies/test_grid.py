"""The grid of a sweep: axes read, refused with the field named, points and batches."""

import math

import pytest

from simulation.levers import MAX_DRAWS
from simulation.scenario import Scenario
from studies.errors import StudyError
from studies.grid import MAX_POINTS, Axis, parse_axis, points, scenario_at
from studies.sweep import MAX_BATCH, MIN_BATCHES, Sweep


def test_a_range_includes_its_stop_with_clean_values() -> None:
    axis = parse_axis("fragile_share_min=0.5:0.9:0.05")
    # 0.5, 0.55, ..., 0.9: nine values, none like 0.5500000000000001
    assert axis == Axis("fragile_share_min", (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9))


def test_a_stop_off_the_grid_is_not_reached_and_lists_are_read_as_given() -> None:
    assert parse_axis("min_spend_share=0.1:0.45:0.1").values == (0.1, 0.2, 0.3, 0.4)
    assert parse_axis("budget_eur=3e8, 4e8,5e8").values == (3e8, 4e8, 5e8)
    assert parse_axis("budget_eur=2e8:2e8:1e8").values == (2e8,)


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        ("fragile_share=0.5", "grid", "did you mean fragile_share_min?"),
        ("jobs=1", "grid", "one of fragile_share_min, decarbonisation_share_min"),
        ("budget_eur", "grid", "expected NAME=START:STOP:STEP"),
        ("budget_eur=5e8:3e8:1e8", "grid.budget_eur", "no values: the stop 3e+08 is below"),
        ("fragile_share_min=0.5:0.9:0", "grid.fragile_share_min", "the step must be above 0"),
        ("fragile_share_min=0.5:0.9:-0.1", "grid.fragile_share_min", "the step must be above 0"),
        ("fragile_share_min=", "grid.fragile_share_min", "no values"),
        ("fragile_share_min=,", "grid.fragile_share_min", "no values"),
        ("fragile_share_min=0.5,nan", "grid.fragile_share_min", "must be a finite number"),
        ("budget_eur=inf", "grid.budget_eur", "must be a finite number"),
        ("budget_eur=1:inf:1", "grid.budget_eur", "must be a finite number"),
        ("budget_eur=lots", "grid.budget_eur", "not a number"),
        ("budget_eur=1:2", "grid.budget_eur", "expected START:STOP:STEP"),
        ("budget_eur=1:1e9:1", "grid.budget_eur", "more than the 100,000 allowed"),
    ],
)
def test_a_bad_axis_names_its_field(text: str, field: str, words: str) -> None:
    with pytest.raises(StudyError) as raised:
        parse_axis(text)
    assert raised.value.field == field
    assert words in raised.value.message
    assert str(raised.value) == f"{field}: {raised.value.message}"


@pytest.mark.parametrize(
    ("point", "field", "words"),
    [
        ({"fragile_share_min": 1.5}, "grid.fragile_share_min", "between 0 and 1"),
        ({"budget_eur": 1.5}, "grid.budget_eur", "whole number of euros"),
        ({"budget_eur": -1e8}, "grid.budget_eur", ""),
        ({"realisation_rate": 1.5}, "grid.realisation_rate", "above 0 and at most 1"),
        ({"realisation_rate": 0.0}, "grid.realisation_rate", "above 0 and at most 1"),
        ({"target_jobs": 0.5}, "grid.target_jobs", ""),
    ],
)
def test_a_value_the_scenario_format_refuses_names_the_grid_field(
    point: dict[str, float], field: str, words: str
) -> None:
    with pytest.raises(StudyError) as raised:
        scenario_at(Scenario(), point)
    assert raised.value.field == field
    assert words in raised.value.message


def test_a_sweep_checks_every_value_before_any_solve() -> None:
    axes = (parse_axis("fragile_share_min=0.5,0.8"), parse_axis("min_spend_share=0.5,1.2"))
    with pytest.raises(StudyError, match=r"^grid\.min_spend_share: "):
        Sweep(Scenario(), axes)


def test_scenario_at_sets_each_field_where_the_format_holds_it() -> None:
    at = scenario_at(
        Scenario(),
        {"budget_eur": 3e8, "fragile_share_min": 0.6, "realisation_rate": 0.8, "target_jobs": 5e3},
    )
    assert at.budget_eur == 300_000_000 and isinstance(at.budget_eur, int)
    assert at.constraints.fragile_share_min == 0.6
    assert at.uncertainty.realisation_rate == 0.8
    assert at.uncertainty.target_jobs == 5000


def test_points_vary_the_first_axis_slowest() -> None:
    axes = [Axis("fragile_share_min", (0.5, 0.6)), Axis("budget_eur", (1e8, 2e8, 3e8))]
    assert [(p["fragile_share_min"], p["budget_eur"]) for p in points(axes)] == [
        (0.5, 1e8),
        (0.5, 2e8),
        (0.5, 3e8),
        (0.6, 1e8),
        (0.6, 2e8),
        (0.6, 3e8),
    ]


def test_too_many_points_and_an_axis_twice_are_refused() -> None:
    side = Axis("budget_eur", tuple(float(v) for v in range(1, 1001)))
    share = Axis("fragile_share_min", tuple(i / 1000 for i in range(101)))
    assert MAX_POINTS < 1000 * 101
    with pytest.raises(StudyError, match=r"^grid: 101,000 points, more than"):
        points([side, share])
    with pytest.raises(StudyError, match=r"^grid\.budget_eur: given twice"):
        points([side, side])


@pytest.mark.parametrize("draws", [-1, MAX_DRAWS + 1])
def test_draws_out_of_bounds_are_refused(draws: int) -> None:
    with pytest.raises(StudyError) as raised:
        Sweep(Scenario(), (parse_axis("budget_eur=3e8"),), draws=draws)
    assert raised.value.field == "draws"
    assert f"between 1 and {MAX_DRAWS:,}, got {draws}" in raised.value.message


@pytest.mark.parametrize("draws", [2.5, True, "100"])
def test_draws_that_are_no_whole_number_are_refused(draws: object) -> None:
    with pytest.raises(StudyError, match=r"^draws: must be a whole number"):
        Sweep(Scenario(), (parse_axis("budget_eur=3e8"),), draws=draws)  # type: ignore[arg-type]


def test_no_draws_is_none_and_the_fingerprint_holds_draws_and_time_limit() -> None:
    axes = (parse_axis("budget_eur=3e8"),)
    plain = Sweep(Scenario(), axes)
    assert plain.draws is None
    # A stored job's spec writes 0 for no draws: the same sweep.
    assert Sweep(Scenario(), axes, draws=0).fingerprint() == plain.fingerprint()
    assert Sweep(Scenario(), axes, draws=10).fingerprint() != plain.fingerprint()
    # A shorter limit may turn solved rows into time_limit rows: another sweep.
    assert Sweep(Scenario(), axes, time_limit_s=1.0).fingerprint() != plain.fingerprint()


def test_a_step_too_fine_for_the_points_limit_is_refused_naming_the_field() -> None:
    # (1 - 0) / 1e-320 overflows a float: counted in decimal, 1e320 values, refused.
    with pytest.raises(StudyError) as raised:
        parse_axis("fragile_share_min=0:1:1e-320")
    assert raised.value.field == "grid.fragile_share_min"
    assert f"more than the {MAX_POINTS:,} allowed" in raised.value.message
    # 0:1:1e-5 is 100,001 values, one above the limit
    with pytest.raises(StudyError, match=r"^grid\.fragile_share_min: 100,001 values"):
        parse_axis("fragile_share_min=0:1:0.00001")


def test_a_fine_range_keeps_every_value_distinct() -> None:
    # 0, 1e-11, ..., 1e-10: eleven values, none merged by rounding
    values = parse_axis("fragile_share_min=0:1e-10:1e-11").values
    assert values == tuple(
        float(f"{i}e-11") for i in range(11)
    )  # 5e-11, not 4.9999999999999995e-11


@pytest.mark.parametrize("spec", ["3e7,3e7", "3e7,4e7,30000000"])
def test_a_value_given_twice_is_refused(spec: str) -> None:
    with pytest.raises(StudyError, match=r"^grid\.budget_eur: value 3e\+07 given twice"):
        parse_axis(f"budget_eur={spec}")


def test_a_step_finer_than_floats_hold_is_refused() -> None:
    # 1 + 1e-20 is 1.0 as a float: the two values would be one point solved twice.
    with pytest.raises(StudyError, match=r"^grid\.budget_eur: the step 1e-20 is too fine"):
        parse_axis("budget_eur=1:1.00000000000000000001:1e-20")


def test_no_axis_and_a_batch_size_below_one_are_refused() -> None:
    with pytest.raises(StudyError, match=r"^grid: give at least one axis"):
        Sweep(Scenario(), ())
    with pytest.raises(StudyError, match=r"^batch_size: "):
        Sweep(Scenario(), (parse_axis("budget_eur=3e8"),), batch_size=0)


@pytest.mark.parametrize("count", [1, 6, 31, 32, 100, 2000, 5000])
def test_batches_hold_every_point_once_in_order_and_stay_small(count: int) -> None:
    axis = Axis("budget_eur", tuple(float(v) for v in range(1, count + 1)))
    batches = Sweep(Scenario(), (axis,)).batches()
    assert [i for batch in batches for i in batch] == list(range(count))
    assert max(len(batch) for batch in batches) <= MAX_BATCH
    # enough batches for every worker to get several, when there are points enough
    assert len(batches) >= min(count, MIN_BATCHES)
    assert len(batches) == math.ceil(count / len(batches[0]))


def test_a_given_batch_size_is_kept() -> None:
    axis = Axis("budget_eur", (1e8, 2e8, 3e8, 4e8, 5e8))
    assert Sweep(Scenario(), (axis,), batch_size=2).batches() == [[0, 1], [2, 3], [4]]
