"""The general formulation: its rows, groups, bounds and scores, read off a small case."""

import datetime as dt
from dataclasses import replace

import numpy as np
import pytest

from simulation import lp
from simulation.errors import EngineError
from simulation.formulation import build
from simulation.levers import CoFunding, Controls, Matching, Objective
from simulation.scenario import Constraints, RegionEnvelope, Scenario
from tests.simulation.conftest import projects_of, seeded_projects

M = 1_000_000
# a (84): 10 M EUR, 100 jobs; b (11, fragile): 10 M EUR, 50 jobs; c (11, decarbonising): 5, 20.
ROWS = [(10, 100, "84", False, False), (10, 50, "11", True, False), (5, 20, "11", False, True)]
PROJECTS = replace(
    projects_of(ROWS),
    jobs_kept=np.array([0, 10, 30]),
    co2_avoided_t=np.array([0, 0, 400]),
    department=np.array(["13", "75", "75"]),
    sector=np.array(["Chimie", "Agroalimentaire", "Chimie"]),
    award_eur=np.array([0, 2 * M, 0]),
    record_date=np.array(["NaT", "2021-03-01", "NaT"], dtype="datetime64[D]"),
)


def test_jobs_only_scores_are_the_version_1_rates_bit_for_bit() -> None:
    projects = seeded_projects(
        500, seed=7, territories=10, fragile_share=0.5, decarbonisation_share=0.3
    )
    sc = Scenario(budget_eur=50 * M)
    f = build(sc, projects)
    assert np.array_equal(f.cost[: f.n], lp.build(sc, projects).jobs_per_meur)
    assert list(f.scores) == ["jobs_created"]
    assert f.weights == {"jobs_created": 1.0, "jobs_kept": 0.0, "co2_avoided_t": 0.0, "leverage": 0}


def test_scores_are_scaled_to_jobs_equivalents_by_the_pool() -> None:
    # Pool: 170 jobs, 40 kept, 400 tCO2e, 125 M EUR invested for 25 M EUR of aid. Weights 2, 1, 1
    # -> 0.5, 0.25, 0.25. Scale of jobs kept 170 / 40, of tCO2e 170 / 400.
    # c per M EUR: jobs 4, kept 6, tCO2e 80: 0.5 x 4 + 0.25 x 4.25 x 6 + 0.25 x 0.425 x 80.
    weights = {"jobs_created": 2, "jobs_kept": 1, "co2_avoided_t": 1}
    f = build(Scenario(budget_eur=10 * M, objective=Objective(weights)), PROJECTS)
    assert f.weights["jobs_created"] == 0.5
    assert f.cost[2] == pytest.approx(2 + 0.25 * 4.25 * 6 + 0.25 * 0.425 * 80)
    assert f.scores["co2_avoided_t"][2] == pytest.approx(0.25 * 0.425 * 80)
    assert sum(f.scores.values()) == pytest.approx(f.cost[: f.n])
    # Leverage: 5 M EUR invested per M EUR of aid everywhere; the pool's 170 / 125 jobs per M EUR
    # invested make each project's leverage score 0.5 x 5 x 170 / 125 with weight 1 of 2.
    lev = build(
        Scenario(budget_eur=M, objective=Objective({"jobs_created": 1, "leverage": 1})), PROJECTS
    )
    assert lev.scores["leverage"] == pytest.approx(np.full(3, 0.5 * 5 * 170 / 125))


