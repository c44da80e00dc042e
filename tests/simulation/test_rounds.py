import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from models.db import make_engine, make_sessionmaker
from models.queries import load_projects
from simulation import lp, report
from simulation.errors import EngineError
from simulation.explain import explain_project
from simulation.levers import Controls, Round
from simulation.projects import ProjectColumns
from simulation.result import BindingConstraint, Diagnosis, Result, SolverInfo, Status
from simulation.rounds import Solver, _message, solve_rounds
from simulation.scenario import Constraints, ProjectSelection, RegionEnvelope, Scenario
from simulation.solve import solve
from tests.schema.conftest import build_db
from tests.simulation.conftest import projects_of, seeded_projects

M = 1_000_000
MARCH, JULY = dt.date(2021, 3, 1), dt.date(2021, 7, 1)


def greedy(
    scenario: Scenario,
    projects: ProjectColumns,
    *,
    time_limit_s: float,
    mip_rel_gap: float,
    fixed_eur: npt.NDArray[np.int64] | None = None,
    budget_eur: int | None = None,
    whole_pool: bool = True,
) -> Result:
    """The LP optimum when only the budget and the minimum spend bind: the fixed awards, then
    the most jobs per euro first. The rounds' own logic is tested against it as well as against
    the engine."""
    budget = scenario.budget_eur if budget_eur is None else budget_eur
    p = lp.build(replace(scenario, budget_eur=budget), projects)
    fixed = np.full(len(projects), -1) if fixed_eur is None else fixed_eur
    alloc = np.where(fixed >= 0, fixed, 0).astype(np.int64)
    left = budget - int(alloc.sum())
    price = 0.0
    for i in p.by_jobs_per_euro:
        if fixed[i] < 0 and left > 0 and p.jobs_per_meur[i] > 0:
            alloc[i] = min(int(p.cap_eur[i]), left)
            left -= int(alloc[i])
            price = float(p.jobs_per_meur[i]) if alloc[i] < p.cap_eur[i] else price
    if int(alloc.sum()) < p.min_spend_m * M - 0.5 or left < 0:
        conflicts = ("the minimum spend", "the awards already made")
        diagnosis = Diagnosis(conflicts, (), ("min_spend", "locked_awards"))
        alloc[:] = 0
        status, message = Status.INFEASIBLE, "Infeasible: the minimum spend cannot hold."
    else:
        diagnosis, status, message = None, Status.OPTIMAL, "Optimal (greedy)."
    budget_row = BindingConstraint("budget", "the budget", price, "jobs per M EUR", "")
    return Result(
        status=status,
        message=message,
        **report.allocated(p, projects, alloc),
        unspent_eur=budget - int(alloc.sum()),
        budget_eur=budget,
        binding=(budget_row,) if price > 0 else (),
        baselines=(),
        diagnosis=diagnosis,
        solver=SolverInfo("greedy", "0", "greedy", {}, 0.0),
    )


@pytest.fixture(params=[pytest.param(greedy, id="greedy"), pytest.param(solve, id="engine")])
def engine(request: pytest.FixtureRequest) -> Solver:
    return request.param  # type: ignore[no-any-return]


def dated(rows: Sequence[tuple[float, int, str]], dates: Sequence[str | None]) -> ProjectColumns:
    """Projects (aid M EUR, jobs, region) with their record dates (None: no date)."""
    projects = projects_of([(aid, jobs, region, False, False) for aid, jobs, region in rows])
    record = np.array([d or "NaT" for d in dates], dtype="datetime64[D]")
    return replace(projects, record_date=record)


def two_rounds(budget_m: float, reserve_share: float = 0.0, **constraints: float) -> Scenario:
    rounds = (Round(MARCH, release_share=0.5, reserve_share=reserve_share), Round(JULY, 0.5))
    return Scenario(
        budget_eur=round(budget_m * M),
        constraints=Constraints(**constraints),  # type: ignore[arg-type]
        rounds=rounds,
    )


