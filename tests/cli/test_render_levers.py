"""The run command's text and JSON for the levers' parts of a result, on results built by hand."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from cli import main, render
from cli.render import meur
from simulation.levers import CRITERIA
from simulation.result import (
    Criterion,
    Funding,
    NextInLine,
    RegionAllocation,
    RegionFunding,
    RegionHindsight,
    Result,
    RoundOutcome,
    Rounds,
    SolverInfo,
    Status,
)
from simulation.scenario import Scenario
from tests.cli.helpers import write

SCENARIO = Scenario(name="levers", title="Every lever pulled")

JOBS_ONLY = (
    Criterion("jobs_created", "jobs created", 1234.4, "jobs", 1.0),
    Criterion("jobs_kept", "jobs secured", 5678.0, "jobs", 0.0),
    Criterion("co2_avoided_t", "tCO2e avoided a year", 91011.0, "tCO2e/year", 0.0),
    Criterion("leverage", "investment leveraged", 7.256, "EUR of investment per EUR of aid", 0.0),
)
WEIGHTED = tuple(
    replace(c, weight=w) for c, w in zip(JOBS_ONLY, (0.5, 0.25, 0.25, 0.0), strict=True)
)
# Region 84 gives 25 M EUR and uses 10 M EUR beside 30 M EUR of the State's: 40 M EUR of public
# aid mobilise 300 M EUR of investment, a leverage of 7.5; region 32 offers 20 M EUR, uses none.
FUNDING = Funding(
    state_eur=100_000_000,
    regional_eur=10_000_000,
    investment_eur=770_000_000,
    leverage=7.0,
    rule="requires",
    rate=1.0,
    rule_text="each regional euro needs 1 State euro",
    regions=(
        RegionFunding("84", 30_000_000, 10_000_000, 25_000_000, 300_000_000, 7.5),
        RegionFunding("32", 5_000_000, 0, 20_000_000, 20_000_000, 4.0),
    ),
)
NEXT = (
    NextInLine(41, 30.5, 31.25, 1.5, 48_000, "Not funded: it needs 1.5 more jobs."),
    NextInLine(7, 12.0, 31.25, None, None, "Not funded: the cap leaves it no aid."),
)


def round_outcome(
    index: int, date: str, released_m: int, spent_m: int, jobs: float, so_far: float,
    hindsight: float, price: float,
) -> RoundOutcome:  # fmt: skip
    return RoundOutcome(
        index=index,
        date=date,
        released_eur=released_m * 1_000_000,
        available_eur=released_m * 1_000_000,
        reserve_eur=0,
        spent_eur=spent_m * 1_000_000,
        projects_known=30,
        projects_funded=12,
        jobs=jobs,
        cumulative_jobs=so_far,
        hindsight_jobs=hindsight,
        jobs_lost=hindsight - so_far,
        budget_shadow_price=price,
        status="optimal",
        message="",
    )


ROUNDS = Rounds(
    rounds=(
        round_outcome(1, "2021-04-01", 40, 32, 400.0, 400.0, 430.0, 12.5),
        round_outcome(2, "2021-07-01", 60, 68, 700.0, 1100.0, 1160.0, 10.25),
    ),
    jobs=1100.0,
    hindsight_jobs=1160.0,
    jobs_lost=60.0,
    regions=(RegionHindsight("84", 600.0, 650.0, 50.0), RegionHindsight("32", 500.0, 510.0, 10.0)),
    without_reserve_jobs=1080.0,
    reserve_recovers=20.0,
)


def result(**parts: object) -> Result:
    fields: dict[str, object] = {
        "status": Status.OPTIMAL,
        "message": "Optimal.",
        "jobs": 1234.4,
        "spent_eur": 110_000_000,
        "unspent_eur": 0,
        "budget_eur": 100_000_000,
        "fragile_share": 0.7,
        "fragile_project_share": 0.6,
        "decarbonisation_share": 0.2,
        "decarbonisation_project_share": 0.25,
        "projects_funded": 2,
        "allocation_eur": np.array([40_000_000, 0, 70_000_000], np.int64),
        "project_ids": np.array([3, 7, 41], np.int64),
        "regions": (RegionAllocation("84", 40_000_000, 600.0, 1),),
        "territories": (),
        "binding": (),
        "baselines": (),
        "diagnosis": None,
        "solver": SolverInfo("HiGHS", "1.12", "simplex", {}, 0.01),
        "criteria": JOBS_ONLY,
    }
    fields.update(parts)
    return Result(**fields)  # type: ignore[arg-type]


def text(result: Result) -> str:
    buffer = io.StringIO()
    render.draw_run(render.make_console(buffer), SCENARIO, result, ())
    return buffer.getvalue()


def line(output: str, start: str, after: str = "") -> list[str]:
    """The cells of the table row starting with ``start`` (the first table after ``after``)."""
    rows = [row for row in output[output.index(after) :].splitlines() if row.startswith("│")]
    row = next(row for row in rows if row.strip("│ ").startswith(start))
    return [cell.strip() for cell in row.strip().strip("│").split("│")]


def test_every_criterion_with_its_unit_and_no_weight_column_when_jobs_only() -> None:
    output = text(result())
    assert "Criteria" in output
    assert line(output, "jobs created ") == ["jobs created", "1,234", "jobs"]
    assert line(output, "jobs secured") == ["jobs secured", "5,678", "jobs"]
    assert line(output, "tCO2e avoided") == ["tCO2e avoided a year", "91,011", "tCO2e/year"]
    assert line(output, "investment leveraged") == [
        "investment leveraged",
        "7.26",
        "EUR of investment per EUR of aid",
    ]
    assert "weight" not in output


def test_weights_are_shown_when_the_objective_weighs_other_criteria() -> None:
    output = text(result(criteria=WEIGHTED))
    assert line(output, "jobs created ")[-1] == "50%"
    assert line(output, "jobs secured")[-1] == "25%"
    assert line(output, "investment leveraged")[-1] == "0%"


def test_funding_block_splits_state_and_regional_euros() -> None:
    output = text(result(funding=FUNDING))
    lines = [" ".join(row.split()) for row in output.splitlines()]
    summary = lines[lines.index("Funding") + 1 : lines.index("Funding by region")]
    assert summary == [
        "State 100.0 M EUR",
        "regions 10.0 M EUR",
        "investment mobilised 770.0 M EUR",
        "leverage 7.00 EUR per EUR of public aid",
        "matching requires: each regional euro needs 1 State euro",
    ]
    assert line(output, "84 ", "Funding by region") == [
        "84",
        "Auvergne-Rhône-Alpes",
        "30.0",
        "10.0",
        "25.0",
        "7.50",
    ]
    assert line(output, "32 ", "Funding by region") == [
        "32",
        "Hauts-de-France",
        "5.0",
        "0.0",
        "20.0",
        "4.00",
    ]


def test_funding_by_region_lists_the_regions_by_region_lists() -> None:
    # Region 987 has a row "By region" (no aid) but none in the funding: it is listed with 0.
    regions = (
        RegionAllocation("84", 40_000_000, 600.0, 1),
        RegionAllocation("987", 0, 0.0, 0),
    )
    output = text(result(funding=FUNDING, regions=regions))
    assert line(output, "987 ", "By region")[2:] == ["0.0", "0", "0"]
    after = output[output.index("Funding by region") :]
    codes = [row.strip("│ ").split()[0] for row in after.splitlines() if row.startswith("│")]
    assert codes[:3] == ["32", "84", "987"]
    assert line(output, "987 ", "Funding by region") == [
        "987", "Polynésie française", "0.0", "0.0", "0.0", "-",
    ]  # fmt: skip


def test_unspent_names_the_states_budget_and_the_regions_unused_offer() -> None:
    # The regions offer 25 + 20 = 45 M EUR and 10 are used: 35 M EUR of their offer unused.
    output = text(result(funding=FUNDING, unspent_eur=12_500_000))
    unspent = next(" ".join(row.split()) for row in output.splitlines() if "unspent" in row)
    assert unspent == (
        "unspent 12.5 M EUR of the State's budget; 35.0 M EUR of the regions' offer unused"
    )
    state_only = replace(FUNDING, regional_eur=0, rule="", rate=0.0, regions=())
    output = text(result(funding=state_only, unspent_eur=12_500_000))
    assert "unspent 12.5 M EUR" in [" ".join(row.split()) for row in output.splitlines()]
    assert "regions' offer" not in output


def test_no_funding_block_when_no_region_contributes() -> None:
    state_only = replace(FUNDING, regional_eur=0, rule="", rate=0.0, regions=())
    assert "Funding" not in text(result(funding=state_only))


def test_next_in_line_lists_what_each_project_needs() -> None:
    output = text(result(next_in_line=NEXT))
    assert "Next in line" in output
    assert line(output, "41 ")[:5] == ["41", "30.5", "31.2", "1.5", "48,000"]
    assert line(output, "7 ")[:5] == ["7", "12.0", "31.2", "-", "-"]
    assert "needs 1.5 more jobs" in output


def test_rounds_block_per_round_per_region_and_the_reserve() -> None:
    # Round 1 releases 40 M EUR and holds 8 back; round 2 releases 60 and has 68 available
    # (60 + the 8 left): it spends more than it releases, which the columns explain.
    first, second = ROUNDS.rounds
    rounds = replace(
        ROUNDS,
        rounds=(
            replace(first, reserve_eur=8_000_000),
            replace(second, available_eur=68_000_000, projects_known=45),
        ),
    )
    output = text(result(rounds=rounds))
    assert line(output, "1 ") == [
        "1", "2021-04-01", "30", "40.0", "40.0", "32.0", "8.0", "400", "400", "430", "30",
        "+12.5",
    ]  # fmt: skip
    assert line(output, "2 ") == [
        "2", "2021-07-01", "45", "60.0", "68.0", "68.0", "0.0", "700", "1,100", "1,160", "60",
        "+10.2",
    ]  # fmt: skip
    assert "1,100 jobs against 1,160 knowing every project from the start: 60 lost" in output
    assert "The reserve recovers 20 jobs (1,080 with no reserve)" in output
    assert line(output, "84 ", "Jobs lost by region") == [
        "84",
        "Auvergne-Rhône-Alpes",
        "600",
        "650",
        "50",
    ]


def test_no_lever_block_for_a_version_1_result_without_lever_parts() -> None:
    output = text(result(criteria=()))
    for heading in ("Criteria", "Funding", "Next in line", "Rounds"):
        assert heading not in output


def test_json_carries_every_lever_part_and_each_project_regional_euros() -> None:
    full = result(
        criteria=WEIGHTED,
        funding=FUNDING,
        next_in_line=NEXT,
        rounds=ROUNDS,
        regional_eur=np.array([10_000_000, 0, 0], np.int64),
    )
    data = json.loads(render.json_text(full.to_dict()))
    assert data["criteria"][2] == {
        "name": "co2_avoided_t",
        "label": "tCO2e avoided a year",
        "value": 91011.0,
        "unit": "tCO2e/year",
        "weight": 0.25,
    }
    assert data["funding"]["regions"][0]["regional_eur"] == 10_000_000
    assert data["funding"]["rule"] == "requires"
    assert data["next_in_line"][1] == {
        "project_id": 7,
        "score": 12.0,
        "threshold": 31.25,
        "jobs_needed": None,
        "aid_cut_eur": None,
        "text": "Not funded: the cap leaves it no aid.",
    }
    assert data["rounds"]["rounds"][1]["budget_shadow_price"] == 10.25
    assert data["rounds"]["regions"][1] == {
        "code": "32",
        "jobs": 500.0,
        "hindsight_jobs": 510.0,
        "jobs_lost": 10.0,
    }
    assert data["rounds"]["reserve_recovers"] == 20.0
    assert data["allocation"] == [
        {"project_id": 3, "allocated_eur": 40_000_000, "regional_eur": 10_000_000},
        {"project_id": 41, "allocated_eur": 70_000_000, "regional_eur": 0},
    ]


def test_json_of_a_state_only_result_has_no_regional_euros() -> None:
    data = json.loads(render.json_text(result().to_dict()))
    assert data["funding"] is None and data["rounds"] is None and data["next_in_line"] == []
    assert data["allocation"][0] == {"project_id": 3, "allocated_eur": 40_000_000}


# ---- through the engine: territoires run on a version-2 file ------------------------------

LEVERS_FILE = """version: 2
name: levers
title: Weighted, co-funded, in two rounds
projects: {phase: 1}
objective:
  weights: {jobs_created: 1, co2_avoided_t: 1}
