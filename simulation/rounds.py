"""Successive review rounds: each decided with the projects known on its date, then compared with
the hindsight optimum that knows every project at once (docs/rounds.md).

Round k knows the projects recorded before its date (a project with no record date is known from
the first round). It may spend the money released so far less what earlier rounds spent, minus
the reserve it holds back for later rounds (the last round holds nothing back). Earlier awards
stay as they were; the projects they left unfunded compete again. Every round is one solve of
the scenario without rounds over the projects it knows, so the floors and envelopes hold for the
cumulative allocation after each round.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Sequence
from typing import Any, Protocol, TypedDict

import numpy as np
import numpy.typing as npt

from simulation import lp, report
from simulation.general import infeasible_message, locked_note
from simulation.highs import NAME, VERSION
from simulation.levers import Round
from simulation.projects import ProjectColumns
from simulation.result import (
    Diagnosis,
    Explanations,
    RegionAllocation,
    RegionHindsight,
    Result,
    RoundOutcome,
    Rounds,
    SolverInfo,
    Status,
)
from simulation.scenario import Scenario

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
DECIDED = (Status.OPTIMAL, Status.FEASIBLE)
LOCKED = "locked_awards"  # the engine's name for the locked awards in a diagnosis


class Common(TypedDict):
    """The fields every result of a rounds run shares, whatever its outcome."""

    budget_eur: int
    solver: SolverInfo
    mode: str
    rounds: Rounds


class Solver(Protocol):
    def __call__(
        self,
        scenario: Scenario,
        projects: ProjectColumns,
        *,
        time_limit_s: float,
        mip_rel_gap: float,
        fixed_eur: Ints | None = None,
        budget_eur: int | None = None,
        whole_pool: bool = True,
    ) -> Result: ...


class _Solves:
    """The solves of one rounds run, over subsets of the projects, each remembered by what it
    was asked (the last round's hindsight is often the whole scenario's), all within one
    deadline."""

    def __init__(
        self,
        scenario: Scenario,
        projects: ProjectColumns,
        solver: Solver,
        deadline: float,
        mip_rel_gap: float,
    ) -> None:
        self.scenario = scenario  # without rounds
        self.projects = projects
        self.solver = solver
        self.deadline = deadline
        self.mip_rel_gap = mip_rel_gap
        self.done: dict[tuple[bytes, bytes, int], Result] = {}

    def __call__(self, known: Bools, budget_eur: int, fixed_eur: Ints | None = None) -> Result:
        key = (known.tobytes(), b"" if fixed_eur is None else fixed_eur.tobytes(), budget_eur)
        if key in self.done:
            return self.done[key]
        whole = bool(known.all())
        self.done[key] = self.solver(
            _knowing(self.scenario, self.projects, known),
            self.projects if whole else self.projects.take(known),
            time_limit_s=max(self.deadline - time.perf_counter(), 0.01),
            mip_rel_gap=self.mip_rel_gap,
            fixed_eur=fixed_eur,
            # The scenario's own budget needs no override (the engine of format version 1
            # then solves a scenario that pulls no other lever, exactly as without rounds).
            budget_eur=None if budget_eur == self.scenario.budget_eur else budget_eur,
            whole_pool=whole,  # a round knows part of the pool; the first solve knows it all
        )
        return self.done[key]


@dataclasses.dataclass(frozen=True)
class _Failure:
    """A round that found no allocation."""

    where: str  # "round 2 (2021-07-01)", as the diagnosis and the message name it
    index: int
    result: Result


@dataclasses.dataclass(frozen=True)
class _Run:
    """Rounds decided one after another: their outcomes, the allocation over every project after
    the last one decided, and that round's result."""

    outcomes: tuple[RoundOutcome, ...]
    alloc: Ints
    last: Result | None
    known: Bools
    failure: _Failure | None = None

    @property
    def failed(self) -> bool:
        return self.failure is not None


