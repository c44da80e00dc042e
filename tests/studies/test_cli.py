"""`territoires sweep` and `territoires sensitivity` end to end, on the test cluster (named by
TERRITOIRES_DASK_SCHEDULER, as a shared cluster would be) and the seeded database."""

import csv
import logging
import os
import socket
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from distributed import Client

import studies.cluster
import studies.sweep
from cli import main
from tests.cli.helpers import ANNOUNCED
from tests.studies.conftest import restore


@pytest.fixture
def on_cluster(seeded_db_url: str, dask_client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", seeded_db_url)
    monkeypatch.setenv("TERRITOIRES_DASK_SCHEDULER", dask_client.scheduler.address)


@pytest.mark.usefixtures("on_cluster")
def test_sweep_writes_parquet_and_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "relance"
    args = ["sweep", ANNOUNCED, "--grid", "fragile_share_min=0.5:0.7:0.1"]
    args += ["--grid", "budget_eur=3e8,4e8", "--draws", "50", "--out", str(out), "--quiet"]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert f"wrote {out}.parquet and {out}.csv" in printed
    assert "6 solves: 6 solved, 0 infeasible, 0 not solved" in printed
    table = pq.read_table(f"{out}.parquet")
    assert table.column_names[:4] == ["index", "fragile_share_min", "budget_eur", "status"]
    assert table.column("index").to_pylist() == list(range(6))
    with open(f"{out}.csv", newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert [float(row["budget_eur"]) for row in rows] == [3e8, 4e8] * 3
    assert [row["status"] for row in rows] == ["optimal"] * 6
    assert [float(row["jobs"]) for row in rows] == table.column("jobs").to_pylist()
    for row in rows:
        assert float(row["jobs_p10"]) <= float(row["jobs_p50"]) <= float(row["jobs_p90"])


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--grid", "fragile_share_min=0.9:0.5:0.1"], "grid.fragile_share_min: no values"),
        (["--grid", "fragile_share_min=0.5,1.5"], "grid.fragile_share_min: must be between 0"),
        (["--grid", "budget=1e8"], "grid: unknown parameter 'budget' (did you mean budget_eur?)"),
        (["--grid", "budget_eur=nan"], "grid.budget_eur: must be a finite number"),
        (["--grid", "budget_eur=3e8", "--draws", "-1"], "draws: must be at least 1, got -1"),
        (
            ["--grid", "budget_eur=3e8", "--draws", "0"],
            "draws: must be at least 1, got 0; leave --draws out for no range",
        ),
        (["--grid", "budget_eur=3e7,3e7"], "grid.budget_eur: value 3e+07 given twice"),
    ],
)
def test_bad_grids_and_draws_exit_2_naming_the_field(
    extra: list[str], message: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["sweep", ANNOUNCED, *extra, "--out", str(tmp_path / "s")]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("out", "message"),
    [
        (".", "--out .: give a file name, not a folder"),
        ("/", "--out /: give a file name, not a folder"),
        ("..", "--out ..: give a file name, not a folder"),
        ("{tmp}/missing/s", "--out {tmp}/missing/s: folder {tmp}/missing does not exist"),
    ],
)
def test_a_bad_out_exits_2_before_any_work(
    out: str, message: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # The scenario file does not exist either: --out is checked first, before any loading.
    args = ["sweep", str(tmp_path / "nowhere.yaml"), "--grid", "budget_eur=3e8"]
    assert main([*args, "--out", out.format(tmp=tmp_path)]) == 2
    assert f"territoires: {message.format(tmp=tmp_path)}" in capsys.readouterr().err


def test_an_unwritable_folder_for_out_or_chart_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As root every folder is writable: the check itself is stood in for.
    monkeypatch.setattr(os, "access", lambda path, mode: Path(path) != tmp_path)
    args = ["sweep", ANNOUNCED, "--grid", "budget_eur=3e8", "--out", str(tmp_path / "s")]
    assert main(args) == 2
    assert f"--out {tmp_path / 's'}: folder {tmp_path} is not writable" in capsys.readouterr().err
    chart = tmp_path / "c.png"
    args = ["sensitivity", ANNOUNCED, "--parameters", "budget_eur=3e8:4e8", "--chart", str(chart)]
    assert main(args) == 2
    assert f"--chart {chart}: folder {tmp_path} is not writable" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("chart", "message"),
    [
        (".", "--chart .: give a file name, not a folder"),
        ("{tmp}/missing/c.png", "--chart {tmp}/missing/c.png: folder {tmp}/missing does not exist"),
    ],
)
def test_a_bad_chart_exits_2_before_any_work(
    chart: str, message: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    args = ["sensitivity", str(tmp_path / "nowhere.yaml"), "--parameters", "budget_eur=3e8:4e8"]
    assert main([*args, "--chart", chart.format(tmp=tmp_path)]) == 2
    assert f"territoires: {message.format(tmp=tmp_path)}" in capsys.readouterr().err


@pytest.mark.usefixtures("on_cluster")
def test_an_interrupt_before_any_batch_says_nothing_was_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: object, **options: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(studies.sweep, "run", interrupted)
    args = ["sweep", ANNOUNCED, "--grid", "budget_eur=3e8", "--out", str(tmp_path / "s")]
    assert main(args) == 130
    err = capsys.readouterr().err
    assert "interrupted before any batch was finished: nothing kept" in err
    assert "--resume" not in err and "Traceback" not in err
    # Dask's own warnings (a worker lost, a connection closed) are not printed by the command.
    assert logging.getLogger("distributed").level == logging.ERROR


def test_an_unreachable_scheduler_exits_2_naming_the_setting(
    seeded_db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    monkeypatch.setenv("DATABASE_URL", seeded_db_url)
    monkeypatch.setenv("TERRITOIRES_DASK_SCHEDULER", f"tcp://127.0.0.1:{port}")
    monkeypatch.setattr(studies.cluster, "CONNECT_TIMEOUT_S", 1.0)
    args = ["sweep", ANNOUNCED, "--grid", "budget_eur=3e8", "--out", str(tmp_path / "s")]
    assert main(args) == 2
    err = capsys.readouterr().err
    expected = f"territoires: TERRITOIRES_DASK_SCHEDULER: cannot reach the Dask scheduler at tcp://127.0.0.1:{port}"
    assert err.startswith(expected) and "Traceback" not in err


@pytest.mark.usefixtures("on_cluster")
def test_a_failed_batch_exits_1_and_resume_finishes_the_sweep(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    faults: Callable[..., object],
    dask_client: Client,
) -> None:
    out = tmp_path / "s"
    args = ["sweep", ANNOUNCED, "--grid", "budget_eur=3e8,4e8,5e8", "--batch-size", "1"]
    args += ["--out", str(out), "--quiet"]
    faults(1)
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "territoires: batch 1: failed after 2 retries: RuntimeError: fault at point 1" in err
    assert "Traceback" not in err and not Path(f"{out}.parquet").exists()
    assert len(list(Path(f"{out}.parts").glob("batch-*.parquet"))) == 2
    assert main(args) == 2  # the parts are there: not without --resume
    assert "pass --resume to continue it" in capsys.readouterr().err
    dask_client.run(restore)  # the fault mended
    assert main([*args, "--resume"]) == 0
    printed = capsys.readouterr().out
    assert "3 solves: 3 solved" in printed and "2 found already written" in printed
    assert pq.read_table(f"{out}.parquet").column("index").to_pylist() == [0, 1, 2]


@pytest.mark.usefixtures("on_cluster")
def test_existing_parts_need_resume(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "s.parts").mkdir()
    (tmp_path / "s.parts" / "manifest.json").write_text("{}", encoding="utf-8")
    args = ["sweep", ANNOUNCED, "--grid", "budget_eur=3e8", "--out", str(tmp_path / "s")]
    assert main(args) == 2
    assert "pass --resume to continue it, or remove that folder" in capsys.readouterr().err


@pytest.mark.usefixtures("on_cluster")
def test_sensitivity_prints_the_indices_and_draws_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    png = tmp_path / "sobol.png"
    args = ["sensitivity", ANNOUNCED, "--parameters", "realisation_rate=0.6:1"]
    args += ["budget_eur=3e8:4e8", "--samples", "8", "--chart", str(png)]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "france-relance-2020: Sobol indices of expected jobs" in printed
    assert "32 solves (N = 8, seed 0)" in printed
    assert "realisation_rate" in printed and "0.6 to 1" in printed
    assert "budget_eur" in printed and "3e+08 to 4e+08" in printed
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_sensitivity_refuses_samples_that_are_no_power_of_two(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["sensitivity", ANNOUNCED, "--parameters", "budget_eur=3e8:4e8", "--samples", "10"]
    assert main(args) == 2
    assert "samples: must be a power of 2 (e.g. 8 or 16)" in capsys.readouterr().err
