"""The general engine: today's answer when no lever is pulled, and small hand-solved cases."""

import datetime as dt
import math
from dataclasses import replace

import numpy as np
import pytest

from simulation import general
from simulation.errors import EngineError
from simulation.formulation import build
from simulation.levers import CoFunding, Controls, Matching, Objective
from simulation.prices import binding
from simulation.projects import ProjectColumns
from simulation.result import Result, Status
from simulation.scenario import Constraints, Mode, RegionEnvelope, Scenario
from simulation.solve import solve
from tests.simulation.conftest import projects_of, seeded_projects

M = 1_000_000
# a: 10 jobs per M EUR (region 84), b: 5 (fragile, 11), c: 2 (decarbonising, 11); 10 M EUR each.
ABC = [(10, 100, "84", False, False), (10, 50, "11", True, False), (10, 20, "11", False, True)]


def scenario(budget_m: float = 15, mode: Mode = Mode.CONTINUOUS, **levers: object) -> Scenario:
    return Scenario(budget_eur=round(budget_m * M), mode=mode, **levers)  # type: ignore[arg-type]


def prices(result: Result) -> dict[str, float]:
    return {b.name: b.shadow_price for b in result.binding}


# --- Neutral levers: the version-1 engine's answer --------------------------------------------

SHAPES = {
    "budget": Constraints(),
    "floors": Constraints(fragile_share_min=0.69, decarbonisation_share_min=0.42),
    "envelopes": Constraints(
        fragile_share_min=0.6,
        regions={
            "11": RegionEnvelope(min_eur=12 * M, max_eur=20 * M),
            "84": RegionEnvelope(max_eur=8 * M),
            "93": RegionEnvelope(min_eur=5 * M),
        },
    ),
    "aid-cap": Constraints(max_aid_intensity=0.15, decarbonisation_share_min=0.3),
    "min-spend": Constraints(min_spend_share=0.95, fragile_share_min=0.5),
}


def assert_same_answer(new: Result, old: Result) -> None:
    assert new.status == old.status
    assert new.jobs == pytest.approx(old.jobs, rel=1e-9)
    assert new.spent_eur == old.spent_eur
    assert new.unspent_eur == old.unspent_eur
    assert [(r.code, r.allocated_eur) for r in new.regions] == [
        (r.code, r.allocated_eur) for r in old.regions
    ]
    # Random rates tie with probability 0: the optimum is unique, up to rounding to euros.
    assert np.abs(new.allocation_eur - old.allocation_eur).max() <= 2
    assert list(prices(new)) == list(prices(old))
    for name, price in prices(old).items():
        assert prices(new)[name] == pytest.approx(price, abs=1e-6), name


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("shape", list(SHAPES))
def test_neutral_levers_give_the_version_1_answer_continuous(seed: int, shape: str) -> None:
    projects = seeded_projects(
        300, seed=seed, territories=12, fragile_share=0.6, decarbonisation_share=0.4
    )
    sc = Scenario(budget_eur=40 * M, constraints=SHAPES[shape])
    assert not sc.uses_levers
    assert_same_answer(general.solve(sc, projects), solve(sc, projects))


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("shape", ["budget", "floors", "aid-cap"])
def test_neutral_levers_give_the_version_1_answer_all_or_nothing(seed: int, shape: str) -> None:
    projects = seeded_projects(
        40, seed=seed, territories=6, fragile_share=0.6, decarbonisation_share=0.4
    )
    sc = Scenario(budget_eur=8 * M, constraints=SHAPES[shape], mode=Mode.ALL_OR_NOTHING)
    old = solve(sc, projects, mip_rel_gap=0.0)
    new = general.solve(sc, projects, mip_rel_gap=0.0)
    assert new.status == old.status == Status.OPTIMAL
    # Whole projects with whole jobs tie often: the same jobs, not always the same projects.
    assert new.jobs == pytest.approx(old.jobs, rel=1e-9)
    # Prices come from the same LP relaxation.
    assert list(prices(new)) == list(prices(old))
    for name, price in prices(old).items():
        assert prices(new)[name] == pytest.approx(price, abs=1e-6), name


def test_neutral_general_result_reports_state_money_only() -> None:
    result = general.solve(scenario(), projects_of(ABC))
    assert result.funding is not None
    assert (result.funding.state_eur, result.funding.regional_eur) == (15 * M, 0)
    assert result.regional_eur is not None and not result.regional_eur.any()
    assert result.explanations is not None and not result.explanations.scores
    assert result.criterion("jobs_created") == result.jobs == pytest.approx(125.0)


