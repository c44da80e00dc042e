"""Column generation for the general engine's LP: the whole formulation's optimum and prices."""

from dataclasses import replace

import numpy as np
import pytest

from simulation import columns
from simulation.formulation import Formulation, build
from simulation.levers import CoFunding, Controls, Matching, Objective
from simulation.projects import ProjectColumns
from simulation.scenario import Constraints, RegionEnvelope, Scenario
from tests.simulation.conftest import projects_of, seeded_projects

M = 1_000_000


def with_lever_columns(projects: ProjectColumns, seed: int) -> ProjectColumns:
    """Random jobs kept, tCO2e, departments, sectors and 6 awards already made."""
    rng = np.random.default_rng([seed, 7])
    n = len(projects)
    awarded = np.zeros(n, dtype=np.int64)
    at = rng.choice(n, size=6, replace=False)
    awarded[at] = projects.aid_requested_eur[at] // 2
    return replace(
        projects,
        jobs_kept=rng.integers(0, 40, n),
        co2_avoided_t=rng.integers(0, 500, n),
        department=np.char.add(projects.region, rng.choice(np.array(["a", "b"]), n)),
        sector=rng.choice(np.array(["Bois", "Chimie", "Textile"]), n, p=[0.2, 0.5, 0.3]),
        award_eur=awarded,
    )


def every_lever(projects: ProjectColumns, rule: str, rate: float, budget_m: float) -> Scenario:
    free = projects.ids[projects.award_eur == 0]
    return Scenario(
        budget_eur=round(budget_m * M),
        objective=Objective({"jobs_created": 1.0, "jobs_kept": 0.3, "co2_avoided_t": 0.5}),
        co_funding=CoFunding({"84": 3 * M, "11": 2 * M}, Matching(rule, rate)),
        constraints=Constraints(
            fragile_share_min=0.5,
            decarbonisation_share_min=0.3,
            fragile_project_share_min=0.5,
            sectors={"Bois": 0.15},
            regions={"93": RegionEnvelope(min_eur=2 * M, max_eur=8 * M)},
            departments={
                "11a": RegionEnvelope(min_eur=1 * M),
                "84b": RegionEnvelope(max_eur=3 * M),
            },
        ),
        controls=Controls(
            lock_awards=True,
            force_in=tuple(int(i) for i in free[:2]),
            force_out=tuple(int(i) for i in free[2:4]),
        ),
    )


def instance(seed: int, rule: str = "requires", rate: float = 1.0) -> Formulation:
    projects = seeded_projects(
        400, seed=seed, territories=8, fragile_share=0.5, decarbonisation_share=0.35
    )
    projects = with_lever_columns(projects, seed)
    # About 160 M EUR asked: a budget of 15 M EUR leaves most projects out of the working set.
    return build(every_lever(projects, rule, rate, 15), projects)


def assert_same_optimum(sifted: columns.LpOptimum, whole: columns.LpOptimum) -> None:
    assert (sifted.status, whole.status) == ("optimal", "optimal")
    assert sifted.objective == pytest.approx(whole.objective, rel=1e-9)
    # Random rates tie with probability 0: the prices are unique. Binding rows first.
    binding = (np.abs(whole.row_dual) > 1e-9) | (np.abs(sifted.row_dual) > 1e-9)
    assert binding.any()
    assert sifted.row_dual[binding] == pytest.approx(whole.row_dual[binding], abs=1e-6)
    assert sifted.reduced == pytest.approx(whole.reduced, abs=1e-6)
    assert sifted.x == pytest.approx(whole.x, abs=1e-6)


def assert_feasible(f: Formulation, x: np.ndarray) -> None:
    assert (x >= f.lower - 1e-9).all() and (x <= f.upper + 1e-9).all()
    rows = f.matrix @ x
    assert (rows >= f.row_lower - 1e-7).all() and (rows <= f.row_upper + 1e-7).all()


def bare(f: Formulation) -> np.ndarray:
    """The smallest working set: the columns that must be there (regional, locked, forced)."""
    n = f.n
    must = (np.arange(len(f.cost)) >= n) | (f.lower > 0) | (f.upper != f.free_upper)
    return np.flatnonzero(must).astype(np.intp)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize(("rule", "rate"), [("requires", 1.0), ("follows", 0.5)])
