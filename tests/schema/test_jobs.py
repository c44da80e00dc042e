"""Long work over GraphQL: jobs started with an API key, run on a real local Dask cluster (one
worker), polled until done, their rows checked against the engine's own solves and draws;
refusals coded and naming the argument; a job left running by a stopped server resumed from the
batches it stored."""
# ruff: noqa: E501  (the table of refusals reads best one case per line)

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import threading
from collections.abc import AsyncIterator
from concurrent.futures import Future
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from sqlalchemy import select, update
from starlette.applications import Starlette

from apikeys import hash_key
from models import job as stored
from models.db import make_engine, make_sessionmaker
from models.queries import load_projects
from schema.auth import DEV_API_KEY
from schema.scenarios import Catalogue
from server import create_app
from settings import Settings
from simulation import uncertainty
from simulation.scenario import Scenario
from simulation.solve import solve
from studies import job_draws, sweep
from studies import jobs as runner
from studies.grid import Axis, scenario_at
from tests.conftest import copy_database

KEY = {"Authorization": f"Bearer {DEV_API_KEY}"}
# A few hundred projects: the shipped 2020 fund's phase-1 pool, in one region.
SCENARIO = {"name": "jobs-sweep", "base": "france-relance-2020", "projects": {"regions": ["84"]}}
SCENARIO_INPUT = {
    "name": "jobs-sweep",
    "base": "france-relance-2020",
    "projects": {"regions": ["84"]},
}
GRID = [
    {"parameter": "budget_eur", "values": [20_000_000, 40_000_000]},
    {"parameter": "fragile_share_min", "range": "0.5:0.6:0.1"},
]
AXES = (Axis("budget_eur", (2e7, 4e7)), Axis("fragile_share_min", (0.5, 0.6)))
START_SWEEP = """mutation($s: ScenarioInput, $n: String, $g: [GridAxisInput!]!, $d: Int) {
  startSweep(scenario: $s, name: $n, grid: $g, draws: $d) { id kind status done total }
}"""
START_MONTE_CARLO = """mutation($s: ScenarioInput, $n: String, $d: Int!) {
  startMonteCarlo(scenario: $s, name: $n, draws: $d) { id kind status total }
}"""
RESUME = "mutation($id: ID!) { resumeJob(id: $id) { id status done } }"
CANCEL = "mutation($id: ID!) { cancelJob(id: $id) { id status done } }"
JOB = """query($id: ID!, $first: Int, $after: String) { job(id: $id) {
  id kind status done total progress error
  rows(first: $first, after: $after) {
    totalCount nodes { position data } pageInfo { hasNextPage endCursor }
  }
} }"""
POLL_S = 180.0  # generous: the machine is shared; a job here takes a few seconds


async def post(http: httpx.AsyncClient, query: str, headers: Any = None, **variables: Any) -> Any:
    response = await http.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers or {}
    )
    assert response.status_code == 200, response.text
    return response.json()


@asynccontextmanager
async def serving(url: str, **settings: Any) -> AsyncIterator[tuple[httpx.AsyncClient, Starlette]]:
    """The app with its lifespan (stale jobs interrupted at start, running ones at the end)."""
    settings = {"job_workers": 1, "job_heartbeat_s": 0.5, **settings}
    app = create_app(Settings(database_url=url, **settings))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield http, app


async def wait_done(http: httpx.AsyncClient, job_id: str) -> dict[str, Any]:
    async with asyncio.timeout(POLL_S):
        while True:
            job = (await post(http, JOB, id=job_id, first=0))["data"]["job"]
            if job["status"] not in ("QUEUED", "RUNNING"):
                return dict(job)
            await asyncio.sleep(0.2)


async def all_rows(http: httpx.AsyncClient, job_id: str, first: int) -> list[dict[str, Any]]:
    """Every row, page by page (`first` at a time, following endCursor)."""
    rows: list[dict[str, Any]] = []
    after = None
    while True:
        body = await post(http, JOB, id=job_id, first=first, after=after)
        page = body["data"]["job"]["rows"]
        rows += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            return rows
        after = page["pageInfo"]["endCursor"]


async def engine_inputs(url: str, data: dict[str, Any] | None, name: str | None) -> Any:
    """The scenario as the API resolves it, and its projects, read by the test itself."""
    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine)() as session:
            catalogue = Catalogue(session)
            scenario = await (catalogue.load(name) if name else catalogue.resolve(data or {}))
            projects = await load_projects(session, scenario.projects)
    finally:
        await engine.dispose()
    return scenario, projects


def expected_row(scenario: Scenario, projects: Any, point: dict[str, float]) -> dict[str, Any]:
    result = solve(scenario_at(scenario, point), projects, time_limit_s=30.0)
    return {"status": str(result.status), "jobs": result.jobs, "spent_eur": result.spent_eur}


@pytest.fixture
def jobs_url(seeded_db_url: str, tmp_path: Path) -> str:
    return copy_database(seeded_db_url, tmp_path / "jobs.db")


