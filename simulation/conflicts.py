"""Why a scenario with levers is infeasible, in a planner's words, and the smallest way out.

The formulation gathers its rows and column bounds in groups, one per planner constraint. A
deletion filter over the groups, on the feasibility LP (zero objective), finds an irreducible set
of conflicting constraints; for each of them, bisection on the one number that moves it (a
floor's share, an envelope's minimum or maximum, the budget, a regional contribution, the matching
rate) finds its smallest relaxation alone that makes the scenario feasible. One HiGHS model stays
loaded throughout: each test changes bounds or coefficients only, and HiGHS re-solves from the
previous basis.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from simulation.diagnose import money
from simulation.formulation import Formulation, Group
from simulation.highs import Model
from simulation.lp import M
from simulation.result import Diagnosis, Relaxation

BISECTIONS = 48
Floats = npt.NDArray[np.float64]
# What a planner can do about a constraint that no single number moves.
RELEASES = {
    "locked_awards": "free the locked awards",
    "force_in": "drop the forced projects",
    "force_out": "let the projects forced out compete again",
}
# Rounding of a suggested value (towards the loose side): shares to 0.01 point, money to the
# euro (in M EUR), matching rates to the hundredth.
STEPS = {"share": 1e-4, "money": 1e-6, "rate": 1e-2}


class Feasibility:
    """The feasibility LP of ``f``, loaded once; groups are dropped by changing the model only.

    Dropping a group frees its rows (-inf, inf) and its columns: a project's column to
    [0, free_upper], a regional column to [0, inf) (the contribution no longer limits it). A
    matching rule dropped leaves its row as ``sum x_i - r >= 0``: regional euros still only pay
    for their region's aid, else a dropped rule and a dropped contribution elsewhere would pay for
    anything, and name a region that has no part in the conflict. Locked awards dropped count in
    the share of projects funded as free projects do, by their funded fraction of their cap."""

    def __init__(self, f: Formulation, deadline: float) -> None:
        self.f = f
        self.deadline = deadline
        self.model = Model({"presolve": "off"})
        self.model.load(
            np.zeros(len(f.lower)),
            f.lower,
            f.upper,
            f.matrix,
            f.row_lower,
            f.row_upper,
            f.row_names,
        )
        self.row_lower, self.row_upper = f.row_lower.astype(float), f.row_upper.astype(float)
        self.col_lower, self.col_upper = f.lower.astype(float), f.upper.astype(float)
        self.free_upper = f.free_upper.astype(float)
        self.free_upper[f.n :] = math.inf
        self.matching = {g.name: m for g in f.groups if (m := _matching_row(f, g)) is not None}
        self.plain: set[str] = set()  # matching rules dropped to sum x_i - r >= 0
        self.unlocked = _unlocked_share(f)
        self.locked = True  # the project-share row counts the locked awards as locked

    def out_of_time(self) -> bool:
        return time.perf_counter() >= self.deadline

    def test(self) -> bool | None:
        """Feasible, proven infeasible, or None when undecided by the deadline."""
        remaining = self.deadline - time.perf_counter()
        if remaining <= 0:
            return None
        status = self.model.run(remaining)
        return True if status == "optimal" else False if status == "infeasible" else None

    def keep(self, active: Iterable[Group]) -> None:
        """The groups in ``active`` as the formulation states them, every other group dropped."""
        f = self.f
        kept = {g.name for g in active}
        dropped = [g for g in f.groups if g.name not in kept]
        for name, m in self.matching.items():
            if (name in kept) == (name in self.plain):
                m.plain(self.model, name not in kept)
                self.plain.symmetric_difference_update({name})
        if self.unlocked is not None and self.locked != ("locked_awards" in kept):
            self.locked = not self.locked
            row, at, as_locked, as_free = self.unlocked
            for j, v in zip(at, as_locked if self.locked else as_free, strict=True):
                self.model.change_coeff(row, int(j), float(v))
        rows = [r for g in dropped if g.name not in self.matching for r in g.rows]
        cols = [c for g in dropped for c in g.columns]
        row_lower, row_upper = f.row_lower.astype(float), f.row_upper.astype(float)
        row_lower[rows], row_upper[rows] = -math.inf, math.inf
        col_lower, col_upper = f.lower.astype(float), f.upper.astype(float)
        col_lower[cols], col_upper[cols] = 0.0, self.free_upper[cols]
        for r in np.flatnonzero((row_lower != self.row_lower) | (row_upper != self.row_upper)):
            self.set_row(int(r), row_lower[r], row_upper[r])
        for c in np.flatnonzero((col_lower != self.col_lower) | (col_upper != self.col_upper)):
            self.set_column(int(c), col_lower[c], col_upper[c])

    def set_row(self, row: int, lower: float, upper: float) -> None:
        self.model.change_row_bounds(row, lower, upper)
        self.row_lower[row], self.row_upper[row] = lower, upper

    def set_column(self, col: int, lower: float, upper: float) -> None:
        self.model.change_column_bounds(col, lower, upper)
        self.col_lower[col], self.col_upper[col] = lower, upper


def _unlocked_share(
    f: Formulation,
) -> tuple[int, npt.NDArray[np.intp], Floats, Floats] | None:
    """The project-share row's coefficients on the awards locked above 0, as the formulation
    states them (a locked award counts one project: (f_i - psi) / fixed_i) and once the locks are
    dropped ((f_i - psi) / cap_i, as any free project)."""
    share, locks = f.group("fragile_project_share"), f.group("locked_awards")
    if share is None or locks is None:
        return None
    (row,) = share.rows
    fixed = f.fixed_m()
    cols = np.array([j for j in locks.columns if j < f.n and fixed[j] > 0], dtype=np.intp)
    as_locked = f.matrix[[row], :].toarray().ravel()[cols]
    cap = f.cap_eur[cols] / M
    as_free = np.where(cap > 0, as_locked * fixed[cols] / np.where(cap > 0, cap, 1.0), 0.0)
    return row, cols, as_locked, as_free


@dataclass(frozen=True)
class MatchingRow:
    """``a sum_{i in g} x_i - b r_g >= 0``, the matching rule of region g."""

    row: int
    members: tuple[int, ...]  # the region's projects
    regional: int  # r_g's column
    a: float
    b: float

    def plain(self, model: Model, on: bool) -> None:
        for j in self.members:
            model.change_coeff(self.row, j, 1.0 if on else self.a)
        model.change_coeff(self.row, self.regional, -1.0 if on else -self.b)


def _matching_row(f: Formulation, group: Group) -> MatchingRow | None:
    if not group.name.startswith("matching_") or len(group.rows) != 1:
        return None
    (row,) = group.rows
    coefs = f.matrix[[row], :].toarray().ravel()
    regional = f.n + np.flatnonzero(coefs[f.n :])
    if len(regional) != 1:
        return None
    # The group keeps its projects: at rate 0 the follows rule's coefficients on them are 0.
    members = group.members
    a = float(coefs[members[0]]) if members else 1.0
    return MatchingRow(row, members, int(regional[0]), a, -float(coefs[regional[0]]))


@dataclass(frozen=True)
class Knob:
    """The one number that moves a group: set on the loaded model by ``move``."""

    group: Group
    kind: str  # "share", "money" or "rate": how it is rounded
    current: float
    loosest: float  # the value past which it no longer binds
    move: Callable[[float], None]
    text: Callable[[float], str]  # what the planner does: "lower ... to <value>"


def diagnose(f: Formulation, time_limit_s: float) -> Diagnosis:
    """An irreducible set of conflicting groups of ``f`` and the smallest relaxation of each.

    Stops at ``time_limit_s``; the diagnosis then says what was proven by then: the groups it names
    always conflict, but they are the smallest such set only when ``irreducible``."""
    lp = Feasibility(f, time.perf_counter() + time_limit_s)
    if not lp.out_of_time() and lp.test() is True:
        return Diagnosis(conflicts=(), relaxations=())  # only whole projects conflict
    # Deletion filter: drop each group in turn and keep it dropped if still infeasible. A group is
    # dropped only on a proof of infeasibility, so the set left always conflicts. The filter
    # favours the groups it tests last: the budget goes last, so that a conflict it takes part in
    # is named with it, the amount planners move first.
    order = [g for g in f.groups if g.name != "budget"] + [
        g for g in f.groups if g.name == "budget"
    ]
    keep = list(order)
    irreducible = True
    for group in order:
        if lp.out_of_time():
            irreducible = False
            break
        trial = [g for g in keep if g is not group]
        lp.keep(trial)
        verdict = lp.test()
        if verdict is False:
            keep = trial
        elif verdict is None:
            irreducible = False
    lp.keep(f.groups)
    conflicting = [g for g in f.groups if g in keep]  # in the formulation's order
    relaxations: list[Relaxation] = []
    unsettled = []
    for group in conflicting:
        found, settled = ([], False) if lp.out_of_time() else _relaxations(lp, group)
        relaxations.extend(found)
        if not settled:
            unsettled.append(group.name)
    return Diagnosis(
        conflicts=tuple(g.label for g in conflicting),
        relaxations=tuple(relaxations),
        names=tuple(g.name for g in conflicting),
        irreducible=irreducible,
        unsettled=tuple(unsettled),
    )


def _relaxations(lp: Feasibility, group: Group) -> tuple[list[Relaxation], bool]:
    """Each way to relax ``group`` alone, and whether the search was settled in time."""
    if group.name in RELEASES:
        lp.keep(g for g in lp.f.groups if g is not group)
        verdict = lp.test()
        lp.keep(lp.f.groups)
        if verdict is not True:
            return [], verdict is False
        current = float(len(group.columns))
        return [Relaxation(group.name, group.label, current, 0.0, RELEASES[group.name])], True
    found: list[Relaxation] = []
    settled = True
    for knob in knobs(lp, group):
        if lp.out_of_time():
            return found, False
        relaxation, done = _smallest(lp, knob)
        settled = settled and done
        if relaxation is not None:
            found.append(relaxation)
    return found, settled


def knobs(lp: Feasibility, group: Group) -> list[Knob]:
    name = group.name
    if name in ("fragile_share", "decarbonisation_share", "fragile_project_share"):
        return _share(lp, group)
    if name.startswith("sector_"):
        return _share(lp, group)
    if name.startswith("matching_"):
        return _matching(lp, group)
    if name.startswith("contribution_"):
        return _contribution(lp, group)
    return [k for row in group.rows for k in _row_sides(lp, group, row)]


def _smallest(lp: Feasibility, knob: Knob) -> tuple[Relaxation | None, bool]:
    """The smallest relaxation of ``knob`` alone, and whether it is proven the smallest (or proven
    not to exist)."""
    try:
        knob.move(knob.loosest)
        verdict = lp.test()
        if verdict is not True:
            return None, verdict is False
        step = STEPS[knob.kind]
        precision = step / 1000
        bad, good = knob.current, knob.loosest
        settled = True
        for _ in range(BISECTIONS):
            if abs(good - bad) <= precision:
                break
            if lp.out_of_time():
                settled = False  # good is still feasible, maybe not the smallest
                break
            mid = (bad + good) / 2
            knob.move(mid)
            verdict = lp.test()
            if verdict is True:
                good = mid
            else:
                settled = settled and verdict is False
                bad = mid
        up = knob.loosest > knob.current
        # To the step, towards the loose side; within the bisection's precision counts as on it.
        ticks = good / step
        slack = precision / step
        suggested = (math.ceil(ticks - slack) if up else math.floor(ticks + slack)) * step
        if suggested != good and not lp.out_of_time():
            knob.move(suggested)
            if lp.test() is not True:  # the solver's tolerance: one step more
                suggested += step if up else -step
        if (suggested > knob.loosest) if up else (suggested < knob.loosest):
            suggested = knob.loosest
    finally:
        knob.move(knob.current)
    text = knob.text(suggested)
    current = knob.current
    if knob.kind == "money":
        current, suggested = round(current * M), round(suggested * M)
    relaxation = Relaxation(
        knob.group.name, knob.group.label, float(current), float(suggested), text
    )
    return relaxation, settled


def _row_sides(lp: Feasibility, group: Group, row: int) -> list[Knob]:
    """A money row's minimum and maximum, each a knob when it binds at all (budget, minimum
    spend, envelopes)."""
    f = lp.f
    coefs = f.matrix[[row], :].toarray().ravel()
    at_lower, at_upper = coefs * f.lower, coefs * f.upper
    least = max(0.0, float(np.minimum(at_lower, at_upper).sum()))
    most = float(np.maximum(at_lower, at_upper).sum())
    lower, upper = float(f.row_lower[row]), float(f.row_upper[row])
    found = []
    if lower > least:

        def move_lower(v: float) -> None:
            lp.set_row(row, v, upper)

        found.append(Knob(group, "money", lower, least, move_lower, _money_text(group, "lower")))
    if upper < most:

        def move_upper(v: float) -> None:
            lp.set_row(row, lower, v)

        found.append(Knob(group, "money", upper, most, move_upper, _money_text(group, "upper")))
    return found


def _money_text(group: Group, side: str) -> Callable[[float], str]:
    verb = "lower" if side == "lower" else "raise"
    if group.name == "budget":
        what = "the budget"
    elif group.name == "min_spend":
        what = "the minimum spend"
    elif group.label.endswith(" envelope"):  # "region 84's envelope"
        what = group.label.replace(" envelope", " minimum" if side == "lower" else " maximum")
        what += " envelope"
    else:
        what = group.label
    return lambda v: f"{verb} {what} to {money(v)}"


def _share(lp: Feasibility, group: Group) -> list[Knob]:
    """A floor ``sum (member_i - phi) w_i x_i >= 0`` (w_i = 1 on euros, Formulation.project_weights
    on projects):
    phi is read from the coefficients (a non-member's is -phi w_i) and moved by changing them."""
    f = lp.f
    (row,) = group.rows
    coefs = f.matrix[[row], : f.n].toarray().ravel()
    w = f.project_weights() if group.name == "fragile_project_share" else np.ones(f.n)
    counted = np.flatnonzero(w > 0)
    if not len(counted):
        return []
    phi = -float((coefs[counted] / w[counted]).min())
    if phi <= 0:
        return []  # every project a member: the floor never binds

    def move(v: float) -> None:
        for j in counted:
            lp.model.change_coeff(row, int(j), float(coefs[j] + (phi - v) * w[j]))

    of = "projects funded" if group.name == "fragile_project_share" else "euros spent"
    floor = group.label.split(" (")[0]  # "the fragile-territory floor"
    return [Knob(group, "share", phi, 0.0, move, lambda v: f"lower {floor} to {_pct(v)} of {of}")]


def _matching(lp: Feasibility, group: Group) -> list[Knob]:
    """``a sum x_i - b r >= 0``: requires (a = 1, b = 1 + m: lower m) or follows (a = m,
    b = 1 + m: raise m). At m = 1 both read alike; the label then tells them apart."""
    m = lp.matching.get(group.name)
    if m is None:
        return []
    row, members, r, a, b = m.row, m.members, m.regional, m.a, m.b
    requires = math.isclose(a, 1.0) and (not math.isclose(b, 2.0) or "needs" in group.label)
    code = group.name.removeprefix("matching_")
    if requires:

        def move_requires(v: float) -> None:
            lp.model.change_coeff(row, r, -(1.0 + v))

        verb, current, loosest, move = "lower", b - 1.0, 0.0, move_requires
    else:

        def move_follows(v: float) -> None:
            for j in members:
                lp.model.change_coeff(row, j, v)
            lp.model.change_coeff(row, r, -(1.0 + v))

        verb, current, loosest, move = "raise", a, 1.0, move_follows
    if current == loosest:
        return []
    text = f"{verb} the matching rate in region {code} to " + "{:.2f}"
    return [Knob(group, "rate", current, loosest, move, text.format)]


def _contribution(lp: Feasibility, group: Group) -> list[Knob]:
    f = lp.f
    (col,) = group.columns
    current = float(f.upper[col])
    # Regional euros go to the region's projects only: all the aid there is the most it can use.
    loosest = max(current, float(f.upper[: f.n].sum()))
    lower = float(f.lower[col])

    def move(v: float) -> None:
        lp.set_column(col, lower, v)

    return [
        Knob(group, "money", current, loosest, move, lambda v: f"raise {group.label} to {money(v)}")
    ]


def _pct(share: float) -> str:
    return f"{100 * share:.2f}".rstrip("0").rstrip(".") + " %"