# p1 (region 84) creates 5 jobs per M EUR and is known in March; p2 (region 11) creates 10 per
# M EUR and arrives in May. Budget 10 M EUR, half released in March, half in July.
LATE_BETTER = dated([(10, 50, "84"), (10, 100, "11")], ["2021-01-15", "2021-05-01"])


def test_deciding_early_funds_a_worse_project(engine: Solver) -> None:
    result = solve_rounds(two_rounds(10), LATE_BETTER, solve=engine)
    # March knows p1 only and spends its 5 M EUR on it: 25 jobs (its hindsight is the same).
    # July may spend the other 5 M EUR: p2 gets them, 50 jobs; 75 in all. Knowing p2 from the
    # start, the 10 M EUR go to p2: 100 jobs. 25 jobs lost, all in July.
    assert result.status == Status.OPTIMAL
    assert result.allocation_eur.tolist() == [5 * M, 5 * M]
    assert result.jobs == pytest.approx(75.0)
    assert result.spent_eur == 10 * M and result.unspent_eur == 0
    assert result.unspent_reasons == ()
    rounds = result.rounds
    assert rounds is not None
    march, july = rounds.rounds
    assert march.spent_eur == july.spent_eur == 5 * M
    assert (march.jobs, march.hindsight_jobs, march.jobs_lost) == pytest.approx((25, 25, 0))
    assert (july.jobs, july.cumulative_jobs, july.hindsight_jobs) == pytest.approx((50, 75, 100))
    assert (march.projects_known, july.projects_known) == (1, 2)
    assert (march.projects_funded, july.projects_funded) == (1, 1)
    # Each round's budget is worth its marginal project: p1 (5 jobs per M EUR), then p2 (10).
    assert march.budget_shadow_price == pytest.approx(5.0)
    assert july.budget_shadow_price == pytest.approx(10.0)
    assert rounds.jobs_lost == pytest.approx(25.0)
    assert result.jobs_lost_to_rounds == pytest.approx(25.0)
    # Per region: 84 got 25 jobs hindsight would not give it, 11 lost 50.
    assert [r.code for r in rounds.regions] == ["11", "84"]
    eleven, eighty_four = ((r.jobs, r.hindsight_jobs, r.jobs_lost) for r in rounds.regions)
    assert eleven == pytest.approx((50, 100, 50))
    assert eighty_four == pytest.approx((25, 0, -25))
    assert rounds.without_reserve_jobs is None and rounds.reserve_recovers is None
    assert result.message == "2 rounds: 75 jobs; 25 fewer than deciding with hindsight (100)."


def test_a_reserve_recovers_part_of_the_loss(engine: Solver) -> None:
    result = solve_rounds(two_rounds(10, reserve_share=0.5), LATE_BETTER, solve=engine)
    # March holds back half of its 5 M EUR: p1 gets 2.5 M EUR (12.5 jobs). July has the 7.5 M
    # EUR left: p2 gets them (75 jobs). 87.5 jobs against 75 without the reserve: it recovers
    # 12.5 of the 25 jobs lost.
    assert result.allocation_eur.tolist() == [2_500_000, 7_500_000]
    rounds = result.rounds
    assert rounds is not None
    march, july = rounds.rounds
    assert (march.available_eur, march.reserve_eur, march.spent_eur) == (
        5 * M,
        2_500_000,
        2_500_000,
    )
    # In March the reserve costs what it holds back: 12.5 jobs against March's hindsight (25).
    assert march.jobs_lost == pytest.approx(12.5)
    assert (july.available_eur, july.reserve_eur, july.spent_eur) == (7_500_000, 0, 7_500_000)
    assert rounds.jobs == pytest.approx(87.5)
    assert rounds.jobs_lost == pytest.approx(12.5)
    assert rounds.without_reserve_jobs == pytest.approx(75.0)
    assert rounds.reserve_recovers == pytest.approx(12.5)
    assert result.message.endswith("; the reserve recovers 12 jobs.")  # 12.5 rounds to even


