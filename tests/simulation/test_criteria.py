"""Every criterion pro rata to the aid received, and the State/regional split."""

from dataclasses import replace

import numpy as np
import pytest

from simulation.criteria import criteria, funding
from simulation.levers import CRITERIA, CoFunding, Matching
from tests.simulation.conftest import projects_of

M = 1_000_000
# a (84): 10 M EUR requested, 100 jobs; b (84): 4 M EUR, 20 jobs; c (11): 5 M EUR, 10 jobs.
PROJECTS = replace(
    projects_of(
        [(10, 100, "84", False, False), (4, 20, "84", True, False), (5, 10, "11", False, True)]
    ),
    jobs_kept=np.array([40, 8, 0]),
    co2_avoided_t=np.array([0, 100, 500]),
    investment_eur=np.array([30 * M, 8 * M, 25 * M]),
)
ALLOC = np.array([5 * M, 4 * M, 0], dtype=np.int64)  # a half, b in full, c nothing


def test_every_criterion_counts_pro_rata_to_aid() -> None:
    got = {c.name: c for c in criteria(PROJECTS, ALLOC, {"jobs_created": 3, "co2_avoided_t": 1})}
    assert list(got) == list(CRITERIA)
    assert got["jobs_created"].value == pytest.approx(50 + 20)
    assert got["jobs_kept"].value == pytest.approx(20 + 8)
    assert got["co2_avoided_t"].value == pytest.approx(100)
    # Investment mobilised: half of a's 30 M EUR and all of b's 8, for 9 M EUR of aid.
    assert got["leverage"].value == pytest.approx(23 / 9)
    assert [got[k].weight for k in CRITERIA] == [0.75, 0.0, 0.25, 0.0]


def test_nothing_spent_has_no_leverage() -> None:
    got = criteria(PROJECTS, np.zeros(3, dtype=np.int64), {"jobs_created": 1})
    assert [c.value for c in got] == [0.0, 0.0, 0.0, 0.0]


def test_regional_euros_are_shared_pro_rata_in_their_region() -> None:
    # Region 84 paid 3 M EUR of its 4 M EUR offer over a (5 M EUR) and b (4 M EUR):
    # a 5/9 x 3 = 1,666,667 (rounded up to take the remainder), b 4/9 x 3 = 1,333,333.
    co = CoFunding({"84": 4 * M}, Matching("requires", 1.0))
    total, regional = funding(PROJECTS, ALLOC, {"84": 3 * M}, co)
    assert regional.tolist() == [1_666_667, 1_333_333, 0]
    assert regional.sum() == 3 * M
    assert (total.state_eur, total.regional_eur) == (6 * M, 3 * M)
    assert (total.rule, total.rate) == ("requires", 1.0)
    assert total.rule_text == "each regional euro needs 1 State euro"
    assert total.investment_eur == 23 * M
    assert total.leverage == pytest.approx(23 / 9)
    region = {r.code: r for r in total.regions}
    assert list(region) == ["84"]  # 11 has neither aid nor a contribution
    assert (region["84"].state_eur, region["84"].regional_eur) == (6 * M, 3 * M)
    assert region["84"].contribution_eur == 4 * M
    assert region["84"].leverage == pytest.approx(23 / 9)


def test_without_contributions_the_state_pays_everything() -> None:
    total, regional = funding(PROJECTS, ALLOC, {}, CoFunding())
    assert not regional.any()
    assert (total.state_eur, total.regional_eur, total.rule, total.rule_text) == (9 * M, 0, "", "")


@pytest.mark.parametrize(
    ("rule", "rate", "words"),
    [
        ("requires", 1.0, "each regional euro needs 1 State euro"),
        ("requires", 2.0, "each regional euro needs 2 State euros"),
        ("requires", 0.5, "each regional euro needs 0.5 State euros"),
        ("follows", 1.0, "at most 1 regional euro per State euro"),
        ("follows", 0.5, "at most 0.5 regional euros per State euro"),
    ],
)
def test_the_matching_rule_in_words_takes_its_plural(rule: str, rate: float, words: str) -> None:
    assert Matching(rule, rate).words() == words
    co = CoFunding({"84": 4 * M}, Matching(rule, rate))
    assert funding(PROJECTS, ALLOC, {"84": M}, co)[0].rule_text == words
