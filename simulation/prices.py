"""The binding constraints of a general solve and their prices, from the LP's duals, worded by
report.py as those of the version-1 engine (with the same names and prices when no lever is
pulled)."""

from __future__ import annotations

from simulation.formulation import Floats, Formulation
from simulation.projects import ProjectColumns
from simulation.report import DUAL_TOL, envelope_priced, intensity_price, priced, shown
from simulation.result import BindingConstraint
from simulation.scenario_fields import REGION_NAMES

SHARE_FLOORS = ("fragile_share", "decarbonisation_share")
ENVELOPES = ("region_", "department_", "territory_")


def binding(
    f: Formulation,
    x: Floats,
    row_dual: Floats,
    col_dual: Floats,
    projects: ProjectColumns,
    all_or_nothing: bool,
    *,
    robust: bool = False,
) -> tuple[BindingConstraint, ...]:
    """One BindingConstraint per group whose price is not zero. With weights beyond jobs the
    prices are in units of the score: jobs-equivalents; with the robust objective, in those of
    its worst case (simulation/robust.py)."""
    jobs = "jobs" if f.weights["jobs_created"] == 1.0 else "jobs-equivalents"
    if robust:
        jobs += " in the worst case"
    suffix = " (LP relaxation)" if all_or_nothing else ""
    n = f.n
    spend = float(x[:n].sum())
    out = []

    def add(name: str, label: str, price: float, per_point: bool, what: str) -> None:
        if shown(price):
            out.append(priced(name, label, price, per_point, what, jobs, suffix))

    for g in f.groups:
        if not g.rows:
            if g.name.startswith("contribution_"):
                v = col_dual[g.columns[0]]
                if abs(v) > DUAL_TOL:
                    add(g.name, g.label, v, False, g.label)
            continue
        y = row_dual[g.rows[0]]
        if abs(y) <= DUAL_TOL:
            continue
        if g.name == "budget":
            add(g.name, g.label, y, False, "budget")
        elif g.name == "min_spend":
            add(g.name, g.label, y, False, "required spend")
        elif g.name in SHARE_FLOORS or g.name.startswith("sector_"):
            # Raising the floor by one point asks for 0.01 x spend more euros in the row.
            add(g.name, g.label, y * spend / 100, True, g.label)
        elif g.name == "fragile_project_share":
            # One point more asks for 0.01 x the projects funded (each counted as the row counts).
            funded = float(f.project_weights() @ x[:n])
            add(g.name, g.label, y * funded / 100, True, g.label)
        elif g.name.startswith(ENVELOPES):
            whose = g.label.removesuffix(" envelope")  # "region 84's"
            if shown(y):
                out.append(envelope_priced(g.name, whose, y, jobs, suffix))
        elif g.name.startswith("matching_"):
            code = g.name.removeprefix("matching_")
            name = REGION_NAMES.get(code)
            where = f"region {code}" + (f" ({name})" if name else "")
            what = f"regional money the matching rule would let in, in {where}"
            add(g.name, g.label, _matching_price(f, g.rows[0], code, y), False, what)
    v = _intensity_price(f, x, col_dual, projects)
    if v > DUAL_TOL:
        add("max_aid_intensity", "the aid-intensity cap", v, True, "aid-intensity cap")
    return tuple(out)


def _matching_price(f: Formulation, row: int, code: str, y: float) -> float:
    """The matching row's price from the planner's side: jobs per M EUR more of regional money
    that the rule lets in. The row reads state_factor x aid - (1 + rate) x r >= 0, so the most
    regional money it lets in for a region's aid is state_factor x aid / (1 + rate): one more M
    EUR of it loosens the row by 1 + rate, and gains -y x (1 + rate) (y <= 0 on a >= row that
    binds when maximising)."""
    column = f.n + f.regional_codes.index(code)
    return float(-y * -f.matrix[row, column])


def _intensity_price(
    f: Formulation, x: Floats, col_dual: Floats, projects: ProjectColumns
) -> float:
    """report.intensity_price over the capped projects funded to their cap, locked and forced
    projects excepted."""
    n = f.n
    free = f.upper[:n] == f.free_upper[:n]
    capped = free & (f.cap_eur < projects.aid_requested_eur) & (x[:n] >= f.free_upper[:n] - 1e-9)
    return intensity_price(capped, col_dual[:n], projects.investment_eur)