@pytest.mark.slow
async def test_a_sweep_job_runs_on_dask_and_pages_the_engines_own_solves(jobs_url: str) -> None:
    async with serving(jobs_url) as (http, _):
        started = await post(http, START_SWEEP, KEY, s=SCENARIO_INPUT, g=GRID, d=None)
        job = started["data"]["startSweep"]
        assert (job["kind"], job["status"], job["done"], job["total"]) == ("SWEEP", "QUEUED", 0, 4)
        finished = await wait_done(http, job["id"])
        rows = await all_rows(http, job["id"], first=3)  # two pages: 3 rows, then 1
    assert (finished["status"], finished["done"], finished["progress"]) == ("DONE", 4, 1.0)
    assert finished["error"] is None
    scenario, projects = await engine_inputs(jobs_url, SCENARIO, None)
    assert 100 <= len(projects) <= 1000  # a few hundred projects compete
    points = [dict(zip(("budget_eur", "fragile_share_min"), p, strict=True)) for p in
              [(2e7, 0.5), (2e7, 0.6), (4e7, 0.5), (4e7, 0.6)]]  # first axis slowest  # fmt: skip
    assert [row["position"] for row in rows] == [0, 1, 2, 3]
    for row, point in zip(rows, points, strict=True):
        data = row["data"]
        assert data["index"] == row["position"]
        assert (data["budget_eur"], data["fragile_share_min"]) == pytest.approx(
            (point["budget_eur"], point["fragile_share_min"])
        )
        expected = expected_row(scenario, projects, point)
        assert data["status"] == expected["status"] == "optimal"
        assert data["jobs"] == pytest.approx(expected["jobs"], rel=1e-9)
        assert data["spent_eur"] == expected["spent_eur"]
        assert data["jobs_mean"] is None  # no draws asked: NaN in the table, null in JSON


@pytest.mark.slow
async def test_a_monte_carlo_job_gives_the_allocations_range_by_region(jobs_url: str) -> None:
    name = "france-relance-2020"
    async with serving(jobs_url) as (http, app):
        one = (await post(http, START_MONTE_CARLO, KEY, n=name, d=1_500))["data"]
        one_id = one["startMonteCarlo"]["id"]
        assert (await wait_done(http, one_id))["status"] == "DONE"
        app.state.jobs.batch_draws = 1_000  # 2,500 draws in batches of 1,000, 1,000 and 500
        three = (await post(http, START_MONTE_CARLO, KEY, n=name, d=2_500))["data"]
        three_id = three["startMonteCarlo"]["id"]
        finished = await wait_done(http, three_id)
        single = await all_rows(http, one_id, first=100)
        batched = await all_rows(http, three_id, first=100)
    assert (finished["status"], finished["done"], finished["total"]) == ("DONE", 2_500, 2_500)

    scenario, projects = await engine_inputs(jobs_url, None, name)
    result = solve(scenario, projects, time_limit_s=30.0)
    u = scenario.uncertainty
    # One batch: the "all" row is the engine's own Monte Carlo of the allocation, exactly.
    exact = uncertainty.monte_carlo(
        projects, result.allocation_eur, dataclasses.replace(u, draws=1_500)
    )
    first = single[0]["data"]
    assert first["region"] == "all" and first["draws"] == 1_500
    assert (first["mean"], first["p10"], first["p50"], first["p90"]) == pytest.approx(
        (exact.mean, exact.p10, exact.p50, exact.p90), rel=1e-12
    )
    # Three batches: batch b drawn with its own seed, the percentiles over all 2,500 draws.
    sizes, funded = [1_000, 1_000, 500], result.allocation_eur > 0
    regions = sorted(set(projects.region[funded]))
    assert [row["data"]["region"] for row in batched] == ["all", *regions]
    for row in batched:
        region = row["data"]["region"]
        mask = funded if region == "all" else funded & (projects.region == region)
        part, eur = projects.take(mask), result.allocation_eur[mask]
        totals = np.concatenate(
            [
                uncertainty.draw_totals(
                    part, eur, u.realisation_rate, n, job_draws.batch_seed(u.seed, b)
                )
                for b, n in enumerate(sizes)
            ]
        )
        found = uncertainty.jobs_range(
            totals, draws=2_500, seed=u.seed, rate=u.realisation_rate, target_jobs=None
        )
        data = row["data"]
        assert (data["mean"], data["p10"], data["p50"], data["p90"]) == pytest.approx(
            (found.mean, found.p10, found.p50, found.p90), rel=1e-12
        )
    # The regions' means add up to the whole's (each draws the same funded projects' medians).
    means = sum(row["data"]["mean"] for row in batched[1:])
    assert means == pytest.approx(batched[0]["data"]["mean"], rel=0.02)