def test_money_not_spent_in_a_round_is_carried_to_the_next(engine: Solver) -> None:
    # March knows only p1, which asks 2 M EUR of the 5 released: 3 M EUR are left. July has
    # them plus its own 5 M EUR, 8 M EUR, and gives them all to p2 (10 jobs per M EUR).
    projects = dated([(2, 10, "84"), (10, 100, "11")], ["2021-01-15", "2021-05-01"])
    result = solve_rounds(two_rounds(10), projects, solve=engine)
    assert result.rounds is not None
    march, july = result.rounds.rounds
    assert (march.released_eur, march.available_eur, march.spent_eur) == (5 * M, 5 * M, 2 * M)
    assert (july.released_eur, july.available_eur, july.spent_eur) == (5 * M, 8 * M, 8 * M)
    assert result.allocation_eur.tolist() == [2 * M, 8 * M]
    # 10 + 80 jobs; knowing p2 from the start, all 10 M EUR go to it: 100 jobs, 10 lost.
    assert result.jobs == pytest.approx(90.0)
    assert result.rounds.jobs_lost == pytest.approx(10.0)


def test_projects_are_known_from_the_round_after_their_record_date(engine: Solver) -> None:
    # No date (a generated candidate): known from March. Recorded on the day of a round: known
    # from the next one. Recorded after the last round: never known, never funded.
    projects = dated(
        [(1, 10, "84"), (1, 20, "84"), (1, 30, "84"), (1, 40, "84"), (1, 50, "84")],
        [None, "2021-02-28", "2021-03-01", "2021-06-30", "2021-07-01"],
    )
    result = solve_rounds(two_rounds(10), projects, solve=engine)
    assert result.rounds is not None
    march, july = result.rounds.rounds
    assert (march.projects_known, july.projects_known) == (2, 4)
    # March funds the first two (2 M EUR of its 5), July the next two; the last waits forever.
    assert result.allocation_eur.tolist() == [M, M, M, M, 0]
    assert result.jobs == pytest.approx(100.0)
    # Hindsight knows all five: 150 jobs for 5 M EUR of the 10.
    assert result.rounds.hindsight_jobs == pytest.approx(150.0)
    assert result.rounds.jobs_lost == pytest.approx(50.0)


def test_a_round_that_knows_no_project_keeps_its_money(engine: Solver) -> None:
    projects = dated([(10, 100, "84")], ["2021-05-01"])
    result = solve_rounds(two_rounds(10), projects, solve=engine)
    # March knows nobody: its 5 M EUR wait; July spends all 10 on the one project.
    assert result.rounds is not None
    march, july = result.rounds.rounds
    assert (march.projects_known, march.spent_eur, march.status) == (0, 0, "optimal")
    assert march.message.startswith("No project recorded before 2021-03-01")
    assert (july.available_eur, july.spent_eur) == (10 * M, 10 * M)
    assert result.allocation_eur.tolist() == [10 * M]


