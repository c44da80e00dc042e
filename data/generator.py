"""Generated candidate projects, placed in real territories and communes.

The fund's laureates are real (``data.laureates``), but the programme reported 1,600 projects
from the field: generated candidates fill the pool beside them (origin "generated"), or make
all of it without the laureates file. They are drawn from documented distributions
(docs/data.md) with the laureates' filières and the real fragility of their commune, and
calibrated: their first review (``data.first_review``) reproduces the published figures of
November 2020. Everything is vectorised (160,000 projects in a few seconds) and deterministic
for a given geography, count and seed.

    python -m data.generator [count] [seed]    # calibration and out-of-sample tables
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from data.estimates import AID_CEILING_EUR, declared_range
from data.first_review import (
    MAX_AID_INTENSITY,
    calibrate,
    calibration,
    later_review,
    out_of_sample,
    select_first_review,
)
from data.geography import Geography
from data.project_rows import ProjectRows

GENERATOR_VERSION = 3  # bump when the generated rows change for a given seed
PHASE = 1  # the fund (2020-2022) ran during phase 1 of the programme

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


@dataclass(frozen=True)
class Levels:
    """Mean figures per project that generated candidates are scaled to: the laureates' when
    they compete beside them, so that a candidate is neither better nor worse than a laureate
    on average (nothing is published on the projects the fund turned down)."""

    investment_eur: float
    aid_requested_eur: float
    jobs_created: float
    jobs_kept: float


def generate_projects(
    geography: Geography, count: int, seed: int, first_id: int = 1, levels: Levels | None = None
) -> ProjectRows:
    """``count`` generated candidates with ids ``first_id``, ``first_id + 1``, ...; the rows do
    not depend on ``first_id``. Their levels are calibrated on the published first review, or
    with ``levels`` scaled to those means (aid then at most the laureates' ceiling,
    AID_CEILING_EUR); the shapes of the distributions are the same either way."""
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

    awarded, score = select_first_review(rng, jobs / investment, fragile, count)
    investment, intensity, jobs = calibrate(investment, intensity, jobs, awarded, count)
    kept = jobs * rng.lognormal(np.log(3.5), 0.5, count)
    if levels is None:
        aid = intensity * investment
    else:
        investment, aid, jobs, kept = _scaled(levels, investment, intensity, jobs, kept)

    investment_eur = np.round(investment, -3).astype(np.int64)
    aid_eur = np.round(aid, -2).astype(np.int64)
    jobs_created = np.round(jobs).astype(np.int64)
    jobs_kept = np.round(kept).astype(np.int64)
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
    nothing = np.full(count, None, dtype=object)
    generated = np.full(count, "generated")
    figures: dict[str, Any] = {}
    for figure, value in values.items():
        low, high = declared_range(figure, value)
        figures |= {
            figure: value,
            f"{figure}_source": generated,
            f"{figure}_low": low,
            f"{figure}_high": high,
        }
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
        decarbonisation=decarbonisation,
        **figures,
        fragile=fragile,
        qpv=qpv[commune],
        zrr=rural[commune],
        afr=np.zeros(count, dtype=bool),
        action_coeur_de_ville=acv[commune],
        first_review=awarded,
        review_score=score,
    )


Floats = npt.NDArray[np.float64]


def _scaled(
    levels: Levels, investment: Floats, intensity: Floats, jobs: Floats, kept: Floats
) -> tuple[Floats, Floats, Floats, Floats]:
    """Investment, aid, jobs created and kept scaled to the means of ``levels``; aid by a common
    factor on the intensities (bisection: the intensity cap and the aid ceiling make the mean
    aid a concave function of it)."""
    investment = investment * (levels.investment_eur / investment.mean())
    low, high = 0.0, 20.0
    for _ in range(60):
        k = (low + high) / 2
        aid = np.minimum(np.minimum(intensity * k, MAX_AID_INTENSITY) * investment, AID_CEILING_EUR)
        low, high = (k, high) if aid.mean() < levels.aid_requested_eur else (low, k)
    jobs = jobs * (levels.jobs_created / jobs.mean())
    kept = kept * (levels.jobs_kept / kept.mean())
    return investment, aid, jobs, kept


def _weighted(rng: np.random.Generator, weights: npt.NDArray[Any], count: int) -> npt.NDArray[Any]:
    cumulative = np.cumsum(weights)
    draws = rng.random(count) * cumulative[-1]
    picks: npt.NDArray[np.int64] = np.searchsorted(cumulative, draws, side="right")
    return np.minimum(picks, len(weights) - 1)


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
