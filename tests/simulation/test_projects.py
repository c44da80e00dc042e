import numpy as np
import pytest

from simulation.projects import ProjectColumns
from simulation.scenario import Scenario
from simulation.solve import solve
from tests.simulation.conftest import seeded_projects


def test_codes_are_computed_once_from_the_strings() -> None:
    projects = seeded_projects(
        300, seed=2, territories=12, fragile_share=0.5, decarbonisation_share=0.5
    )
    assert projects.region_names.tolist() == ["11", "84", "93"]
    assert (projects.region_names[projects.region_index] == projects.region).all()
    names = projects.territory_names.tolist()
    assert names == sorted(set(projects.territory.tolist()))
    assert (projects.territory_names[projects.territory_index] == projects.territory).all()
    first = [projects.territory.tolist().index(name) for name in names]
    assert projects.territory_region.tolist() == projects.region[first].tolist()


def test_a_subset_keeps_only_the_codes_it_uses() -> None:
    projects = seeded_projects(
        50, seed=4, territories=5, fragile_share=0.5, decarbonisation_share=0.5
    )
    subset = projects.take(projects.region == "84")
    assert subset.region_names.tolist() == ["84"]
    assert subset.region_index.tolist() == [0] * len(subset)
    assert subset.territory_names.tolist() == sorted(set(subset.territory.tolist()))
    assert (subset.territory_names[subset.territory_index] == subset.territory).all()


def test_no_project_has_no_code() -> None:
    empty = np.zeros(0, dtype=np.int64)
    projects = ProjectColumns(
        ids=empty,
        aid_requested_eur=empty,
        investment_eur=empty,
        jobs_created=empty,
        region=np.zeros(0, dtype=np.str_),
        territory=np.zeros(0, dtype=np.str_),
        fragile=np.zeros(0, dtype=np.bool_),
        decarbonisation=np.zeros(0, dtype=np.bool_),
    )
    assert len(projects.region_names) == len(projects.territory_index) == 0


def test_columns_of_different_lengths_are_refused() -> None:
    projects = seeded_projects(
        5, seed=1, territories=2, fragile_share=0.5, decarbonisation_share=0.5
    )
    with pytest.raises(ValueError, match=r"ProjectColumns\.territory: has 4 rows, ids has 5"):
        ProjectColumns(
            ids=projects.ids,
            aid_requested_eur=projects.aid_requested_eur,
            investment_eur=projects.investment_eur,
            jobs_created=projects.jobs_created,
            region=projects.region,
            territory=projects.territory[:4],
            fragile=projects.fragile,
            decarbonisation=projects.decarbonisation,
        )


def without_territory() -> ProjectColumns:
    """Four projects of 1 M EUR each; projects 2 and 4 lie in no territory (territory "")."""
    return ProjectColumns(
        ids=np.array([1, 2, 3, 4], dtype=np.int64),
        aid_requested_eur=np.full(4, 1_000_000, dtype=np.int64),
        investment_eur=np.full(4, 5_000_000, dtype=np.int64),
        jobs_created=np.array([40, 30, 20, 10], dtype=np.int64),
        region=np.array(["84", "84", "11", "11"]),
        territory=np.array(["t-84", "", "t-11", ""]),
        fragile=np.zeros(4, dtype=np.bool_),
        decarbonisation=np.zeros(4, dtype=np.bool_),
    )


def test_projects_in_no_territory_form_a_group_of_no_region() -> None:
    projects = without_territory()
    assert projects.territory_names.tolist() == ["", "t-11", "t-84"]
    # the "" group spans regions: no region is its region
    assert projects.territory_region.tolist() == ["", "11", "84"]


def test_territory_sums_leave_out_projects_in_no_territory_and_region_sums_count_them() -> None:
    result = solve(Scenario(budget_eur=10_000_000), without_territory())
    assert result.spent_eur == 4_000_000
    assert {t.id: (t.region, t.allocated_eur, t.projects_funded) for t in result.territories} == {
        "t-84": ("84", 1_000_000, 1),
        "t-11": ("11", 1_000_000, 1),
    }
    assert {r.code: (r.allocated_eur, r.jobs, r.projects_funded) for r in result.regions} == {
        "84": (2_000_000, 70.0, 2),
        "11": (2_000_000, 30.0, 2),
    }