def test_an_infeasible_second_round_is_named(engine: Solver) -> None:
    # Every euro released must be spent. March knows p1 (6 M EUR asked) and gives it its 5 M
    # EUR; July must reach 10 M EUR with p1 locked at 5 and p2 asking 4: 9 M EUR at most.
    # Knowing both from the start, 6 + 4 = 10 M EUR is feasible.
    projects = dated([(6, 30, "84"), (4, 40, "11")], ["2021-01-15", "2021-05-01"])
    result = solve_rounds(two_rounds(10, min_spend_share=1.0), projects, solve=engine)
    assert result.status == Status.INFEASIBLE
    assert result.message.startswith("Infeasible in round 2 (2021-07-01): ")
    assert "Infeasible:" not in result.message
    assert result.diagnosis is not None
    assert result.diagnosis.conflicts[0] == "round 2 (2021-07-01)"
    assert result.diagnosis.names[0] == "round_2"
    assert result.diagnosis.names[1:] == ("min_spend", "locked_awards")
    # The awards locked are round 1's: the diagnosis calls them so, and the message says it all.
    assert result.diagnosis.conflicts[1:] == ("the minimum spend", "round 1's awards")
    assert "the minimum spend and round 1's awards cannot all hold" in result.message
    assert result.allocation_eur.tolist() == [0, 0]
    assert result.spent_eur == 0 and result.unspent_eur == 10 * M
    assert result.rounds is not None
    march, july = result.rounds.rounds
    assert (march.status, july.status) == ("optimal", "infeasible")
    assert result.rounds.hindsight_jobs == pytest.approx(70.0)


def test_one_round_after_every_project_is_the_plain_solve(engine: Solver) -> None:
    projects = seeded_projects(
        300, seed=7, territories=12, fragile_share=0.5, decarbonisation_share=0.3
    )
    rng = np.random.default_rng(7)
    days = rng.integers(0, 700, len(projects))
    dates = np.datetime64("2020-09-01") + days.astype("timedelta64[D]")
    dates[rng.random(len(projects)) < 0.3] = np.datetime64("NaT")
    projects = replace(projects, record_date=dates.astype("datetime64[D]"))
    plain = Scenario(budget_eur=60 * M, constraints=Constraints(fragile_share_min=0.6))
    scenario = replace(plain, rounds=(Round(dt.date(2023, 1, 1), release_share=1.0),))
    result = solve_rounds(scenario, projects, solve=engine)
    alone = engine(plain, projects, time_limit_s=30.0, mip_rel_gap=1e-3)
    assert result.allocation_eur.tolist() == alone.allocation_eur.tolist()
    assert result.jobs == alone.jobs
    assert (result.spent_eur, result.unspent_eur) == (alone.spent_eur, alone.unspent_eur)
    assert result.rounds is not None
    assert result.rounds.jobs_lost == 0.0
    assert result.message == (
        f"1 round: {alone.jobs:,.0f} jobs; as many as deciding with hindsight ({alone.jobs:,.0f})."
    )


def test_solve_decides_a_scenario_with_rounds_round_by_round() -> None:
    result = solve(two_rounds(10), LATE_BETTER)
    assert result.rounds is not None
    assert result.jobs_lost_to_rounds == pytest.approx(25.0)  # as decided by hand above


def test_a_project_forced_in_enters_in_the_round_that_knows_it() -> None:

    # p2 (4 jobs for 4 M EUR) arrives in May and is forced in. March knows p1 only and gives it
    # its 2 M EUR; July has 8 M EUR: 4 to p2, forced, and 4 to p3 (10 jobs per M EUR).
    projects = dated(
        [(2, 10, "84"), (4, 4, "84"), (10, 100, "11")], ["2021-01-15"] + 2 * ["2021-05-01"]
    )
    forced = replace(two_rounds(10), controls=Controls(force_in=(2,)))
    result = solve_rounds(forced, projects)
    assert result.allocation_eur.tolist() == [2 * M, 4 * M, 4 * M]
    assert result.jobs == pytest.approx(54.0)
    # An id that no project has is still an error, named as the engine names it.
    with pytest.raises(EngineError, match=r"controls\.force_in\[0\]"):
        solve_rounds(replace(forced, controls=Controls(force_in=(9,))), projects)


