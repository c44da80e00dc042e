"""The tables of the parts a result gets from the levers of format version 2: the criteria,
the funding by State and regions, the next projects in line, the review rounds, and the jobs'
range with the price of robustness."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from cli.render import meur, titled_table

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from simulation.levers import Uncertainty
    from simulation.result import Funding, JobsRange, Result, Robustness, Rounds


def criteria(result: Result) -> Table:
    # With jobs-only weights the objective is jobs created: a weight column would say nothing.
    weighted = any(c.weight > 0 for c in result.criteria if c.name != "jobs_created")
    headings = ("criterion", "value", "unit", *(("weight",) * weighted))
    criteria = titled_table("Criteria", headings, left="criterion")
    for criterion in result.criteria:
        weight = (f"{criterion.weight:.0%}",) if weighted else ()
        criteria.add_row(criterion.label, _amount(criterion.value), criterion.unit, *weight)
    return criteria


def _amount(value: float) -> str:
    """Counts as whole numbers, ratios (leverage) with two decimals."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"


def funding_summary(funding: Funding) -> Table:
    from rich.table import Table

    summary = Table(title="Funding", title_justify="left", show_header=False, box=None)
    summary.add_row("State", f"{meur(funding.state_eur)} M EUR")
    summary.add_row("regions", f"{meur(funding.regional_eur)} M EUR")
    summary.add_row("investment mobilised", f"{meur(funding.investment_eur)} M EUR")
    summary.add_row("leverage", f"{funding.leverage:.2f} EUR per EUR of public aid")
    if funding.rule:
        summary.add_row("matching", f"{funding.rule}: {funding.rule_text}")
    return summary


def funding(funding: Funding, listed: Sequence[str] = ()) -> Table:
    """Per region; ``listed``: the regions "By region" lists, each shown here too (a region
    with no aid has 0 and no leverage)."""
    from simulation.scenario import REGION_NAMES

    headings = ("code", "region", "State M EUR", "regional M EUR", "offered M EUR", "leverage")
    table = titled_table("Funding by region", headings, left="region")
    funded = {region.code: region for region in funding.regions}
    for code in sorted({*funded, *listed}):
        region = funded.get(code)
        if region is None:
            table.add_row(code, REGION_NAMES.get(code, code), meur(0), meur(0), meur(0), "-")
            continue
        table.add_row(
            code,
            REGION_NAMES.get(code, code),
            meur(region.state_eur),
            meur(region.regional_eur),
            meur(region.contribution_eur),
            f"{region.leverage:.2f}",
        )
    return table


def next_in_line(result: Result) -> Table:
    headings = ("project", "score", "threshold", "more jobs", "or less aid (EUR)", "why")
    table = titled_table("Next in line (score: per M EUR of aid)", headings, left="why")
    for project in result.next_in_line:
        table.add_row(
            str(project.project_id),
            f"{project.score:,.1f}",
            f"{project.threshold:,.1f}",
            "-" if project.jobs_needed is None else f"{project.jobs_needed:,.1f}",
            "-" if project.aid_cut_eur is None else f"{project.aid_cut_eur:,}",
            project.text,
        )
    return table


