"""What an allocation achieves on every criterion, and who pays for it (State and regions).

Every figure counts pro rata to the aid received, as jobs do (docs/model.md): a project granted
half its aid counts half its jobs created, jobs kept, tCO2e avoided and investment.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from simulation.formulation import Floats, Ints, M, normalised, rates
from simulation.levers import CRITERIA, CRITERION_LABELS, CoFunding
from simulation.projects import ProjectColumns
from simulation.result import Criterion, Funding, RegionFunding

UNITS: Mapping[str, str] = {
    "jobs_created": "jobs",
    "jobs_kept": "jobs",
    "co2_avoided_t": "tCO2e/year",
    "leverage": "EUR of investment per EUR of aid",
}


def criteria(
    projects: ProjectColumns, alloc_eur: Ints, weights: Mapping[str, float]
) -> tuple[Criterion, ...]:
    """Every criterion of CRITERIA for ``alloc_eur``, with its normalised weight."""
    per_meur = rates(projects)
    shares = normalised(weights)
    spent = float(alloc_eur.sum())
    out = []
    for name in CRITERIA:
        # The expression of the version-1 engine's jobs, so that jobs created equals Result.jobs.
        value = float(per_meur[name] @ alloc_eur) / M
        if name == "leverage":
            value = value * M / spent if spent > 0 else 0.0  # investment euros per euro of aid
        out.append(Criterion(name, CRITERION_LABELS[name], value, UNITS[name], shares[name]))
    return tuple(out)


def investment_eur(projects: ProjectColumns, alloc_eur: Ints) -> Floats:
    """Investment each project mobilises, pro rata to the aid it receives."""
    return rates(projects)["leverage"] * alloc_eur


def funding(
    projects: ProjectColumns,
    alloc_eur: Ints,
    regional_by_region: Mapping[str, int],
    co_funding: CoFunding,
) -> tuple[Funding, Ints]:
    """The State/regional split overall and per region, and each project's regional euros.

    A region's regional euros are shared among its funded projects pro rata to their aid
    (whole euros: the rounding remainder goes to its largest allocation)."""
    region = np.asarray(projects.region).astype(str)
    codes = sorted(set(region[alloc_eur > 0].tolist()) | set(co_funding.contributions))
    index = {code: i for i, code in enumerate(codes)}
    # Regions with no funded project and no contribution take no row (index -1, never read).
    at = np.array([index.get(code, -1) for code in region.tolist()], dtype=np.int64)
    counted = at >= 0
    k = len(codes)
    aid = np.bincount(at[counted], weights=alloc_eur[counted].astype(float), minlength=k)
    invest = np.bincount(
        at[counted], weights=investment_eur(projects, alloc_eur)[counted], minlength=k
    )
    regional_g = np.array([regional_by_region.get(code, 0) for code in codes], dtype=np.int64)
    share = np.divide(regional_g, aid, out=np.zeros(k), where=aid > 0)
    regional = np.zeros(len(projects), dtype=np.int64)
    regional[counted] = np.rint(alloc_eur[counted] * share[at[counted]]).astype(np.int64)
    for g in np.flatnonzero(regional_g > 0):
        members = np.flatnonzero(at == g)
        if len(members):
            largest = members[np.argmax(alloc_eur[members])]
            regional[largest] += regional_g[g] - regional[members].sum()
    regions = tuple(
        RegionFunding(
            code=code,
            state_eur=round(aid[g]) - int(regional_g[g]),
            regional_eur=int(regional_g[g]),
            contribution_eur=int(co_funding.contributions.get(code, 0)),
            investment_eur=round(invest[g]),
            leverage=float(invest[g] / aid[g]) if aid[g] > 0 else 0.0,
        )
        for g, code in enumerate(codes)
    )
    spent = int(alloc_eur.sum())
    total_regional = int(regional.sum())
    total_invest = float(invest.sum())
    contributed = bool(co_funding.contributions)
    return (
        Funding(
            state_eur=spent - total_regional,
            regional_eur=total_regional,
            investment_eur=round(total_invest),
            leverage=total_invest / spent if spent > 0 else 0.0,
            rule=co_funding.matching.rule if contributed else "",
            rate=co_funding.matching.rate if contributed else 0.0,
            regions=regions,
            rule_text=co_funding.matching.words() if contributed else "",
        ),
        regional,
    )