# --- Weights ----------------------------------------------------------------------------------


def with_columns(projects: ProjectColumns, **columns: object) -> ProjectColumns:
    return replace(projects, **{k: np.asarray(v) for k, v in columns.items()})  # type: ignore[arg-type]


def test_weights_on_carbon_pick_the_carbon_project() -> None:
    # a: 10 M EUR, 100 jobs, no tCO2e; b: 10 M EUR, 50 jobs, 1,000 tCO2e a year; 8 M EUR budget.
    projects = with_columns(projects_of(ABC[:2]), co2_avoided_t=[0, 1000])
    jobs_only = general.solve(scenario(8), projects)
    assert jobs_only.allocation_eur.tolist() == [8 * M, 0]
    # Weights 1 and 1 -> 0.5 each. Pool: 150 jobs and 1,000 tCO2e for 20 M EUR, so a tCO2e
    # counts 150 / 1,000 = 0.15 jobs-equivalents. Scores per M EUR: a 0.5 x 10 = 5,
    # b 0.5 x 5 + 0.5 x 0.15 x 100 = 10: b is funded, and the budget's price is b's 10.
    both = scenario(8, objective=Objective({"jobs_created": 1, "co2_avoided_t": 1}))
    result = general.solve(both, projects)
    assert result.allocation_eur.tolist() == [0, 8 * M]
    assert result.jobs == pytest.approx(40.0)
    assert result.co2_avoided_t == pytest.approx(800.0)
    assert result.explanations is not None
    assert result.explanations.jobs_per_meur.tolist() == pytest.approx([5.0, 10.0])
    assert result.explanations.scores["co2_avoided_t"].tolist() == pytest.approx([0.0, 7.5])
    budget = next(b for b in result.binding if b.name == "budget")
    assert budget.shadow_price == pytest.approx(10.0)
    assert "jobs-equivalents" in budget.text
    assert [c.weight for c in result.criteria] == [0.5, 0.0, 0.5, 0.0]


# --- Co-funding -------------------------------------------------------------------------------

# a (84): 10 jobs per M EUR, b (11): 5; 10 M EUR each; the State's budget is 10 M EUR.
AB = ABC[:2]


def cofunded(amount_m: float, rule: str = "requires", rate: float = 1.0) -> Scenario:
    co = CoFunding({"84": round(amount_m * M)}, Matching(rule, rate))
    return scenario(10, co_funding=co)


def test_a_contribution_used_in_full_is_priced_at_the_marginal_project() -> None:
    # 4 M EUR from region 84, each needing 1 State euro beside it: r <= a / 2 = 5 does not bind.
    # a gets 10 (4 regional, 6 State), the other 4 State M EUR go to b: 100 + 20 = 120 jobs.
    # One more regional M EUR frees one State M EUR for b: +5 jobs, the budget's price too.
    result = general.solve(cofunded(4), projects_of(AB))
    assert result.allocation_eur.tolist() == [10 * M, 4 * M]
    assert result.jobs == pytest.approx(120.0)
    assert result.regional_eur is not None
    assert result.regional_eur.tolist() == [4 * M, 0]
    assert result.funding is not None
    assert (result.funding.state_eur, result.funding.regional_eur) == (10 * M, 4 * M)
    assert (result.spent_eur, result.unspent_eur) == (14 * M, 0)
    assert prices(result) == pytest.approx({"budget": 5.0, "contribution_84": 5.0})
    region = next(r for r in result.funding.regions if r.code == "84")
    assert (region.state_eur, region.regional_eur, region.contribution_eur) == (6 * M, 4 * M, 4 * M)
    assert region.leverage == pytest.approx(5.0)  # investment is 5 x the aid (conftest)


