from pathlib import Path

import matplotlib.image
import numpy as np
import pytest

from cli.charts import curve_line, region_bars

ALLOCATED = {"base": {"84": 30e6, "94": 1e6}, "push": {"84": 20e6, "94": 5e6, "11": 2e6}}
JOBS = {"base": {"84": 300.0, "94": 10.0}, "push": {"84": 200.0, "94": 50.0, "11": 20.0}}


def test_region_bars_writes_a_png_of_the_asked_size(tmp_path: Path) -> None:
    path = tmp_path / "regions.png"
    region_bars(ALLOCATED, JOBS, path, size_px=(800, 500))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = matplotlib.image.imread(path)
    assert image.shape[:2] == (500, 800)
    assert np.unique(image.reshape(-1, image.shape[2]), axis=0).shape[0] > 3  # not blank
    assert [p.name for p in tmp_path.iterdir()] == ["regions.png"]  # no temporary left


def test_region_bars_differ_with_the_data(tmp_path: Path) -> None:
    region_bars(ALLOCATED, JOBS, tmp_path / "a.png")
    region_bars({"base": ALLOCATED["base"]}, {"base": JOBS["base"]}, tmp_path / "b.png")
    assert (tmp_path / "a.png").read_bytes() != (tmp_path / "b.png").read_bytes()


def test_failed_write_leaves_no_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        region_bars(ALLOCATED, JOBS, tmp_path / "missing" / "x.png")
    assert list(tmp_path.iterdir()) == []


def test_curve_line(tmp_path: Path) -> None:
    path = tmp_path / "curve.png"
    curve_line(
        [0.5, 0.7, 0.9],
        [12_500, 12_200, 11_000],
        path,
        parameter="fragile_share_min",
        title="jobs",
        size_px=(600, 400),
    )
    assert matplotlib.image.imread(path).shape[:2] == (400, 600)