def solve_rounds(
    scenario: Scenario,
    projects: ProjectColumns,
    *,
    time_limit_s: float = 30.0,
    mip_rel_gap: float = 1e-3,
    solve: Solver | None = None,
) -> Result:
    start = time.perf_counter()
    if solve is None:
        from simulation.solve import decide  # solve() sends rounds here, and draws the whole run

        solve = decide
    plain = dataclasses.replace(scenario, rounds=())
    solves = _Solves(plain, projects, solve, start + time_limit_s, mip_rel_gap)
    everyone = np.ones(len(projects), dtype=np.bool_)
    rounds = tuple(sorted(scenario.rounds, key=lambda r: r.date))
    # The hindsight has the money the rounds release (validated: within the budget), so that what
    # it gains over them is lost to deciding early only; the money never released is apart.
    hindsight = solves(everyone, sum(r.released(scenario.budget_eur) for r in rounds))
    run = _decide(rounds, scenario.budget_eur, projects, solves)
    without_reserve = None
    # The last round holds nothing back: its reserve share is ignored.
    if not run.failed and any(r.reserve_share > 0 for r in rounds[:-1]):
        neutral = tuple(dataclasses.replace(r, reserve_share=0.0) for r in rounds)
        again = _decide(neutral, scenario.budget_eur, projects, solves)
        without_reserve = None if again.failed else again.outcomes[-1].cumulative_jobs
    return _result(plain, projects, run, hindsight, without_reserve, solves, start)


def _decide(
    rounds: Sequence[Round], budget_eur: int, projects: ProjectColumns, solves: _Solves
) -> _Run:
    alloc = np.zeros(len(projects), dtype=np.int64)
    known = np.zeros(len(projects), dtype=np.bool_)
    released = spent = 0
    jobs = 0.0
    last: Result | None = None
    outcomes: list[RoundOutcome] = []
    for k, r in enumerate(rounds, start=1):
        date = np.datetime64(r.date, "D")
        known = np.isnat(projects.record_date) | (projects.record_date < date)
        released += r.released(budget_eur)
        available = released - spent
        reserve = 0 if k == len(rounds) else round(available * r.reserve_share)
        allowed = available - reserve
        undecided = RoundOutcome(
            index=k,
            date=str(r.date),
            released_eur=r.released(budget_eur),
            available_eur=available,
            reserve_eur=reserve,
            spent_eur=0,
            projects_known=int(known.sum()),
            projects_funded=0,
            jobs=0.0,
            cumulative_jobs=jobs,
            hindsight_jobs=jobs,
            jobs_lost=0.0,
            budget_shadow_price=0.0,
            status=str(Status.OPTIMAL),
            message=f"No project recorded before {r.date}: the money waits for the next round.",
        )
        if not known.any():
            outcomes.append(undecided)
            continue
        locked = alloc[known]
        fixed = np.where(locked > 0, locked, -1) if (locked > 0).any() else None
        last = solves(known, spent + allowed, fixed)
        hindsight = solves(known, released)
        # A hindsight not found (a floor its larger budget cannot meet, time) reads as no loss.
        found = hindsight.status in DECIDED
        best = hindsight.jobs if found else jobs
        if last.status not in DECIDED:
            failure = _Failure(f"round {k} ({r.date})", k, last)
            failed = dataclasses.replace(
                undecided,
                hindsight_jobs=best,
                jobs_lost=best - jobs,
                status=str(last.status),
                message=last.message,
            )
            return _Run((*outcomes, failed), alloc, last, known, failure)
        best = best if found else last.jobs
        missing = "" if found else f" No hindsight to compare with: {hindsight.message}"
        now = np.zeros_like(alloc)
        now[known] = last.allocation_eur
        state_spent = last.budget_eur - last.unspent_eur  # regional money is not the budget's
        outcomes.append(
            dataclasses.replace(
                undecided,
                spent_eur=state_spent - spent,
                projects_funded=int(((now > 0) & (alloc == 0)).sum()),
                jobs=last.jobs - jobs,
                cumulative_jobs=last.jobs,
                hindsight_jobs=best,
                jobs_lost=best - last.jobs,
                budget_shadow_price=next(
                    (b.shadow_price for b in last.binding if b.name == "budget"), 0.0
                ),
                status=str(last.status),
                message=last.message + missing,
            )
        )
        alloc, spent, jobs = now, state_spent, last.jobs
    return _Run(tuple(outcomes), alloc, last, known)