def test_the_requires_rule_holds_regional_money_back() -> None:
    # 8 M EUR offered, but each regional euro needs a State euro: r <= a / 2 = 5 binds.
    # a: 10 (5 regional), b: 10 - 5 = 5 State M EUR: 100 + 25 = 125 jobs. A rule letting in
    # 1 M EUR more regional money (r = 6) frees 1 State M EUR for b: +5 jobs per M EUR.
    result = general.solve(cofunded(8), projects_of(AB))
    assert result.allocation_eur.tolist() == [10 * M, 5 * M]
    assert result.jobs == pytest.approx(125.0)
    assert result.regional_spent_eur == 5 * M
    assert prices(result) == pytest.approx({"budget": 5.0, "matching_84": 5.0})
    rule = next(b for b in result.binding if b.name == "matching_84")
    assert "the matching rule in region 84" in rule.label
    assert rule.text == (
        "+5.0 jobs per extra M EUR of regional money the matching rule would let in, in region "
        "84 (Auvergne-Rhône-Alpes)"
    )


@pytest.mark.parametrize(
    ("rule", "rate", "moved"), [("requires", 1.0, 0.9), ("follows", 0.5, 0.55)]
)
def test_the_matching_price_is_the_gain_per_regional_euro_let_in(
    rule: str, rate: float, moved: float
) -> None:
    # a (10 M EUR, in 84) is funded in full at either rate; the rule lets in at most
    # 10 / (1 + m) regional M EUR (requires) or 10 m / (1 + m) (follows), and each one frees a
    # State M EUR for b. Moving the rate and solving again gains the price times the extra
    # regional money let in: requires 1.0 -> 0.9: 10 / 1.9 - 5 = 0.263 M EUR, 1.32 jobs;
    # follows 0.5 -> 0.55: 5.5 / 1.55 - 5 / 1.5 = 0.215 M EUR, 1.08 jobs.
    def cap(m: float) -> float:
        return 10 / (1 + m) if rule == "requires" else 10 * m / (1 + m)

    before = general.solve(cofunded(8, rule, rate), projects_of(AB))
    after = general.solve(cofunded(8, rule, moved), projects_of(AB))
    price = prices(before)["matching_84"]
    assert price == pytest.approx(5.0)
    assert after.jobs - before.jobs == pytest.approx(price * (cap(moved) - cap(rate)), abs=1e-4)
    assert after.jobs > before.jobs


def test_a_price_that_reads_zero_is_not_listed() -> None:
    # The fragile floor's row price is y x spend / 100 per point: with a tiny y it reads
    # "-0.0 jobs per point", which says nothing; the budget's price still shows.
    f = build(scenario(constraints=Constraints(fragile_share_min=0.1)), projects_of(ABC))
    x = np.append(f.upper[: f.n], np.zeros(len(f.cost) - f.n))
    row_dual = np.zeros(len(f.row_names))
    row_dual[f.row_names.index("budget")] = 5.0
    row_dual[f.row_names.index("fragile_share")] = -0.001  # x 30 M EUR / 100: -0.0003
    listed = binding(f, x, row_dual, np.zeros(len(f.cost)), projects_of(ABC), False)
    assert [b.name for b in listed] == ["budget"]
    row_dual[f.row_names.index("fragile_share")] = -0.5  # -0.15: reads -0.1 or -0.2, listed
    listed = binding(f, x, row_dual, np.zeros(len(f.cost)), projects_of(ABC), False)
    assert [b.name for b in listed] == ["budget", "fragile_share"]


def test_the_follows_rule_lets_half_a_regional_euro_follow_each_state_euro() -> None:
    # follows at 0.5: r <= 0.5 (a - r), so r <= a / 3 = 3.33 with a = 10; then b gets the
    # 10 - 6.67 = 3.33 State M EUR left: 100 + 16.67 jobs.
    result = general.solve(cofunded(8, "follows", 0.5), projects_of(AB))
    assert result.allocation_eur.tolist() == [10 * M, 3_333_333]
    assert result.jobs == pytest.approx(100 + 50 / 3, abs=1e-4)
    assert result.regional_spent_eur == pytest.approx(10 * M / 3, abs=1)


def test_regional_money_only_goes_to_its_region() -> None:
    # 5 M EUR from region 93, where no project competes: nothing can use it.
    co = CoFunding({"93": 5 * M}, Matching("requires", 0.0))
    result = general.solve(scenario(10, co_funding=co), projects_of(AB))
    assert result.allocation_eur.tolist() == [10 * M, 0]
    assert result.regional_spent_eur == 0


# --- Locks and forcing ------------------------------------------------------------------------

# c was awarded 6 M EUR on 2021-01-01.
LOCKED = with_columns(
    projects_of(ABC),
    award_eur=[0, 0, 6 * M],
    record_date=np.array(["NaT", "NaT", "2021-01-01"], dtype="datetime64[D]"),
)


