import pytest

from simulation.errors import EngineError
from simulation.explain import explain_project
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
