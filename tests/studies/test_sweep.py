"""Sweeps on a real local Dask cluster (two worker processes): the same rows as one process,
failed tasks retried and never dropped, interrupted sweeps resumed, bad schedulers refused."""

import math
import signal
import socket
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from distributed import Client, KilledWorker, LocalCluster

from simulation.projects import ProjectColumns
from simulation.scenario import Constraints, Scenario
from simulation.solve import solve
from simulation.uncertainty import monte_carlo
from studies.cluster import client, failure
from studies.errors import StudyError
from studies.grid import parse_axis, scenario_at
from studies.sweep import Sweep, run, sequential, solve_point
from tests.studies.conftest import exit_at, restore

# 300 generated projects ask for about 280 M EUR; spending all of 5 G EUR is impossible.
SCENARIO = Scenario(
    budget_eur=30_000_000, constraints=Constraints(fragile_share_min=0.6, min_spend_share=1.0)
)


def small_sweep(draws: int | None = None, batch_size: int | None = None) -> Sweep:
    axes = (
        parse_axis("fragile_share_min=0.5:0.7:0.1"),
        parse_axis("budget_eur=3e7,5e9"),  # 5e9 with min_spend_share 1: infeasible
    )
    return Sweep(SCENARIO, axes, draws=draws, batch_size=batch_size)


def same_rows(got: list[dict[str, object]], expected: list[dict[str, object]]) -> bool:
    """Equal row for row, value for value (NaN equal to NaN: a range not drawn)."""

    def same(a: object, b: object) -> bool:
        both_nan = isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b)
        return both_nan or a == b

    return len(got) == len(expected) and all(
        g.keys() == e.keys() and all(same(g[k], e[k]) for k in e)
        for g, e in zip(got, expected, strict=True)
    )


def test_the_local_workers_ignore_sigint_and_this_process_keeps_its_handler(
    dask_client: Client,
) -> None:
    # Ctrl-C reaches every process of the terminal: the workers leave it to this one. (First in
    # the module: a worker restarted later, after a loss, is started without it.)
    assert set(dask_client.run(signal.getsignal, signal.SIGINT).values()) == {signal.SIG_IGN}
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_the_cluster_gives_the_sequential_rows_exactly(
    dask_client: Client, projects: ProjectColumns, tmp_path: Path
) -> None:
    sweep = small_sweep(draws=200)
    expected = sequential(sweep, projects)
    table = run(sweep, projects, dask_client, tmp_path / "sweep", progress=False)
    rows = pq.read_table(table.parquet).to_pylist()
    assert same_rows(rows, expected)
    assert [row["index"] for row in rows] == list(range(6))
    statuses = [row["status"] for row in rows]
    assert statuses == ["optimal", "infeasible"] * 3  # budget_eur varies fastest
    infeasible = rows[1]
    assert infeasible["jobs"] is None and infeasible["error"]
    solved = rows[0]
    assert solved["spent_eur"] == 30_000_000 and solved["error"] == ""
    assert solved["jobs_p10"] <= solved["jobs_p50"] <= solved["jobs_p90"]
    assert (table.solves, table.infeasible, table.not_solved) == (6, 3, 0)
    assert not (tmp_path / "sweep.parts").exists()  # the parts go once the table is whole


def test_without_draws_the_range_columns_are_nan(
    dask_client: Client, projects: ProjectColumns, tmp_path: Path
) -> None:
    table = run(small_sweep(), projects, dask_client, tmp_path / "sweep", progress=False)
    first = table.table.to_pylist()[0]
    assert first["status"] == "optimal" and math.isnan(first["jobs_mean"])


def test_a_failed_task_is_retried_and_its_rows_kept(
    dask_client: Client, projects: ProjectColumns, tmp_path: Path, faults: Callable[..., object]
) -> None:
    sweep = small_sweep()
    marker = tmp_path / "failed-once"
    faults(2, str(marker))
    table = run(sweep, projects, dask_client, tmp_path / "sweep", progress=False)
    assert marker.exists()  # the fault happened, and the retry solved the point
    assert same_rows(table.table.to_pylist(), sequential(sweep, projects))