def test_locked_awards_count_against_the_budget() -> None:
    # c keeps its 6 M EUR (12 jobs); the 9 M EUR left go to a: 90 + 12 = 102 jobs.
    result = general.solve(scenario(controls=Controls(lock_awards=True)), LOCKED)
    assert result.allocation_eur.tolist() == [9 * M, 0, 6 * M]
    assert result.jobs == pytest.approx(102.0)
    # The award kept is reported and said: 1 award, 6 M EUR of the 15 spent.
    assert (result.locked_eur, result.locked_projects) == (6 * M, 1)
    assert result.message.endswith("; 1 award already made kept: 6.0 M EUR of it.")
    # Without the lock nothing is kept and nothing is said.
    free = general.solve(scenario(), LOCKED)
    assert (free.locked_eur, free.locked_projects) == (0, 0)
    assert "already made" not in free.message


def test_locked_awards_count_against_the_floors() -> None:
    # Fragile floor 40 %: b >= 0.4 x (a + b + 6) with a + b = 9 gives b = 6, a = 3:
    # 30 + 30 + 12 = 72 jobs.
    sc = scenario(
        controls=Controls(lock_awards=True), constraints=Constraints(fragile_share_min=0.4)
    )
    result = general.solve(sc, LOCKED)
    assert result.allocation_eur.tolist() == [3 * M, 6 * M, 6 * M]
    assert result.jobs == pytest.approx(72.0)


def test_awards_after_the_cut_off_date_are_not_locked() -> None:
    controls = Controls(lock_awards=True, awards_until=dt.date(2020, 12, 31))
    result = general.solve(scenario(controls=controls), LOCKED)
    assert result.allocation_eur.tolist() == [10 * M, 5 * M, 0]


def test_forced_in_and_out() -> None:
    # c forced in: 10 M EUR to c, the 5 left to a: 50 + 20 = 70 jobs.
    forced_in = general.solve(scenario(controls=Controls(force_in=(3,))), projects_of(ABC))
    assert forced_in.allocation_eur.tolist() == [5 * M, 0, 10 * M]
    assert forced_in.jobs == pytest.approx(70.0)
    # a forced out: b in full, c gets the 5 left: 50 + 10 = 60 jobs; a is not "next in line".
    forced_out = general.solve(scenario(controls=Controls(force_out=(1,))), projects_of(ABC))
    assert forced_out.allocation_eur.tolist() == [0, 10 * M, 5 * M]
    assert forced_out.jobs == pytest.approx(60.0)
    assert 1 not in [p.project_id for p in forced_out.next_in_line]


def test_an_unknown_forced_project_names_the_field() -> None:
    with pytest.raises(EngineError) as error:
        general.solve(scenario(controls=Controls(force_in=(99,))), projects_of(ABC))
    assert error.value.field == "controls.force_in[0]"
    assert "99" in error.value.message


# --- Department, territory and sector constraints ---------------------------------------------

# All in region 32: a (department 59, territory T0) 10 jobs per M EUR, b (62, T0) 5,
# c (59, T1) 2; sectors: a Chimie, b and c Agroalimentaire.
GEO = with_columns(
    projects_of(
        [(10, 100, "32", False, False), (10, 50, "32", True, False), (10, 20, "32", False, True)]
    ),
    department=["59", "62", "59"],
    territory=["T0", "T0", "T1"],
    sector=["Chimie", "Agroalimentaire", "Agroalimentaire"],
)


def test_a_department_envelope() -> None:
    # Department 59 at most 4 M EUR: a 4, b 10, c nothing (59 is full): 90 jobs, 1 M EUR left.
    # One more M EUR in 59 goes to a: +10 jobs.
    sc = scenario(constraints=Constraints(departments={"59": RegionEnvelope(max_eur=4 * M)}))
    result = general.solve(sc, GEO)
    assert result.allocation_eur.tolist() == [4 * M, 10 * M, 0]
    assert result.jobs == pytest.approx(90.0)
    assert prices(result) == pytest.approx({"department_59_max": 10.0})
    assert result.unspent_reasons == ("department 59's maximum envelope",)