def test_a_project_recorded_after_the_last_round_is_explained_as_never_competing() -> None:

    # Five projects of 1 M EUR: p5 is recorded on the day of the last round (July).
    projects = dated(
        [(1, 10, "84"), (1, 20, "84"), (1, 30, "84"), (1, 40, "84"), (1, 50, "84")],
        [None, "2021-02-28", "2021-03-01", "2021-06-30", "2021-07-01"],
    )
    result = solve_rounds(two_rounds(10), projects)
    late = explain_project(result, projects, 5)
    assert not late.funded
    assert late.text == (
        "Not funded: recorded on or after 2021-07-01, the last round's date, it never competed."
    )
    assert explain_project(result, projects, 4).text.startswith("Funded in full")
    assert all(n.project_id != 5 for n in result.next_in_line)
    assert result.explanations is not None
    assert result.explanations.cap_eur.tolist() == [M] * 5


def test_a_hindsight_not_found_reads_as_no_loss_and_says_so(engine: Solver) -> None:
    # Every euro released must be spent. March holds back 20 % of its 5 M EUR and gives the
    # other 4 M EUR to p1 (asks 4); its hindsight, with all 5 M EUR, cannot spend them: p1 is
    # all March knows. July: 6 M EUR to p2 (asks 6), 10 M EUR spent, 20 + 60 = 80 jobs, as
    # hindsight. The same rounds with no reserve fail in March: nothing to compare the reserve
    # with.
    projects = dated([(4, 20, "84"), (6, 60, "11")], ["2021-01-15", "2021-05-01"])
    result = solve_rounds(two_rounds(10, 0.2, min_spend_share=1.0), projects, solve=engine)
    assert result.status == Status.OPTIMAL
    assert result.allocation_eur.tolist() == [4 * M, 6 * M]
    assert result.rounds is not None
    march, july = result.rounds.rounds
    assert (march.cumulative_jobs, march.hindsight_jobs, march.jobs_lost) == pytest.approx(
        (20, 20, 0)
    )
    assert " No hindsight to compare with: Infeasible" in march.message
    assert (july.hindsight_jobs, july.jobs_lost) == pytest.approx((80, 0))
    assert result.rounds.without_reserve_jobs is None
    assert result.rounds.reserve_recovers is None
    assert result.message == "2 rounds: 80 jobs; as many as deciding with hindsight (80)."


async def test_rounds_read_the_laureates_record_dates_from_the_database(tmp_path: Path) -> None:

    # build_db: 24 projects; the 12 generated ones (even ids) have no record date, the 12
    # laureates (odd ids) are recorded on the 15th of month 1 + id % 12 of 2021: two each in
    # February, April, June, August, October and December.
    url = await build_db(tmp_path / "pool.db", territories=6, projects_per_territory=4)
    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine)() as session:
            projects = await load_projects(session, ProjectSelection())
    finally:
        await engine.dispose()
    dates = (dt.date(2021, 3, 1), dt.date(2021, 7, 1), dt.date(2022, 1, 1))
    rounds = tuple(Round(d, release_share=0.1) for d in dates)
    result = solve_rounds(Scenario(budget_eur=10 * M, rounds=rounds), projects, solve=greedy)
    assert result.rounds is not None
    # March: 12 undated + 2 recorded in February; July: + April and June; January: all 24.
    assert [r.projects_known for r in result.rounds.rounds] == [14, 18, 24]
    known_in_march = np.isnat(projects.record_date) | (projects.ids % 12 == 1)
    assert known_in_march.sum() == 14


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rounds_never_beat_hindsight_nor_overspend(seed: int) -> None:
    # Continuous, jobs only: every round's cumulative allocation is feasible for its hindsight
    # problem (the projects it knows, at least the money it may spend), so no round can beat it.
    projects = seeded_projects(
        400, seed=seed, territories=10, fragile_share=0.6, decarbonisation_share=0.3
    )
    rng = np.random.default_rng(seed)
    dates = np.datetime64("2021-01-01") + rng.integers(0, 500, 400).astype("timedelta64[D]")
    dates[rng.random(400) < 0.2] = np.datetime64("NaT")
    projects = replace(projects, record_date=dates.astype("datetime64[D]"))
    rounds = (
        Round(dt.date(2021, 4, 1), release_share=0.3, reserve_share=0.25),
        Round(dt.date(2021, 10, 1), release_share=0.3, reserve_share=0.1),
        Round(dt.date(2022, 6, 1), release_share=0.3),
    )
    scenario = Scenario(
        budget_eur=80 * M, constraints=Constraints(fragile_share_min=0.65), rounds=rounds
    )
    result = solve_rounds(scenario, projects)
    assert result.status == Status.OPTIMAL
    assert result.rounds is not None
    for r in result.rounds.rounds:
        assert r.jobs_lost >= -1e-6
        assert r.spent_eur <= r.available_eur - r.reserve_eur
    assert result.rounds.jobs_lost >= -1e-6
    assert result.rounds.reserve_recovers is not None
    # 90 % of the budget is released: the rest stays unspent.
    assert result.spent_eur == int(result.allocation_eur.sum()) <= 72 * M
    assert result.unspent_eur == 80 * M - result.spent_eur
    assert result.unspent_reasons[-1] == "the rounds release 72.0 M EUR of the 80.0 M EUR budget"
    assert result.fragile_share >= 0.65 - 1e-6
    assert (result.allocation_eur <= projects.aid_requested_eur).all()
    later = projects.record_date >= np.datetime64("2022-06-01")
    assert (result.allocation_eur[later] == 0).all()
    assert result.jobs == pytest.approx(result.rounds.jobs)


