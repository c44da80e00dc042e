"""Why a project is or is not funded, from the LP prices computed once per solve."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from simulation.errors import EngineError
from simulation.lp import M
from simulation.projects import ProjectColumns
from simulation.result import Result


@dataclass(frozen=True)
class ProjectExplanation:
    """One competing project's outcome in a result: whether it is funded, its euros, and why."""

    project_id: int
    funded: bool
    allocated_eur: int
    text: str
    jobs_needed: float | None = None  # more jobs it would need to enter
    aid_cut_eur: int | None = None  # or how much less aid it would need to ask for
    threshold: float | None = None  # jobs per M EUR a project like it must beat


def explain_project(
    result: Result, projects: ProjectColumns, project_id: int
) -> ProjectExplanation:
    positions = np.flatnonzero(projects.ids == project_id)
    if len(positions) == 0:
        raise EngineError("project_id", f"no competing project has id {project_id}")
    return explain_at(result, projects, int(positions[0]))


def explain_at(result: Result, projects: ProjectColumns, i: int) -> ProjectExplanation:
    """The explanation of the project at position ``i`` of ``projects``."""
    project_id = int(projects.ids[i])
    allocated = int(result.allocation_eur[i])
    funded = allocated > 0
    data = result.explanations
    if data is None:
        return ProjectExplanation(project_id, funded, allocated, f"No allocation: {result.message}")
    jobs_per_meur = float(data.jobs_per_meur[i])
    threshold = float(data.threshold[i])
    cap = int(data.cap_eur[i])
    aid = int(projects.aid_requested_eur[i])
    jobs = int(projects.jobs_created[i])
    note = "" if data.source == "LP optimum" else f" (threshold from the {data.source})"
    rate = f"{jobs_per_meur:.1f} jobs per M EUR of aid against a threshold of {threshold:.1f}{note}"
    # Jobs count in proportion to the aid received (docs/model.md): the result counts these.
    counted = f"counting {jobs * allocated / aid if aid > 0 else 0.0:.1f} of its {jobs} jobs"
    if funded and allocated >= cap:
        spare = max(jobs_per_meur - threshold, 0.0) * aid / M
        head = (
            f"Funded in full ({allocated:,} EUR)"
            if allocated >= aid
            else f"Funded up to its aid cap: {allocated:,} of the {aid:,} EUR requested, {counted}"
        )
        text = f"{head}: it creates {rate}; it would stay funded with up to {spare:.1f} fewer jobs."
        return ProjectExplanation(project_id, True, allocated, text, threshold=threshold)
    if funded:
        limit = f"{cap:,} EUR" if cap >= aid else f"{cap:,} EUR its aid cap allows"
        text = (
            f"Partly funded ({allocated:,} of {limit}, {counted}): it is a marginal project, "
            f"creating {rate}; the binding constraints stop it from getting more."
        )
        return ProjectExplanation(project_id, True, allocated, text, threshold=threshold)
    if cap <= 0:
        text = "Not funded: the aid-intensity cap leaves it no eligible aid."
        return ProjectExplanation(project_id, False, 0, text, threshold=threshold)
    if jobs <= 0:
        text = (
            "Not funded: it declares no jobs created, so aid to it adds nothing to the objective."
        )
        return ProjectExplanation(project_id, False, 0, text, threshold=threshold)
    needed = max(threshold * aid / M - jobs, 0.0)
    cut = None
    if threshold > 0:
        cut = max(math.ceil(aid - jobs * M / threshold), 0)
    if jobs_per_meur >= threshold:
        # At the threshold: an alternative optimum could fund it (ties, or all-or-nothing fit).
        text = f"Not funded, though it creates {rate}: it ties with the marginal projects."
        if data.source != "LP optimum":
            text = f"Not funded: all-or-nothing funding left no room for it; it creates {rate}."
    else:
        text = (
            f"Not funded: it creates {rate}; it would enter with {needed:.1f} more jobs "
            f"({jobs + needed:.1f} instead of {jobs})"
            + (f" or asking {cut:,} EUR less aid." if cut is not None else ".")
        )
    return ProjectExplanation(project_id, False, 0, text, needed, cut, threshold)