def test_a_territory_envelope() -> None:
    # Territory T1 at least 8 M EUR: c 8, a 7: 70 + 16 = 86 jobs; each M EUR more in T1 moves
    # one from a to c: -8 jobs.
    sc = scenario(constraints=Constraints(territories={"T1": RegionEnvelope(min_eur=8 * M)}))
    result = general.solve(sc, GEO)
    assert result.allocation_eur.tolist() == [7 * M, 0, 8 * M]
    assert result.jobs == pytest.approx(86.0)
    assert prices(result)["territory_T1_min"] == pytest.approx(-8.0)


def test_a_sector_floor() -> None:
    # Agroalimentaire at least 60 % of the 15 M EUR: b 9, a 6: 60 + 45 = 105 jobs. A point more
    # moves 0.15 M EUR from a to b: -0.75 jobs.
    sc = scenario(constraints=Constraints(sectors={"Agroalimentaire": 0.6}))
    result = general.solve(sc, GEO)
    assert result.allocation_eur.tolist() == [6 * M, 9 * M, 0]
    assert result.jobs == pytest.approx(105.0)
    assert prices(result)["sector_Agroalimentaire"] == pytest.approx(-0.75)


# --- Share of projects funded in fragile territories ------------------------------------------

# a 10 M EUR 100 jobs, b 10 M EUR 90 jobs, c (fragile) 10 M EUR 20 jobs, d (fragile) 1 M EUR 1 job.
FRAGILE_COUNT = [
    (10, 100, "84", False, False),
    (10, 90, "84", False, False),
    (10, 20, "84", True, False),
    (1, 1, "84", True, False),
]


def test_fragile_project_share_counts_funded_fractions_in_continuous_mode() -> None:
    # Half the funded fractions in fragile territories: a/10 + b/10 <= c/10 + d/1. d in full
    # (1 M EUR buys a whole fraction), a in full, then b <= c and b + c <= 9: b = c = 4.5.
    # 100 + 40.5 + 9 + 1 = 150.5 jobs for 20 M EUR.
    sc = scenario(20, constraints=Constraints(fragile_project_share_min=0.5))
    result = general.solve(sc, projects_of(FRAGILE_COUNT))
    assert result.allocation_eur.tolist() == [10 * M, 4_500_000, 4_500_000, 1 * M]
    assert result.jobs == pytest.approx(150.5)
    assert "fragile_project_share" in prices(result)


def test_fragile_project_share_counts_projects_all_or_nothing() -> None:
    # 21 M EUR, whole projects, half of them fragile: {a, b, d} is the best without the floor
    # (191 jobs) but has 1 fragile of 3; {a, c, d} (121 jobs) has 2 of 3; {a, c} 120.
    sc = scenario(21, Mode.ALL_OR_NOTHING, constraints=Constraints(fragile_project_share_min=0.5))
    result = general.solve(sc, projects_of(FRAGILE_COUNT), mip_rel_gap=0.0)
    assert result.allocation_eur.tolist() == [10 * M, 0, 10 * M, 1 * M]
    assert result.jobs == pytest.approx(121.0)
    assert result.fragile_project_share == pytest.approx(2 / 3)
    free = general.solve(replace(sc, constraints=Constraints()), projects_of(FRAGILE_COUNT))
    assert free.jobs == pytest.approx(191.0)


# --- Next in line -----------------------------------------------------------------------------


def test_next_in_line_enters_with_the_jobs_it_needs() -> None:
    # 15 M EUR: a in full, b half; c (2 jobs per M EUR) is next, against b's 5: it needs
    # 5 x 10 - 20 = 30 more jobs to tie, a few more to enter.
    sc = scenario(controls=Controls(next_in_line=1))
    result = general.solve(sc, projects_of(ABC))
    (first,) = result.next_in_line
    assert first.project_id == 3
    assert first.jobs_needed == pytest.approx(30.0)
    assert first.threshold == pytest.approx(5.0)
    rows = list(ABC)
    aid, jobs, *rest = rows[2]
    rows[2] = (aid, jobs + math.ceil(first.jobs_needed) + 1, *rest)
    again = general.solve(sc, projects_of(rows))
    assert again.allocation_eur[2] > 0


def test_infeasible_levers_say_so() -> None:
    # c forced in (10 M EUR) with a 5 M EUR budget cannot hold.
    result = general.solve(scenario(5, controls=Controls(force_in=(3,))), projects_of(ABC))
    assert result.status == Status.INFEASIBLE
    assert result.message.startswith("Infeasible")
    assert result.diagnosis is not None