@pytest.mark.slow
async def test_a_job_left_running_is_interrupted_at_start_and_resumed_without_redoing_batches(
    jobs_url: str,
) -> None:
    scenario, projects = await engine_inputs(jobs_url, SCENARIO, None)
    plan = sweep.Sweep(scenario, AXES)
    assert plan.batches() == [[0], [1], [2], [3]]
    # Batch 0 was stored before the server stopped; its row is marked to show it is never redone.
    [stored_row] = sweep.solve_batch(scenario.to_dict(), projects, plan.axis_names,
                                     [(0, plan.points()[0])], 0)  # fmt: skip
    stored_row = runner.plain_row({**stored_row, "stored_before_the_stop": True})
    engine = make_engine(jobs_url)
    sessions = make_sessionmaker(engine)
    async with sessions() as session, session.begin():
        spec = runner.sweep_spec(scenario, AXES, 0)
        job = await stored.create_job(session, "sweep", hash_key(DEV_API_KEY), spec, 4)
        attempt = await stored.mark_running(session, job.id)
        assert attempt is not None
        await stored.store_batch(session, job.id, attempt, {0: stored_row}, 1)
        silent = stored.now() - dt.timedelta(minutes=5)
        await session.execute(
            update(stored.Job).where(stored.Job.id == job.id).values(heartbeat_at=silent)
        )
    await engine.dispose()

    async with serving(jobs_url) as (http, _):
        before = (await post(http, JOB, id=job.id, first=10))["data"]["job"]
        resumed = (await post(http, RESUME, KEY, id=job.id))["data"]["resumeJob"]
        finished = await wait_done(http, job.id)
        rows = await all_rows(http, job.id, first=100)
    assert (before["status"], before["done"], before["rows"]["totalCount"]) == ("INTERRUPTED", 1, 1)
    assert (resumed["status"], resumed["done"]) == ("QUEUED", 1)
    assert (finished["status"], finished["done"]) == ("DONE", 4)
    assert [row["data"].get("stored_before_the_stop") for row in rows] == [True, None, None, None]
    for row, point in zip(rows[1:], plan.points()[1:], strict=True):
        expected = expected_row(scenario, projects, point)
        assert row["data"]["jobs"] == pytest.approx(expected["jobs"], rel=1e-9)


def error_of(body: dict[str, Any]) -> tuple[str, str | None, str]:
    [error] = body["errors"]
    extensions = error["extensions"]
    return extensions["code"], extensions.get("argument"), error["message"]


@pytest.mark.parametrize(
    ("query", "variables", "code", "argument", "words"),
    [
        pytest.param(START_SWEEP, {"n": "france-relance-2020", "d": None, "g": [*GRID, {"parameter": "min_spend_share", "values": [0.9, 1.0]}]},
                     "BAD_USER_INPUT", "grid", "8 points (one solve each): a job may ask for at most 6", id="too-many-solves"),
        pytest.param(START_SWEEP, {"n": "france-relance-2020", "d": 300, "g": GRID},
                     "BAD_USER_INPUT", "draws", "4 points x 300 draws = 1200 draws", id="sweep-too-many-draws"),
        pytest.param(START_MONTE_CARLO, {"n": "france-relance-2020", "d": 1_001},
                     "BAD_USER_INPUT", "draws", "must be between 1 and 1000, got 1001", id="monte-carlo-too-many-draws"),
        pytest.param(START_MONTE_CARLO, {"n": "france-relance-2020", "d": 0},
                     "BAD_USER_INPUT", "draws", "must be between 1 and 1000, got 0", id="monte-carlo-no-draws"),
        pytest.param(START_SWEEP, {"n": "france-relance-2020", "d": 0, "g": GRID},
                     "BAD_USER_INPUT", "draws", "must be between 1 and 100000, got 0; leave draws out for no range", id="sweep-zero-draws"),
        pytest.param(START_SWEEP, {"n": "france-relance-2020", "d": None, "g": []},
                     "BAD_USER_INPUT", "grid", "give at least one axis", id="no-axis"),
        pytest.param(START_SWEEP, {"n": "france-relance-2020", "d": None, "g": [{"parameter": "budget_eur", "values": []}]},
                     "BAD_USER_INPUT", "grid.budget_eur", "no values", id="axis-without-values"),
        pytest.param(START_SWEEP, {"n": "france-relance-2020", "d": None, "g": [{"parameter": "fragile_share_min", "range": "0.9:0.5:0.1"}]},
                     "BAD_USER_INPUT", "grid.fragile_share_min", "below the start", id="empty-range"),
        pytest.param(START_SWEEP, {"n": "france-relance-2020", "d": None, "g": [{"parameter": "fragile_share_min", "values": [0.5, 1.5]}]},
                     "BAD_USER_INPUT", "grid.fragile_share_min", "1.5", id="value-the-format-refuses"),
        pytest.param(START_SWEEP, {"n": "france-relance-2020", "d": None, "g": [{"parameter": "jobs", "values": [1]}]},
                     "BAD_USER_INPUT", "grid", "unknown parameter 'jobs'", id="unknown-parameter"),
        pytest.param(START_MONTE_CARLO, {"n": "no-such-scenario", "d": 10},
                     "BAD_USER_INPUT", "name", "no saved or shipped scenario 'no-such-scenario'", id="unknown-scenario"),
        pytest.param(START_MONTE_CARLO, {"n": "france-relance-2020", "s": SCENARIO_INPUT, "d": 10},
                     "BAD_USER_INPUT", "scenario", "not both", id="scenario-and-name"),
        pytest.param(RESUME, {"id": "no-such-job"}, "BAD_USER_INPUT", "id", "no job no-such-job", id="resume-unknown-job"),
        pytest.param(CANCEL, {"id": "no-such-job"}, "BAD_USER_INPUT", "id", "no job no-such-job", id="cancel-unknown-job"),
    ],
)  # fmt: skip
async def test_refusals_are_coded_and_name_the_argument(
    small_db: str,
    query: str,
    variables: dict[str, Any],
    code: str,
    argument: str,
    words: str,
) -> None:
    settings = Settings(database_url=small_db, job_max_solves=6, job_max_draws=1_000)
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        body = await post(http, query, KEY, **variables)
    await app.state.engine.dispose()
    found_code, found_argument, message = error_of(body)
    assert (found_code, found_argument) == (code, argument)
    assert words in message
    assert body["data"] is None
    engine = make_engine(small_db)
    async with make_sessionmaker(engine)() as session:
        assert await stored.active_jobs(session, hash_key(DEV_API_KEY)) == 0  # nothing stored
    await engine.dispose()


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (START_SWEEP, {"n": "france-relance-2020", "d": None, "g": GRID}),
        (START_MONTE_CARLO, {"n": "france-relance-2020", "d": 10}),
        (RESUME, {"id": "any"}),
        (CANCEL, {"id": "any"}),
    ],
)
async def test_starting_resuming_or_cancelling_needs_an_api_key(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any]
) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        code, _, message = error_of(await post(client, query, headers, **variables))
        assert code == "UNAUTHENTICATED" and "API key" in message


