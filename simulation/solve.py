"""solve(): build the LP, solve it (and the all-or-nothing variant), explain, compare, diagnose."""

from __future__ import annotations

import time
from dataclasses import replace

from simulation import criteria, explain, general, lp, milp, report, robust, uncertainty
from simulation.baselines import baselines
from simulation.curve import Curve, CurvePoint, trade_off_curve
from simulation.diagnose import Aggregate, Limits, diagnose
from simulation.formulation import Ints
from simulation.highs import NAME, VERSION
from simulation.levers import JOBS_ONLY
from simulation.projects import ProjectColumns
from simulation.result import Diagnosis, Explanations, Result, SolverInfo, Status
from simulation.scenario import Mode, Scenario
from simulation.sifting import LpSolution, LpSolver

__all__ = ["Curve", "CurvePoint", "solve", "trade_off_curve"]


# All-or-nothing stops once its gap to the LP bound is proven under 0.1 % (about 12 jobs in
# 12,000): proving 0.01 % takes one more restricted MILP as long as the whole LP solve.
MIP_REL_GAP = 1e-3


def solve(
    scenario: Scenario,
    projects: ProjectColumns,
    *,
    time_limit_s: float = 30.0,
    mip_rel_gap: float = MIP_REL_GAP,
    fixed_eur: Ints | None = None,
    budget_eur: int | None = None,
    whole_pool: bool = True,
) -> Result:
    """Rounds are decided one after the other (simulation.rounds); any other lever, fixed euros or
    another budget go to the general engine (simulation.general); a scenario of format version 1
    is solved as it always was, by sifting. ``whole_pool=False``: ``projects`` are the part of the
    pool a review round knows (see formulation.build). Every result that allocates carries the
    Monte Carlo range of its jobs (simulation.uncertainty)."""
    start = time.perf_counter()
    result = decide(
        scenario,
        projects,
        time_limit_s=time_limit_s,
        mip_rel_gap=mip_rel_gap,
        fixed_eur=fixed_eur,
        budget_eur=budget_eur,
        whole_pool=whole_pool,
    )
    result = uncertainty.with_ranges(result, scenario, projects)
    if fixed_eur is None and budget_eur is None and whole_pool:  # not a review round's part
        # The comparison solve gets what the robust solve and its draws left of the time limit.
        remaining = time_limit_s - (time.perf_counter() - start)
        result = robust.priced(result, scenario, projects, time_limit_s=remaining)
    return result


def decide(
    scenario: Scenario,
    projects: ProjectColumns,
    *,
    time_limit_s: float,
    mip_rel_gap: float,
    fixed_eur: Ints | None = None,
    budget_eur: int | None = None,
    whole_pool: bool = True,
) -> Result:
    """The allocation alone: solve() without the Monte Carlo range and the price of robustness
    (what a review round's parts and the robust objective's comparison need)."""
    if scenario.rounds:
        from simulation.rounds import solve_rounds

        return solve_rounds(scenario, projects, time_limit_s=time_limit_s, mip_rel_gap=mip_rel_gap)
    if scenario.uses_levers or fixed_eur is not None or budget_eur is not None:
        return general.solve(
            scenario,
            projects,
            time_limit_s=time_limit_s,
            mip_rel_gap=mip_rel_gap,
            fixed_eur=fixed_eur,
            budget_eur=budget_eur,
            whole_pool=whole_pool,
        )
    result = _version_1(scenario, projects, time_limit_s, mip_rel_gap)
    if result.explanations is None:
        return result
    result = replace(result, criteria=criteria.criteria(projects, result.allocation_eur, JOBS_ONLY))
    k = scenario.controls.next_in_line
    return replace(result, next_in_line=explain.next_in_line(result, projects, k))