def test_column_generation_finds_the_whole_optimum(seed: int, rule: str, rate: float) -> None:
    f = instance(seed, rule, rate)
    whole = columns.solve_lp(f, 30.0, sift_above=10**9)
    sifted = columns.solve_lp(f, 30.0, sift_above=0)
    assert (whole.method, sifted.method) == (columns.WHOLE, columns.SIFTED)
    assert sifted.columns < f.n  # the working set left projects out
    assert_same_optimum(sifted, whole)
    assert_feasible(f, sifted.x)
    # Every lever binds somewhere: the regional money, the project-share floor, a lock.
    assert sifted.x[f.n :].sum() > 0
    assert sifted.x[list(f.group("locked_awards").columns)].sum() > 0  # type: ignore[union-attr]


@pytest.mark.parametrize("seed", [1, 2])
def test_prices_bring_in_the_projects_a_bare_working_set_misses(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = instance(seed)
    whole = columns.solve_lp(f, 30.0, sift_above=10**9)
    # With the forced columns only, the floors and the department's minimum cannot hold: the
    # first run is infeasible and every column is added (the fallback) in the second.
    monkeypatch.setattr(columns, "working_set", bare)
    sifted = columns.solve_lp(f, 30.0, sift_above=0)
    assert (sifted.rounds, sifted.columns) == (2, len(f.cost))
    assert_same_optimum(sifted, whole)


def test_entering_columns_are_priced_round_after_round(monkeypatch: pytest.MonkeyPatch) -> None:
    # Budget only, and the worst project alone to start with: columns enter by price,
    # at most max(1000, half the working set) a round, until none prices out.
    projects = seeded_projects(
        3000, seed=4, territories=8, fragile_share=0.5, decarbonisation_share=0.35
    )
    # About 2,000 M EUR asked: 1,200 M EUR needs more than the 1,000 projects of one round.
    f = build(Scenario(budget_eur=1200 * M), projects)
    worst = int(np.argmin(f.cost))
    monkeypatch.setattr(columns, "working_set", lambda f: np.array([worst], dtype=np.intp))
    whole = columns.solve_lp(f, 30.0, sift_above=10**9)
    sifted = columns.solve_lp(f, 30.0, sift_above=0)
    assert sifted.rounds >= 3
    assert sifted.columns < f.n
    assert_same_optimum(sifted, whole)


def test_a_hand_solved_case() -> None:
    # a: 10 jobs per M EUR, b: 5 (fragile), c: 2 (decarbonising); 10 M EUR each; 15 M EUR.
    # The working set holds the best until 1.5 x 15 = 22.5 M EUR of caps: a, b and c (a 10, b 20,
    # c 30 reaches it); with a budget of 5 M EUR only a (10 >= 7.5): b and c are priced at
    # 5 - 10 and 2 - 10 < 0 and stay out. a gets 5 M EUR: 50 jobs, the budget's price is 10.
    abc = [(10, 100, "84", False, False), (10, 50, "11", True, False), (10, 20, "11", False, True)]
    f = build(Scenario(budget_eur=5 * M), projects_of(abc))
    assert columns.working_set(f).tolist() == [0]
    sifted = columns.solve_lp(f, 30.0, sift_above=0)
    assert sifted.x.tolist() == pytest.approx([5.0, 0.0, 0.0])
    assert sifted.row_dual.tolist() == pytest.approx([10.0])
    assert sifted.reduced.tolist() == pytest.approx([0.0, -5.0, -8.0])
    # A fragile floor of 40 %: b counts towards it and joins the working set: 3 M EUR to a,
    # 2 to b (b = 0.4 x 5): 30 + 10 = 40 jobs.
    fragile = build(
        Scenario(budget_eur=5 * M, constraints=Constraints(fragile_share_min=0.4)),
        projects_of(abc),
    )
    assert columns.working_set(fragile).tolist() == [0, 1]
    floored = columns.solve_lp(fragile, 30.0, sift_above=0)
    assert floored.x.tolist() == pytest.approx([3.0, 2.0, 0.0])
    assert floored.objective == pytest.approx(40.0)


def test_an_infeasible_formulation_stays_infeasible() -> None:
    # Region 93 must receive more than the budget: infeasible whatever the working set.
    projects = seeded_projects(
        400, seed=5, territories=8, fragile_share=0.5, decarbonisation_share=0.35
    )
    sc = Scenario(
        budget_eur=5 * M,
        constraints=Constraints(regions={"93": RegionEnvelope(min_eur=6 * M)}),
    )
    f = build(sc, projects)
    whole = columns.solve_lp(f, 30.0, sift_above=10**9)
    sifted = columns.solve_lp(f, 30.0, sift_above=0)
    assert (whole.status, sifted.status) == ("infeasible", "infeasible")
    assert sifted.columns == len(f.cost)  # it tried with every column first
    assert not sifted.x.any()