async def test_a_key_may_have_so_many_active_jobs_and_a_done_job_is_not_resumed(
    small_db: str,
) -> None:
    engine = make_engine(small_db)
    async with make_sessionmaker(engine)() as session, session.begin():
        queued = await stored.create_job(session, "sweep", hash_key(DEV_API_KEY), {}, 4)
        done = await stored.create_job(session, "sweep", hash_key(DEV_API_KEY), {}, 4)
        await stored.finish(session, done.id, await stored.mark_running(session, done.id) or 0)
        other_key = await stored.create_job(session, "sweep", "b" * 64, {}, 4)  # not counted
    await engine.dispose()
    app = create_app(Settings(database_url=small_db, jobs_per_key=1))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        crowded = await post(http, START_MONTE_CARLO, KEY, n="france-relance-2020", d=10)
        resumed = await post(http, RESUME, KEY, id=done.id)
        unknown = await post(http, JOB, id="no-such-job")
        listed = await post(http, JOB, id=queued.id)
    await app.state.engine.dispose()
    [error] = crowded["errors"]
    assert error["extensions"] == {"code": "TOO_MANY_JOBS", "activeJobs": 1, "maxActiveJobs": 1}
    assert error_of(resumed)[:2] == ("BAD_USER_INPUT", "id")
    assert f"job {done.id} is done" in error_of(resumed)[2]
    assert unknown["data"] == {"job": None}  # an unknown id is null, as node(id) is
    job = listed["data"]["job"]
    assert (job["status"], job["progress"], job["rows"]["totalCount"]) == ("QUEUED", 0.0, 0)
    assert other_key.id != queued.id


async def test_a_job_whose_work_fails_ends_failed_with_the_reason(jobs_url: str) -> None:
    # The shipped infeasible scenario has no allocation to draw: the job fails before any batch.
    async with serving(jobs_url) as (http, _):
        started = await post(http, START_MONTE_CARLO, KEY, n="infeasible-corsica-floor", d=100)
        job_id = started["data"]["startMonteCarlo"]["id"]
        failed = await wait_done(http, job_id)
        again = (await post(http, RESUME, KEY, id=job_id))["data"]["resumeJob"]
        failed_again = await wait_done(http, job_id)
    assert (failed["status"], failed["done"], failed["rows"]["totalCount"]) == ("FAILED", 0, 0)
    assert failed["error"].startswith("scenario: the solve found no allocation to draw")
    assert again["status"] == "QUEUED"  # a failed job may be resumed (and fails the same way)
    assert failed_again["status"] == "FAILED"


async def test_two_starts_at_once_cannot_both_pass_the_limit_of_a_key(jobs_url: str) -> None:
    async with serving(jobs_url, jobs_per_key=1) as (http, _):
        bodies = await asyncio.gather(
            *(post(http, START_MONTE_CARLO, KEY, n="infeasible-corsica-floor", d=10) for _ in "ab")
        )
        accepted = [body["data"]["startMonteCarlo"]["id"] for body in bodies if body["data"]]
        for job_id in accepted:
            await wait_done(http, job_id)
    codes = [body["errors"][0]["extensions"]["code"] for body in bodies if body.get("errors")]
    assert len(accepted) == 1 and codes == ["TOO_MANY_JOBS"]
    engine = make_engine(jobs_url)
    async with make_sessionmaker(engine)() as session:
        rows = await session.scalars(select(stored.Job.id))
        assert list(rows) == accepted  # the refused job's row was rolled back
    await engine.dispose()