def _version_1(
    scenario: Scenario, projects: ProjectColumns, time_limit_s: float, mip_rel_gap: float
) -> Result:
    start = time.perf_counter()
    p = lp.build(scenario, projects)
    all_or_nothing = scenario.mode == Mode.ALL_OR_NOTHING
    agg = Aggregate(p, projects)
    solver = LpSolver(p, feasible=lambda: agg.feasible(agg.limits))
    relaxed = solver.solve(time_limit_s)
    method = f"LP: {solver.method}"
    options = dict(solver.model.options) if solver.model is not None else {}
    mip_gap = None
    deadline = start + time_limit_s  # the diagnosis stops there and says what it proved
    if relaxed.status == "infeasible":
        diagnosis = diagnose(agg, deadline=deadline)
        return _infeasible(scenario, projects, p, diagnosis, method, options, start, relaxed)
    if relaxed.status != "optimal":
        status = Status.TIME_LIMIT if relaxed.status == "time_limit" else Status.ERROR
        if status == Status.TIME_LIMIT:
            message = f"No allocation within the {time_limit_s:g} s time limit."
        else:
            # HiGHS's own words for the failure ("Model error"), not just the engine's "error".
            words = solver.model.status_text if solver.model is not None else relaxed.status
            message = f"The solver failed ({words})."
        return _empty(scenario, projects, p, status, message, method, options, start, relaxed)
    x = relaxed.x
    status = Status.OPTIMAL
    if all_or_nothing:
        remaining = time_limit_s - (time.perf_counter() - start)
        milp_solution = milp.solve(p, relaxed, remaining, mip_rel_gap)
        method += (
            f"; all-or-nothing: MILP over the {milp_solution.free} projects closest to the LP "
            "margin, the others fixed by reduced-cost fixing"
        )
        options = {"lp": options, "milp": milp_solution.options, "mip_rel_gap": mip_rel_gap}
        mip_gap = milp_solution.gap
        if milp_solution.status == "infeasible":
            # The LP is feasible: only whole projects conflict. Diagnose with a whole-project test,
            # each one bounded in time, none past the solve's deadline.
            def whole_projects_fit(limits: Limits) -> bool | None:
                remaining = deadline - time.perf_counter()
                if remaining <= 0:
                    return None
                return milp.whole_feasible(
                    p, projects, limits, min(remaining, time_limit_s / 20, 2.0)
                )

            diagnosis = diagnose(agg, whole_projects_fit, bisections=20, deadline=deadline)
            diagnosis = replace(
                diagnosis, conflicts=("funding whole projects only", *diagnosis.conflicts)
            )
            return _infeasible(scenario, projects, p, diagnosis, method, options, start, relaxed)
        if milp_solution.status == "time_limit":
            message = f"No all-or-nothing allocation within the {time_limit_s:g} s time limit."
            return _empty(
                scenario, projects, p, Status.TIME_LIMIT, message, method, options, start, relaxed
            )
        x = milp_solution.x
        status = Status.OPTIMAL if milp_solution.status == "optimal" else Status.FEASIBLE
    alloc = report.euros(x, p, scenario.budget_eur)
    outcome = report.allocated(p, projects, alloc)
    jobs = outcome["jobs"]
    binding = report.binding(
        p, relaxed, projects, lp_label=" (LP relaxation)" if all_or_nothing else ""
    )
    explanations = Explanations(
        jobs_per_meur=p.jobs_per_meur,
        threshold=p.jobs_per_meur - relaxed.reduced,
        cap_eur=p.cap_eur,
        source="LP relaxation" if all_or_nothing else "LP optimum",
    )
    spent = outcome["spent_eur"]
    unspent = scenario.budget_eur - spent
    floors = {
        "fragile_share": p.fragile_min,
        "decarbonisation_share": p.decarbonisation_min,
    }
    useful = bool(((p.jobs_per_meur > 0) & (alloc < p.cap_eur)).any())
    reasons = report.unspent_reasons(binding, floors, unspent, p.budget_m, all_or_nothing, useful)
    fragile, decarb = outcome["fragile_share"], outcome["decarbonisation_share"]
    message = report.message(
        status, jobs, spent, fragile, decarb, mip_gap, unspent, reasons, all_or_nothing
    )
    return Result(
        status=status,
        message=message,
        **outcome,
        unspent_eur=unspent,
        budget_eur=scenario.budget_eur,
        binding=binding,
        baselines=baselines(p, all_or_nothing, jobs),
        diagnosis=None,
        solver=SolverInfo(
            NAME, VERSION, method, options, time.perf_counter() - start, mip_gap, relaxed.iterations
        ),
        mode=str(scenario.mode),
        unspent_reasons=reasons,
        fractional_projects=int(((relaxed.x > 1e-9) & (relaxed.x < p.cap - 1e-9)).sum()),
        explanations=explanations,
    )


def _empty(
    scenario: Scenario,
    projects: ProjectColumns,
    p: lp.Problem,
    status: Status,
    message: str,
    method: str,
    options: dict[str, object],
    start: float,
    relaxed: LpSolution,
    diagnosis: Diagnosis | None = None,
) -> Result:
    elapsed = time.perf_counter() - start
    solver = SolverInfo(NAME, VERSION, method, options, elapsed, None, relaxed.iterations)
    return general.empty(
        scenario, projects, p, status, message, solver, scenario.budget_eur, diagnosis
    )


def _infeasible(
    scenario: Scenario,
    projects: ProjectColumns,
    p: lp.Problem,
    diagnosis: Diagnosis,
    method: str,
    options: dict[str, object],
    start: float,
    relaxed: LpSolution,
) -> Result:
    return _empty(
        scenario,
        projects,
        p,
        Status.INFEASIBLE,
        general.infeasible_message(diagnosis),
        method + "; diagnosis on the aggregate LP",
        options,
        start,
        relaxed,
        diagnosis,
    )
