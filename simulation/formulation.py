"""The allocation problem with every lever of format version 2, as one sparse LP.

Columns: x_i, project i's whole public aid (State + regional), then one column r_g per region g
with a contribution (the regional euros used there). Rows carry stable names and are gathered in
Groups, one per planner constraint, so that a diagnosis can drop a constraint as a whole. Money is
in M EUR, as in simulation/lp.py; floors read ``sum (f_i - phi) x_i >= 0``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from simulation import lp
from simulation.errors import EngineError
from simulation.levers import CRITERIA, CoFunding
from simulation.projects import ProjectColumns
from simulation.scenario import RegionEnvelope, Scenario
from simulation.scenario_fields import did_you_mean

M = lp.M
INF = lp.INF
Floats = lp.Floats
Ints = lp.Ints
# What a criterion's pool total counts, for the error that names a criterion no project declares.
DECLARED = {
    "jobs_created": "jobs created",
    "jobs_kept": "jobs secured",
    "co2_avoided_t": "tCO2e avoided",
    "leverage": "investment",
}


@dataclass(frozen=True)
class Group:
    """One planner constraint the diagnosis may drop as a whole."""

    name: str  # stable: budget, fragile_share, region_84, matching_84, contribution_84, ...
    label: str  # planner words: "region 84's envelope"
    rows: tuple[int, ...] = ()  # its rows
    columns: tuple[int, ...] = ()  # columns whose bounds it sets (locks, forcing, contribution)
    # A matching rule's projects (its region's), kept even where the row's coefficient is 0 (the
    # follows rule at rate 0), so that the diagnosis can turn the rule into sum x_i - r_g >= 0.
    members: tuple[int, ...] = ()


@dataclass(frozen=True, eq=False)
class Formulation:
    n: int  # projects; columns n.. are the regional columns
    cost: Floats  # per column, score per M EUR (0 for regional columns)
    lower: Floats  # per column, M EUR
    upper: Floats
    free_upper: Floats  # per column: the upper bound with no lock or forcing (cap / C_g)
    matrix: sp.csc_matrix  # rows x columns
    row_lower: Floats
    row_upper: Floats
    row_names: tuple[str, ...]
    groups: tuple[Group, ...]
    regional_codes: tuple[str, ...]  # region of each regional column, in column order
    cap_eur: Ints
    scores: Mapping[str, Floats]  # criterion -> weight * scale * rate per project (sum = cost[:n])
    weights: Mapping[str, float]  # normalised to sum 1, every criterion of CRITERIA
    budget_m: float

    def group(self, name: str) -> Group | None:
        return next((g for g in self.groups if g.name == name), None)

    def fixed_m(self) -> Floats:
        """Each project's locked amount in M EUR, -1 where it is not locked."""
        fixed = np.full(self.n, -1.0)
        locked = self.group("locked_awards")
        at = list(locked.columns if locked is not None else ())
        fixed[at] = self.lower[at]
        return fixed

    def project_weights(self) -> Floats:
        """Each project's weight in the project-share floor's row (see ``project_weights``)."""
        return project_weights(self.cap_eur / M, self.fixed_m())


def project_weights(cap_m: Floats, fixed_m: Floats) -> Floats:
    """How much of one project each M EUR of its aid counts for in the share of projects funded:
    1 / cap_i, so that a project funded in full counts 1 (a partly funded one its fraction); a
    locked project counts 1 whatever its amount against its cap (1 / its fixed amount), and none
    when locked at 0 or when its cap is 0."""
    locked = fixed_m >= 0
    amount = np.where(locked, fixed_m, cap_m)
    return np.where(amount > 0, 1.0 / np.where(amount > 0, amount, 1.0), 0.0)


def rates(projects: ProjectColumns) -> dict[str, Floats]:
    """Each criterion per M EUR of aid requested (0 for a project that requests none)."""
    aid = projects.aid_requested_eur.astype(np.float64)
    values = {
        "jobs_created": projects.jobs_created,
        "jobs_kept": projects.jobs_kept,
        "co2_avoided_t": projects.co2_avoided_t,
        "leverage": projects.investment_eur / M,  # M EUR of investment
    }
    # The expression of lp.build, so that jobs-only weights give its jobs_per_meur bit for bit.
    return {
        k: np.where(aid > 0, v * M / np.maximum(aid, 1.0), 0.0).astype(np.float64)
        for k, v in values.items()
    }


