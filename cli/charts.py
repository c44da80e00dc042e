"""Charts of scenario outcomes (PNG, matplotlib without a display)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from models.scenario_files import write_atomic
from simulation.scenario import REGION_NAMES

# Colour-blind safe (Okabe-Ito), one per scenario; cycles beyond eight.
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")


def region_bars(
    allocated_eur: Mapping[str, Mapping[str, float]],
    jobs: Mapping[str, Mapping[str, float]],
    path: Path,
    *,
    title: str = "Allocation by region",
    size_px: tuple[int, int] = (1400, 900),
    dpi: int = 100,
) -> None:
    """Grouped bars, one colour per scenario: M EUR allocated (top) and jobs (bottom) by region.

    ``allocated_eur`` and ``jobs`` map scenario name -> region code -> value, in scenario order.
    """
    scenarios = list(allocated_eur)
    codes = sorted({code for values in allocated_eur.values() for code in values})
    labels = [REGION_NAMES.get(code, code) for code in codes]
    figure = Figure(figsize=(size_px[0] / dpi, size_px[1] / dpi), dpi=dpi, layout="constrained")
    top, bottom = figure.subplots(2, 1, sharex=True)
    x = np.arange(len(codes))
    width = 0.8 / max(len(scenarios), 1)
    for i, name in enumerate(scenarios):
        offset = (i - (len(scenarios) - 1) / 2) * width
        colour = COLOURS[i % len(COLOURS)]
        money = [allocated_eur[name].get(code, 0) / 1e6 for code in codes]
        created = [jobs.get(name, {}).get(code, 0) for code in codes]
        top.bar(x + offset, money, width, label=name, color=colour)
        bottom.bar(x + offset, created, width, label=name, color=colour)
    top.set_ylabel("allocated (M EUR)")
    bottom.set_ylabel("jobs created")
    top.set_title(title)
    top.legend(loc="upper right", fontsize="small")
    for axes in (top, bottom):
        axes.grid(axis="y", alpha=0.3)
        axes.set_axisbelow(True)
    bottom.set_xticks(x, labels, rotation=35, ha="right")
    _save(figure, path)


def _save(figure: Figure, path: Path) -> None:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    write_atomic(path, buffer.getvalue())  # an interrupted run never leaves half a PNG


def curve_line(
    values: list[float],
    jobs: list[float],
    path: Path,
    *,
    parameter: str,
    title: str,
    size_px: tuple[int, int] = (1000, 600),
    dpi: int = 100,
) -> None:
    """Jobs against the swept parameter (budget in M EUR, shares in %)."""
    figure = Figure(figsize=(size_px[0] / dpi, size_px[1] / dpi), dpi=dpi, layout="constrained")
    axes = figure.subplots()
    if parameter == "budget_eur":
        xs, label = [v / 1e6 for v in values], "budget (M EUR)"
    else:
        xs, label = [v * 100 for v in values], f"{parameter} (%)"
    axes.plot(xs, jobs, marker="o", color=COLOURS[0])
    axes.set_xlabel(label)
    axes.set_ylabel("jobs created")
    axes.set_title(title)
    axes.grid(alpha=0.3)
    _save(figure, path)
