"""Synthetic candidate projects, placed in real territories and communes, and the first review.

No public list of funded projects with amounts exists, so projects are drawn from documented
distributions (docs/data.md) and calibrated: the first-review awards reproduce the published
figures of November 2020. A later review, extended down the same ranking, is compared out of
sample with the March 2021 figures. Everything is vectorised (160,000 projects in a few
seconds) and deterministic for a given geography, count and seed.

    python -m data.generator [count] [seed]    # calibration and out-of-sample tables
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from data.geography import Geography

# Published first review (economie.gouv.fr, "253 premiers projets", Nov. 2020), for 1,600
# candidate projects; other counts scale the number of awards and the totals pro rata.
CANDIDATES = 1600
FIRST_REVIEW = {
    "projects": 253,
    "investment_eur": 1_400_000_000,
    "aid_eur": 143_000_000,
    "jobs_created": 5_000,  # "more than 5,000": we aim 1 % above
    "fragile_share": 0.69,
}
JOBS_TARGET = 1.01 * FIRST_REVIEW["jobs_created"]
# Published cumulative point of March 2021 (lafrenchfab.fr, 25 March 2021), for the same 1,600
# candidates. NOT used by the calibration: the generator is checked against it out of sample
# (`out_of_sample`), its awards extending the first review down the same ranking.
MARCH_2021 = {
    "projects": 531,
    "investment_eur": 2_500_000_000,
    "aid_eur": 270_000_000,
    "jobs_created": 14_000,  # "about 14,000" direct jobs to be created
}
FIRST_REVIEW_NAME = "first-review-2020-11"
FIRST_REVIEW_DATE = dt.date(2020, 11, 30)  # announced in Nov. 2020; the day is not published
GENERATOR_VERSION = 1  # bump when the generated rows change for a given seed
PHASE = 1  # the fund (2020-2022) ran during phase 1 of the programme

# ZRR: 17,694 of 34,965 communes classified in 2021 (ANCT zonage ZRR, COG 2021).
ZRR_SHARE = 17_694 / 34_965
# AFR: no commune list of the 2022-2027 map is available; we use the commune count of the
# 2014-2020 map (5,042 metropolitan communes) as the share, and every overseas commune.
AFR_SHARE = 5_042 / 34_965
MAX_AID_INTENSITY = 0.30
FRAGILE_JOBS_FACTOR = 0.85  # fewer jobs per euro in fragile places: the 69 % rule has a cost

# sector: (share of candidates, jobs per M EUR factor, decarbonisation probability, objects)
SECTORS: dict[str, tuple[float, float, float, tuple[str, ...]]] = {
    "agroalimentaire": (
        0.18,
        1.15,
        0.30,
        ("ligne de conditionnement", "atelier de transformation"),
    ),
    "métallurgie": (0.12, 0.85, 0.55, ("four de fusion", "laminoir", "fonderie")),
    "mécanique": (0.17, 1.05, 0.30, ("ligne d'usinage", "atelier de chaudronnerie")),
    "chimie": (0.07, 0.70, 0.60, ("unité de synthèse", "réacteur")),
    "plasturgie": (0.08, 0.95, 0.45, ("presses à injecter", "ligne d'extrusion")),
    "bois et papier": (0.08, 1.00, 0.45, ("scierie", "ligne de cartonnage")),
    "textile": (0.05, 1.30, 0.25, ("atelier de confection", "ligne de tissage")),
    "électronique": (0.08, 1.10, 0.20, ("ligne de cartes électroniques", "salle blanche")),
    "aéronautique et automobile": (0.09, 0.95, 0.35, ("ligne d'assemblage", "banc d'essais")),
    "santé": (0.08, 1.10, 0.20, ("unité de production pharmaceutique", "atelier stérile")),
}
ACTIONS = (
    "Extension",
    "Modernisation",
    "Robotisation",
    "Relocalisation",
    "Création",
    "Automatisation",
)
DECARBONISATION = "Décarbonation"  # the name of half of the decarbonisation projects


@dataclass(frozen=True)
class ProjectRows:
    """One row per project, as column arrays. Money in integer euros."""

    id: npt.NDArray[np.int64]
    name: list[str]
    territory_id: npt.NDArray[np.str_]
    region_code: npt.NDArray[np.str_]
    commune_code: npt.NDArray[np.str_]
    sector: npt.NDArray[np.str_]
    investment_eur: npt.NDArray[np.int64]
    aid_requested_eur: npt.NDArray[np.int64]
    jobs_created: npt.NDArray[np.int64]
    jobs_kept: npt.NDArray[np.int64]
    decarbonisation: npt.NDArray[np.bool_]
    co2_avoided_t: npt.NDArray[np.int64]
    fragile: npt.NDArray[np.bool_]
    qpv: npt.NDArray[np.bool_]
    zrr: npt.NDArray[np.bool_]
    afr: npt.NDArray[np.bool_]
    action_coeur_de_ville: npt.NDArray[np.bool_]
    first_review: npt.NDArray[np.bool_]  # awarded in the first review, in full
    # The first review's ranking (log jobs per euro plus noise for the other criteria): later
    # reviews extend the awards down this ranking (`later_review`).
    review_score: npt.NDArray[np.float64]

    def __len__(self) -> int:
        return len(self.id)

    COLUMNS = (
        "id",
        "name",
        "territory_id",
        "region_code",
        "commune_code",
        "sector",
        "investment_eur",
        "aid_requested_eur",
        "jobs_created",
        "jobs_kept",
        "decarbonisation",
        "co2_avoided_t",
        "fragile",
        "qpv",
        "zrr",
        "afr",
        "action_coeur_de_ville",
    )

    def to_dicts(self) -> list[dict[str, Any]]:
        """Rows for ``session.execute(insert(Project), rows)`` (plain Python values)."""
        columns = [getattr(self, c) for c in self.COLUMNS]
        values = [c if isinstance(c, list) else c.tolist() for c in columns]
        return [dict(zip(self.COLUMNS, row, strict=True)) for row in zip(*values, strict=True)]


def first_review_size(count: int) -> int:
    return max(1, round(FIRST_REVIEW["projects"] * count / CANDIDATES))


def commune_zonings(geography: Geography, seed: int) -> dict[str, tuple[bool, bool]]:
    """ZRR and AFR flags per commune code, drawn once per commune (not per project)."""
    zrr, afr = _zonings(geography, seed)
    codes = [c.code for c in geography.communes]
    return dict(zip(codes, zip(zrr.tolist(), afr.tolist(), strict=True), strict=True))


def _zonings(
    geography: Geography, seed: int
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    rng = np.random.default_rng([seed, 0])
    overseas = {r.code for r in geography.regions if r.zone != "metro"}
    population = np.array([c.population for c in geography.communes], dtype=float)
    metro = np.array([c.region_code not in overseas for c in geography.communes])
    # ZRR is rural: likelier in small communes, never in towns of 10,000 or more.
    weight = np.select(
        [population < 500, population < 2000, population < 10_000], [1.0, 0.8, 0.3], 0.0
    )
    weight[~metro] = 0.0
    target = ZRR_SHARE * len(population)
    low, high = 0.0, 10.0
    for _ in range(50):  # bisection on the scale so that the expected count hits the share
        scale = (low + high) / 2
        low, high = (scale, high) if np.minimum(scale * weight, 1).sum() < target else (low, scale)
    zrr = rng.random(len(population)) < np.minimum(scale * weight, 1)
    afr = (rng.random(len(population)) < AFR_SHARE * len(population) / max(metro.sum(), 1)) | ~metro
    return zrr, afr


def generate_projects(geography: Geography, count: int, seed: int) -> ProjectRows:
    if count < 1:
        raise ValueError(f"count: must be at least 1, got {count}")
    territories = [t for t in geography.territories if t.phase == PHASE and t.commune_codes]
    communes = geography.communes
    position = {c.code: i for i, c in enumerate(communes)}
    commune_population = np.array([c.population for c in communes], dtype=float)
    zrr, afr = _zonings(geography, seed)
    qpv = np.array([c.qpv for c in communes])
    acv = np.array([c.action_coeur_de_ville for c in communes])
    rng = np.random.default_rng([seed, 1])

    # Where: a territory (weight: square root of its population), then one of its communes
    # (weight: population ** 0.7, so industry leans to towns without leaving villages out).
    flat = np.array([position[c] for t in territories for c in t.commune_codes], dtype=np.int64)
    sizes = np.array([len(t.commune_codes) for t in territories])
    ends = np.cumsum(sizes)
    starts = ends - sizes
    cumulative = np.cumsum(np.maximum(commune_population[flat], 1.0) ** 0.7)
    territory_population = np.array([t.population or 1 for t in territories], dtype=float)
    territory = _weighted(rng, np.sqrt(territory_population), count)
    low = np.where(starts > 0, cumulative[starts - 1], 0.0)[territory]
    u = low + rng.random(count) * (cumulative[ends - 1][territory] - low)
    commune = flat[np.minimum(np.searchsorted(cumulative, u, side="right"), len(flat) - 1)]

    names = list(SECTORS)
    shares = np.array([s[0] for s in SECTORS.values()])
    sector = _weighted(rng, shares, count)
    labour = np.array([s[1] for s in SECTORS.values()])[sector]
    decarbonisation = rng.random(count) < np.array([s[2] for s in SECTORS.values()])[sector]

    fragile = qpv[commune] | acv[commune] | zrr[commune] | afr[commune]
    investment = np.clip(rng.lognormal(np.log(2.5e6), 1.0, count), 1e5, 1e8)
    intensity = np.clip(rng.beta(2.2, 18.0, count), 0.02, MAX_AID_INTENSITY)
    jobs_per_meur = rng.lognormal(np.log(3.6), 0.6, count) * labour
    jobs_per_meur *= np.where(fragile, FRAGILE_JOBS_FACTOR, 1.0)
    jobs = jobs_per_meur * investment / 1e6

    awarded, score = _select_first_review(rng, jobs / investment, fragile, count)
    investment, intensity, jobs = _calibrate(investment, intensity, jobs, awarded, count)

    investment_eur = np.round(investment, -3).astype(np.int64)
    aid_eur = np.round(intensity * investment_eur, -2).astype(np.int64)
    jobs_created = np.round(jobs).astype(np.int64)
    jobs_kept = np.round(jobs * rng.lognormal(np.log(3.5), 0.5, count)).astype(np.int64)
    co2 = investment_eur / 1e6 * rng.lognormal(np.log(120.0), 0.8, count)
    co2_avoided_t = np.where(decarbonisation, np.maximum(np.round(co2), 1), 0).astype(np.int64)

    action = rng.integers(0, len(ACTIONS), count)
    action[decarbonisation & (rng.random(count) < 0.5)] = len(ACTIONS)
    actions = (*ACTIONS, DECARBONISATION)
    variant = rng.integers(0, 2, count)
    objects = [SECTORS[n][3] for n in names]
    commune_names = [c.name for c in communes]
    project_names = [
        f"{actions[a]} {objects[s][v % len(objects[s])]} — {commune_names[c]}"
        for a, s, v, c in zip(
            action.tolist(), sector.tolist(), variant.tolist(), commune.tolist(), strict=True
        )
    ]
    territory_ids = np.array([t.id for t in territories])
    territory_regions = np.array([t.region_code for t in territories])
    return ProjectRows(
        id=np.arange(1, count + 1, dtype=np.int64),
        name=project_names,
        territory_id=territory_ids[territory],
        region_code=territory_regions[territory],
        commune_code=np.array([c.code for c in communes])[commune],
        sector=np.array(names)[sector],
        investment_eur=investment_eur,
        aid_requested_eur=aid_eur,
        jobs_created=jobs_created,
        jobs_kept=jobs_kept,
        decarbonisation=decarbonisation,
        co2_avoided_t=co2_avoided_t,
        fragile=fragile,
        qpv=qpv[commune],
        zrr=zrr[commune],
        afr=afr[commune],
        action_coeur_de_ville=acv[commune],
        first_review=awarded,
        review_score=score,
    )


def _weighted(rng: np.random.Generator, weights: npt.NDArray[Any], count: int) -> npt.NDArray[Any]:
    cumulative = np.cumsum(weights)
    draws = rng.random(count) * cumulative[-1]
    picks: npt.NDArray[np.int64] = np.searchsorted(cumulative, draws, side="right")
    return np.minimum(picks, len(weights) - 1)


def _select_first_review(
    rng: np.random.Generator,
    jobs_per_euro: npt.NDArray[np.float64],  # of investment: the aid rate is set afterwards
    fragile: npt.NDArray[np.bool_],
    count: int,
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float64]]:
    """Most jobs per euro invested, with noise standing for the other criteria (training,
    cooperation, readiness), taking 69 % of the winners from fragile places as published.
    Returns the awards and the ranking score."""
    score = np.log(jobs_per_euro) + rng.normal(0.0, 0.6, count)
    return _awards(score, fragile, first_review_size(count)), score


def _awards(
    score: npt.NDArray[np.float64], fragile: npt.NDArray[np.bool_], size: int
) -> npt.NDArray[np.bool_]:
    """The ``size`` best scores, 69 % of them (as far as there are) in fragile places. A larger
    ``size`` keeps every award of a smaller one: each group is cut further down its ranking."""
    count = len(score)
    wanted_fragile = min(round(FIRST_REVIEW["fragile_share"] * size), int(fragile.sum()))
    wanted_other = min(size - wanted_fragile, int((~fragile).sum()))
    wanted_fragile = size - wanted_other
    awarded = np.zeros(count, dtype=bool)
    for group, wanted in ((fragile, wanted_fragile), (~fragile, wanted_other)):
        members = np.flatnonzero(group)
        awarded[members[np.argsort(-score[members], kind="stable")[:wanted]]] = True
    return awarded


def later_review(
    rows: ProjectRows, projects: int = MARCH_2021["projects"]
) -> npt.NDArray[np.bool_]:
    """The awards of a later, cumulative review of ``projects`` awards per 1,600 candidates:
    the first review's winners and the next ones down the same ranking, by the same rule."""
    size = max(1, round(projects * len(rows) / CANDIDATES))
    return _awards(rows.review_score, rows.fragile, size)