def test_every_lever_has_its_rows_and_groups() -> None:
    sc = Scenario(
        budget_eur=12 * M,
        constraints=Constraints(
            fragile_share_min=0.3,
            min_spend_share=0.5,
            fragile_project_share_min=0.5,
            regions={"11": RegionEnvelope(max_eur=8 * M)},
            departments={"75": RegionEnvelope(min_eur=M)},
            territories={"84-t0": RegionEnvelope(max_eur=9 * M)},
            sectors={"Chimie": 0.2},
        ),
        co_funding=CoFunding({"11": 3 * M}, Matching("follows", 0.5)),
        controls=Controls(lock_awards=True, force_out=(1,)),
    )
    f = build(sc, PROJECTS)
    assert f.row_names == (
        "budget",
        "min_spend",
        "fragile_share",
        "fragile_project_share",
        "region_11",
        "department_75",
        "territory_84-t0",
        "sector_Chimie",
        "matching_11",
    )
    names = [g.name for g in f.groups]
    assert names == [*f.row_names, "contribution_11", "force_out", "locked_awards"]
    a = f.matrix.toarray()
    # Columns a, b, c, then r_11. The budget counts State money: aid minus regional euros.
    assert a[0].tolist() == [1, 1, 1, -1]
    assert (f.row_lower[1], f.row_upper[0]) == (6.0, 12.0)
    assert a[2].tolist() == pytest.approx([-0.3, 0.7, -0.3, 0])
    # Share of projects: x_i / cap_i, but b, locked at its 2 M EUR award, counts 1 project: x / 2.
    assert a[3].tolist() == pytest.approx([-0.5 / 10, 0.5 / 2, -0.5 / 5, 0])
    assert a[5].tolist() == [0, 1, 1, 0]  # department 75
    assert (f.row_lower[5], f.row_upper[5]) == (1.0, lp.INF)
    assert a[7].tolist() == pytest.approx([0.8, -0.2, 0.8, 0])
    # follows at 0.5: 0.5 x aid in region 11 - 1.5 r >= 0.
    assert a[8].tolist() == pytest.approx([0, 0.5, 0.5, -1.5])
    assert f.regional_codes == ("11",)
    assert f.upper.tolist() == [0.0, 2.0, 5.0, 3.0]  # a forced out, b locked at its award
    assert f.lower.tolist() == [0.0, 2.0, 0.0, 0.0]
    assert f.free_upper.tolist() == [10.0, 10.0, 5.0, 3.0]
    assert f.group("locked_awards").columns == (1,)  # type: ignore[union-attr]
    assert f.group("contribution_11").columns == (3,)  # type: ignore[union-attr]


def test_requires_matching_row() -> None:
    # requires at 1.0: aid in region 11 - 2 r >= 0 (each regional euro beside a State euro).
    sc = Scenario(budget_eur=M, co_funding=CoFunding({"11": M}, Matching("requires", 1.0)))
    f = build(sc, PROJECTS)
    assert f.matrix.toarray()[f.row_names.index("matching_11")].tolist() == [0, 1, 1, -2]
    assert "each regional euro needs 1 State euro" in f.groups[-2].label


def test_locks_follow_the_cut_off_date_and_fixed_euros_come_first() -> None:
    until = Controls(lock_awards=True, awards_until=dt.date(2021, 2, 1))
    assert build(Scenario(controls=until), PROJECTS).group("locked_awards") is None
    fixed = np.array([-1, 3 * M, 4 * M])
    f = build(Scenario(controls=Controls(lock_awards=True)), PROJECTS, fixed_eur=fixed)
    assert f.lower.tolist() == [0.0, 3.0, 4.0]
    assert f.upper.tolist() == [10.0, 3.0, 4.0]


def test_forced_in_is_funded_to_its_cap() -> None:
    sc = Scenario(constraints=Constraints(max_aid_intensity=0.1), controls=Controls(force_in=(3,)))
    f = build(sc, PROJECTS)
    # c's cap: 10 % of its 25 M EUR investment.
    assert (f.lower[2], f.upper[2]) == (2.5, 2.5)


def test_budget_override() -> None:
    f = build(Scenario(budget_eur=10 * M), PROJECTS, budget_eur=4 * M)
    assert f.budget_m == 4.0 and f.row_upper[0] == 4.0


@pytest.mark.parametrize(
    ("controls", "field"),
    [
        (Controls(force_in=(99,)), "controls.force_in[0]"),
        (Controls(force_out=(1, 42)), "controls.force_out[1]"),
    ],
)
def test_unknown_forced_ids_name_the_field(controls: Controls, field: str) -> None:
    with pytest.raises(EngineError) as error:
        build(Scenario(controls=controls), PROJECTS)
    assert error.value.field == field
    assert "no competing project has id" in error.value.message


def test_fixed_euros_must_match_the_projects() -> None:
    with pytest.raises(EngineError, match="fixed_eur"):
        build(Scenario(), PROJECTS, fixed_eur=np.array([-1, -1]))


def test_a_locked_project_counts_one_in_the_share_of_projects_whatever_its_cap() -> None:
    # Caps 0 (an aid intensity of 0): only b, locked at its 2 M EUR award, can be funded; it
    # counts as one whole project, (1 - 0.5) / 2 per M EUR, not as none.
    sc = Scenario(
        budget_eur=10 * M,
        constraints=Constraints(max_aid_intensity=0.0, fragile_project_share_min=0.5),
        controls=Controls(lock_awards=True),
    )
    f = build(sc, PROJECTS)
    row = f.matrix.toarray()[f.row_names.index("fragile_project_share")]
    assert row.tolist() == pytest.approx([0.0, 0.5 / 2, 0.0])
    assert f.project_weights().tolist() == pytest.approx([0.0, 1 / 2, 0.0])
    # Locked at 0: it counts as none.
    zero = build(sc, PROJECTS, fixed_eur=np.array([-1, 0, -1]))
    assert "fragile_project_share" in zero.row_names
    at = zero.row_names.index("fragile_project_share")
    assert zero.matrix.toarray()[at].tolist() == [0.0, 0.0, 0.0]


