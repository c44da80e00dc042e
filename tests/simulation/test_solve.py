import sys
from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pytest

from simulation.errors import EngineError
from simulation.result import Status
from simulation.scenario import Constraints, Mode, RegionEnvelope, Scenario
from simulation.solve import solve
from tests.simulation.conftest import projects_of, seeded_projects

# a: 10 jobs per M EUR, b: 5 (fragile), c: 2 (decarbonising); 10 M EUR each.
ABC = [(10, 100, "84", False, False), (10, 50, "11", True, False), (10, 20, "11", False, True)]
M = 1_000_000
REGIONS = ("11", "84", "93")


def scenario(budget_m: float = 15, mode: Mode = Mode.CONTINUOUS, **constraints: object) -> Scenario:
    return Scenario(
        budget_eur=round(budget_m * M), mode=mode, constraints=Constraints(**constraints)
    )  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("sc", "jobs", "allocation_m"),
    [
        pytest.param(scenario(), 125.0, [10, 5, 0], id="budget-binds-best-first"),
        pytest.param(scenario(40), 170.0, [10, 10, 10], id="budget-exceeds-requests"),
        pytest.param(
            scenario(fragile_share_min=0.5), 112.5, [7.5, 7.5, 0], id="fragile-floor-half"
        ),
        pytest.param(
            scenario(decarbonisation_share_min=0.2), 116.0, [10, 2, 3], id="decarbonisation-floor"
        ),
        pytest.param(
            scenario(regions={"84": RegionEnvelope(max_eur=5 * M)}),
            100.0,
            [5, 10, 0],
            id="region-max",
        ),
        pytest.param(
            scenario(regions={"11": RegionEnvelope(min_eur=12 * M)}),
            84.0,
            [3, 10, 2],
            id="region-min",
        ),
        pytest.param(
            scenario(max_aid_intensity=0.1), 85.0, [5, 5, 5], id="intensity-cap-halves-aid"
        ),
        pytest.param(scenario(mode=Mode.ALL_OR_NOTHING), 100.0, [10, 0, 0], id="all-or-nothing"),
    ],
)
def test_small_optimum_by_hand(sc: Scenario, jobs: float, allocation_m: list[float]) -> None:
    result = solve(sc, projects_of(ABC))
    assert result.status == Status.OPTIMAL
    assert result.jobs == pytest.approx(jobs, abs=1e-6)
    assert result.allocation_eur.tolist() == [round(v * M) for v in allocation_m]
    assert result.spent_eur + result.unspent_eur == sc.budget_eur


def test_all_or_nothing_picks_the_best_whole_combination() -> None:
    rows = [(10, 100, "84", False, False), (10, 50, "11", True, False), (5, 20, "11", False, True)]
    result = solve(scenario(mode=Mode.ALL_OR_NOTHING), projects_of(rows))
    # LP would fund a + half of b (125 jobs); whole projects: a + c.
    assert result.allocation_eur.tolist() == [10 * M, 0, 5 * M]
    assert result.jobs == pytest.approx(120.0)
    assert result.solver.mip_gap is not None and result.solver.mip_gap < 1e-4


@pytest.mark.parametrize(
    ("sc", "name", "price"),
    [
        pytest.param(scenario(), "budget", 5.0, id="budget-price-is-marginal-project"),
        pytest.param(
            scenario(fragile_share_min=0.5), "fragile_share", -0.75, id="fragile-per-point"
        ),
        pytest.param(scenario(fragile_share_min=0.5), "budget", 7.5, id="budget-under-floor"),
        pytest.param(
            scenario(regions={"84": RegionEnvelope(max_eur=5 * M)}),
            "region_84_max",
            8.0,
            id="region-max",
        ),
        pytest.param(
            scenario(regions={"11": RegionEnvelope(min_eur=12 * M)}),
            "region_11_min",
            -8.0,
            id="region-min",
        ),
    ],
)
def test_shadow_prices_in_planner_units(sc: Scenario, name: str, price: float) -> None:
    binding = {b.name: b for b in solve(sc, projects_of(ABC)).binding}
    assert binding[name].shadow_price == pytest.approx(price, abs=1e-6)
    assert f"{price:+.1f} jobs" in binding[name].text


