"""A sweep's table on disk: the columns, the parts written batch by batch, the final files.

Every file is written to a temporary name in its folder and renamed, so a reader (or a resumed
sweep) sees a whole file or none. The parts of a sweep live under ``<out>.parts/``: one Parquet
file per finished batch and ``manifest.json``, which says which sweep they belong to.
"""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from models.scenario_files import write_atomic
from studies.errors import StudyError

# The outcome of each solve, after its index and the axis values.
OUTCOME_COLUMNS: Mapping[str, pa.DataType] = {
    "status": pa.string(),
    "jobs": pa.float64(),
    "spent_eur": pa.int64(),
    "fragile_share": pa.float64(),
    "decarbonisation_share": pa.float64(),
    "projects_funded": pa.int64(),
    "jobs_mean": pa.float64(),
    "jobs_p10": pa.float64(),
    "jobs_p50": pa.float64(),
    "jobs_p90": pa.float64(),
    "target_probability": pa.float64(),
    "error": pa.string(),
}
MANIFEST = "manifest.json"


def schema(axis_names: Sequence[str]) -> pa.Schema:
    fields = [pa.field("index", pa.int64())]
    fields += [pa.field(name, pa.float64()) for name in axis_names]
    fields += [pa.field(name, kind) for name, kind in OUTCOME_COLUMNS.items()]
    return pa.schema(fields)


def to_table(rows: Sequence[Mapping[str, object]], axis_names: Sequence[str]) -> pa.Table:
    return pa.Table.from_pylist(list(rows), schema=schema(axis_names))


def parquet_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return bytes(sink.getvalue().to_pybytes())


def csv_bytes(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pa_csv.write_csv(table, sink)
    return sink.getvalue()


def outputs(out: Path) -> tuple[Path, Path, Path]:
    """The Parquet file, the CSV file and the parts folder of a sweep written to ``out`` (a
    ``.parquet`` or ``.csv`` suffix on ``out`` is dropped first)."""
    if out.suffix in (".parquet", ".csv"):
        out = out.with_suffix("")
    return (
        out.with_name(f"{out.name}.parquet"),
        out.with_name(f"{out.name}.csv"),
        out.with_name(f"{out.name}.parts"),
    )


class Parts:
    """The batches of one sweep written so far, under ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, batch: int) -> Path:
        return self.folder / f"batch-{batch:06d}.parquet"

    def exists(self) -> bool:
        return self.folder.is_dir() and any(self.folder.iterdir())

    def open(self, manifest: Mapping[str, Any], *, resume: bool) -> set[int]:
        """Start (or with ``resume`` continue) the parts of the sweep ``manifest`` describes;
        the batches already written. Parts of another sweep are never mixed in, and a damaged
        folder (no readable manifest, an unreadable part) is refused, never read as done."""
        if self.exists():
            written = self._manifest()
            if not resume:
                raise StudyError(
                    "resume",
                    f"{self.folder} holds the parts of an earlier sweep: pass --resume to "
                    "continue it, or remove that folder to start again",
                )
            if written != dict(manifest):
                differ = sorted(k for k in manifest if written.get(k) != manifest[k])
                raise StudyError(
                    "resume",
                    f"{self.folder} holds the parts of another sweep (its "
                    f"{', '.join(differ) or 'manifest'} differ): remove that folder or choose "
                    "another output",
                )
            return self.done(int(manifest["batches"]))
        self.folder.mkdir(parents=True, exist_ok=True)
        text = json.dumps(dict(manifest), indent=2, sort_keys=True)
        write_atomic(self.folder / MANIFEST, text + "\n")
        return set()

    def _manifest(self) -> dict[str, Any]:
        path = self.folder / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = None
        if not isinstance(data, dict):  # e.g. a run stopped while writing it: a temporary file
            raise self._unreadable(path)
        return data

    def _unreadable(self, path: Path) -> StudyError:
        return StudyError("parts", f"{path}: unreadable; remove {self.folder} and run again")

    def written(self) -> list[Path]:
        """The parts' files found, whatever sweep they belong to."""
        return sorted(self.folder.glob("batch-*.parquet"))

    def done(self, batches: int) -> set[int]:
        """The batches written, each checked readable (its footer) before it is counted."""
        found = {b for b in range(batches) if self.path(b).is_file()}
        for b in sorted(found):
            try:
                pq.read_metadata(self.path(b))
            except (OSError, pa.ArrowException):
                raise self._unreadable(self.path(b)) from None
        return found

    def write(self, batch: int, table: pa.Table) -> None:
        write_atomic(self.path(batch), parquet_bytes(table))

    def read(self, batches: int) -> pa.Table:
        return pa.concat_tables([self._read(self.path(b)) for b in range(batches)])

    def _read(self, path: Path) -> pa.Table:
        try:
            return pq.read_table(path)
        except (OSError, pa.ArrowException):
            raise self._unreadable(path) from None

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