# 60 points of one solve each (60 batches of 1): a job long enough to be stopped while it runs.
LONG_GRID = [
    {"parameter": "budget_eur", "range": "10000000:69000000:1000000"},
    {"parameter": "fragile_share_min", "values": [0.5]},
]


@pytest.mark.slow
async def test_a_server_stopping_interrupts_its_running_job_and_another_resumes_it(
    jobs_url: str,
) -> None:
    async with serving(jobs_url) as (http, _):
        started = await post(http, START_SWEEP, KEY, s=SCENARIO_INPUT, g=LONG_GRID, d=None)
        job_id = started["data"]["startSweep"]["id"]
        async with asyncio.timeout(POLL_S):
            while (await post(http, JOB, id=job_id, first=0))["data"]["job"]["done"] < 1:
                await asyncio.sleep(0.05)
    async with serving(jobs_url) as (http, _):
        stopped = (await post(http, JOB, id=job_id, first=0))["data"]["job"]
        await post(http, RESUME, KEY, id=job_id)
        finished = await wait_done(http, job_id)
        rows = await all_rows(http, job_id, first=100)
    assert stopped["status"] == "INTERRUPTED" and 1 <= stopped["done"] < 60
    assert stopped["rows"]["totalCount"] == stopped["done"]  # progress and rows stored together
    assert (finished["status"], finished["done"]) == ("DONE", 60)
    assert [row["data"]["index"] for row in rows] == list(range(60))
    assert [row["data"]["budget_eur"] for row in rows] == [1e7 + 1e6 * i for i in range(60)]


@pytest.mark.slow
async def test_a_resumed_monte_carlo_keeps_the_draws_it_stored(jobs_url: str) -> None:
    name = "france-relance-2020"
    scenario, projects = await engine_inputs(jobs_url, None, name)
    result = solve(scenario, projects, time_limit_s=30.0)
    spec = allocated_spec(scenario, result, draws=2_000, batch_draws=1_000)
    # Batch 0 stored before the stop, its totals all zero: a batch redrawn would not be.
    job_id = await stored_monte_carlo(jobs_url, spec, {-1: zeros_batch(1_000)})
    async with serving(jobs_url) as (http, _):
        await post(http, RESUME, KEY, id=job_id)
        finished = await wait_done(http, job_id)
        rows = await all_rows(http, job_id, first=100)
    u = scenario.uncertainty
    batch_1 = uncertainty.draw_totals(
        projects, result.allocation_eur, u.realisation_rate, 1_000, job_draws.batch_seed(u.seed, 1)
    )
    assert (finished["status"], finished["done"]) == ("DONE", 2_000)
    whole = rows[0]["data"]
    assert whole["region"] == "all" and whole["draws"] == 2_000
    assert whole["mean"] == pytest.approx(batch_1.mean() / 2, rel=1e-12)  # 1,000 zeros + batch 1
    assert whole["p10"] == 0.0  # at least a tenth of the draws are the stored zeros
    assert min(await positions(jobs_url, job_id)) == 0  # the draws deleted with the job's end


def allocated_spec(scenario: Scenario, result: Any, *, draws: int, batch_draws: int) -> Any:
    """A Monte Carlo's spec as its runner stores it once the scenario is solved."""
    funded = result.allocation_eur > 0
    spec = runner.monte_carlo_spec(scenario, draws)
    spec["allocation"] = {
        "ids": result.project_ids[funded].tolist(),
        "eur": result.allocation_eur[funded].tolist(),
    }
    return {**spec, "batch_draws": batch_draws}


def zeros_batch(draws: int) -> tuple[dict[str, Any], bytes]:
    """Batch 0's hidden row with every total zero (no region drawn apart)."""
    names, raw = job_draws.encode_totals({"all": np.zeros(draws)})
    return {"batch": 0, "draws": draws, "seed": 0, "regions": names}, raw


async def stored_monte_carlo(
    url: str,
    spec: dict[str, Any],
    hidden: dict[int, tuple[dict[str, Any], bytes]],
    rows: dict[int, dict[str, Any]] | None = None,
) -> str:
    """A Monte Carlo job that stored these batches (and rows), then was interrupted."""
    engine = make_engine(url)
    async with make_sessionmaker(engine)() as session, session.begin():
        draws = int(spec["draws"])
        job = await stored.create_job(session, "monte_carlo", hash_key(DEV_API_KEY), spec, draws)
        attempt = await stored.mark_running(session, job.id)
        assert attempt is not None
        done = sum(data["draws"] for data, _ in hidden.values())
        data = {position: data for position, (data, _) in hidden.items()}
        raw = {position: raw for position, (_, raw) in hidden.items()}
        await stored.store_batch(session, job.id, attempt, data, done, draws=raw)
        if rows:
            await stored.store_batch(session, job.id, attempt, rows, done)
        await stored.interrupt(session, [job.id])
    await engine.dispose()
    return job.id