def test_a_reserve_on_the_last_round_is_ignored_and_compared_with_nothing(engine: Solver) -> None:
    # July, the last round, spends all it has whatever its reserve share: no run without reserve.
    rounds = (Round(MARCH, release_share=0.5), Round(JULY, 0.5, reserve_share=0.5))
    result = solve_rounds(Scenario(budget_eur=10 * M, rounds=rounds), LATE_BETTER, solve=engine)
    assert result.allocation_eur.tolist() == [5 * M, 5 * M]  # as without any reserve
    assert result.rounds is not None
    assert result.rounds.without_reserve_jobs is None and result.rounds.reserve_recovers is None
    assert "reserve" not in result.message


def test_a_territory_no_project_is_in_yet_waits_for_the_round_that_knows_one() -> None:
    # p2 (territory 11-t1) arrives in May: March knows no project there, which is no mistake.
    # The envelope does not bind: the answer of test_deciding_early_funds_a_worse_project.
    envelope = Constraints(territories={"11-t1": RegionEnvelope(max_eur=100 * M)})
    sc = replace(two_rounds(10), constraints=envelope)
    result = solve_rounds(sc, LATE_BETTER, solve=solve)
    assert result.allocation_eur.tolist() == [5 * M, 5 * M]
    assert result.jobs == pytest.approx(75.0)
    # A territory no project is in at all is still refused, by the solve over every project.
    wrong = replace(sc, constraints=Constraints(territories={"11-t7": RegionEnvelope(max_eur=M)}))
    with pytest.raises(EngineError) as raised:
        solve_rounds(wrong, LATE_BETTER, solve=solve)
    assert raised.value.field == "constraints.territories.11-t7"


def test_a_project_forced_out_is_never_funded_so_no_round_locks_it() -> None:
    # p1, forced out, is the only project March knows: March spends nothing. July knows p2 and
    # has the 10 M EUR released by then: p2 in full, 100 jobs. No round ever locks p1's award,
    # so forcing it out is never refused as forcing out a locked award.
    sc = replace(two_rounds(10), controls=Controls(force_out=(1,)))
    result = solve_rounds(sc, LATE_BETTER, solve=solve)
    assert result.status == Status.OPTIMAL
    assert result.allocation_eur.tolist() == [0, 10 * M]
    assert result.jobs == pytest.approx(100.0)


