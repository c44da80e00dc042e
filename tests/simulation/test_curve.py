from dataclasses import replace

import pytest

from simulation.errors import EngineError
from simulation.levers import CoFunding, Matching
from simulation.scenario import Constraints, RegionEnvelope, Scenario
from simulation.solve import solve, trade_off_curve
from tests.simulation.conftest import projects_of

M = 1_000_000
ABC = [(10, 100, "84", False, False), (10, 50, "11", True, False), (10, 20, "11", False, True)]


@pytest.mark.parametrize(
    ("parameter", "values", "constraints"),
    [
        pytest.param("fragile_share_min", [0.0, 0.25, 0.5, 0.75, 1.0], {}, id="fragile"),
        pytest.param(
            "decarbonisation_share_min",
            [0.0, 0.1, 0.3, 0.6],
            {"fragile_share_min": 0.2},
            id="decarb",
        ),
        pytest.param(
            "budget_eur",
            [5 * M, 15 * M, 25 * M, 40 * M],
            {"regions": {"11": RegionEnvelope(min_eur=8 * M)}},
            id="budget-with-envelope",
        ),
    ],
)
def test_curve_points_equal_cold_solves(
    parameter: str, values: list[float], constraints: dict
) -> None:  # type: ignore[type-arg]
    base = Scenario(budget_eur=15 * M, constraints=Constraints(**constraints))
    projects = projects_of(ABC)
    curve = trade_off_curve(base, projects, parameter, values)
    assert [p.value for p in curve.points] == values
    for point in curve.points:
        if parameter == "budget_eur":
            cold = solve(
                Scenario(budget_eur=int(point.value), constraints=base.constraints), projects
            )
        else:
            c = Constraints(**{**constraints, parameter: point.value})
            cold = solve(Scenario(budget_eur=15 * M, constraints=c), projects)
        assert point.status == str(cold.status)
        assert point.jobs == pytest.approx(cold.jobs, abs=1e-3)


def test_fragile_floor_curve_falls_as_the_floor_rises() -> None:
    curve = trade_off_curve(
        Scenario(budget_eur=15 * M), projects_of(ABC), "fragile_share_min", [0.0, 0.5, 1.0]
    )
    assert [round(p.jobs, 3) for p in curve.points] == [125.0, 112.5, 50.0]


def test_unknown_parameter_is_an_error() -> None:
    with pytest.raises(EngineError, match="parameter"):
        trade_off_curve(Scenario(), projects_of(ABC), "jobs", [1.0])


@pytest.mark.parametrize(
    "min_spend_share",
    [
        pytest.param(0.0, id="spending-less-at-a-high-floor"),
        pytest.param(1.0, id="infeasible-at-a-high-floor"),
    ],
)
def test_floor_curve_on_many_projects_equals_cold_solves(min_spend_share: float) -> None:
    # Enough projects for the curve to walk (parametric simplex) rather than re-solve each
    # point; 99 % decarbonising cannot use the whole budget, so the walk must hand over there.
    from tests.simulation.test_parametric import SCENARIO, seeded

    projects = seeded(800)
    values = [0.2, 0.3, 0.45, 0.99, 0.35, 0.6]
    constraints = {
        "fragile_share_min": SCENARIO.constraints.fragile_share_min,
        "regions": SCENARIO.constraints.regions,
        "min_spend_share": min_spend_share,
    }
    base = Scenario(budget_eur=SCENARIO.budget_eur, constraints=Constraints(**constraints))
    curve = trade_off_curve(base, projects, "decarbonisation_share_min", values)
    statuses = set()
    for point in curve.points:
        c = Constraints(**constraints, decarbonisation_share_min=point.value)
        cold = solve(Scenario(budget_eur=base.budget_eur, constraints=c), projects)
        statuses.add(str(cold.status))
        assert point.status == str(cold.status), point.value
        assert point.jobs == pytest.approx(cold.jobs, rel=1e-6)
        assert point.spent_eur == pytest.approx(cold.spent_eur, abs=2)
        assert point.decarbonisation_share == pytest.approx(cold.decarbonisation_share, abs=1e-6)
    assert statuses == ({"optimal", "infeasible"} if min_spend_share == 1.0 else {"optimal"})


def test_a_curve_of_a_scenario_with_levers_solves_its_levers() -> None:
    # Project A (region 84, 100 jobs for 10 M EUR) and B (region 11, fragile, 50 jobs), 10 M EUR
    # of State money; region 84 adds 10 M EUR that may pay A alone (matching rate 0). Without a
    # fragile floor both are funded in full: 150 jobs, 20 M EUR. At a floor of 0.75 of the euros
    # fragile, B's 10 M EUR allow at most 13.33 M EUR in all: A gets 3.33 M EUR, 150 - 66.7 jobs.
    levers = Scenario(
        budget_eur=10 * M,
        co_funding=CoFunding(contributions={"84": 10 * M}, matching=Matching("requires", 0.0)),
    )
    projects = projects_of(ABC[:2])
    curve = trade_off_curve(levers, projects, "fragile_share_min", [0.0, 0.75])
    assert [p.jobs for p in curve.points] == pytest.approx([150.0, 50 + 100 / 3], abs=1e-4)
    assert [p.spent_eur for p in curve.points] == [20 * M, 13_333_333]
    assert "levers" in curve.method
    for point in curve.points:  # each point is the scenario solved at that value
        at = replace(levers, constraints=Constraints(fragile_share_min=point.value))
        assert point.jobs == pytest.approx(solve(at, projects).jobs, rel=1e-12)