async def positions(url: str, job_id: str) -> set[int]:
    engine = make_engine(url)
    async with make_sessionmaker(engine)() as session:
        found = await stored.stored_positions(session, job_id)
    await engine.dispose()
    return found


async def test_a_monte_carlo_stopped_after_its_result_rows_is_resumed(jobs_url: str) -> None:
    name = "france-relance-2020"
    scenario, _ = await engine_inputs(jobs_url, None, name)
    result = solve(scenario, _, time_limit_s=30.0)
    spec = allocated_spec(scenario, result, draws=1_000, batch_draws=1_000)
    # Every batch and a result row stored, the job not yet done: a resume stores them again.
    job_id = await stored_monte_carlo(
        jobs_url, spec, {-1: zeros_batch(1_000)}, rows={0: {"region": "all"}}
    )
    async with serving(jobs_url) as (http, _):
        await post(http, RESUME, KEY, id=job_id)
        finished = await wait_done(http, job_id)
        rows = await all_rows(http, job_id, first=100)
    assert (finished["status"], finished["error"]) == ("DONE", None)
    assert [row["data"]["region"] for row in rows] == ["all"]
    assert (rows[0]["data"]["mean"], rows[0]["data"]["p90"]) == (0.0, 0.0)  # the stored zeros
    assert await positions(jobs_url, job_id) == {0}


async def test_a_job_left_running_by_a_dead_server_is_interrupted_while_this_one_runs(
    jobs_url: str,
) -> None:
    scenario, _ = await engine_inputs(jobs_url, None, "france-relance-2020")
    engine = make_engine(jobs_url)
    async with make_sessionmaker(engine)() as session, session.begin():
        spec = runner.monte_carlo_spec(scenario, 1_000)
        job = await stored.create_job(session, "monte_carlo", hash_key(DEV_API_KEY), spec, 1_000)
        await stored.mark_running(session, job.id, heartbeat_s=0.5)  # then its server died
    await engine.dispose()
    async with serving(jobs_url) as (http, _):  # restarted before the job went stale
        status = (await post(http, JOB, id=job.id, first=0))["data"]["job"]["status"]
        async with asyncio.timeout(POLL_S):  # stale after 3 beats of 0.5 s, checked every 0.5 s
            while status == "RUNNING":
                await asyncio.sleep(0.2)
                status = (await post(http, JOB, id=job.id, first=0))["data"]["job"]["status"]
    assert status == "INTERRUPTED"


async def test_rows_are_paged_by_position_while_rows_arrive_out_of_order(small_db: str) -> None:
    engine = make_engine(small_db)
    sessions = make_sessionmaker(engine)
    async with sessions() as session, session.begin():
        job = await stored.create_job(session, "sweep", hash_key(DEV_API_KEY), {}, 6)
        attempt = await stored.mark_running(session, job.id)
        assert attempt is not None
        await stored.store_batch(session, job.id, attempt, {1: {"i": 1}, 2: {"i": 2}}, 2)

    async def arrive(rows: dict[int, dict[str, Any]], done: int) -> None:
        async with sessions() as session, session.begin():
            await stored.store_batch(session, job.id, attempt, rows, done)

    app = create_app(Settings(database_url=small_db))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        first = (await post(http, JOB, id=job.id, first=2))["data"]["job"]["rows"]
        await arrive({0: {"i": 0}, 4: {"i": 4}}, 4)  # one before the page read, one after
        after = first["pageInfo"]["endCursor"]
        second = (await post(http, JOB, id=job.id, first=2, after=after))["data"]["job"]["rows"]
        await arrive({3: {"i": 3}, 5: {"i": 5}}, 6)
        after = second["pageInfo"]["endCursor"]
        third = (await post(http, JOB, id=job.id, first=2, after=after))["data"]["job"]["rows"]
    await app.state.engine.dispose()
    await engine.dispose()
    pages = [[node["position"] for node in page["nodes"]] for page in (first, second, third)]
    # Each page continues after the last position read: none repeated, none after it skipped.
    assert pages == [[1, 2], [4], [5]]
    assert [node["data"]["i"] for node in second["nodes"]] == [4]
    assert [page["totalCount"] for page in (first, second, third)] == [2, 4, 6]
    assert [page["pageInfo"]["hasNextPage"] for page in (first, second, third)] == [
        False,
        False,
        False,
    ]