def test_huge_weights_are_normalised_by_the_largest() -> None:
    # 1e308 + 1e308 overflows to inf: divided by the largest first, each weighs 0.5.
    weights = {"jobs_created": 1e308, "leverage": 1e308}
    f = build(Scenario(budget_eur=10 * M, objective=Objective(weights)), PROJECTS)
    assert f.weights["jobs_created"] == f.weights["leverage"] == 0.5
    # a: 10 jobs per M EUR, 5 M EUR invested per M EUR of aid at the pool's 170 / 125 jobs each.
    assert f.cost[0] == pytest.approx(0.5 * 10 + 0.5 * 5 * 170 / 125)


def test_a_weight_only_on_a_criterion_no_project_declares_is_refused() -> None:
    projects = replace(PROJECTS, co2_avoided_t=np.zeros(3, dtype=np.int64))
    sc = Scenario(budget_eur=10 * M, objective=Objective({"co2_avoided_t": 1.0}))
    with pytest.raises(EngineError) as raised:
        build(sc, projects)
    assert raised.value.field == "objective.weights.co2_avoided_t"
    assert "no competing project declares any tCO2e avoided" in str(raised.value)
    # Beside another criterion it is set aside: jobs weigh 1, the version-1 rates exactly.
    both = Scenario(budget_eur=10 * M, objective=Objective({"jobs_created": 1, "co2_avoided_t": 3}))
    f = build(both, projects)
    assert f.weights["jobs_created"] == 1.0 and f.weights["co2_avoided_t"] == 0.0
    assert np.array_equal(f.cost[: f.n], lp.build(both, projects).jobs_per_meur)
    # A review round knows part of the pool only: no error there, the criterion scores 0.
    assert build(sc, projects, whole_pool=False).cost.tolist() == [0.0, 0.0, 0.0]


def test_a_locked_award_cannot_be_forced_out_and_the_lock_wins_over_forcing_in() -> None:
    locked = Controls(lock_awards=True, force_out=(3, 2))
    with pytest.raises(EngineError) as raised:
        build(Scenario(budget_eur=10 * M, controls=locked), PROJECTS)
    assert raised.value.field == "controls.force_out[1]"
    assert "project 2 has a locked award (controls.lock_awards)" in str(raised.value)
    # Locked at 0 (an earlier round left it unfunded): forcing it out agrees with the lock.
    f = build(
        Scenario(budget_eur=10 * M, controls=Controls(force_out=(2,))),
        PROJECTS,
        fixed_eur=np.array([-1, 0, -1]),
    )
    assert f.upper[1] == 0.0
    # b forced in but locked at its 2 M EUR award: it keeps its award, not its 10 M EUR cap, and
    # the forcing group holds only the free projects forced in.
    f = build(
        Scenario(budget_eur=10 * M, controls=Controls(lock_awards=True, force_in=(2, 3))), PROJECTS
    )
    assert (f.lower[1], f.upper[1]) == (2.0, 2.0)
    assert (f.lower[2], f.upper[2]) == (5.0, 5.0)
    assert f.group("force_in").columns == (2,)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("constraints", "field", "hint"),
    [
        (Constraints(sectors={"Chimi": 0.1}), "constraints.sectors.Chimi", "'Chimie'"),
        (
            Constraints(territories={"84-t9": RegionEnvelope(max_eur=M)}),
            "constraints.territories.84-t9",
            "'84-t0'",
        ),
        (
            Constraints(departments={"750": RegionEnvelope(min_eur=M)}),
            "constraints.departments.750",
            "'75'",
        ),
    ],
)
def test_a_sector_territory_or_department_no_project_is_in_is_refused(
    constraints: Constraints, field: str, hint: str
) -> None:
    sc = Scenario(budget_eur=10 * M, constraints=constraints)
    with pytest.raises(EngineError) as raised:
        build(sc, PROJECTS)
    assert raised.value.field == field
    assert "no competing project is in this" in str(raised.value)
    assert f"did you mean {hint}?" in str(raised.value)
    build(sc, PROJECTS, whole_pool=False)  # a review round that knows part of the pool