def test_a_batch_failing_every_retry_is_named_after_the_others_are_written(
    dask_client: Client, projects: ProjectColumns, tmp_path: Path, faults: Callable[..., object]
) -> None:
    sweep = small_sweep(batch_size=2)  # batches [0, 1], [2, 3], [4, 5]
    faults(3)
    with pytest.raises(StudyError) as raised:
        run(sweep, projects, dask_client, tmp_path / "sweep", progress=False)
    assert raised.value.field == "batch 1"
    assert "failed after 2 retries: RuntimeError: fault at point 3" in raised.value.message
    parts = sorted(p.name for p in (tmp_path / "sweep.parts").glob("batch-*.parquet"))
    assert parts == ["batch-000000.parquet", "batch-000002.parquet"]
    assert not (tmp_path / "sweep.parquet").exists() and not (tmp_path / "sweep.csv").exists()
    dask_client.run(restore)
    table = run(sweep, projects, dask_client, tmp_path / "sweep", resume=True, progress=False)
    assert table.resumed == 2
    assert same_rows(table.table.to_pylist(), sequential(sweep, projects))


def test_a_batch_lost_with_its_worker_is_run_again_to_the_same_table(
    dask_client: Client, projects: ProjectColumns, tmp_path: Path
) -> None:
    sweep = small_sweep(batch_size=1)
    marker = tmp_path / "exited-once"
    dask_client.run(exit_at, 4, str(marker))
    try:
        table = run(sweep, projects, dask_client, tmp_path / "sweep", progress=False)
    finally:
        dask_client.run(restore)
    assert marker.exists()  # a worker process died solving point 4; Dask ran it elsewhere
    assert same_rows(table.table.to_pylist(), sequential(sweep, projects))


def test_a_lost_or_killed_task_is_not_told_as_retried() -> None:
    cancelled = failure("cancelled")
    assert "was cancelled before it finished" in cancelled and "retries" not in cancelled
    killed = failure(KilledWorker("solve_batch-1", "tcp://127.0.0.1:1", 3))
    assert "distributed.scheduler.allowed-failures" in killed and "retries" not in killed
    assert failure(RuntimeError("x")) == "failed after 2 retries: RuntimeError: x"


# ---- the parts and the table on disk ----------------------------------------------------------


def stop_after(batches: int) -> Callable[[int, int], None]:
    def stop(done: int, total: int) -> None:
        if done == batches:
            raise KeyboardInterrupt

    return stop