def test_demanding_floor_leaves_budget_unspent_and_says_why() -> None:
    result = solve(scenario(fragile_share_min=1.0), projects_of(ABC))
    assert result.status == Status.OPTIMAL
    assert result.spent_eur == 10 * M
    assert result.unspent_eur == 5 * M
    assert any("fragile" in r for r in result.unspent_reasons)
    assert "unspent" in result.message


def test_shares_count_euros_and_projects_separately() -> None:
    result = solve(scenario(fragile_share_min=0.5), projects_of(ABC))
    assert result.fragile_share == pytest.approx(0.5)
    assert result.fragile_project_share == pytest.approx(0.5)
    assert result.floors_use == "euros"


@pytest.mark.parametrize(
    ("sc", "names", "suggested"),
    [
        pytest.param(
            scenario(regions={"84": RegionEnvelope(min_eur=30 * M)}),
            ("region_84_min",),
            {"region_84_min": 10 * M},
            id="region-min-above-its-projects",
        ),
        pytest.param(
            scenario(
                regions={"84": RegionEnvelope(min_eur=10 * M), "11": RegionEnvelope(min_eur=10 * M)}
            ),
            ("budget", "region_11_min", "region_84_min"),
            {"budget": 20 * M, "region_84_min": 5 * M, "region_11_min": 5 * M},
            id="minimums-above-budget",
        ),
        pytest.param(
            scenario(min_spend_share=1.0, fragile_share_min=1.0),
            ("min_spend", "fragile_share"),
            {"min_spend": 10 * M},
            id="min-spend-against-fragile-floor",
        ),
    ],
)
def test_infeasible_is_diagnosed(
    sc: Scenario, names: tuple[str, ...], suggested: dict[str, int]
) -> None:
    result = solve(sc, projects_of(ABC))
    assert result.status == Status.INFEASIBLE
    assert result.diagnosis is not None
    assert sorted(result.diagnosis.names) == sorted(names)
    suggested_by_name = {r.name: r.suggested for r in result.diagnosis.relaxations}
    for name, value in suggested.items():
        # Suggestions err by a euro or two on the safe side of the solver's tolerance.
        assert suggested_by_name[name] == pytest.approx(value, abs=2)
    assert "Infeasible" in result.message and result.diagnosis.conflicts[0] in result.message


def test_baselines_show_what_optimisation_buys() -> None:
    result = solve(scenario(fragile_share_min=0.5), projects_of(ABC))
    by_name = {b.name: b for b in result.baselines}
    naive = by_name["greedy_jobs_per_euro"]
    assert not naive.feasible and "fragile share" in naive.violations[0]
    assert naive.jobs == pytest.approx(125.0)
    assert by_name["greedy_with_floors"].feasible
    assert by_name["pro_rata"].jobs == pytest.approx(85.0)
    assert by_name["pro_rata"].jobs_gained_by_optimum == pytest.approx(112.5 - 85.0)


def test_regions_and_territories_add_up() -> None:
    result = solve(scenario(), projects_of(ABC))
    assert {r.code: r.allocated_eur for r in result.regions} == {"11": 5 * M, "84": 10 * M}
    assert sum(t.allocated_eur for t in result.territories) == result.spent_eur
    assert sum(t.jobs for t in result.territories) == pytest.approx(result.jobs)


def test_to_dict_is_plain_json() -> None:
    import json

    result = solve(scenario(), projects_of(ABC))
    data = result.to_dict()
    assert json.loads(json.dumps(data))["allocation"] == [
        {"project_id": 1, "allocated_eur": 10 * M},
        {"project_id": 2, "allocated_eur": 5 * M},
    ]
    assert data["status"] == "optimal" and data["solver"]["name"] == "HiGHS"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        pytest.param({"budget_eur": -1}, "budget_eur", id="negative-budget"),
        pytest.param(
            {"constraints": Constraints(fragile_share_min=1.4)},
            "constraints.fragile_share_min",
            id="share",
        ),
        pytest.param(
            {"constraints": Constraints(regions={"84": RegionEnvelope(min_eur=-5)})},
            "constraints.regions.84.min_eur",
            id="negative-envelope",
        ),
    ],
)
def test_invalid_input_names_the_field(change: dict[str, object], field: str) -> None:
    with pytest.raises(EngineError) as error:
        solve(replace(scenario(), **change), projects_of(ABC))  # type: ignore[arg-type]
    assert error.value.field == field