def _knowing(scenario: Scenario, projects: ProjectColumns, known: Bools) -> Scenario:
    """The scenario for a round that knows only the ``known`` projects: forcing a project not
    known yet waits for the round that knows it (an id no project has stays, for the engine to
    name)."""
    c = scenario.controls
    if not (c.force_in or c.force_out) or known.all():
        return scenario
    later = set(projects.ids[~known].tolist())
    controls = dataclasses.replace(
        c,
        force_in=tuple(i for i in c.force_in if i not in later),
        force_out=tuple(i for i in c.force_out if i not in later),
    )
    return dataclasses.replace(scenario, controls=controls)


def _result(
    plain: Scenario,
    projects: ProjectColumns,
    run: _Run,
    hindsight: Result,
    without_reserve: float | None,
    solves: _Solves,
    start: float,
) -> Result:
    p = lp.build(plain, projects)
    last = run.last
    alloc = run.alloc if not run.failed else np.zeros(len(projects), dtype=np.int64)
    outcome = report.allocated(p, projects, alloc)
    jobs = outcome["jobs"]
    done = run.outcomes[-1].cumulative_jobs
    best = hindsight.jobs if hindsight.status in DECIDED else done
    rounds = Rounds(
        rounds=run.outcomes,
        jobs=done,
        hindsight_jobs=best,
        jobs_lost=best - done,
        # Per region, what the rounds decided (up to the failing one when one fails).
        regions=_regions(report.regions(p, run.alloc), hindsight),
        without_reserve_jobs=without_reserve,
        reserve_recovers=None if without_reserve is None else jobs - without_reserve,
    )
    used = [r.solver for r in solves.done.values()]
    solver = SolverInfo(
        NAME,
        VERSION,
        f"{len(run.outcomes)} review rounds and their hindsight optima, {len(used)} solves"
        + (f"; each: {last.solver.method}" if last is not None else ""),
        dict(last.solver.options) if last is not None else {},
        time.perf_counter() - start,
        last.solver.mip_gap if last is not None and not run.failed else None,
        sum(s.iterations for s in used),
    )
    common = Common(budget_eur=plain.budget_eur, solver=solver, mode=str(plain.mode), rounds=rounds)
    if run.failure is not None:
        return _failed(plain, run.failure, outcome, common)
    never = plain.budget_eur - sum(r.released_eur for r in run.outcomes)
    if last is None:  # no round knew a project
        return Result(
            status=Status.OPTIMAL,
            message=_message(rounds, hindsight, never),
            **outcome,
            unspent_eur=plain.budget_eur,
            binding=(),
            baselines=(),
            diagnosis=None,
            **common,
        )
    state_spent = last.budget_eur - last.unspent_eur
    # The last round's locks are the scenario's awards it knows (earlier rounds' are fixed_eur).
    locked = locked_note(last.locked_eur, last.locked_projects)
    return Result(
        status=last.status,
        message=_message(rounds, hindsight, never)[:-1] + locked + ".",
        **outcome,
        unspent_eur=plain.budget_eur - state_spent,
        binding=last.binding,
        baselines=(),
        diagnosis=None,
        floors_use=last.floors_use,
        unspent_reasons=last.unspent_reasons + _unreleased(plain, run),
        fractional_projects=last.fractional_projects,
        explanations=_explanations(last.explanations, run.known, hindsight.explanations, p),
        criteria=last.criteria,
        funding=last.funding,
        next_in_line=last.next_in_line,
        regional_eur=None if last.regional_eur is None else _spread(last.regional_eur, run.known),
        locked_eur=last.locked_eur,
        locked_projects=last.locked_projects,
        **common,
    )


def _failed(
    plain: Scenario, failure: _Failure, outcome: report.Allocated, common: Common
) -> Result:
    """A round with no allocation (infeasible, out of time) leaves none: the result names the
    round in its message and diagnosis."""
    where, failed = failure.where, failure.result
    message = f"{where[0].upper()}{where[1:]}: {failed.message}"
    diagnosis = failed.diagnosis
    if diagnosis is not None:
        if not plain.controls.lock_awards:  # every lock is an award of an earlier round
            diagnosis = _earlier_rounds(diagnosis, failure.index)
        message = infeasible_message(diagnosis, head=f"Infeasible in {where}")
        diagnosis = dataclasses.replace(
            diagnosis,
            conflicts=(where, *diagnosis.conflicts),
            names=(f"round_{failure.index}", *diagnosis.names),
        )
    return Result(
        status=failed.status,
        message=message,
        **outcome,
        unspent_eur=common["budget_eur"],
        binding=(),
        baselines=(),
        diagnosis=diagnosis,
        **common,
    )


