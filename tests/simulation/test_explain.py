from dataclasses import replace

import numpy as np
import pytest

from simulation.errors import EngineError
from simulation.explain import explain_project, next_in_line
from simulation.levers import CRITERIA, Objective
from simulation.scenario import Constraints, Mode, Scenario
from simulation.solve import solve
from tests.simulation.conftest import projects_of

M = 1_000_000
# a: 10 jobs per M EUR, b: 5, c: 2; budget 15 M EUR funds a fully and b by half.
ABC = [(10, 100, "84", False, False), (10, 50, "11", True, False), (10, 20, "11", False, True)]
SCENARIO = Scenario(budget_eur=15 * M, constraints=Constraints())


@pytest.mark.parametrize(
    ("project_id", "funded", "start"),
    [
        pytest.param(1, True, "Funded in full", id="best-project"),
        pytest.param(2, True, "Partly funded", id="marginal-project"),
        pytest.param(3, False, "Not funded", id="below-threshold"),
    ],
)
def test_explanations_follow_the_allocation(project_id: int, funded: bool, start: str) -> None:
    projects = projects_of(ABC)
    explanation = explain_project(solve(SCENARIO, projects), projects, project_id)
    assert explanation.funded is funded
    assert explanation.text.startswith(start)


def test_unfunded_project_says_how_many_jobs_or_how_much_less_aid() -> None:
    projects = projects_of(ABC)
    explanation = explain_project(solve(SCENARIO, projects), projects, 3)
    # The threshold is the marginal project's 5 jobs per M EUR: c needs 50 jobs for 10 M EUR
    # instead of 20, or would have to ask only 4 M EUR for its 20 jobs.
    assert explanation.threshold == pytest.approx(5.0)
    assert explanation.jobs_needed == pytest.approx(30.0)
    assert explanation.aid_cut_eur == 6 * M


def test_funded_project_says_how_far_it_is_from_leaving() -> None:
    projects = projects_of(ABC)
    explanation = explain_project(solve(SCENARIO, projects), projects, 1)
    assert "up to 50.0 fewer jobs" in explanation.text


def test_all_or_nothing_explanations_name_their_source() -> None:
    projects = projects_of(ABC)
    result = solve(Scenario(budget_eur=15 * M, mode=Mode.ALL_OR_NOTHING), projects)
    assert "LP relaxation" in explain_project(result, projects, 3).text


def test_unknown_project_is_an_error() -> None:
    projects = projects_of(ABC)
    with pytest.raises(EngineError, match="project_id"):
        explain_project(solve(SCENARIO, projects), projects, 99)


@pytest.mark.parametrize(
    "mode", [pytest.param(Mode.CONTINUOUS, id="continuous"), pytest.param(Mode.ALL_OR_NOTHING)]
)
def test_a_project_held_by_the_aid_cap_says_so_and_counts_part_of_its_jobs(mode: Mode) -> None:
    # Investment is twice the aid asked: a 25 % intensity cap allows half of it, 5 M EUR each.
    projects = projects_of(ABC, investment_factor=2.0)
    sc = Scenario(budget_eur=15 * M, mode=mode, constraints=Constraints(max_aid_intensity=0.25))
    result = solve(sc, projects)
    assert int(result.allocation_eur[0]) == 5 * M
    explanation = explain_project(result, projects, 1)
    assert explanation.funded
    assert "in full" not in explanation.text
    assert explanation.text.startswith(
        "Funded up to its aid cap: 5,000,000 of the 10,000,000 EUR requested, "
        "counting 50.0 of its 100 jobs"
    )
    # The result counts the same jobs: all three projects at half their aid.
    assert result.jobs == pytest.approx(50.0 + 25.0 + 10.0)


def test_a_partly_funded_project_counts_jobs_pro_rata() -> None:
    projects = projects_of(ABC)
    explanation = explain_project(solve(SCENARIO, projects), projects, 2)
    assert "(5,000,000 of 10,000,000 EUR, counting 25.0 of its 50 jobs)" in explanation.text