def test_all_or_nothing_fixes_projects_far_from_the_margin_and_keeps_the_optimum() -> None:
    projects = seeded_projects(
        400, seed=5, territories=12, fragile_share=0.6, decarbonisation_share=0.4
    )
    sc = Scenario(budget_eur=60 * M, constraints=SHAPES["floors"], mode=Mode.ALL_OR_NOTHING)
    old = solve(sc, projects, mip_rel_gap=0.0)
    new = general.solve(sc, projects, mip_rel_gap=0.0)
    assert new.status == old.status == Status.OPTIMAL
    assert new.jobs == pytest.approx(old.jobs, rel=1e-9)
    free = int(new.solver.method.split("over the ")[1].split(" ")[0])
    assert free < len(projects)


def test_all_or_nothing_with_forced_projects_among_the_fixed_ones() -> None:
    # With 300 projects most are fixed at their LP side; the forced ones must keep their bounds:
    # forcing the best project out and the worst in is solving without them on a smaller budget.
    projects = seeded_projects(
        300, seed=8, territories=12, fragile_share=0.6, decarbonisation_share=0.4
    )
    rate = projects.jobs_created / projects.aid_requested_eur
    best, worst = int(np.argmax(rate)), int(np.argmin(rate))
    controls = Controls(force_in=(int(projects.ids[worst]),), force_out=(int(projects.ids[best]),))
    sc = Scenario(budget_eur=40 * M, mode=Mode.ALL_OR_NOTHING, controls=controls)
    result = general.solve(sc, projects, mip_rel_gap=0.0)
    assert result.status == Status.OPTIMAL
    assert result.allocation_eur[best] == 0
    assert result.allocation_eur[worst] == projects.aid_requested_eur[worst]
    others = np.ones(len(projects), dtype=np.bool_)
    others[[best, worst]] = False
    rest = Scenario(
        budget_eur=40 * M - int(projects.aid_requested_eur[worst]), mode=Mode.ALL_OR_NOTHING
    )
    alone = solve(rest, projects.take(others), mip_rel_gap=0.0)
    worst_jobs = float(projects.jobs_created[worst])
    assert result.jobs == pytest.approx(alone.jobs + worst_jobs, rel=1e-9)


def test_a_locked_award_above_its_cap_counts_one_project_all_or_nothing() -> None:
    # Caps 5 M EUR (10 % of 50 M EUR invested); b (fragile) keeps its locked 15 M EUR award.
    # Half the funded projects fragile: {a, b} (1 of 2) holds, {a, b, c} (1 of 3) does not,
    # though b's 15 M EUR are three caps. a: 100 x 5 / 10 = 50 jobs, b: 50 x 15 / 10 = 75.
    projects = replace(projects_of(ABC), award_eur=np.array([0, 15 * M, 0]))
    sc = scenario(
        40,
        Mode.ALL_OR_NOTHING,
        constraints=Constraints(max_aid_intensity=0.1, fragile_project_share_min=0.5),
        controls=Controls(lock_awards=True),
    )
    result = general.solve(sc, projects, mip_rel_gap=0.0)
    assert result.allocation_eur.tolist() == [5 * M, 15 * M, 0]
    assert result.jobs == pytest.approx(125.0)
    assert result.fragile_project_share == pytest.approx(0.5)


def test_a_project_share_below_the_floor_in_continuous_mode_is_said() -> None:
    # Floor 60 %: d in full (+0.4), a in full (-0.6), then 0.04 c - 0.06 b >= 0.2 with
    # b + c = 9: b = 1.6, c = 7.4; 100 + 14.4 + 14.8 + 1 = 130.2 jobs. Funded fractions: 60 %
    # fragile, but 2 of the 4 projects with aid: 50 %.
    sc = scenario(20, constraints=Constraints(fragile_project_share_min=0.6))
    result = general.solve(sc, projects_of(FRAGILE_COUNT))
    assert result.allocation_eur.tolist() == [10 * M, 1_600_000, 7_400_000, 1 * M]
    assert result.jobs == pytest.approx(130.2)
    assert result.fragile_project_share == pytest.approx(0.5)
    assert (
        "The floor on fragile projects (60.0 %) counts a partly funded project by its funded "
        "fraction: 50.0 % of the funded projects are fragile when every project with aid counts "
        "as one; all-or-nothing mode counts whole projects." in result.message
    )
    # At 50 % both counts agree: nothing to say.
    met = general.solve(
        scenario(20, constraints=Constraints(fragile_project_share_min=0.5)),
        projects_of(FRAGILE_COUNT),
    )
    assert "counts a partly funded project" not in met.message


