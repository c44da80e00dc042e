import time
from typing import Any

import pytest

from simulation import milp
from simulation.highs import Model
from simulation.result import Status
from simulation.scenario import Constraints, Mode, RegionEnvelope, Scenario
from simulation.solve import solve
from tests.simulation.conftest import projects_of

M = 1_000_000
# Four 3 M EUR projects: the LP can spend exactly 10 M EUR, whole projects only 9 or 12.
FOUR = [
    (3, 30, "84", True, False),
    (3, 20, "84", True, True),
    (3, 25, "11", False, False),
    (3, 10, "11", False, True),
]
WHOLE = Scenario(
    budget_eur=10 * M,
    mode=Mode.ALL_OR_NOTHING,
    constraints=Constraints(min_spend_share=1.0, fragile_share_min=0.5),
)


def test_whole_project_conflict_is_diagnosed_in_full() -> None:
    result = solve(WHOLE, projects_of(FOUR))
    assert result.status == Status.INFEASIBLE
    assert result.diagnosis is not None
    assert sorted(result.diagnosis.names) == ["budget", "min_spend"]
    assert result.diagnosis.complete and result.diagnosis.irreducible
    assert result.diagnosis.unsettled == ()


class TimesOut(Model):
    """A HiGHS model whose whole-project feasibility tests all stop at their time limit."""

    def run(self, time_limit_s: float) -> str:
        if self.options.get("mip_rel_gap") == 1.0:  # only whole_feasible asks for any solution
            return "time_limit"
        return super().run(time_limit_s)


def test_a_timed_out_feasibility_test_is_unknown_not_infeasible(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(milp, "Model", TimesOut)
    result = solve(WHOLE, projects_of(FOUR))
    assert result.status == Status.INFEASIBLE
    diagnosis = result.diagnosis
    assert diagnosis is not None
    # Nothing was proven infeasible without it, so no constraint may be dropped from the set.
    assert sorted(diagnosis.names) == ["budget", "fragile_share", "min_spend"]
    assert not diagnosis.irreducible and not diagnosis.complete
    assert diagnosis.relaxations == ()
    assert sorted(diagnosis.unsettled) == ["budget", "fragile_share", "min_spend"]
    assert "may not be the smallest" in result.message


def test_diagnosis_stops_at_the_time_limit_and_says_it_is_partial(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Every whole-project test takes at least 50 ms: the full diagnosis needs dozens of them
    # (a deletion filter, then a bisection per conflicting constraint), far past a 0.6 s limit.
    calls = []
    original = milp.whole_feasible

    def slow(*args: Any) -> bool | None:
        calls.append(1)
        time.sleep(0.05)
        return original(*args)

    monkeypatch.setattr(milp, "whole_feasible", slow)
    projects = projects_of(FOUR)
    full = solve(WHOLE, projects, time_limit_s=60.0)
    assert full.diagnosis is not None and full.diagnosis.complete
    needed = len(calls)
    assert needed >= 30
    calls.clear()
    limit = 0.6
    start = time.perf_counter()
    partial = solve(WHOLE, projects, time_limit_s=limit)
    elapsed = time.perf_counter() - start
    assert partial.status == Status.INFEASIBLE
    assert partial.diagnosis is not None and not partial.diagnosis.complete
    assert len(calls) <= limit / 0.05 + 1 < needed
    assert elapsed < 3 * limit  # generous: one sub-solve may finish after the deadline
    assert "time limit" in partial.message
    unsettled, names = len(partial.diagnosis.unsettled), len(partial.diagnosis.names)
    assert f"for {unsettled} of the {names} conflicting constraints" in partial.message


def test_small_amounts_are_not_rounded_to_zero() -> None:
    # Region 11's projects can take 30,000 EUR; its minimum envelope asks 40,000 EUR.
    rows = [(0.5, 10, "84", False, False), (0.03, 1, "11", False, False)]
    sc = Scenario(
        budget_eur=M, constraints=Constraints(regions={"11": RegionEnvelope(min_eur=40_000)})
    )
    result = solve(sc, projects_of(rows))
    assert result.status == Status.INFEASIBLE
    assert "0.0 M EUR" not in result.message
    assert "minimum envelope of 40,000 EUR (its projects can take at most 30,000 EUR)" in (
        result.message
    )
    # One euro of slack on the safe side of the solver tolerance.
    assert "lower region 11's minimum envelope of 40,000 EUR to 29,999 EUR" in result.message
