"""The diagnosis of the general formulation, on small formulations built by hand (money in M EUR).

Each case is checked by hand in its comment, and every suggested relaxation is put back into the
formulation and re-checked with SciPy's LP solver, not with the diagnosis's own model."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import linprog

from simulation import conflicts
from simulation.conflicts import diagnose
from simulation.formulation import Formulation, Group, build
from simulation.highs import Model
from simulation.levers import CoFunding, Controls, Matching
from simulation.result import Diagnosis, Relaxation, Status
from simulation.scenario import Constraints, RegionEnvelope, Scenario
from simulation.solve import solve
from tests.simulation.conftest import projects_of

INF = math.inf
MEUR = 1_000_000


class Hand:
    """A formulation written row by row: the projects' caps, then one regional column per
    contribution; each row or bound-setting control is its own group."""

    def __init__(self, caps_m: Sequence[float], contributions: dict[str, float] | None = None):
        self.n = len(caps_m)
        self.codes = tuple(sorted(contributions or {}))
        amounts = [(contributions or {})[c] for c in self.codes]
        self.free_upper = np.array([*caps_m, *amounts], dtype=np.float64)
        self.lower = np.zeros(len(self.free_upper))
        self.upper = self.free_upper.copy()
        self.rows: list[tuple[str, dict[int, float], float, float]] = []
        self.groups: list[Group] = []
        self.budget_m = INF

    def row(self, name: str, label: str, coefs: dict[int, float], lo: float, hi: float) -> Hand:
        self.rows.append((name, coefs, lo, hi))
        self.groups.append(Group(name, label, rows=(len(self.rows) - 1,)))
        return self

    def budget(self, budget_m: float) -> Hand:
        # State money: aid minus the regional euros.
        coefs = {j: 1.0 for j in range(self.n)} | {self.n + k: -1.0 for k in range(len(self.codes))}
        self.budget_m = budget_m
        return self.row("budget", "the budget", coefs, -INF, budget_m)

    def share(self, name: str, label: str, members: Sequence[int], phi: float) -> Hand:
        coefs = {j: (j in members) - phi for j in range(self.n)}
        return self.row(name, label, coefs, 0.0, INF)

    def envelope(self, kind: str, code: str, members: Sequence[int], lo: float, hi: float) -> Hand:
        coefs = {j: 1.0 for j in members}
        return self.row(f"{kind}_{code}", f"{kind} {code}'s envelope", coefs, lo, hi)

    def matching(self, code: str, members: Sequence[int], rule: str, rate: float) -> Hand:
        r = self.n + self.codes.index(code)
        a = 1.0 if rule == "requires" else rate
        words = "each regional euro needs" if rule == "requires" else "at most"
        label = f"the matching rule in region {code} ({words} {rate:.1f} ...)"
        coefs = {j: a for j in members} | {r: -(1.0 + rate)}
        self.row(f"matching_{code}", label, coefs, 0.0, INF)
        # As the formulation does: the group keeps its projects, even at coefficient 0.
        self.groups[-1] = replace(self.groups[-1], members=tuple(members))
        self.groups.append(Group(f"contribution_{code}", f"region {code}'s contribution", (), (r,)))
        return self

    def fix(self, name: str, label: str, columns: dict[int, tuple[float, float]]) -> Hand:
        for j, (lo, hi) in columns.items():
            self.lower[j], self.upper[j] = lo, hi
        self.groups.append(Group(name, label, (), tuple(columns)))
        return self

    def build(self) -> Formulation:
        cells = [
            (i, j, v) for i, (_, coefs, _, _) in enumerate(self.rows) for j, v in coefs.items()
        ]
        cells = [c for c in cells if c[2] != 0]  # as the formulation stores them
        rows, cols, values = zip(*cells, strict=True)
        shape = (len(self.rows), len(self.free_upper))
        cap_eur = np.round(self.free_upper[: self.n] * 1e6).astype(np.int64)
        return Formulation(
            n=self.n,
            cost=np.zeros(len(self.free_upper)),
            lower=self.lower,
            upper=self.upper,
            free_upper=self.free_upper,
            matrix=sp.csc_matrix((values, (rows, cols)), shape=shape),
            row_lower=np.array([r[2] for r in self.rows]),
            row_upper=np.array([r[3] for r in self.rows]),
            row_names=tuple(r[0] for r in self.rows),
            groups=tuple(self.groups),
            regional_codes=self.codes,
            cap_eur=cap_eur,
            scores={},
            weights={},
            budget_m=self.budget_m,
        )


def feasible(f: Formulation) -> bool:
    """SciPy's answer on the same rows, as a check independent of the diagnosis's model."""
    a = f.matrix.toarray()
    finite_hi, finite_lo = np.isfinite(f.row_upper), np.isfinite(f.row_lower)
    res = linprog(
        np.zeros(a.shape[1]),
        A_ub=np.vstack([a[finite_hi], -a[finite_lo]]),
        b_ub=np.concatenate([f.row_upper[finite_hi], -f.row_lower[finite_lo]]),
        bounds=list(zip(f.lower, f.upper, strict=True)),
        method="highs",
    )
    assert res.status in (0, 2)
    return bool(res.status == 0)


def relaxation(d: Diagnosis, name: str) -> Relaxation:
    (found,) = [r for r in d.relaxations if r.name == name]
    return found


def region_84(rule: str, rate: float, budget_m: float, contribution_m: float = 25.0) -> Hand:
    # Region 84's two projects can take 20 M EUR each, region 11's one 10 M EUR; region 84 must
    # receive at least 30 M EUR of public aid (State + regional).
    return (
        Hand([20, 20, 10], {"84": contribution_m})
        .budget(budget_m)
        .envelope("region", "84", [0, 1], 30, INF)
        .matching("84", [0, 1], rule, rate)
    )


def test_a_matching_rule_that_makes_a_regional_minimum_impossible_is_named() -> None:
    # Each regional euro needs 1 State euro: r <= aid/2, so 30 M EUR in region 84 take at least
    # 15 M EUR of State money, above the 10 M EUR budget. The contribution (25 M EUR) is not what
    # binds: without the rule, 25 regional + 5 State euros would do.
    f = region_84("requires", 1.0, 10).build()
    assert not feasible(f)
    d = diagnose(f, 30.0)
    assert d.names == ("budget", "region_84", "matching_84")
    assert d.conflicts[2].startswith("the matching rule in region 84")
    assert d.complete
    # State = 30 m / (1 + m) <= 10 when m <= 0.5 (and r = 30 / 1.5 = 20 <= 25).
    rate = relaxation(d, "matching_84")
    assert (rate.current, rate.suggested) == (1.0, 0.5)
    assert rate.text == "lower the matching rate in region 84 to 0.50"
    assert feasible(region_84("requires", 0.5, 10).build())
    assert not feasible(region_84("requires", 0.51, 10).build())
    # The budget alone: 15 M EUR; the envelope alone: 20 M EUR (State = aid / 2 <= 10).
    assert relaxation(d, "budget").suggested == 15_000_000
    assert relaxation(d, "budget").text == "raise the budget to 15.0 M EUR"
    assert relaxation(d, "region_84").text == "lower region 84's minimum envelope to 20.0 M EUR"
    assert feasible(region_84("requires", 1.0, 15).build())


def test_a_short_contribution_is_named_with_the_amount_that_works() -> None:
    # Rate 0.2: r <= 30 / 1.2 = 25, but the region gives 15: State >= 30 - 15 = 15 > 10. The rule
    # does not bind; a contribution of 20 M EUR makes State = 10.
    f = region_84("requires", 0.2, 10, contribution_m=15).build()
    d = diagnose(f, 30.0)
    assert d.names == ("budget", "region_84", "contribution_84")
    more = relaxation(d, "contribution_84")
    assert (more.current, more.suggested) == (15_000_000, 20_000_000)
    assert more.text == "raise region 84's contribution to 20.0 M EUR"
    assert feasible(region_84("requires", 0.2, 10, contribution_m=20).build())
    assert not feasible(region_84("requires", 0.2, 10, contribution_m=19.9).build())


def test_a_follows_rule_is_relaxed_by_raising_its_rate() -> None:
    # At most 0.25 regional euro per State euro: r <= 0.25 / 1.25 x 30 = 6, State >= 24 > 16.
    # State = 30 / (1 + m) <= 16 when m >= 0.875: rounded up, 0.88.
    f = region_84("follows", 0.25, 16).build()
    d = diagnose(f, 30.0)
    assert "matching_84" in d.names
    rate = relaxation(d, "matching_84")
    assert (rate.current, rate.suggested) == (0.25, 0.88)
    assert rate.text == "raise the matching rate in region 84 to 0.88"
    assert feasible(region_84("follows", 0.88, 16).build())
    assert not feasible(region_84("follows", 0.87, 16).build())


def test_a_contribution_elsewhere_takes_no_part() -> None:
    # Region 11 also gives 25 M EUR under the same rule. Its euros pay for region 11's aid only,
    # so they cannot relieve region 84: even with region 11's rule and contribution both dropped,
    # its regional euros stay below its projects' aid.
    hand = Hand([20, 20, 10], {"11": 25.0, "84": 25.0}).budget(10)
    hand.envelope("region", "84", [0, 1], 30, INF)
    hand.matching("11", [2], "requires", 1.0).matching("84", [0, 1], "requires", 1.0)
    d = diagnose(hand.build(), 30.0)
    assert d.names == ("budget", "region_84", "matching_84")
    assert d.complete


def test_of_two_conflicts_the_one_with_the_budget_is_named() -> None:
    # An award of 8 M EUR outside fragile territories is locked; half the euros must go to
    # fragile ones, so 8 M EUR of them: the budget of 12 allows 4, region 11's maximum 3. Both
    # sets conflict; the budget is tried last, so the set found is the one that names it.
    hand = Hand([8, 10]).budget(12)
    hand.share("fragile_share", "the fragile-territory floor (share of euros)", [1], 0.5)
    hand.envelope("region", "11", [1], 0, 3)
    hand.fix("locked_awards", "the awards already made", {0: (8.0, 8.0)})
    d = diagnose(hand.build(), 30.0)
    assert d.names == ("budget", "fragile_share", "locked_awards")
    # Alone, all others in force: 3 / (8 + 3) of the euros at most; no budget helps past
    # region 11's maximum.
    assert [r.name for r in d.relaxations] == ["fragile_share", "locked_awards"]
    floor = relaxation(d, "fragile_share")
    assert floor.text == "lower the fragile-territory floor to 27.27 % of euros spent"


def sector(phi: float, min_spend_m: float = 20.0) -> Formulation:
    # Sector A has one project (cap 5), the two others 10 each; at least 20 M EUR must be spent.
    return (
        Hand([5, 10, 10])
        .budget(25)
        .row("min_spend", "the minimum spend", {0: 1.0, 1: 1.0, 2: 1.0}, min_spend_m, INF)
        .share("sector_A", "the A sector floor (share of euros)", [0], phi)
        .build()
    )


def test_a_sector_floor_above_what_the_sector_can_absorb() -> None:
    # 40 % of at least 20 M EUR is 8 M EUR, the sector's project takes 5: the floor can be
    # 5 / 20 = 25 %, or the minimum spend 5 / 0.4 = 12.5 M EUR. The budget plays no part.
    d = diagnose(sector(0.4), 30.0)
    assert d.names == ("min_spend", "sector_A")
    floor = relaxation(d, "sector_A")
    assert (floor.current, floor.suggested) == (0.4, 0.25)
    assert floor.text == "lower the A sector floor to 25 % of euros spent"
    spend = relaxation(d, "min_spend")
    assert spend.text == "lower the minimum spend to 12.5 M EUR"
    assert feasible(sector(0.25)) and not feasible(sector(0.26))
    assert feasible(sector(0.4, min_spend_m=12.5))


def fragile_projects(psi: float) -> Hand:
    # Project 0 is fragile (cap 2), projects 1 and 2 are not (cap 1 each) and are forced in: at
    # most one funded project in three is fragile. The row counts funded projects:
    # sum (f_i - psi) x_i / cap_i >= 0.
    return (
        Hand([2, 1, 1])
        .budget(10)
        .row(
            "fragile_project_share",
            "the fragile-territory floor (share of projects funded)",
            {0: (1 - psi) / 2, 1: -psi, 2: -psi},
            0.0,
            INF,
        )
        .fix("force_in", "the projects forced in", {1: (1.0, 1.0), 2: (1.0, 1.0)})
    )


def test_a_fragile_project_share_floor_is_lowered_to_the_share_of_projects_that_works() -> None:
    d = diagnose(fragile_projects(0.69).build(), 30.0)
    assert d.names == ("fragile_project_share", "force_in")
    # One fragile project in three: 33.33 % (rounded down to the hundredth of a point).
    floor = relaxation(d, "fragile_project_share")
    assert floor.suggested == pytest.approx(0.3333)
    assert floor.text == "lower the fragile-territory floor to 33.33 % of projects funded"
    assert feasible(fragile_projects(0.3333).build())
    assert not feasible(fragile_projects(0.3334).build())
    forced = relaxation(d, "force_in")
    assert forced.text == "drop the forced projects"


def test_locked_awards_above_the_budget() -> None:
    # Awards of 6 and 7 M EUR are locked; the budget is 10.
    f = (
        Hand([6, 7, 5])
        .budget(10)
        .fix(
            "locked_awards",
            "the awards already made",
            {
                0: (6.0, 6.0),
                1: (7.0, 7.0),
            },
        )
    )
    d = diagnose(f.build(), 30.0)
    assert d.names == ("budget", "locked_awards")
    assert relaxation(d, "budget").text == "raise the budget to 13.0 M EUR"
    freed = relaxation(d, "locked_awards")
    assert (freed.text, freed.current, freed.suggested) == ("free the locked awards", 2.0, 0.0)


def test_a_department_minimum_above_its_projects_caps_is_a_conflict_on_its_own() -> None:
    # Department 59's projects can take 3 + 4 = 7 M EUR; its envelope asks at least 10.
    hand = Hand([3, 4, 8]).budget(20).envelope("department", "59", [0, 1], 10, 12)
    d = diagnose(hand.build(), 30.0)
    assert d.names == ("department_59",) and d.complete
    (only,) = d.relaxations
    assert (only.current, only.suggested) == (10_000_000, 7_000_000)
    assert only.text == "lower department 59's minimum envelope to 7.0 M EUR"


def test_an_envelope_maximum_is_raised() -> None:
    # The minimum spend of 18 M EUR needs 8 M EUR from region 11 (project 2 takes 10; the
    # others 10 at most), whose maximum is 5.
    hand = (
        Hand([4, 6, 10])
        .budget(20)
        .row("min_spend", "the minimum spend", {0: 1.0, 1: 1.0, 2: 1.0}, 18, INF)
        .envelope("region", "11", [2], 0, 5)
    )
    d = diagnose(hand.build(), 30.0)
    assert d.names == ("min_spend", "region_11")
    assert relaxation(d, "region_11").text == "raise region 11's maximum envelope to 8.0 M EUR"
    assert relaxation(d, "min_spend").text == "lower the minimum spend to 15.0 M EUR"


def test_a_feasible_formulation_has_nothing_to_diagnose() -> None:
    d = diagnose(Hand([3, 4]).budget(5).build(), 30.0)
    assert d.conflicts == () and d.relaxations == ()


def test_a_tiny_time_limit_says_the_set_is_not_irreducible() -> None:
    f = region_84("requires", 1.0, 10).build()
    start = time.perf_counter()
    d = diagnose(f, 1e-9)
    assert time.perf_counter() - start < 1.0
    # Nothing was proven: every group stays, none is said to be the smallest set.
    assert d.names == ("budget", "region_84", "matching_84", "contribution_84")
    assert not d.irreducible and not d.complete
    assert d.relaxations == ()
    assert d.unsettled == d.names


class Slow(Model):
    """Every solve takes at least 20 ms."""

    runs = 0

    def run(self, time_limit_s: float) -> str:
        Slow.runs += 1
        time.sleep(0.02)
        return super().run(time_limit_s)


def test_the_diagnosis_stops_at_its_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conflicts, "Model", Slow)
    f = region_84("requires", 1.0, 10).build()
    full = diagnose(f, 60.0)
    assert full.complete
    needed, Slow.runs = Slow.runs, 0
    assert needed >= 30  # the filter, then a bisection per conflicting group
    limit = 0.2
    start = time.perf_counter()
    partial = diagnose(f, limit)
    elapsed = time.perf_counter() - start
    assert not partial.complete
    assert Slow.runs <= limit / 0.02 + 1 < needed
    assert elapsed < 3 * limit  # generous: one solve may finish after the deadline
    assert set(full.names) <= set(partial.names)  # what it names always conflicts


# The same conflicts from scenarios, through the formulation and the general engine.
REGIONS = [(20, 40, "84", False, False), (20, 30, "84", True, False), (10, 50, "11", False, False)]


def co_funded(rate: float) -> Scenario:
    return Scenario(
        budget_eur=10 * MEUR,
        constraints=Constraints(regions={"84": RegionEnvelope(min_eur=30 * MEUR)}),
        co_funding=CoFunding({"84": 25 * MEUR}, Matching("requires", rate)),
    )


def test_the_engine_names_the_matching_rule_and_a_rate_that_works() -> None:
    projects = projects_of(REGIONS)
    result = solve(co_funded(1.0), projects, time_limit_s=30.0, mip_rel_gap=1e-3)
    assert result.status == Status.INFEASIBLE
    assert result.diagnosis is not None
    assert result.diagnosis.names == ("budget", "region_84", "matching_84")
    assert "lower the matching rate in region 84 to 0.50" in result.message
    assert relaxation(result.diagnosis, "matching_84").suggested == 0.5
    at = solve(co_funded(0.5), projects, time_limit_s=30.0, mip_rel_gap=1e-3)
    assert at.status != Status.INFEASIBLE
    assert at.regional_spent_eur == 20 * MEUR  # 30 M EUR of aid, 10 of them State money
    beyond = solve(co_funded(0.51), projects, time_limit_s=30.0, mip_rel_gap=1e-3)
    assert beyond.status == Status.INFEASIBLE


def test_locked_awards_from_the_projects_are_freed() -> None:
    # Projects 1 and 2 were awarded 6 and 7 M EUR; the budget is 10.
    projects = replace(
        projects_of([(6, 10, "84", False, False), (7, 10, "84", False, False)]),
        award_eur=np.array([6 * MEUR, 7 * MEUR], dtype=np.int64),
    )
    sc = Scenario(budget_eur=10 * MEUR, controls=Controls(lock_awards=True))
    d = diagnose(build(sc, projects), 30.0)
    assert d.names == ("budget", "locked_awards")
    assert relaxation(d, "budget").text == "raise the budget to 13.0 M EUR"
    assert relaxation(d, "locked_awards").text == "free the locked awards"


def test_a_built_sector_floor_is_lowered_to_what_its_projects_take() -> None:
    # The Agroalimentaire project takes 5 of the 25 M EUR that must be spent: 20 % at most.
    projects = replace(
        projects_of([(5, 10, "84", False, False), (10, 10, "84", False, False)] * 2).take(
            np.array([True, True, False, True])
        ),
        sector=np.array(["Agroalimentaire", "Chimie", "Chimie"]),
    )
    sc = Scenario(
        budget_eur=25 * MEUR,
        constraints=Constraints(min_spend_share=1.0, sectors={"Agroalimentaire": 0.3}),
    )
    d = diagnose(build(sc, projects), 30.0)
    assert d.names == ("min_spend", "sector_Agroalimentaire")
    floor = relaxation(d, "sector_Agroalimentaire")
    assert floor.text == "lower the Agroalimentaire sector floor to 20 % of euros spent"


def test_a_territory_minimum_with_its_only_project_forced_out() -> None:
    # Territory 84-t0 holds project 1 alone (20 M EUR), forced out; the territory asks 1 M EUR.
    projects = projects_of(REGIONS)
    sc = Scenario(
        budget_eur=50 * MEUR,
        constraints=Constraints(territories={"84-t0": RegionEnvelope(min_eur=MEUR)}),
        controls=Controls(force_out=(1,)),
    )
    d = diagnose(build(sc, projects), 30.0)
    assert d.names == ("territory_84-t0", "force_out")
    assert relaxation(d, "territory_84-t0").text == (
        "lower territory 84-t0's minimum envelope to 0 EUR"
    )
    assert relaxation(d, "force_out").text == "let the projects forced out compete again"


def test_a_follows_rule_at_rate_0_is_no_part_of_a_conflict_elsewhere() -> None:
    # Region 84's 30 M EUR may not follow any State euro (rate 0), but b and c, forced in, are in
    # region 11: the budget (15 M EUR) and their 20 M EUR conflict, whatever region 84's rule.
    # Dropped, the rule still keeps region 84's euros within region 84's aid (sum x_i - r >= 0).
    projects = projects_of(
        [(10, 100, "84", False, False), (10, 50, "11", True, False), (10, 20, "11", False, True)]
    )
    for rate in (0.0, 0.5):
        sc = Scenario(
            budget_eur=15 * MEUR,
            co_funding=CoFunding({"84": 30 * MEUR}, Matching("follows", rate)),
            controls=Controls(force_in=(2, 3)),
        )
        result = solve(sc, projects, time_limit_s=30.0, mip_rel_gap=1e-3)
        assert result.diagnosis is not None
        assert result.diagnosis.names == ("budget", "force_in"), rate
    f = build(sc, projects)
    assert f.group("matching_84").members == (0,)  # type: ignore[union-attr]


def test_locked_awards_dropped_count_by_their_funded_fraction_in_the_share_of_projects() -> None:
    # a (not fragile) forced in counts 1; b (fragile), locked at 1 M EUR of its 10 M EUR cap,
    # counts 1: 50 % of projects fragile, under the 60 % floor. Freed, b counts its funded
    # fraction, at most 1: still 50 %, so the locks take no part. Counted by its locked amount,
    # b at its cap would count 10 projects and wrongly name the locks.
    projects = replace(
        projects_of([(10, 100, "84", False, False), (10, 50, "84", True, False)]),
        award_eur=np.array([0, MEUR]),
    )
    sc = Scenario(
        budget_eur=20 * MEUR,
        constraints=Constraints(fragile_project_share_min=0.6),
        controls=Controls(lock_awards=True, force_in=(1,)),
    )
    d = diagnose(build(sc, projects), 30.0)
    assert d.names == ("fragile_project_share", "force_in")
    assert "lower the fragile-territory floor to 50 % of projects funded" in [
        r.text for r in d.relaxations
    ]