def test_a_fresh_sweep_removes_an_earlier_table_before_its_work(
    dask_client: Client, projects: ProjectColumns, tmp_path: Path
) -> None:
    (tmp_path / "s.parquet").write_bytes(b"an earlier run")
    (tmp_path / "s.csv").write_text("an earlier run", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        run(
            small_sweep(batch_size=1),
            projects,
            dask_client,
            tmp_path / "s",
            on_batch=stop_after(1),
            progress=False,
        )
    assert not (tmp_path / "s.parquet").exists() and not (tmp_path / "s.csv").exists()


def test_a_damaged_part_is_refused_naming_it(
    dask_client: Client, projects: ProjectColumns, tmp_path: Path
) -> None:
    sweep = small_sweep(batch_size=1)
    with pytest.raises(KeyboardInterrupt):
        run(sweep, projects, dask_client, tmp_path / "s", on_batch=stop_after(2), progress=False)
    [part, *_] = sorted((tmp_path / "s.parts").glob("batch-*.parquet"))
    part.write_bytes(b"PAR1 cut short")
    with pytest.raises(StudyError) as raised:
        run(sweep, projects, dask_client, tmp_path / "s", resume=True, progress=False)
    assert raised.value.field == "parts"
    assert raised.value.message == (
        f"{part}: unreadable; remove {tmp_path / 's.parts'} and run again"
    )


@pytest.mark.parametrize("resume", [False, True])
def test_parts_with_only_a_leftover_temporary_manifest_are_refused(
    dask_client: Client, projects: ProjectColumns, tmp_path: Path, resume: bool
) -> None:
    folder = tmp_path / "s.parts"
    folder.mkdir()
    (folder / ".manifest.json.x1y2.tmp").write_text('{"fing', encoding="utf-8")  # cut short
    with pytest.raises(StudyError) as raised:
        run(small_sweep(), projects, dask_client, tmp_path / "s", resume=resume, progress=False)
    assert raised.value.field == "parts"
    assert raised.value.message == (
        f"{folder / 'manifest.json'}: unreadable; remove {folder} and run again"
    )


# ---- resume -----------------------------------------------------------------------------------


def test_an_interrupted_sweep_resumes_to_the_same_table(
    dask_client: Client, projects: ProjectColumns, tmp_path: Path
) -> None:
    sweep = small_sweep(draws=100, batch_size=1)
    whole = run(sweep, projects, dask_client, tmp_path / "whole", progress=False)

    def stop(done: int, total: int) -> None:
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(sweep, projects, dask_client, tmp_path / "cut", progress=False, on_batch=stop)
    written = list((tmp_path / "cut.parts").glob("batch-*.parquet"))
    assert len(written) == 2 and not (tmp_path / "cut.parquet").exists()
    with pytest.raises(StudyError, match=r"^resume: .* pass --resume to continue it"):
        run(sweep, projects, dask_client, tmp_path / "cut", progress=False)
    other = small_sweep(draws=50, batch_size=1)
    with pytest.raises(StudyError, match=r"^resume: .* parts of another sweep \(its fingerprint"):
        run(other, projects, dask_client, tmp_path / "cut", resume=True, progress=False)
    resumed = run(sweep, projects, dask_client, tmp_path / "cut", resume=True, progress=False)
    assert resumed.resumed == 2
    assert same_rows(resumed.table.to_pylist(), whole.table.to_pylist())
    assert (tmp_path / "cut.csv").read_bytes() == (tmp_path / "whole.csv").read_bytes()


def test_parts_of_other_projects_are_refused(
    dask_client: Client, projects: ProjectColumns, tmp_path: Path
) -> None:
    sweep = small_sweep(batch_size=1)

    def stop(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(sweep, projects, dask_client, tmp_path / "s", progress=False, on_batch=stop)
    fewer = projects.take(projects.ids % 2 == 0)
    with pytest.raises(StudyError, match=r"another sweep \(its projects differ\)"):
        run(sweep, fewer, dask_client, tmp_path / "s", resume=True, progress=False)


# ---- the scheduler ----------------------------------------------------------------------------


def test_an_unreachable_scheduler_is_told_quickly_with_the_setting_named() -> None:
    with socket.socket() as free:  # a port nobody listens on
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    with pytest.raises(StudyError) as raised, client(f"tcp://127.0.0.1:{port}", timeout_s=1):
        pass
    assert raised.value.field == "TERRITOIRES_DASK_SCHEDULER"
    assert f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}" in raised.value.message


def test_a_local_cluster_of_no_workers_is_refused() -> None:
    with pytest.raises(StudyError, match=r"^workers: must be at least 1, got 0"), client(workers=0):
        pass


def test_a_scheduler_without_workers_is_told_naming_the_setting(
    projects: ProjectColumns, tmp_path: Path
) -> None:
    with (
        LocalCluster(n_workers=0, processes=False, dashboard_address=None) as empty,
        client(empty.scheduler_address, timeout_s=1) as remote,
        pytest.raises(StudyError) as raised,
    ):
        run(small_sweep(), projects, remote, tmp_path / "s", progress=False)
    assert raised.value.field == "TERRITOIRES_DASK_SCHEDULER"
    assert "the Dask cluster has no worker to run on" in raised.value.message


def test_a_running_scheduler_is_used_by_its_address(
    dask_client: Client, projects: ProjectColumns, tmp_path: Path
) -> None:
    address = dask_client.scheduler.address
    with client(address) as remote:
        assert remote.scheduler_info()["address"] == address
        table = run(small_sweep(), projects, remote, tmp_path / "s", progress=False)
    assert same_rows(table.table.to_pylist(), sequential(small_sweep(), projects))


def test_a_rows_range_is_the_monte_carlo_of_its_allocation(projects: ProjectColumns) -> None:
    target = replace(SCENARIO, uncertainty=replace(SCENARIO.uncertainty, target_jobs=1500))
    point = {"fragile_share_min": 0.6, "budget_eur": 3e7}
    row = solve_point(target, projects, list(point), 7, point, 300, 30.0)
    at = scenario_at(target, point)
    drawn = monte_carlo(
        projects, solve(at, projects).allocation_eur, replace(at.uncertainty, draws=300)
    )
    assert row["index"] == 7 and row["status"] == "optimal"
    assert (row["jobs_mean"], row["jobs_p10"], row["jobs_p50"], row["jobs_p90"]) == (
        drawn.mean,
        drawn.p10,
        drawn.p50,
        drawn.p90,
    )
    assert row["target_probability"] == drawn.target_probability is not None