def normalised(weights: Mapping[str, float]) -> dict[str, float]:
    # Divided by the largest first: weights near the float limit would otherwise sum to inf.
    largest = max((weights.get(k, 0.0) for k in CRITERIA), default=0.0)
    if not largest > 0:
        return {k: 0.0 for k in CRITERIA}
    relative = {k: weights.get(k, 0.0) / largest for k in CRITERIA}
    total = sum(relative.values())
    return {k: v / total for k, v in relative.items()}


def undeclared(
    projects: ProjectColumns, weights: Mapping[str, float], *, whole_pool: bool = True
) -> tuple[str, ...]:
    """The weighted criteria that no project declares (their pool total is 0): they cannot score.

    Raises EngineError when every weighted criterion is such, unless ``projects`` are only part
    of the pool (``whole_pool=False``: a review round knows the projects recorded by its date;
    the whole pool was checked first)."""
    aid = projects.aid_requested_eur.astype(np.float64)
    per_meur = rates(projects)
    weighted = [k for k in CRITERIA if weights.get(k, 0.0) > 0]
    empty = tuple(k for k in weighted if not float(per_meur[k] @ aid) > 0)
    if weighted and len(empty) == len(weighted) and whole_pool:
        k = empty[0]
        raise EngineError(
            f"objective.weights.{k}",
            f"no competing project declares any {DECLARED[k]}; weigh another criterion",
        )
    return empty


def scores(projects: ProjectColumns, weights: Mapping[str, float]) -> dict[str, Floats]:
    """Each weighted criterion's part of the score per M EUR, in jobs-equivalents: a criterion's
    rate is scaled by the pool's jobs created per M EUR over the pool's own rate."""
    per_meur = rates(projects)
    # The pool's own totals: each rate times the aid requested.
    aid = projects.aid_requested_eur.astype(np.float64)
    pool = {k: float(per_meur[k] @ aid) / M for k in CRITERIA}
    out = {}
    for k, w in weights.items():
        if w <= 0:
            continue
        scale = 1.0 if k == "jobs_created" else (pool["jobs_created"] / pool[k] if pool[k] else 0.0)
        out[k] = w * scale * per_meur[k]
    return out


class _Rows:
    """Rows gathered as coordinate triplets, then one sparse matrix."""

    def __init__(self, columns: int) -> None:
        self.columns = columns
        self.names: list[str] = []
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.triplets: list[tuple[npt.NDArray[np.int64], Floats]] = []  # (columns, values)

    def add(
        self, name: str, cols: npt.NDArray[np.int64], values: npt.ArrayLike, lo: float, hi: float
    ) -> int:
        self.names.append(name)
        self.lower.append(lo)
        self.upper.append(hi)
        self.triplets.append(
            (cols.astype(np.int64), np.broadcast_to(values, cols.shape).astype(float))
        )
        return len(self.names) - 1

    def matrix(self) -> sp.csc_matrix:
        rows = np.concatenate(
            [np.full(len(c), r, dtype=np.int64) for r, (c, _) in enumerate(self.triplets)]
        )
        cols = np.concatenate([c for c, _ in self.triplets])
        values = np.concatenate([v for _, v in self.triplets])
        keep = values != 0
        shape = (len(self.names), self.columns)
        return sp.csc_matrix((values[keep], (rows[keep], cols[keep])), shape=shape)