def test_next_in_line_lists_the_closest_unfunded_projects_first() -> None:
    # 12 M EUR: a in full, b 2 of 10 (the marginal project, 5 jobs per M EUR); c (2 jobs per
    # M EUR, 10 M EUR) and d (4 jobs per M EUR, 5 M EUR) wait: d is closer (needs 5 x 5 - 20 = 5
    # more jobs), then c (5 x 10 - 20 = 30).
    rows = [*ABC, (5, 20, "84", False, False)]
    projects = projects_of(rows)
    result = solve(Scenario(budget_eur=12_000_000), projects)
    assert [p.project_id for p in result.next_in_line] == [4, 3]
    d, c = result.next_in_line
    assert (d.jobs_needed, c.jobs_needed) == (pytest.approx(5.0), pytest.approx(30.0))
    assert (d.score, d.threshold) == (pytest.approx(4.0), pytest.approx(5.0))
    assert d.text == explain_project(result, projects, 4).text
    assert next_in_line(result, projects, 1) == result.next_in_line[:1]
    assert next_in_line(result, projects, 0) == ()


def test_version_1_results_report_every_criterion() -> None:
    result = solve(SCENARIO, projects_of(ABC))
    assert [c.name for c in result.criteria] == list(CRITERIA)
    assert result.criterion("jobs_created") == result.jobs
    assert result.leverage == pytest.approx(5.0)  # investment is 5 x the aid (conftest)


def test_weighted_explanations_give_each_criterion_its_part() -> None:
    # Weights 1 and 1 on a (100 jobs) and b (50 jobs, 1,000 tCO2e), 10 M EUR each, 8 M EUR:
    # a tCO2e counts 150 / 1,000 jobs-equivalents; a scores 5, b 2.5 + 7.5 = 10 and is funded.
    projects = replace(projects_of(ABC[:2]), co2_avoided_t=np.array([0, 1000]))
    weights = Objective({"jobs_created": 1, "co2_avoided_t": 1})
    result = solve(Scenario(budget_eur=8_000_000, objective=weights), projects)
    assert result.allocation_eur.tolist() == [0, 8_000_000]
    b = explain_project(result, projects, 2)
    assert "its score of 10.0 per M EUR of aid (jobs created 2.5, tCO2e avoided a year 7.5" in (
        b.text
    )
    a = explain_project(result, projects, 1)
    # a must reach b's 10: (10 - 5) x 10 M EUR / weight 0.5 = 100 more jobs, or ask for half.
    assert a.jobs_needed == pytest.approx(100.0)
    assert a.aid_cut_eur == 5_000_000
    assert "jobs-equivalents" in a.text
    assert "with 100.0 more jobs (200.0 instead of 100) or asking 5,000,000 EUR less aid." in (
        a.text
    )


def test_a_project_a_fraction_of_a_job_below_the_threshold_says_it_sits_there() -> None:
    # 5 M EUR: a (10 jobs per M EUR) is the marginal project. b asks 10,004,000 EUR for 100
    # jobs: it needs 10 x 10.004 - 100 = 0.04 more jobs (it reads 0.0), or 4,000 EUR less aid.
    projects = projects_of([(10, 100, "84", False, False), (10.004, 100, "11", False, False)])
    result = solve(Scenario(budget_eur=5 * M), projects)
    b = explain_project(result, projects, 2)
    assert b.jobs_needed == pytest.approx(0.04)
    assert b.aid_cut_eur == 4_000
    assert b.text.endswith(
        "it sits at the threshold: it would enter with a fraction of a job more, or 4,000 EUR "
        "less aid."
    )
    # Far from it, the jobs keep one decimal: 10 x 10.5 - 100 = 5.0 more jobs.
    far = projects_of([(10, 100, "84", False, False), (10.5, 100, "11", False, False)])
    c = explain_project(solve(Scenario(budget_eur=5 * M), far), far, 2)
    assert "it would enter with 5.0 more jobs (105.0 instead of 100) or asking 500,000 EUR" in (
        c.text
    )


def test_with_jobs_weighted_0_only_the_aid_cut_is_offered() -> None:
    # Leverage only (investment 5 x the aid for every project): every score ties at the
    # threshold, so the projects left wait with no jobs to offer, only an aid cut of 0.
    projects = projects_of(ABC)
    result = solve(Scenario(budget_eur=15 * M, objective=Objective({"leverage": 1})), projects)
    assert result.next_in_line
    for p in result.next_in_line:
        assert p.jobs_needed is None
        assert "more jobs" not in p.text
    # With b's investment cut to twice its aid, it scores below the threshold: still no jobs.
    projects = replace(projects, investment_eur=np.array([50, 20, 50]) * M)
    result = solve(Scenario(budget_eur=15 * M, objective=Objective({"leverage": 1})), projects)
    b = explain_project(result, projects, 2)
    assert not b.funded
    assert b.jobs_needed is None and b.aid_cut_eur is not None and b.aid_cut_eur > 0
    assert "more jobs" not in b.text and "EUR less aid" in b.text