def test_the_hindsight_has_the_money_the_rounds_release(engine: Solver) -> None:
    # Budget 20 M EUR, but the rounds release 5 M EUR in March and 5 M EUR in July: 10 M EUR.
    # March knows p1 (5 jobs per M EUR) and gives it its 5 M EUR: 25 jobs. July gives its 5 M
    # EUR to p2 (10 per M EUR): 50 jobs; 75 in all. Knowing both from the start with the same
    # 10 M EUR, all go to p2: 100 jobs, 25 lost to deciding early. With the whole budget the
    # hindsight would have 200 jobs (p2 then p1 in full) and count the 10 M EUR never released
    # as lost to deciding early.
    scenario = replace(
        two_rounds(20),
        rounds=(Round(MARCH, release_eur=5 * M), Round(JULY, release_eur=5 * M)),
    )
    result = solve_rounds(scenario, LATE_BETTER, solve=engine)
    assert result.status == Status.OPTIMAL
    assert result.allocation_eur.tolist() == [5 * M, 5 * M]
    rounds = result.rounds
    assert rounds is not None
    assert (rounds.jobs, rounds.hindsight_jobs, rounds.jobs_lost) == pytest.approx((75, 100, 25))
    # The last round's hindsight is the final one: the same money, the same projects.
    assert rounds.rounds[-1].hindsight_jobs == pytest.approx(rounds.hindsight_jobs)
    eleven, eighty_four = ((r.jobs, r.hindsight_jobs, r.jobs_lost) for r in rounds.regions)
    assert eleven == pytest.approx((50, 100, 50))
    assert eighty_four == pytest.approx((25, 0, -25))
    assert result.unspent_eur == 10 * M
    assert result.unspent_reasons[-1] == "the rounds release 10.0 M EUR of the 20.0 M EUR budget"
    assert result.message == (
        "2 rounds: 75 jobs; 25 fewer than deciding with hindsight (100); 10.0 M EUR never released."
    )


def test_the_scenario_s_locked_awards_are_reported_not_the_earlier_rounds() -> None:
    # p1 (known in January) has an award of 2 M EUR already made, locked at that amount; p3
    # (known in January too, 10 jobs per M EUR) asks 3 M EUR. March releases 5 M EUR: p1 keeps
    # its 2, p3 gets 3. July locks both March awards and gives its 5 M EUR to p2. The awards
    # already made are p1's 2 M EUR only, not March's award to p3.
    projects = dated(
        [(10, 50, "84"), (10, 100, "11"), (3, 30, "84")], ["2021-01-15", "2021-05-01", None]
    )
    projects = replace(projects, award_eur=np.array([2 * M, 0, 0], dtype=np.int64))
    scenario = replace(two_rounds(10), controls=Controls(lock_awards=True))
    result = solve_rounds(scenario, projects)
    assert result.status == Status.OPTIMAL
    assert result.allocation_eur.tolist() == [2 * M, 5 * M, 3 * M]
    assert (result.locked_eur, result.locked_projects) == (2 * M, 1)
    assert result.message.endswith("; 1 award already made kept: 2.0 M EUR of it.")
    # Without the lock the rounds keep only their own awards: nothing to report.
    free = solve_rounds(two_rounds(10), projects)
    assert (free.locked_eur, free.locked_projects) == (0, 0)
    assert "already made" not in free.message


def test_a_reserve_that_costs_jobs_is_said_to_cost_them() -> None:
    # reserve_recovers stays signed (-8: the reserve cost 8 jobs); the message says "costs".
    result = solve_rounds(two_rounds(10, reserve_share=0.5), LATE_BETTER)
    assert result.rounds is not None
    hindsight = solve(Scenario(budget_eur=10 * M), LATE_BETTER)  # 100 jobs
    rounds = replace(
        result.rounds, jobs=92.0, jobs_lost=8.0, without_reserve_jobs=100.0, reserve_recovers=-8.0
    )
    assert _message(rounds, hindsight, 0) == (
        "2 rounds: 92 jobs; 8 fewer than deciding with hindsight (100); the reserve costs 8 jobs."
    )
