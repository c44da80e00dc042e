"""Properties of solve() over random small instances, and a cross-check against linprog."""

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from simulation.projects import ProjectColumns
from simulation.result import Status
from simulation.scenario import Constraints, Mode, RegionEnvelope, Scenario
from simulation.solve import solve
from tests.simulation.conftest import projects_of

M = 1_000_000
REGIONS = ("11", "84", "93")

rows = st.lists(
    st.tuples(
        st.integers(1, 20),
        st.integers(0, 300),
        st.sampled_from(REGIONS),
        st.booleans(),
        st.booleans(),
    ),
    min_size=1,
    max_size=12,
)
shares = st.one_of(st.just(0.0), st.floats(0.0, 1.0).map(lambda v: round(v, 3)))
envelope = st.builds(
    RegionEnvelope,
    min_eur=st.one_of(st.none(), st.integers(0, 30).map(lambda v: v * M)),
    max_eur=st.one_of(st.none(), st.integers(0, 60).map(lambda v: v * M)),
)
scenarios = st.builds(
    lambda budget, phi, delta, kappa, spend, regions, mode: Scenario(
        budget_eur=budget * M,
        mode=mode,
        constraints=Constraints(
            fragile_share_min=phi,
            decarbonisation_share_min=delta,
            max_aid_intensity=kappa,
            min_spend_share=spend,
            regions=regions,
        ),
    ),
    st.integers(0, 120),
    shares,
    shares,
    st.one_of(st.none(), st.floats(0.05, 0.5)),
    st.one_of(st.just(0.0), st.floats(0.0, 1.0)),
    st.dictionaries(st.sampled_from(REGIONS), envelope, max_size=2),
    st.sampled_from([Mode.CONTINUOUS, Mode.ALL_OR_NOTHING]),
)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def caps(projects: ProjectColumns, kappa: float | None) -> np.ndarray:
    cap = projects.aid_requested_eur.astype(float)
    if kappa is not None:
        cap = np.minimum(cap, np.floor(projects.investment_eur * kappa))
    return cap


def linprog_jobs(sc: Scenario, projects: ProjectColumns) -> float | None:
    """The same LP written independently, in M EUR, through scipy.optimize.linprog."""
    c = sc.constraints
    cap = caps(projects, c.max_aid_intensity) / M
    aid = projects.aid_requested_eur / M
    jobs_per_m = np.where(aid > 0, projects.jobs_created / np.maximum(aid, 1e-12), 0.0)
    n = len(projects)
    f = projects.fragile.astype(float)
    d = projects.decarbonisation.astype(float)
    a_ub = [np.ones(n), c.fragile_share_min - f, c.decarbonisation_share_min - d, -np.ones(n)]
    b_ub = [sc.budget_eur / M, 0.0, 0.0, -c.min_spend_share * sc.budget_eur / M]
    for code, env in c.regions.items():
        in_r = (projects.region == code).astype(float)
        if env.min_eur is not None:
            a_ub.append(-in_r)
            b_ub.append(-env.min_eur / M)
        if env.max_eur is not None:
            a_ub.append(in_r)
            b_ub.append(env.max_eur / M)
    res = linprog(
        -jobs_per_m,
        A_ub=np.array(a_ub),
        b_ub=b_ub,
        bounds=list(zip(0 * cap, cap, strict=True)),
        method="highs",
    )
    return None if res.status == 2 else float(-res.fun)


def check_feasible(sc: Scenario, projects: ProjectColumns, alloc: np.ndarray, spent: int) -> None:
    c = sc.constraints
    n = len(alloc)
    tol = n + 2  # whole-euro rounding, at most a euro or so per project
    assert spent == alloc.sum() <= sc.budget_eur
    assert np.all(alloc >= 0) and np.all(alloc <= caps(projects, c.max_aid_intensity))
    assert spent >= c.min_spend_share * sc.budget_eur - tol
    assert alloc[projects.fragile].sum() >= c.fragile_share_min * spent - tol
    assert alloc[projects.decarbonisation].sum() >= c.decarbonisation_share_min * spent - tol
    for code, env in c.regions.items():
        got = alloc[projects.region == code].sum()
        assert env.min_eur is None or got >= env.min_eur - tol
        assert env.max_eur is None or got <= env.max_eur + tol


@FAST
@given(rows, scenarios)
def test_solution_is_feasible_and_beats_feasible_baselines(rows: list, sc: Scenario) -> None:  # type: ignore[type-arg]
    projects = projects_of(rows)
    result = solve(sc, projects)
    if result.status == Status.INFEASIBLE:
        assert result.diagnosis is not None and result.diagnosis.conflicts
        assert "Infeasible" in result.message
        return
    assert result.status in (Status.OPTIMAL, Status.FEASIBLE)
    check_feasible(sc, projects, result.allocation_eur, result.spent_eur)
    for baseline in result.baselines:
        if baseline.feasible and not (
            sc.mode == Mode.ALL_OR_NOTHING and baseline.name == "pro_rata"
        ):
            assert result.jobs >= baseline.jobs - 1e-6 * max(1.0, baseline.jobs)
    if sc.mode == Mode.ALL_OR_NOTHING:
        cap = caps(projects, sc.constraints.max_aid_intensity)
        assert np.all((result.allocation_eur == 0) | (result.allocation_eur == cap))
        lp = solve(replace(sc, mode=Mode.CONTINUOUS), projects)
        assert result.jobs <= lp.jobs + 1e-6 * max(1.0, lp.jobs)


@FAST
@given(rows, scenarios)
def test_lp_matches_linprog(rows: list, sc: Scenario) -> None:  # type: ignore[type-arg]
    projects = projects_of(rows)
    sc = replace(sc, mode=Mode.CONTINUOUS)
    expected = linprog_jobs(sc, projects)
    result = solve(sc, projects)
    if expected is None:
        assert result.status == Status.INFEASIBLE
    else:
        assert result.status == Status.OPTIMAL
        # jobs are read back from whole euros: a millionth of a job per euro rounded.
        assert result.jobs == pytest.approx(expected, rel=1e-6, abs=1e-3)


@FAST
@given(rows, scenarios)
def test_each_suggested_relaxation_makes_it_feasible(rows: list, sc: Scenario) -> None:  # type: ignore[type-arg]
    projects = projects_of(rows)
    sc = replace(sc, mode=Mode.CONTINUOUS)
    result = solve(sc, projects)
    if result.status != Status.INFEASIBLE:
        return
    assert result.diagnosis is not None
    for relaxation in result.diagnosis.relaxations:
        relaxed = relax(sc, relaxation.name, relaxation.suggested)
        assert solve(relaxed, projects).status == Status.OPTIMAL, relaxation.text


def relax(sc: Scenario, name: str, value: float) -> Scenario:
    c = sc.constraints
    if name == "budget":
        # The minimum spend stays the same number of euros.
        share = c.min_spend_share * sc.budget_eur / value if value else 0.0
        return replace(
            sc, budget_eur=int(value), constraints=replace(c, min_spend_share=min(share, 1.0))
        )
    if name == "min_spend":
        return replace(sc, constraints=replace(c, min_spend_share=value / sc.budget_eur))
    if name in ("fragile_share", "decarbonisation_share", "max_aid_intensity"):
        field = {
            "fragile_share": "fragile_share_min",
            "decarbonisation_share": "decarbonisation_share_min",
        }
        return replace(sc, constraints=replace(c, **{field.get(name, name): value}))
    code, side = name.split("_")[1:]
    regions = dict(c.regions)
    regions[code] = replace(regions[code], **{f"{side}_eur": int(value)})
    return replace(sc, constraints=replace(c, regions=regions))
