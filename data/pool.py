"""The candidate pool: the fund's real laureates, located and completed by estimates, then
generated candidates up to the configured count (the programme reported 1,600 projects from
the field). Pure: it reads files and returns rows; ``data.seed`` writes them.

Without the laureates file every project is generated, and the generated first review stands
for the awards, as before the real list existed.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from data.estimates import FIGURES, MODEL_VERSION, Estimates, estimate
from data.first_review import FIRST_REVIEW_DATE, FIRST_REVIEW_NAME
from data.generator import GENERATOR_VERSION, Levels, generate_projects
from data.geography import Department, Geography, Region
from data.laureates import LAUREATES_FILE, Laureate, Problem, collectivities_used, read_laureates
from data.location import Location, locate
from data.location import summary as laureate_summary
from data.outlines import load_outlines
from data.project_rows import ProjectRows

log = logging.getLogger(__name__)

LAUREATE_REVIEW = "plan-de-relance-open-data"  # the State's open dataset, spring 2022


@dataclass(frozen=True)
class Pool:
    projects: list[dict[str, Any]]  # Project rows, ids 1..n: laureates first, in file order
    awards: list[dict[str, Any]]  # Award rows without their fund
    problems: list[Problem]  # rows of the laureates file that were skipped or trimmed
    # The overseas collectivities' regions and departments that laureates use (New Caledonia,
    # French Polynesia): the geography leaves them out, as they have no territory.
    regions: tuple[Region, ...]
    departments: tuple[Department, ...]
    summary: str  # counts: read, loaded, located, imputed, generated
    fingerprint: str  # changes whenever the rows would change


def fingerprint(data_dir: Path, reference: str, count: int, seed: int) -> str:
    """What the pool depends on: the estimation model, the generator, the count, the seed, and
    with laureates their file and the geography that locates them. (Generated candidates alone
    survive a newer geography: a reference update then keeps them and their awards.)"""
    path = data_dir / LAUREATES_FILE
    digest = hashlib.sha256(f"{MODEL_VERSION}|{GENERATOR_VERSION}|{count}|{seed}".encode())
    if path.is_file():
        digest.update(path.read_bytes())
        digest.update(reference.encode())  # the reference folder's fingerprint
    return digest.hexdigest()[:16]


def build_pool(geography: Geography, data_dir: Path, count: int, seed: int) -> Pool:
    stamp = fingerprint(data_dir, geography.fingerprint, count, seed)
    path = data_dir / LAUREATES_FILE
    if geography.synthetic or not path.is_file():
        log.warning(
            "%s not found in %s: every project is GENERATED (no real laureates)",
            LAUREATES_FILE,
            data_dir,
        )
        rows = generate_projects(geography, count, seed)
        summary = f"no laureates file: {count:,} generated candidates"
        return Pool(rows.to_dicts(), _first_review(rows), [], (), (), summary, stamp)

    laureates, problems = read_laureates(path, geography)
    locations = locate(laureates, geography, load_outlines(data_dir))
    estimates = estimate(laureates)
    projects = [
        _laureate_row(i, laureate, location, estimates)
        for i, (laureate, location) in enumerate(zip(laureates, locations, strict=True))
    ]
    awards = [
        {
            "id": row["id"],
            "project_id": row["id"],
            "amount_eur": row["aid_requested_eur"],
            "awarded_on": row["record_date"],
            "review": LAUREATE_REVIEW,
        }
        for row in projects
    ]
    generated = max(count - len(projects), 0)
    if generated:
        # Candidates as good as laureates on average: the same mean figures per project.
        levels = Levels(
            **{
                figure: float(estimates.figures[figure].value.mean())
                for figure in ("investment_eur", "aid_requested_eur", "jobs_created", "jobs_kept")
            }
        )
        projects += generate_projects(
            geography, generated, seed, first_id=len(projects) + 1, levels=levels
        ).to_dicts()
    imputed = ", ".join(
        f"{figure} {int((estimates.figures[figure].source == 'estimated').sum()):,}"
        for figure in FIGURES
    )
    counts = (
        f"laureates: {laureate_summary(laureates, problems, locations)}; "
        f"figures estimated: {imputed}; {generated:,} generated candidates"
    )
    regions, departments = collectivities_used(laureates, geography)
    return Pool(projects, awards, problems, regions, departments, counts, stamp)


def _laureate_row(
    i: int, laureate: Laureate, location: Location, estimates: Estimates
) -> dict[str, Any]:
    """The Project row of the ``i``-th laureate (id ``i + 1``)."""
    row: dict[str, Any] = {
        "id": i + 1,
        "origin": "laureate",
        "laureate_id": laureate.laureate_id,
        "name": laureate.label,
        "company_name": laureate.company_name,
        "siren": laureate.siren,
        "company_size": laureate.company_size,
        "record_date": laureate.record_date,
        "employees": laureate.employees,
        "territory_id": location.territory_id,
        "phase2_territory_id": location.phase2_territory_id,
        "region_code": laureate.region_code,
        "department_code": laureate.department_code,
        "commune_code": location.commune_code,
        "postal_code": laureate.postal_code,
        "latitude": location.latitude,
        "longitude": location.longitude,
        "location_precision": location.precision,
        "density_level": location.density_level,
        "sector": laureate.sector,
        "decarbonisation": bool(estimates.decarbonisation[i]),
        "fragile": location.fragile,
        "qpv": location.qpv,
        "zrr": location.rural,
        "afr": False,
        "action_coeur_de_ville": location.action_coeur_de_ville,
    }
    for figure in FIGURES:
        column = estimates.figures[figure]
        row[figure] = int(column.value[i])
        row[f"{figure}_source"] = str(column.source[i])
        row[f"{figure}_low"] = int(column.low[i])
        row[f"{figure}_high"] = int(column.high[i])
    return row


def _first_review(rows: ProjectRows) -> list[dict[str, Any]]:
    ids = rows.id[rows.first_review].tolist()
    amounts = rows.aid_requested_eur[rows.first_review].tolist()
    return [
        {
            "id": number,
            "project_id": project_id,
            "amount_eur": amount,
            "awarded_on": FIRST_REVIEW_DATE,
            "review": FIRST_REVIEW_NAME,
        }
        for number, (project_id, amount) in enumerate(zip(ids, amounts, strict=True), start=1)
    ]