async def test_a_job_is_resumed_only_with_its_key_and_within_the_keys_limit(
    small_db: str,
) -> None:
    engine = make_engine(small_db)
    async with make_sessionmaker(engine)() as session, session.begin():
        others = await stored.create_job(session, "sweep", "b" * 64, {}, 4)
        mine = await stored.create_job(session, "sweep", hash_key(DEV_API_KEY), {}, 4)
        await stored.interrupt(session, [others.id, mine.id])
        await stored.create_job(session, "sweep", hash_key(DEV_API_KEY), {}, 4)  # queued
    await engine.dispose()
    app = create_app(Settings(database_url=small_db, jobs_per_key=1))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        foreign = await post(http, RESUME, KEY, id=others.id)
        crowded = await post(http, RESUME, KEY, id=mine.id)
        statuses = [
            (await post(http, JOB, id=job_id, first=0))["data"]["job"]["status"]
            for job_id in (others.id, mine.id)
        ]
    await app.state.engine.dispose()
    assert error_of(foreign)[0] == "FORBIDDEN"
    assert "another API key" in error_of(foreign)[2]
    [error] = crowded["errors"]
    assert error["extensions"] == {"code": "TOO_MANY_JOBS", "activeJobs": 1, "maxActiveJobs": 1}
    assert statuses == ["INTERRUPTED", "INTERRUPTED"]  # neither requeued


def test_batch_seeds_of_nearby_seeds_never_coincide() -> None:
    # Batch 0 keeps the scenario's seed (one batch is uncertainty.monte_carlo exactly); with
    # seed + b, job 0's batch 1 and job 1's batch 0 drew the same stream.
    assert job_draws.batch_seed(7, 0) == 7
    seeds = [job_draws.batch_seed(seed, b) for seed in range(20) for b in range(1, 20)]
    assert len(set(seeds)) == len(seeds) and not set(seeds) & set(range(20))
    assert job_draws.batch_seed(0, 1) == job_draws.batch_seed(0, 1)  # reproducible


def test_a_stored_scenario_is_read_as_the_format_reads_it() -> None:
    scenario = Scenario.from_dict(
        {"name": "x", "uncertainty": {"realisation_rate": 0.8, "seed": 3}}, source="test"
    )
    spec = runner.monte_carlo_spec(scenario, 10)
    assert runner.scenario_of(spec) == scenario
    spec["scenario"]["uncertainty"] = {"realisation": 0.8}  # a field renamed since
    with pytest.raises(ValueError, match=r"uncertainty\.realisation"):
        runner.scenario_of(spec)


class CountingRunner(runner.JobRunner):
    """A runner whose sweeps only count how many compute at once."""

    computing_now = 0
    most_at_once = 0

    async def _sweep(self, job: stored.Job, attempt: int, stop: Any) -> dict[int, Any]:
        self.computing_now += 1
        self.most_at_once = max(self.most_at_once, self.computing_now)
        await asyncio.sleep(0.3)
        self.computing_now -= 1
        return {}


async def test_one_job_computes_at_a_time_and_a_job_starts_once(small_db: str) -> None:
    engine = make_engine(small_db)
    sessions = make_sessionmaker(engine)
    async with sessions() as session, session.begin():
        ids = [(await stored.create_job(session, "sweep", "b" * 64, {}, 1)).id for _ in "ab"]
    jobs = CountingRunner(Settings(database_url=small_db, job_heartbeat_s=0.5), sessions)
    jobs.start(ids[0])
    task = jobs.tasks[ids[0]]
    jobs.start(ids[0])  # already running here: nothing
    assert jobs.tasks[ids[0]] is task
    jobs.start(ids[1])
    await asyncio.wait_for(asyncio.gather(*jobs.tasks.values()), POLL_S)
    async with sessions() as session:
        done = [(await stored.get_job(session, job_id)) for job_id in ids]
    await engine.dispose()
    assert jobs.most_at_once == 1
    assert [(job.status, job.attempt) for job in done if job] == [("done", 1), ("done", 1)]


def test_a_stopping_job_starts_no_cluster_and_waits_on_no_store(small_db: str) -> None:
    stop = threading.Event()
    stop.set()
    jobs = runner.JobRunner(
        Settings(database_url=small_db), make_sessionmaker(make_engine(small_db))
    )
    with pytest.raises(runner.Stopped):
        jobs._client(stop)
    never: Future[None] = Future()  # a store the stopped event loop will never run
    with pytest.raises(runner.Stopped):
        runner._wait(never, stop, 0.01)
    assert never.cancelled()