def draw_rounds(console: Console, rounds: Rounds) -> None:
    from simulation.scenario import REGION_NAMES

    # available = released now + what earlier rounds left; the round spends up to available
    # less its reserve, so it may spend more than it releases.
    headings = ("round", "date", "known", "released", "available", "spent", "reserve", "jobs")
    title = (
        "Rounds (M EUR; known: projects known; available: released now and left by earlier "
        "rounds; reserve: held back for later; jobs: this round's awards; budget: jobs per "
        "extra M EUR in the round)"
    )
    table = titled_table(title, (*headings, "so far", "hindsight", "lost", "budget"))
    for r in rounds.rounds:
        table.add_row(
            f"{r.index}" + ("" if r.status == "optimal" else f" ({r.status})"),
            r.date,
            f"{r.projects_known:,}",
            meur(r.released_eur),
            meur(r.available_eur),
            meur(r.spent_eur),
            meur(r.reserve_eur),
            f"{r.jobs:,.0f}",
            f"{r.cumulative_jobs:,.0f}",
            f"{r.hindsight_jobs:,.0f}",
            f"{r.jobs_lost:,.0f}",
            f"{r.budget_shadow_price:+,.1f}",
        )
    console.print(table)
    console.print(
        f"Deciding round by round: {rounds.jobs:,.0f} jobs against {rounds.hindsight_jobs:,.0f} "
        f"knowing every project from the start: {rounds.jobs_lost:,.0f} lost to deciding early"
    )
    if rounds.reserve_recovers is not None and rounds.without_reserve_jobs is not None:
        recovers = rounds.reserve_recovers
        verb = "recovers" if recovers >= 0 else "costs"
        console.print(
            f"The reserve {verb} {abs(recovers):,.0f} jobs "
            f"({rounds.without_reserve_jobs:,.0f} with no reserve)"
        )
    if rounds.regions:
        regions = titled_table(
            "Jobs lost by region", ("code", "region", "jobs", "hindsight", "lost"), left="region"
        )
        for region in rounds.regions:
            regions.add_row(
                region.code,
                REGION_NAMES.get(region.code, region.code),
                f"{region.jobs:,.0f}",
                f"{region.hindsight_jobs:,.0f}",
                f"{region.jobs_lost:,.0f}",
            )
        console.print(regions)


# ---- uncertainty -------------------------------------------------------------------------------


def jobs_range(jobs: JobsRange) -> str:
    """The range of a result's jobs in words, said to be an estimate (Monte Carlo)."""
    rate = (
        ""
        if jobs.realisation_rate is None
        else f", {jobs.realisation_rate:.0%} of declared jobs realised at the median"
    )
    text = (
        f"estimated by Monte Carlo ({jobs.draws:,} draws, seed {jobs.seed}{rate}): "
        f"mean {jobs.mean:,.0f}, 10th-90th percentile {jobs.p10:,.0f} - {jobs.p90:,.0f}, "
        f"median {jobs.p50:,.0f}"
    )
    if jobs.target_jobs is not None and jobs.target_probability is not None:
        text += f"; P(jobs >= {jobs.target_jobs:,}) = {percent(jobs.target_probability)}"
    return text


def percent(probability: float) -> str:
    """A probability in whole percents, halves rounded up as the dashboard's Math.round does; one
    strictly between 0 and 1 that rounds to 0 or 100 says so instead of claiming a certainty."""
    shown = math.floor(probability * 100 + 0.5)
    if 0 < probability < 1 and shown == 0:
        return "< 1 %"
    if 0 < probability < 1 and shown == 100:
        return "> 99 %"
    return f"{shown} %"


def robustness(price: Robustness) -> str:
    """The price of robustness: expected jobs given up against the low percentile gained."""
    given_up = price.expected_jobs_given_up
    gained = price.p10_gained
    # Sampling noise (or a robust allocation that happens to do better) can flip either sign.
    mean = f"{'gives up' if given_up >= 0 else 'gains'} {abs(given_up):,.0f} expected jobs"
    low = f"{'gains' if gained >= 0 else 'loses'} {abs(gained):,.0f} jobs at the 10th percentile"
    return (
        f"Price of robustness: the robust allocation {mean} and {low} (budget of uncertainty "
        f"{price.budget:,.4g}: funded projects that may fall to their 10th percentile at once; "
        f"{price.worst_case_jobs:,.0f} jobs in its worst case). The expected-jobs allocation, "
        f"same draws: mean {price.expected.mean:,.0f}, 10th percentile {price.expected.p10:,.0f}."
    )


def uncertainty_words(u: Uncertainty) -> str:
    """A scenario's uncertainty settings in words (those left at their default unsaid)."""
    from simulation.levers import DRAWS

    words = []
    if u.realisation_rate is not None:
        words.append(f"{u.realisation_rate:.0%} of declared jobs realised at the median")
    if u.target_jobs is not None:
        words.append(f"target {u.target_jobs:,} job{'s' * (u.target_jobs != 1)}")
    if u.draws != DRAWS or u.seed:
        words.append(f"{u.draws:,} draws, seed {u.seed}")
    if u.robust:
        budget = (
            "the square root of the competing projects"
            if u.robust_budget is None
            else f"{u.robust_budget:,.4g}"
        )
        words.append(
            f"robust objective (budget of uncertainty {budget}: funded projects that may fall "
            "to their 10th percentile at once)"
        )
    return "; ".join(words)