def build(
    scenario: Scenario,
    projects: ProjectColumns,
    *,
    fixed_eur: Ints | None = None,
    budget_eur: int | None = None,
    whole_pool: bool = True,
) -> Formulation:
    """The LP of ``scenario`` over ``projects``. ``whole_pool=False`` says the projects are part
    of the pool only (a review round's): a sector, department or territory none of them is in,
    or a criterion none of them declares, is then no mistake of the scenario."""
    lp.check(scenario, projects)
    c = scenario.constraints
    n = len(projects)
    cap_eur = lp.caps_eur(projects, c.max_aid_intensity)
    cap = cap_eur / M
    co = scenario.co_funding
    regional_codes = tuple(sorted(co.contributions))
    k = len(regional_codes)
    given = scenario.objective.weights
    dropped = undeclared(projects, given, whole_pool=whole_pool)
    weights = normalised({k: w for k, w in given.items() if k not in dropped})
    parts = scores(projects, weights)
    cost = np.zeros(n + k)
    for part in parts.values():
        cost[:n] += part
    budget_m = (scenario.budget_eur if budget_eur is None else budget_eur) / M

    every = np.arange(n, dtype=np.int64)
    regional = np.arange(n, n + k, dtype=np.int64)
    both = np.concatenate([every, regional])
    state = np.concatenate([np.ones(n), -np.ones(k)])  # State euros: aid minus regional euros
    rows = _Rows(n + k)
    groups: list[Group] = []

    def group(name: str, label: str, *row: int, columns: tuple[int, ...] = ()) -> None:
        groups.append(Group(name, label, tuple(row), columns))

    group("budget", "the budget", rows.add("budget", both, state, -INF, budget_m))
    if c.min_spend_share > 0:
        lo = c.min_spend_share * budget_m
        group("min_spend", "the minimum spend", rows.add("min_spend", both, state, lo, INF))
    share_floors = (
        ("fragile_share", "fragile-territory", projects.fragile, c.fragile_share_min),
        (
            "decarbonisation_share",
            "decarbonisation",
            projects.decarbonisation,
            c.decarbonisation_share_min,
        ),
    )
    for name, word, member, share in share_floors:
        if share > 0:
            label = f"the {word} floor (share of euros)"
            group(name, label, rows.add(name, every, member - share, 0.0, INF))
    fixed = locked_eur(scenario, projects, fixed_eur)
    if c.fragile_project_share_min > 0:
        psi = c.fragile_project_share_min
        weight = project_weights(cap, np.where(fixed >= 0, fixed / M, -1.0))
        counted = np.flatnonzero(weight > 0)
        values = (projects.fragile[counted] - psi) * weight[counted]
        name = "fragile_project_share"
        label = "the fragile-territory floor (share of projects funded)"
        group(name, label, rows.add(name, counted, values, 0.0, INF))
    department = np.asarray(projects.department).astype(str)
    territory = np.asarray(projects.territory).astype(str)
    if whole_pool:
        _known(c.departments, department, "constraints.departments", "department")
        _known(c.territories, territory, "constraints.territories", "territory")
    envelopes = (
        ("region", c.regions, np.asarray(projects.region).astype(str)),
        ("department", c.departments, department),
        ("territory", c.territories, territory),
    )
    for kind, mapping, column in envelopes:
        for code in sorted(mapping):
            bounds = _bounds(mapping[code])
            if bounds is None:
                continue
            name = f"{kind}_{code}"
            row = rows.add(name, np.flatnonzero(column == code), np.ones(1), *bounds)
            group(name, f"{kind} {code}'s envelope", row)
    if whole_pool:
        _known(c.sectors, np.asarray(projects.sector).astype(str), "constraints.sectors", "sector")
    for sector, share in sorted(c.sectors.items()):
        name = f"sector_{sector}"
        values = (projects.sector == sector) - share
        group(
            name,
            f"the {sector} sector floor (share of euros)",
            rows.add(name, every, values, 0.0, INF),
        )
    region_of = np.asarray(projects.region).astype(str)
    for j, code in enumerate(regional_codes):
        members = np.flatnonzero(region_of == code)
        name = f"matching_{code}"
        cols = np.append(members, n + j)
        values = np.append(np.full(len(members), _state_factor(co)), -(1 + co.matching.rate))
        row = rows.add(name, cols, values, 0.0, INF)
        in_region = tuple(int(i) for i in members)
        groups.append(Group(name, _matching_label(code, co), (row,), members=in_region))

    free_upper = np.concatenate([cap, [co.contributions[g] / M for g in regional_codes]])
    lower = np.zeros(n + k)
    upper = free_upper.copy()
    for j, code in enumerate(regional_codes):
        group(f"contribution_{code}", f"region {code}'s contribution", columns=(n + j,))
    for side, ids in (
        ("force_in", scenario.controls.force_in),
        ("force_out", scenario.controls.force_out),
    ):
        at = _positions(projects, ids, f"controls.{side}")
        if side == "force_in":
            lower[at] = upper[at]
            at = at[fixed[at] < 0]  # a locked project keeps its award: the lock wins
        else:
            _not_locked(ids, projects, fixed)
            upper[at] = 0.0
        if len(at):
            label = "the projects forced in" if side == "force_in" else "the projects forced out"
            group(side, label, columns=tuple(int(i) for i in at))
    at = np.flatnonzero(fixed >= 0)
    lower[at] = upper[at] = fixed[at] / M
    if len(at):
        group("locked_awards", "the awards already made", columns=tuple(int(i) for i in at))
    return Formulation(
        n=n,
        cost=cost,
        lower=lower,
        upper=upper,
        free_upper=free_upper,
        matrix=rows.matrix(),
        row_lower=np.array(rows.lower),
        row_upper=np.array(rows.upper),
        row_names=tuple(rows.names),
        groups=tuple(groups),
        regional_codes=regional_codes,
        cap_eur=cap_eur,
        scores=parts,
        weights=weights,
        budget_m=budget_m,
    )


