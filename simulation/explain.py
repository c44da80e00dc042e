"""Why a project is or is not funded, from the LP prices computed once per solve."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from simulation.errors import EngineError
from simulation.levers import CRITERION_LABELS
from simulation.lp import M
from simulation.projects import ProjectColumns
from simulation.result import NextInLine, Result


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
    if math.isnan(threshold) and result.rounds is not None and result.rounds.rounds:
        # No threshold: recorded after the last review round (simulation.rounds).
        last = result.rounds.rounds[-1].date
        text = f"Not funded: recorded on or after {last}, the last round's date, it never competed."
        return ProjectExplanation(project_id, False, 0, text)
    cap = int(data.cap_eur[i])
    aid = int(projects.aid_requested_eur[i])
    jobs = int(projects.jobs_created[i])
    note = "" if data.source == "LP optimum" else f" (threshold from the {data.source})"
    rate = f"{jobs_per_meur:.1f} jobs per M EUR of aid against a threshold of {threshold:.1f}{note}"
    if data.scores:
        return _weighted(result, projects, i, note)
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
        text = f"Not funded: it creates {rate}; " + _would_enter(needed, jobs, cut)
    return ProjectExplanation(project_id, False, 0, text, needed, cut, threshold)


def _would_enter(needed: float | None, jobs: int, cut: int | None) -> str:
    """What an unfunded project below the threshold would need: ``needed`` more jobs (None: jobs
    weigh nothing) or ``cut`` EUR less aid. Below 0.05 jobs it reads as sitting at the threshold
    rather than "0.0 more jobs"."""
    if needed is not None and needed < 0.05:
        less = f", or {cut:,} EUR less aid" if cut is not None else ""
        return f"it sits at the threshold: it would enter with a fraction of a job more{less}."
    text = "it would enter"
    if needed is not None:
        text += f" with {needed:.1f} more jobs ({jobs + needed:.1f} instead of {jobs})"
    if cut is not None:
        text += f"{' or' if needed is not None else ''} asking {cut:,} EUR less aid"
    return text + "."


def _weighted(result: Result, projects: ProjectColumns, i: int, note: str) -> ProjectExplanation:
    """explain_at's words when the objective weighs several criteria: a score per M EUR of aid in
    jobs-equivalents, with each criterion's part, and the jobs it would need at its weight."""
    data = result.explanations
    assert data is not None
    project_id = int(projects.ids[i])
    allocated = int(result.allocation_eur[i])
    score = float(data.jobs_per_meur[i])
    threshold = float(data.threshold[i])
    cap = int(data.cap_eur[i])
    aid = int(projects.aid_requested_eur[i])
    parts = ", ".join(
        f"{CRITERION_LABELS[name]} {float(values[i]):.1f}" for name, values in data.scores.items()
    )
    rate = (
        f"its score of {score:.1f} per M EUR of aid ({parts}; jobs-equivalents) against a "
        f"threshold of {threshold:.1f}{note}"
    )
    # A job more raises the score by the jobs weight per M EUR of aid requested.
    weight = next((c.weight for c in result.criteria if c.name == "jobs_created"), 0.0)
    if allocated > 0 and allocated >= cap:
        text = f"Funded in full up to its cap ({allocated:,} EUR): {rate}."
        if weight > 0:
            spare = max(score - threshold, 0.0) * aid / M / weight
            text = text[:-1] + f"; it would stay funded with up to {spare:.1f} fewer jobs."
        return ProjectExplanation(project_id, True, allocated, text, threshold=threshold)
    if allocated > 0:
        text = (
            f"Partly funded ({allocated:,} of {cap:,} EUR): it is a marginal project, with {rate}; "
            "the binding constraints stop it from getting more."
        )
        return ProjectExplanation(project_id, True, allocated, text, threshold=threshold)
    if cap <= 0:
        text = "Not funded: the aid-intensity cap leaves it no eligible aid."
        return ProjectExplanation(project_id, False, 0, text, threshold=threshold)
    if score <= 0:
        text = "Not funded: it scores nothing on the weighted criteria."
        return ProjectExplanation(project_id, False, 0, text, threshold=threshold)
    if score >= threshold:
        text = f"Not funded, though it ties with the marginal projects: {rate}."
        if data.source != "LP optimum":
            text = f"Not funded: all-or-nothing funding left no room for it; {rate}."
        # Jobs weighted 0 would not bring it in: no jobs to offer, only the aid (none to cut).
        tie = 0.0 if weight > 0 else None
        return ProjectExplanation(project_id, False, 0, text, tie, 0, threshold)
    needed = (threshold - score) * aid / M / weight if weight > 0 else None
    # Every rate is per euro of aid requested: asking less raises the score in proportion.
    cut = max(math.ceil(aid - score * aid / threshold), 0) if threshold > 0 else None
    jobs = int(projects.jobs_created[i])
    text = f"Not funded: {rate}; " + _would_enter(needed, jobs, cut)
    return ProjectExplanation(project_id, False, 0, text, needed, cut, threshold)


def next_in_line(
    result: Result,
    projects: ProjectColumns,
    k: int,
    *,
    excluded: npt.NDArray[np.bool_] | None = None,
) -> tuple[NextInLine, ...]:
    """The ``k`` unfunded projects closest to entering (highest score minus threshold), each with
    what explain_at says it would need; ``excluded`` projects (forced out) are not listed."""
    data = result.explanations
    if data is None or k <= 0:
        return ()
    waiting = (result.allocation_eur == 0) & (data.cap_eur > 0) & (data.jobs_per_meur > 0)
    waiting &= ~np.isnan(data.threshold)  # no threshold: the project never competed
    if excluded is not None:
        waiting &= ~excluded
    candidates = np.flatnonzero(waiting)
    gap = data.jobs_per_meur[candidates] - data.threshold[candidates]
    chosen = candidates[np.argsort(-gap, kind="stable")[:k]]
    out = []
    for i in chosen:
        e = explain_at(result, projects, int(i))
        out.append(
            NextInLine(
                e.project_id,
                float(data.jobs_per_meur[i]),
                float(data.threshold[i]),
                e.jobs_needed,
                e.aid_cut_eur,
                e.text,
            )
        )
    return tuple(out)
