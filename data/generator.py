"""Generated candidate projects, placed in real territories and communes, and the first review.

The fund's laureates are real (``data.laureates``), but the programme reported 1,600 projects
from the field: generated candidates fill the pool beside them (origin "generated"), or make
all of it without the laureates file. They are drawn from documented distributions
(docs/data.md) with the laureates' filières and the real fragility of their commune, and
calibrated: the first-review awards reproduce the published figures of November 2020. A later
review, extended down the same ranking, is compared out of sample with the March 2021 figures.
Everything is vectorised (160,000 projects in a few seconds) and deterministic for a given
geography, count and seed.

    python -m data.generator [count] [seed]    # calibration and out-of-sample tables
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from data.estimates import FIGURES, declared_range
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
GENERATOR_VERSION = 2  # bump when the generated rows change for a given seed
PHASE = 1  # the fund (2020-2022) ran during phase 1 of the programme

MAX_AID_INTENSITY = 0.30
FRAGILE_JOBS_FACTOR = 0.85  # fewer jobs per euro in fragile places: the 69 % rule has a cost

# Fragility: a commune is fragile when it has a QPV, is an Action cœur de ville town or is rural
# in INSEE's density grid (the documented stand-in for rural revitalisation zones). When the
# geography has no density grid (built-in synthetic geography, small reference folders), rural is
# drawn once per commune with the probability that a commune of its population is rural in the
# real grid (communes_grille_densite.csv, COG 2026, 34,875 communes): the fallback imitates what
# it stands in for, so that such geographies still have fragile places.
RURAL_BY_POPULATION = (  # (population below, share of such communes in a rural density level)
    (500, 0.996),
    (2_000, 0.904),
    (5_000, 0.632),
    (10_000, 0.229),
)
RURAL_ABOVE = 0.021  # communes of 10,000 inhabitants or more

# The filières of the fund's laureates (laureats_fonds_territoires.csv, 1,158 rows counted once:
# "Mode et luxe" counted with "Mode et Luxe", the 6 rows without a filière left out). Generated
# candidates are drawn with these shares, so the pool has the laureates' mix of sectors.
LAUREATE_FILIERES = {
    "Agroalimentaire": 223,
    "Chimie et Matériaux": 179,
    "Mines et métallurgie": 131,
    "Construction": 124,
    "Mode et Luxe": 108,
    "Santé": 83,
    "Autres": 67,
    "Electronique": 56,
    "Bois": 48,
    "Nouveaux systèmes énergétiques": 45,
    "Automobile": 40,
    "Transformation et valorisation des déchets": 21,
    "Aéronautique": 16,
    "Eau": 11,
}


@dataclass(frozen=True)
class Filiere:
    jobs_factor: float  # relative jobs per M EUR invested (the level is calibrated)
    decarbonisation: float  # probability that a project of the filière decarbonises
    objects: tuple[str, ...]  # what a project builds, for its name


# Relative labour intensity and decarbonisation probability per filière (docs/data.md §4): not
# fitted (90 laureates state both jobs and investment, 4 to 18 per filière), but carried over
# from the industrial sectors this generator used before, mapped to the filières.
FILIERES = {
    "Agroalimentaire": Filiere(
        1.15, 0.30, ("ligne de conditionnement", "atelier de transformation")
    ),
    "Chimie et Matériaux": Filiere(
        0.85, 0.50, ("unité de synthèse", "presses à injecter", "ligne d'extrusion")
    ),
    "Mines et métallurgie": Filiere(0.85, 0.55, ("four de fusion", "laminoir", "fonderie")),
    "Construction": Filiere(
        1.00, 0.45, ("centrale à béton", "atelier de charpente", "ligne de panneaux isolants")
    ),
    "Mode et Luxe": Filiere(
        1.30, 0.25, ("atelier de confection", "ligne de tissage", "atelier de maroquinerie")
    ),
    "Santé": Filiere(1.10, 0.20, ("unité de production pharmaceutique", "atelier stérile")),
    "Autres": Filiere(1.05, 0.30, ("ligne d'usinage", "atelier de chaudronnerie")),
    "Electronique": Filiere(1.10, 0.20, ("ligne de cartes électroniques", "salle blanche")),
    "Bois": Filiere(1.00, 0.45, ("scierie", "ligne de cartonnage", "atelier de menuiserie")),
    "Nouveaux systèmes énergétiques": Filiere(
        0.80, 0.90, ("ligne d'électrolyseurs", "ligne de modules photovoltaïques")
    ),
    "Automobile": Filiere(0.95, 0.35, ("ligne d'assemblage", "atelier d'emboutissage")),
    "Transformation et valorisation des déchets": Filiere(
        0.90, 0.80, ("chaîne de tri", "unité de recyclage")
    ),
    "Aéronautique": Filiere(0.95, 0.35, ("ligne d'assemblage", "banc d'essais")),
    "Eau": Filiere(0.80, 0.40, ("unité de traitement d'eau", "ligne d'embouteillage")),
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


Strings = npt.NDArray[np.str_]
Nullable = npt.NDArray[np.object_]  # values or None
Integers = npt.NDArray[np.int64]


@dataclass(frozen=True)
class ProjectRows:
    """One row per project, as column arrays (the columns of the ``project`` table plus the
    first review). Money in integer euros; nullable columns are object arrays of values or None."""

    id: Integers
    origin: Strings  # "generated"
    laureate_id: Nullable
    name: list[str]
    company_name: Nullable
    siren: Nullable
    company_size: Nullable
    record_date: Nullable
    employees: Nullable
    territory_id: Strings
    phase2_territory_id: Nullable
    region_code: Strings
    department_code: Strings
    commune_code: Strings
    postal_code: Nullable
    latitude: Nullable
    longitude: Nullable
    location_precision: Strings  # "generated": placed in a commune, no position
    density_level: Nullable
    sector: Strings
    investment_eur: Integers
    investment_eur_source: Strings
    investment_eur_low: Integers
    investment_eur_high: Integers
    aid_requested_eur: Integers
    aid_requested_eur_source: Strings
    aid_requested_eur_low: Integers
    aid_requested_eur_high: Integers
    jobs_created: Integers
    jobs_created_source: Strings
    jobs_created_low: Integers
    jobs_created_high: Integers
    jobs_kept: Integers
    jobs_kept_source: Strings
    jobs_kept_low: Integers
    jobs_kept_high: Integers
    decarbonisation: npt.NDArray[np.bool_]
    co2_avoided_t: Integers
    co2_avoided_t_source: Strings
    co2_avoided_t_low: Integers
    co2_avoided_t_high: Integers
    fragile: npt.NDArray[np.bool_]
    qpv: npt.NDArray[np.bool_]
    zrr: npt.NDArray[np.bool_]  # the rural flag, stand-in for ZRR
    afr: npt.NDArray[np.bool_]  # always False: no commune list of the AFR map exists
    action_coeur_de_ville: npt.NDArray[np.bool_]
    first_review: npt.NDArray[np.bool_]  # awarded in the first review, in full
    # The first review's ranking (log jobs per euro plus noise for the other criteria): later
    # reviews extend the awards down this ranking (`later_review`).
    review_score: npt.NDArray[np.float64]

    def __len__(self) -> int:
        return len(self.id)

    # Every column of the project table, in the order above.
    COLUMNS = (
        "id",
        "origin",
        "laureate_id",
        "name",
        "company_name",
        "siren",
        "company_size",
        "record_date",
        "employees",
        "territory_id",
        "phase2_territory_id",
        "region_code",
        "department_code",
        "commune_code",
        "postal_code",
        "latitude",
        "longitude",
        "location_precision",
        "density_level",
        "sector",
        *(
            f"{figure}{part}"
            for figure in FIGURES
            if figure != "co2_avoided_t"
            for part in ("", "_source", "_low", "_high")
        ),
        "decarbonisation",
        *(f"co2_avoided_t{part}" for part in ("", "_source", "_low", "_high")),
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


def has_density_grid(geography: Geography) -> bool:
    return any(c.density_level is not None for c in geography.communes)


def rural_communes(geography: Geography, seed: int) -> npt.NDArray[np.bool_]:
    """The rural flag of each commune of ``geography.communes``: its density level, or, without
    a density grid, a draw per commune by population (``RURAL_BY_POPULATION``)."""
    if has_density_grid(geography):
        return np.array([c.rural for c in geography.communes], dtype=bool)
    population = np.array([c.population for c in geography.communes], dtype=float)
    limits = [limit for limit, _ in RURAL_BY_POPULATION]
    shares = [share for _, share in RURAL_BY_POPULATION]
    probability = np.select([population < limit for limit in limits], shares, RURAL_ABOVE)
    rural: npt.NDArray[np.bool_] = np.random.default_rng([seed, 0]).random(len(population)) < (
        probability
    )
    return rural


def phase2_territories(geography: Geography) -> dict[str, str]:
    """Commune code -> the phase-2 territory one of whose member EPCIs is the commune's EPCI
    (each EPCI is a member of at most one phase-2 territory)."""
    by_member = {m.siren: t.id for t in geography.phase(2) for m in t.members}
    return {
        c.code: by_member[c.epci_siren]
        for c in geography.communes
        if c.epci_siren is not None and c.epci_siren in by_member
    }


def generate_projects(
    geography: Geography, count: int, seed: int, first_id: int = 1
) -> ProjectRows:
    """``count`` generated candidates with ids ``first_id``, ``first_id + 1``, ...; the rows do
    not depend on ``first_id``."""
    if count < 1:
        raise ValueError(f"count: must be at least 1, got {count}")
    territories = [t for t in geography.territories if t.phase == PHASE and t.commune_codes]
    communes = geography.communes
    position = {c.code: i for i, c in enumerate(communes)}
    commune_population = np.array([c.population for c in communes], dtype=float)
    rural = rural_communes(geography, seed)
    qpv = np.array([c.qpv for c in communes], dtype=bool)
    acv = np.array([c.action_coeur_de_ville for c in communes], dtype=bool)
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

    names = list(FILIERES)
    shares = np.array([LAUREATE_FILIERES[n] for n in names], dtype=float)
    sector = _weighted(rng, shares, count)
    labour = np.array([FILIERES[n].jobs_factor for n in names])[sector]
    decarbonisation = (
        rng.random(count) < np.array([FILIERES[n].decarbonisation for n in names])[sector]
    )

    fragile = qpv[commune] | acv[commune] | rural[commune]
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
    variant = rng.integers(0, 6, count)  # 6: every filière's count of objects divides it
    objects = [FILIERES[n].objects for n in names]
    commune_names = [c.name for c in communes]
    project_names = [
        f"{actions[a]} {objects[s][v % len(objects[s])]} — {commune_names[c]}"
        for a, s, v, c in zip(
            action.tolist(), sector.tolist(), variant.tolist(), commune.tolist(), strict=True
        )
    ]
    territory_ids = np.array([t.id for t in territories])
    territory_regions = np.array([t.region_code for t in territories])
    phase2 = phase2_territories(geography)
    placed = [communes[i] for i in commune.tolist()]
    # A generated figure has the range of a declared one (a declaration is not a result).
    values = {
        "investment_eur": investment_eur,
        "aid_requested_eur": aid_eur,
        "jobs_created": jobs_created,
        "jobs_kept": jobs_kept,
        "co2_avoided_t": co2_avoided_t,
    }
    ranges = {figure: declared_range(figure, values[figure]) for figure in FIGURES}
    nothing = np.full(count, None, dtype=object)
    generated = np.full(count, "generated")
    return ProjectRows(
        id=np.arange(first_id, first_id + count, dtype=np.int64),
        origin=generated,
        laureate_id=nothing,
        name=project_names,
        company_name=nothing,
        siren=nothing,
        company_size=nothing,
        record_date=nothing,
        employees=nothing,
        territory_id=territory_ids[territory],
        phase2_territory_id=np.array([phase2.get(c.code) for c in placed], dtype=object),
        region_code=territory_regions[territory],
        department_code=np.array([c.department_code for c in placed]),
        commune_code=np.array([c.code for c in placed]),
        postal_code=nothing,
        latitude=nothing,
        longitude=nothing,
        location_precision=generated,
        density_level=np.array([c.density_level for c in placed], dtype=object),
        sector=np.array(names)[sector],
        investment_eur=investment_eur,
        investment_eur_source=generated,
        investment_eur_low=ranges["investment_eur"][0],
        investment_eur_high=ranges["investment_eur"][1],
        aid_requested_eur=aid_eur,
        aid_requested_eur_source=generated,
        aid_requested_eur_low=ranges["aid_requested_eur"][0],
        aid_requested_eur_high=ranges["aid_requested_eur"][1],
        jobs_created=jobs_created,
        jobs_created_source=generated,
        jobs_created_low=ranges["jobs_created"][0],
        jobs_created_high=ranges["jobs_created"][1],
        jobs_kept=jobs_kept,
        jobs_kept_source=generated,
        jobs_kept_low=ranges["jobs_kept"][0],
        jobs_kept_high=ranges["jobs_kept"][1],
        decarbonisation=decarbonisation,
        co2_avoided_t=co2_avoided_t,
        co2_avoided_t_source=generated,
        co2_avoided_t_low=ranges["co2_avoided_t"][0],
        co2_avoided_t_high=ranges["co2_avoided_t"][1],
        fragile=fragile,
        qpv=qpv[commune],
        zrr=rural[commune],
        afr=np.zeros(count, dtype=bool),
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
    geography = load_geography(settings.data_dir)
    rows = generate_projects(geography, count, seed)
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
    rural = "density grid" if has_density_grid(geography) else "drawn by population, no grid"
    print(
        f"candidates: fragile {rows.fragile.mean():.1%} (rural {rows.zrr.mean():.1%}, "
        f"QPV {rows.qpv.mean():.1%}, Action cœur de ville "
        f"{rows.action_coeur_de_ville.mean():.1%}; rural: {rural}), "
        f"decarbonisation {rows.decarbonisation.mean():.1%}, "
        f"aid intensity {aid.sum() / investment.sum():.1%} (max {(aid / investment).max():.1%}), "
        f"jobs per M EUR of aid {jobs.sum() / aid.sum() * 1e6:.1f} "
        f"(first review {jobs[won].sum() / aid[won].sum() * 1e6:.1f})"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