def test_a_weighted_criterion_no_project_declares_is_set_aside_and_said() -> None:
    # No project declares tCO2e: the objective is jobs alone, the version-1 answer (a, then b).
    weights = {"jobs_created": 1.0, "co2_avoided_t": 2.0}
    result = general.solve(scenario(objective=Objective(weights)), projects_of(ABC))
    assert result.allocation_eur.tolist() == [10 * M, 5 * M, 0]
    assert "Not weighed: co2_avoided_t (no competing project declares any tCO2e avoided)." in (
        result.message
    )
    assert prices(result)["budget"] == pytest.approx(5.0)  # in jobs, the weights being jobs only
    with pytest.raises(EngineError) as raised:
        general.solve(scenario(objective=Objective({"co2_avoided_t": 1.0})), projects_of(ABC))
    assert raised.value.field == "objective.weights.co2_avoided_t"


def test_a_single_conflict_cannot_hold() -> None:
    # Territory 84-t0 holds a alone (10 M EUR): a 12 M EUR minimum cannot hold, whatever else.
    sc = scenario(
        30, constraints=Constraints(territories={"84-t0": RegionEnvelope(min_eur=12 * M)})
    )
    result = general.solve(sc, projects_of(ABC))
    assert result.status == Status.INFEASIBLE
    assert result.diagnosis is not None and result.diagnosis.names == ("territory_84-t0",)
    assert result.message.startswith("Infeasible: territory 84-t0's envelope cannot hold;")


def test_both_engines_word_the_binding_floor_and_the_unspent_money_alike() -> None:
    # Fragile floor 90 %: b (fragile, 10 M EUR) pays for at most 10 / 0.9 M EUR of spend, a the
    # other 1.1 M EUR; 3.9 M EUR of the 15 are held back by the floor.
    sc = scenario(constraints=Constraints(fragile_share_min=0.9))
    old = solve(sc, projects_of(ABC))  # version 1
    new = general.solve(sc, projects_of(ABC), budget_eur=15 * M)
    assert old.unspent_reasons == ("the fragile-territory floor (90.0 % of euros)",)
    assert new.unspent_reasons == old.unspent_reasons
    assert new.message == old.message
    assert [(b.name, b.label, b.unit, b.text) for b in new.binding] == [
        (b.name, b.label, b.unit, b.text) for b in old.binding
    ]


# --- Column generation above a few thousand projects ------------------------------------------


@pytest.mark.parametrize("seed", [1, 2])
def test_column_generation_gives_the_whole_formulations_result(seed: int) -> None:
    from tests.simulation.test_columns import every_lever, with_lever_columns

    projects = with_lever_columns(
        seeded_projects(
            400, seed=seed, territories=8, fragile_share=0.5, decarbonisation_share=0.35
        ),
        seed,
    )
    sc = every_lever(projects, "requires", 1.0, 15)
    whole = general.solve(sc, projects, sift_above=10**9)
    sifted = general.solve(sc, projects, sift_above=0)
    assert "column generation" in sifted.solver.method
    assert "column generation" not in whole.solver.method
    assert_same_answer(sifted, whole)
    assert sifted.regional_eur is not None and whole.regional_eur is not None
    assert np.abs(sifted.regional_eur - whole.regional_eur).max() <= 2
    assert [p.project_id for p in sifted.next_in_line] == [p.project_id for p in whole.next_in_line]
    assert sifted.explanations is not None and whole.explanations is not None
    threshold = sifted.explanations.threshold
    assert threshold == pytest.approx(whole.explanations.threshold, abs=1e-6)
    # All-or-nothing starts from the same LP: the same whole allocation within the MIP gap.
    aon = replace(sc, mode=Mode.ALL_OR_NOTHING)
    whole_aon = general.solve(aon, projects, sift_above=10**9)
    sifted_aon = general.solve(aon, projects, sift_above=0)
    assert sifted_aon.status == whole_aon.status == Status.OPTIMAL
    assert sifted_aon.jobs == pytest.approx(whole_aon.jobs, rel=2e-3)
    assert list(prices(sifted_aon)) == list(prices(whole_aon))