def locked_eur(scenario: Scenario, projects: ProjectColumns, fixed_eur: Ints | None) -> Ints:
    """Euros fixed per project (-1: free): ``fixed_eur`` first, then the awards already made when
    the controls lock them (only those recorded on or before ``awards_until`` when given)."""
    n = len(projects)
    fixed = np.full(n, -1, dtype=np.int64) if fixed_eur is None else np.asarray(fixed_eur)
    if len(fixed) != n:
        raise EngineError("fixed_eur", f"has {len(fixed)} values for {n} projects")
    controls = scenario.controls
    if not controls.lock_awards:
        return fixed
    awarded = projects.award_eur > 0
    if controls.awards_until is not None:
        until = np.datetime64(controls.awards_until, "D")
        awarded &= projects.record_date <= until  # NaT compares false: not recorded, not locked
    return np.where((fixed < 0) & awarded, projects.award_eur, fixed).astype(np.int64)


def _positions(projects: ProjectColumns, ids: tuple[int, ...], field: str) -> npt.NDArray[np.intp]:
    wanted = np.asarray(ids, dtype=np.int64)
    found = np.isin(wanted, projects.ids)
    if not found.all():
        i = int(np.flatnonzero(~found)[0])
        raise EngineError(f"{field}[{i}]", f"no competing project has id {int(wanted[i])}")
    return np.flatnonzero(np.isin(projects.ids, wanted)).astype(np.intp)


def _not_locked(ids: tuple[int, ...], projects: ProjectColumns, fixed: Ints) -> None:
    """A project forced out cannot keep a locked award (one locked at 0 is out already)."""
    awarded = set(projects.ids[fixed > 0].tolist())
    for i, project in enumerate(ids):
        if project in awarded:
            raise EngineError(
                f"controls.force_out[{i}]",
                f"project {project} has a locked award (controls.lock_awards): it cannot be "
                "forced out",
            )


def _known(
    mapping: Mapping[str, object], column: npt.NDArray[np.str_], field: str, word: str
) -> None:
    """Each key of ``mapping`` names a sector, department or territory some project is in."""
    present = set(column.tolist())
    for key in sorted(mapping):
        if key not in present:
            hint = did_you_mean(key, sorted(present - {""}))
            raise EngineError(f"{field}.{key}", f"no competing project is in this {word}{hint}")


def _bounds(env: RegionEnvelope) -> tuple[float, float] | None:
    if env.min_eur is None and env.max_eur is None:
        return None
    return (
        0.0 if env.min_eur is None else env.min_eur / M,
        INF if env.max_eur is None else env.max_eur / M,
    )


def _state_factor(co: CoFunding) -> float:
    # requires: aid - (1 + m) r >= 0, i.e. State = aid - r >= m r;
    # follows: m aid - (1 + m) r >= 0, i.e. r <= m (aid - r).
    return 1.0 if co.matching.rule == "requires" else co.matching.rate


def _matching_label(code: str, co: CoFunding) -> str:
    return f"the matching rule in region {code} ({co.matching.words()})"