def test_no_projects_is_an_error() -> None:
    empty = projects_of(ABC).take(np.zeros(3, dtype=np.bool_))
    with pytest.raises(EngineError, match="projects"):
        solve(scenario(), empty)


def _python_calls(run: Callable[[], object]) -> int:
    calls = 0

    def count(frame: object, event: str, arg: object) -> None:
        nonlocal calls
        calls += event == "call"

    sys.setprofile(count)
    try:
        run()
    finally:
        sys.setprofile(None)
    return calls


def test_solve_does_no_python_work_per_project() -> None:
    # Every phase of the baselines runs (region minimums, both floors), on 10x the projects: the
    # Python-level calls stay about the same, the work per project is done in numpy.
    sc = scenario(
        400,
        fragile_share_min=0.6,
        decarbonisation_share_min=0.4,
        regions={code: RegionEnvelope(min_eur=40 * M, max_eur=200 * M) for code in REGIONS},
    )
    calls = []
    for n in (3_000, 30_000):
        projects = seeded_projects(
            n, seed=3, territories=40, fragile_share=0.5, decarbonisation_share=0.3
        )
        solve(sc, projects)
        calls.append(_python_calls(lambda: solve(sc, projects)))  # noqa: B023
    assert calls[1] < 1.5 * calls[0], calls


def test_solve_never_sorts_strings(monkeypatch: pytest.MonkeyPatch) -> None:
    # Region and territory codes are computed once, when the projects are built.
    projects = seeded_projects(
        500, seed=1, territories=9, fragile_share=0.5, decarbonisation_share=0.5
    )
    unique = np.unique

    def no_strings(values: np.ndarray, *args: object, **kwargs: object) -> object:
        assert np.asarray(values).dtype.kind not in "USO", "solve() sorted strings"
        return unique(values, *args, **kwargs)

    monkeypatch.setattr(np, "unique", no_strings)
    result = solve(scenario(100), projects)
    assert result.status == Status.OPTIMAL
    assert [t.id for t in result.territories] == [f"t{i}" for i in sorted(range(1, 10), key=str)]


def test_a_solver_failure_says_what_highs_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    # Any HiGHS status the engine counts as a failure: its message keeps HiGHS's own words.
    monkeypatch.setattr("simulation.highs.status_of", lambda _status: "error")
    result = solve(scenario(), projects_of(ABC))
    assert result.status == Status.ERROR
    assert result.message == "The solver failed (Optimal)."


def test_a_version_1_scenario_keeps_the_version_1_engine() -> None:
    result = solve(scenario(), projects_of(ABC))
    assert "sifting" in result.solver.method or "dual simplex" in result.solver.method
    assert result.funding is None and result.baselines
    assert result.criteria[0].name == "jobs_created"
    assert [p.project_id for p in result.next_in_line] == [3]


def test_levers_fixed_euros_or_another_budget_go_to_the_general_engine() -> None:
    from simulation.levers import Controls

    projects = projects_of(ABC)
    forced = solve(replace(scenario(), controls=Controls(force_in=(3,))), projects)
    assert "whole formulation" in forced.solver.method
    assert forced.allocation_eur.tolist() == [5 * M, 0, 10 * M]
    fixed = solve(scenario(), projects, fixed_eur=np.array([-1, 10 * M, -1]))
    assert fixed.allocation_eur.tolist() == [5 * M, 10 * M, 0]
    smaller = solve(scenario(), projects, budget_eur=4 * M)
    assert (smaller.budget_eur, smaller.allocation_eur.tolist()) == (4 * M, [4 * M, 0, 0])


def test_rounds_are_decided_one_after_the_other() -> None:
    import datetime as dt

    from simulation.levers import Round

    rounds = (Round(dt.date(2021, 4, 1), release_share=0.5), Round(dt.date(2021, 7, 1), 0.5))
    result = solve(replace(scenario(), rounds=rounds), projects_of(ABC))
    assert result.rounds is not None and len(result.rounds.rounds) == 2
    # Round 1 (7.5 M EUR) gives a 7.5; a's award is then locked, so round 2 gives b 7.5:
    # 75 + 37.5 jobs, against 125 with both rounds' money at once.
    assert result.jobs == pytest.approx(112.5)
    assert result.rounds.hindsight_jobs == pytest.approx(125.0)