def _earlier_rounds(diagnosis: Diagnosis, k: int) -> Diagnosis:
    """The diagnosis with the locked awards called what they are in round ``k``: the awards of
    the rounds before it."""
    awards = "round 1's awards" if k == 2 else f"the awards of rounds 1 to {k - 1}"
    locks = [i for i, name in enumerate(diagnosis.names) if name == LOCKED]
    conflicts = list(diagnosis.conflicts)
    for i in locks:
        # conflicts and names run in the same order (after any whole-projects note first)
        conflicts[i + len(conflicts) - len(diagnosis.names)] = awards
    relaxations = tuple(
        dataclasses.replace(r, label=awards, text=f"free {awards}") if r.name == LOCKED else r
        for r in diagnosis.relaxations
    )
    return dataclasses.replace(diagnosis, conflicts=tuple(conflicts), relaxations=relaxations)


def _unreleased(plain: Scenario, run: _Run) -> tuple[str, ...]:
    released = sum(r.released_eur for r in run.outcomes)
    if released >= plain.budget_eur:
        return ()
    return (
        f"the rounds release {released / lp.M:,.1f} M EUR of the {plain.budget_eur / lp.M:,.1f}"
        " M EUR budget",
    )


def _regions(regions: Sequence[RegionAllocation], hindsight: Result) -> tuple[RegionHindsight, ...]:
    found = hindsight.status in DECIDED
    best = {r.code: r.jobs for r in hindsight.regions}
    out = []
    for r in regions:
        then = best.get(r.code, 0.0) if found else r.jobs
        out.append(RegionHindsight(r.code, r.jobs, then, then - r.jobs))
    return tuple(out)


def _spread(values: npt.NDArray[Any], known: Bools, fill: float = 0) -> npt.NDArray[Any]:
    """``values`` of the known projects spread over every project, ``fill`` for the others."""
    out = np.full(len(known), fill, dtype=values.dtype)
    out[known] = values
    return out


def _explanations(
    last: Explanations | None, known: Bools, hindsight: Explanations | None, p: lp.Problem
) -> Explanations | None:
    """The last round's explanations over every project. A project recorded after the last
    round was never a candidate: it keeps its score (from the hindsight solve, which knows it)
    and its cap, but has no threshold (nan)."""
    if last is None or known.all():
        return last
    later = ~known
    score = _spread(last.jobs_per_meur, known, math.nan)
    score[later] = hindsight.jobs_per_meur[later] if hindsight is not None else math.nan
    cap = _spread(last.cap_eur, known)
    cap[later] = p.cap_eur[later]
    return dataclasses.replace(
        last,
        jobs_per_meur=score,
        threshold=_spread(last.threshold, known, math.nan),
        cap_eur=cap,
        scores={k: _spread(v, known, math.nan) for k, v in last.scores.items()},
    )


def _message(rounds: Rounds, hindsight: Result, never: int) -> str:  # never: euros unreleased
    n = len(rounds.rounds)
    head = f"{n} round{'s' if n > 1 else ''}: {rounds.jobs:,.0f} jobs"
    unreleased = f"; {never / lp.M:,.1f} M EUR never released" if never > 0 else ""
    if hindsight.status not in DECIDED:
        return f"{head}; no hindsight optimum to compare with ({hindsight.message}){unreleased}"
    lost = rounds.jobs_lost
    if round(lost) == 0:
        text = f"{head}; as many as deciding with hindsight ({rounds.hindsight_jobs:,.0f})"
    else:
        fewer = "fewer" if lost > 0 else "more"
        text = f"{head}; {abs(lost):,.0f} {fewer} than deciding with hindsight "
        text += f"({rounds.hindsight_jobs:,.0f})"
    if rounds.reserve_recovers is not None:
        gain = rounds.reserve_recovers
        jobs = f"{abs(gain):,.0f} job{'' if round(abs(gain)) == 1 else 's'}"
        text += f"; the reserve {'recovers' if gain >= 0 else 'costs'} {jobs}"
    return text + unreleased + "."


__all__ = ["Solver", "solve_rounds"]