co_funding:
  contributions: {"84": 25_000_000}
  matching: {rule: requires, rate: 1.0}
rounds:
  - {date: 2021-04-01, release_share: 0.5, reserve_share: 0.2}
  - {date: 2021-10-01, release_share: 0.5}
controls:
  next_in_line: 3
"""


def test_run_prints_and_serialises_what_the_levers_add(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "levers.yaml", LEVERS_FILE)
    assert main(["run", path, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)["result"]
    assert [c["name"] for c in data["criteria"]] == list(CRITERIA)
    weights = {c["name"]: c["weight"] for c in data["criteria"]}
    assert weights == {"jobs_created": 0.5, "jobs_kept": 0, "co2_avoided_t": 0.5, "leverage": 0}
    assert len(data["next_in_line"]) == 3
    funding = data["funding"]
    assert 0 < funding["regional_eur"] <= 25_000_000
    assert sum(a["regional_eur"] for a in data["allocation"]) == funding["regional_eur"]

    # csv: each project's aid split into the State's euros and its region's.
    assert main(["run", path, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    regional = {a["project_id"]: a["regional_eur"] for a in data["allocation"]}
    assert len(rows) == len(regional)
    for row in rows:
        assert int(row["regional_eur"]) == regional[int(row["project_id"])]
        assert int(row["state_eur"]) + int(row["regional_eur"]) == int(row["allocated_eur"])
    assert sum(int(row["state_eur"]) for row in rows) == funding["state_eur"]
    assert [r["date"] for r in data["rounds"]["rounds"]] == ["2021-04-01", "2021-10-01"]

    assert main(["run", path]) == 0
    output = capsys.readouterr().out
    for heading in ("Criteria", "Funding by region", "Next in line", "Rounds", "Jobs lost by"):
        assert heading in output
    state = meur(funding["state_eur"])
    assert [" ".join(row.split()) for row in output.splitlines() if row.startswith(" State ")] == [
        f"State {state} M EUR"
    ]
    assert line(output, "tCO2e avoided")[-1] == "50%"
    first = data["rounds"]["rounds"][0]
    assert line(output, "1 ", "Rounds")[:7] == [
        "1",
        "2021-04-01",
        f"{first['projects_known']:,}",
        "200.0",
        "200.0",  # the first round has only what it releases
        meur(first["spent_eur"]),
        meur(first["reserve_eur"]),
    ]


def test_a_reserve_that_loses_jobs_is_said_to_cost_them() -> None:
    costly = replace(ROUNDS, without_reserve_jobs=1108.0, reserve_recovers=-8.0)
    output = text(result(rounds=costly))
    assert "The reserve costs 8 jobs (1,108 with no reserve)" in output
    assert "recovers -" not in output