def _calibrate(
    investment: npt.NDArray[np.float64],
    intensity: npt.NDArray[np.float64],
    jobs: npt.NDArray[np.float64],
    awarded: npt.NDArray[np.bool_],
    count: int,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Scale every project by the same factors so the awarded ones hit the published totals:
    the shapes of the distributions stay as drawn, only their levels are calibrated."""
    scale = first_review_size(count) / FIRST_REVIEW["projects"]
    investment = investment * (FIRST_REVIEW["investment_eur"] * scale / investment[awarded].sum())
    target_aid = FIRST_REVIEW["aid_eur"] * scale
    low, high = 0.0, 10.0
    for _ in range(60):  # bisection: the intensity cap makes aid a concave function of the scale
        k = (low + high) / 2
        aid = (np.minimum(intensity[awarded] * k, MAX_AID_INTENSITY) * investment[awarded]).sum()
        low, high = (k, high) if aid < target_aid else (low, k)
    intensity = np.minimum(intensity * k, MAX_AID_INTENSITY)
    jobs = jobs * (JOBS_TARGET * scale / jobs[awarded].sum())
    return investment, intensity, jobs


def calibration(rows: ProjectRows) -> list[tuple[str, float, float]]:
    """(figure, published, generated) for the first review, published totals scaled pro rata
    when the candidate count is not 1,600."""
    awarded = rows.first_review
    scale = awarded.sum() / FIRST_REVIEW["projects"]
    return [
        ("projects", FIRST_REVIEW["projects"] * scale, float(awarded.sum())),
        (
            "investment_eur",
            FIRST_REVIEW["investment_eur"] * scale,
            float(rows.investment_eur[awarded].sum()),
        ),
        ("aid_eur", FIRST_REVIEW["aid_eur"] * scale, float(rows.aid_requested_eur[awarded].sum())),
        (
            "jobs_created",
            FIRST_REVIEW["jobs_created"] * scale,
            float(rows.jobs_created[awarded].sum()),
        ),
        ("fragile_share", FIRST_REVIEW["fragile_share"], float(rows.fragile[awarded].mean())),
    ]


def out_of_sample(rows: ProjectRows) -> list[tuple[str, float, float]]:
    """(figure, published, generated) for the March 2021 point, which the calibration does not
    use: the awards of `later_review`, published totals scaled pro rata as in `calibration`."""
    awarded = later_review(rows)
    scale = awarded.sum() / MARCH_2021["projects"]
    return [
        (figure, MARCH_2021[figure] * scale, float(column[awarded].sum()))
        for figure, column in (
            ("projects", np.ones(len(rows))),
            ("investment_eur", rows.investment_eur),
            ("aid_eur", rows.aid_requested_eur),
            ("jobs_created", rows.jobs_created),
        )
    ]


def main(argv: list[str]) -> None:
    from data.reference import load_geography
    from settings import Settings

    settings = Settings.from_env()
    count = int(argv[0]) if argv else settings.project_count
    seed = int(argv[1]) if len(argv) > 1 else settings.seed
    rows = generate_projects(load_geography(settings.data_dir), count, seed)
    print(f"first review, {count:,} candidates, seed {seed}")
    print(f"{'figure':<16}{'published':>18}{'generated':>18}{'gap':>8}")
    for figure, published, generated in calibration(rows):
        gap = (generated - published) / published
        print(f"{figure:<16}{published:>18,.2f}{generated:>18,.2f}{gap:>8.1%}")
    print(f"out of sample: March 2021, {int(later_review(rows).sum()):,} awards (not calibrated)")
    for figure, published, generated in out_of_sample(rows):
        gap = (generated - published) / published
        print(f"{figure:<16}{published:>18,.2f}{generated:>18,.2f}{gap:>8.1%}")
    aid, investment, jobs = rows.aid_requested_eur, rows.investment_eur, rows.jobs_created
    won = rows.first_review
    print(
        f"candidates: fragile {rows.fragile.mean():.1%}, "
        f"decarbonisation {rows.decarbonisation.mean():.1%}, "
        f"aid intensity {aid.sum() / investment.sum():.1%} (max {(aid / investment).max():.1%}), "
        f"jobs per M EUR of aid {jobs.sum() / aid.sum() * 1e6:.1f} "
        f"(first review {jobs[won].sum() / aid[won].sum() * 1e6:.1f})"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