async def test_a_queued_job_is_cancelled_at_once_never_runs_and_is_not_resumed(
    small_db: str,
) -> None:
    engine = make_engine(small_db)
    async with make_sessionmaker(engine)() as session, session.begin():
        queued = await stored.create_job(session, "sweep", hash_key(DEV_API_KEY), {}, 4)
        others = await stored.create_job(session, "sweep", "b" * 64, {}, 4)
    app = create_app(Settings(database_url=small_db))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        foreign = await post(http, CANCEL, KEY, id=others.id)
        cancelled = (await post(http, CANCEL, KEY, id=queued.id))["data"]["cancelJob"]
        app.state.jobs.start(queued.id)  # a runner that takes it now finds nothing to run
        await asyncio.wait_for(app.state.jobs.tasks[queued.id], POLL_S)
        resumed = await post(http, RESUME, KEY, id=queued.id)
        again = await post(http, CANCEL, KEY, id=queued.id)
        statuses = [
            (await post(http, JOB, id=job_id, first=0))["data"]["job"]["status"]
            for job_id in (queued.id, others.id)
        ]
    await app.state.engine.dispose()
    async with make_sessionmaker(engine)() as session:
        job = await stored.get_job(session, queued.id)
    await engine.dispose()
    assert (cancelled["status"], cancelled["done"]) == ("CANCELLED", 0)
    assert job is not None and (job.status, job.attempt) == ("cancelled", 0)  # never claimed
    assert error_of(foreign)[0] == "FORBIDDEN" and "another API key" in error_of(foreign)[2]
    assert error_of(resumed)[:2] == ("BAD_USER_INPUT", "id")
    assert f"job {queued.id} is cancelled: only an interrupted or failed" in error_of(resumed)[2]
    assert error_of(again) == (
        "BAD_USER_INPUT",
        "id",
        f"id: job {queued.id} is cancelled: only a queued or running job can be cancelled",
    )
    assert statuses == ["CANCELLED", "QUEUED"]  # the other key's job untouched


@pytest.mark.parametrize("status", ["done", "failed", "interrupted"])
async def test_an_ended_job_cannot_be_cancelled(small_db: str, status: str) -> None:
    engine = make_engine(small_db)
    async with make_sessionmaker(engine)() as session, session.begin():
        job = await stored.create_job(session, "sweep", hash_key(DEV_API_KEY), {}, 4)
        attempt = await stored.mark_running(session, job.id)
        assert attempt is not None
        if status == "interrupted":
            await stored.interrupt(session, [job.id])
        else:
            await stored.finish(session, job.id, attempt, "why" if status == "failed" else None)
    await engine.dispose()
    app = create_app(Settings(database_url=small_db))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        refused = await post(http, CANCEL, KEY, id=job.id)
        after = (await post(http, JOB, id=job.id, first=0))["data"]["job"]["status"]
    await app.state.engine.dispose()
    code, argument, message = error_of(refused)
    assert (code, argument) == ("BAD_USER_INPUT", "id")
    assert f"job {job.id} is {status}: only a queued or running job can be cancelled" in message
    assert after == status.upper()


@pytest.mark.slow
async def test_a_running_sweep_cancelled_stops_after_its_batch_and_keeps_its_rows(
    jobs_url: str,
) -> None:
    async with serving(jobs_url) as (http, app):
        started = await post(http, START_SWEEP, KEY, s=SCENARIO_INPUT, g=LONG_GRID, d=None)
        job_id = started["data"]["startSweep"]["id"]
        async with asyncio.timeout(POLL_S):
            while (await post(http, JOB, id=job_id, first=0))["data"]["job"]["done"] < 2:
                await asyncio.sleep(0.05)
        cancelled = (await post(http, CANCEL, KEY, id=job_id))["data"]["cancelJob"]
        runner_task = app.state.jobs.tasks.get(job_id)
        if runner_task is not None:  # the runner stops after its running batch
            await asyncio.wait_for(runner_task, POLL_S)
        ended = (await post(http, JOB, id=job_id, first=0))["data"]["job"]
        rows = await all_rows(http, job_id, first=100)
        await _silent_for_long(jobs_url, job_id)
        assert await app.state.jobs.interrupt_stale() == []  # a cancelled job is not stale
    assert cancelled["status"] == "CANCELLED" and 2 <= cancelled["done"] < 60
    # No batch stored after the cancel: the progress and rows are those of the cancel.
    assert (ended["status"], ended["done"]) == ("CANCELLED", cancelled["done"])
    assert len(rows) == ended["rows"]["totalCount"] == cancelled["done"]
    scenario, projects = await engine_inputs(jobs_url, SCENARIO, None)
    for row in rows:  # each row the engine's own solve at its point
        data = row["data"]
        assert data["budget_eur"] == 1e7 + 1e6 * data["index"] and row["position"] == data["index"]
    point = {"budget_eur": rows[0]["data"]["budget_eur"], "fragile_share_min": 0.5}
    assert rows[0]["data"]["jobs"] == pytest.approx(
        expected_row(scenario, projects, point)["jobs"], rel=1e-9
    )
    async with serving(jobs_url) as (http, _):  # a stopped server marked it nothing else either
        assert (await post(http, JOB, id=job_id, first=0))["data"]["job"]["status"] == "CANCELLED"


async def _silent_for_long(url: str, job_id: str) -> None:
    engine = make_engine(url)
    async with make_sessionmaker(engine)() as session, session.begin():
        long_ago = stored.now() - dt.timedelta(hours=1)
        await session.execute(
            update(stored.Job).where(stored.Job.id == job_id).values(heartbeat_at=long_ago)
        )
    await engine.dispose()
