"""The binding constraints of a general solve and their prices, from the LP's duals, worded as
report.binding words those of the version-1 engine (with the same names and prices when no lever
is pulled)."""

from __future__ import annotations

import numpy as np

from simulation.formulation import Floats, Formulation, Ints, M
from simulation.projects import ProjectColumns
from simulation.report import DUAL_TOL
from simulation.result import BindingConstraint

SHARE_FLOORS = ("fragile_share", "decarbonisation_share")
ENVELOPES = ("region_", "department_", "territory_")


def binding(
    f: Formulation,
    x: Floats,
    row_dual: Floats,
    col_dual: Floats,
    projects: ProjectColumns,
    all_or_nothing: bool,
) -> tuple[BindingConstraint, ...]:
    """One BindingConstraint per group whose price is not zero. With weights beyond jobs the
    prices are in units of the score: jobs-equivalents."""
    jobs = "jobs" if f.weights["jobs_created"] == 1.0 else "jobs-equivalents"
    suffix = " (LP relaxation)" if all_or_nothing else ""
    per_m = f"{jobs} per M EUR"
    per_point = f"{jobs} per percentage point"
    n = f.n
    spend = float(x[:n].sum())
    out = []

    def add(name: str, label: str, price: float, unit: str, text: str) -> None:
        out.append(BindingConstraint(name, label, float(price), unit, text + suffix))

    for g in f.groups:
        if not g.rows:
            if g.name.startswith("contribution_"):
                v = col_dual[g.columns[0]]
                if abs(v) > DUAL_TOL:
                    add(g.name, g.label, v, per_m, f"{v:+.1f} {jobs} per extra M EUR of {g.label}")
            continue
        y = row_dual[g.rows[0]]
        if abs(y) <= DUAL_TOL:
            continue
        if g.name == "budget":
            add(g.name, g.label, y, per_m, f"{y:+.1f} {jobs} per extra M EUR of budget")
        elif g.name == "min_spend":
            add(g.name, g.label, y, per_m, f"{y:+.1f} {jobs} per extra M EUR of required spend")
        elif g.name in SHARE_FLOORS or g.name.startswith("sector_"):
            # Raising the floor by one point asks for 0.01 x spend more euros in the row.
            v = y * spend / 100
            add(g.name, g.label, v, per_point, f"{v:+.1f} {jobs} per point of {g.label}")
        elif g.name == "fragile_project_share":
            # One point more asks for 0.01 x the projects funded (their funded fractions).
            counted = f.matrix[g.rows[0], :n].toarray().ravel() != 0
            funded = float((x[:n][counted] / f.free_upper[:n][counted]).sum())
            v = y * funded / 100
            add(g.name, g.label, v, per_point, f"{v:+.1f} {jobs} per point of {g.label}")
        elif g.name.startswith(ENVELOPES):
            side = "maximum" if y > 0 else "minimum"
            whose = g.label.removesuffix(" envelope")
            add(
                f"{g.name}_{side[:3]}",
                f"{whose} {side} envelope",
                y,
                per_m,
                f"{y:+.1f} {jobs} per extra M EUR of {whose} {side}",
            )
        elif g.name.startswith("matching_"):
            add(
                g.name,
                g.label,
                y,
                per_m,
                f"{y:+.1f} {jobs} per extra M EUR of State money matched in region "
                f"{g.name.removeprefix('matching_')}",
            )
    v = _intensity_price(f, x, col_dual, projects)
    if v > DUAL_TOL:
        text = f"{v:+.1f} {jobs} per point of aid-intensity cap"
        add("max_aid_intensity", "the aid-intensity cap", v, per_point, text)
    return tuple(out)


def _intensity_price(
    f: Formulation, x: Floats, col_dual: Floats, projects: ProjectColumns
) -> float:
    """Score gained per point of aid-intensity cap: each capped project funded to its cap gains
    its reduced cost on 0.01 x its investment (locked and forced projects excepted)."""
    n = f.n
    free = f.upper[:n] == f.free_upper[:n]
    capped = free & (f.cap_eur < projects.aid_requested_eur) & (x[:n] >= f.free_upper[:n] - 1e-9)
    gain = np.maximum(col_dual[:n][capped], 0.0) @ projects.investment_eur[capped]
    return float(gain) / M / 100


def unspent_reasons(
    f: Formulation,
    alloc: Ints,
    unspent: int,
    all_or_nothing: bool,
    prices: tuple[BindingConstraint, ...],
) -> tuple[str, ...]:
    """Why State money is left: the binding constraints other than the budget."""
    if unspent < max(1000.0, 1e-4 * f.budget_m * M):
        return ()
    budget_binds = any(b.name == "budget" for b in prices)
    if budget_binds and not all_or_nothing:
        return ()
    reasons = [
        b.label
        for b in prices
        if b.name != "budget" and not b.name.endswith("_min") and b.name != "max_aid_intensity"
    ]
    if all_or_nothing and budget_binds:
        reasons.append("all-or-nothing funding: no remaining project fits whole in what is left")
    if not reasons:
        useful = (f.cost[: f.n] > 0) & (alloc < np.rint(f.upper[: f.n] * M))
        if not useful.any():
            reasons.append("every project that adds to the objective is already funded in full")
        else:
            reasons.append(
                "the remaining projects add nothing to the objective under the constraints"
            )
    return tuple(reasons)
