"""Sobol indices with SALib: a toy whose answer is known, the same on the cluster, refusals."""

import math
from pathlib import Path

import numpy as np
import pytest
from distributed import Client
from SALib.sample import sobol as salib_sample

from simulation import uncertainty
from simulation.projects import ProjectColumns
from simulation.scenario import Constraints, Scenario
from simulation.solve import solve
from studies.errors import StudyError
from studies.sensitivity import chart, evaluate_batch, parse_range, sobol

SCENARIO = Scenario(budget_eur=30_000_000, constraints=Constraints(fragile_share_min=0.6))


def test_one_sample_is_the_allocations_expected_jobs(projects: ProjectColumns) -> None:
    """Each funded project's mean jobs at the sample's rate, times the share of its request it
    gets: worked out here from the engine's own allocation at the same point."""
    result = solve(SCENARIO, projects)
    share = result.allocation_eur / projects.aid_requested_eur
    expected = float(np.sum(uncertainty.mean_jobs(projects, 0.7) * share))
    [(index, status, jobs)] = evaluate_batch(
        SCENARIO.to_dict(), projects, ["realisation_rate"], [(0, [0.7])]
    )
    assert (index, status) == (0, "optimal")
    assert jobs == pytest.approx(expected, rel=1e-12)


def test_only_the_parameter_that_moves_jobs_has_an_index(projects: ProjectColumns) -> None:
    # With the expected-jobs objective the allocation ignores the realisation rate and the
    # target; expected jobs are then a + b * rate (declared projects scale with the rate):
    # the rate explains all the variance (S1 = ST = 1), the target none (exactly 0, its
    # samples give the very same allocation and jobs).
    ranges = {"realisation_rate": (0.5, 1.0), "target_jobs": (100.0, 5000.0)}
    found = sobol(SCENARIO, projects, ranges, samples=32, seed=3, client=None)
    assert found.names == ("realisation_rate", "target_jobs")
    assert found.evaluations == 32 * 4
    assert found.st[0] == pytest.approx(1.0, abs=0.05)
    assert found.s1[0] == pytest.approx(1.0, abs=0.1)
    assert found.st[1] == 0.0 and found.s1[1] == 0.0
    assert all(c >= 0 for c in (*found.s1_conf, *found.st_conf))


def test_the_cluster_gives_the_same_indices(dask_client: Client, projects: ProjectColumns) -> None:
    ranges = {"budget_eur": (2e7, 4e7), "fragile_share_min": (0.4, 0.7)}
    here = sobol(SCENARIO, projects, ranges, samples=8, seed=1, client=None)
    there = sobol(SCENARIO, projects, ranges, samples=8, seed=1, client=dask_client)
    assert here == there
    assert here.st[0] > here.st[1]  # the budget moves jobs far more than the floor does


def test_infeasible_samples_are_counted_and_refused(projects: ProjectColumns) -> None:
    # Spending all of a budget above what the projects ask for (about 280 M EUR) is
    # infeasible: budgets drawn above it cannot be attributed any jobs.
    spend_all = Scenario(budget_eur=30_000_000, constraints=Constraints(min_spend_share=1.0))
    ranges = {"budget_eur": (5e7, 5e8)}
    with pytest.raises(StudyError) as raised:
        sobol(spend_all, projects, ranges, samples=8, seed=0, client=None)
    assert raised.value.field == "parameters"
    message = raised.value.message
    # The count is that of the samples SALib draws above what the projects ask for.
    problem = {"num_vars": 1, "names": ["budget_eur"], "bounds": [[5e7, 5e8]]}
    budgets = salib_sample.sample(problem, 8, calc_second_order=False, seed=0)[:, 0]
    above = int((budgets.round() > projects.aid_requested_eur.sum()).sum())
    assert 0 < above < 24
    assert f"{above} of 24 samples are not solved ({above} infeasible;" in message
    assert "none are computed" in message and "e.g. at budget_eur=" in message


@pytest.mark.parametrize(
    ("ranges", "samples", "field", "words"),
    [
        ({"budget_eur": (2e7, 4e7)}, 48, "samples", "power of 2 (e.g. 32 or 64)"),
        ({"budget_eur": (2e7, 4e7)}, 4, "samples", "between 8 and"),
        ({}, 8, "parameters", "give at least one"),
        ({"fragile_share_min": (0.5, 1.5)}, 8, "parameters.fragile_share_min", "between 0 and 1"),
        ({"realisation_rate": (0.0, 1.0)}, 8, "parameters.realisation_rate", "above 0"),
        ({"jobs": (1.0, 2.0)}, 8, "parameters", "unknown parameter 'jobs'"),
    ],
)
def test_bad_ranges_and_samples_name_their_field(
    projects: ProjectColumns,
    ranges: dict[str, tuple[float, float]],
    samples: int,
    field: str,
    words: str,
) -> None:
    with pytest.raises(StudyError) as raised:
        sobol(SCENARIO, projects, ranges, samples=samples, seed=0, client=None)
    assert raised.value.field == field
    assert words in raised.value.message


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        ("budget_eur=4e7:2e7", "parameters.budget_eur", "low end must be below the high end"),
        ("budget_eur=4e7", "parameters.budget_eur", "expected LOW:HIGH"),
        ("budget_eur=nan:1", "parameters.budget_eur", "finite"),
        ("fragile_shar=0:1", "parameters", "did you mean fragile_share_min?"),
    ],
)
def test_a_bad_range_names_its_field(text: str, field: str, words: str) -> None:
    with pytest.raises(StudyError) as raised:
        parse_range(text)
    assert (raised.value.field, words in raised.value.message) == (field, True)


def test_the_chart_is_a_png(projects: ProjectColumns, tmp_path: Path) -> None:
    ranges = {"realisation_rate": (0.5, 1.0), "budget_eur": (2e7, 4e7)}
    found = sobol(SCENARIO, projects, ranges, samples=8, seed=0, client=None)
    assert all(math.isfinite(v) for v in (*found.s1, *found.st))
    chart(found, tmp_path / "sobol.png")
    assert (tmp_path / "sobol.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
