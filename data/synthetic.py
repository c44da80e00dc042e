"""The built-in synthetic geography, used only when no reference data folder exists.

Region codes, names and the number of territories per region and phase are plain facts
(INSEE, ANCT); departments, communes, intercommunalities and territory names are invented.
"""

from __future__ import annotations

import numpy as np

from data.geography import Commune, Department, Geography, Member, Region, Territory
from simulation.scenario import REGION_NAMES

# code, zone, territories in phase 1, territories in phase 2 (names: REGION_NAMES)
REGIONS = (
    ("01", "drom", 1, 3),
    ("02", "drom", 2, 2),
    ("03", "drom", 3, 2),
    ("04", "drom", 2, 2),
    ("06", "drom", 0, 1),
    ("11", "metro", 9, 11),
    ("24", "metro", 8, 12),
    ("27", "metro", 10, 10),
    ("28", "metro", 8, 10),
    ("32", "metro", 14, 17),
    ("44", "metro", 15, 21),
    ("52", "metro", 17, 18),
    ("53", "metro", 10, 10),
    ("75", "metro", 14, 16),
    ("76", "metro", 9, 14),
    ("84", "metro", 17, 24),
    ("93", "metro", 8, 8),
    ("94", "metro", 2, 2),
)
COMMUNES_PER_TERRITORY = 12
TOWNS = ("Beaumont", "Villeneuve", "Montigny", "Fontaine", "Neuville", "Châteauneuf", "Roche")
RIVERS = ("sur-Loire", "en-Vallée", "les-Forges", "la-Rivière", "le-Haut", "sur-Meuse", "du-Pont")
BASINS = ("Vallée", "Pays", "Bassin", "Plateau", "Portes", "Cœur")


def synthetic_geography() -> Geography:
    rng = np.random.default_rng(0)  # fixed: the synthetic map is the same everywhere
    regions, departments, communes, territories = [], [], [], []
    for code, zone, phase1, phase2 in REGIONS:
        name = REGION_NAMES[code]
        regions.append(Region(code, name, zone))
        department = f"S{code}"
        departments.append(Department(department, f"Département synthétique {name}", code))
        size = COMMUNES_PER_TERRITORY * max(phase1, phase2)
        populations = np.maximum(rng.lognormal(np.log(2500), 1.4, size), 50).astype(int)
        for i in range(size):
            k = i // COMMUNES_PER_TERRITORY
            siren = f"9{code}{k:02d}0000"
            communes.append(
                Commune(
                    code=f"{code}{i:03d}",
                    name=f"{TOWNS[i % len(TOWNS)]}-{RIVERS[i // len(TOWNS) % len(RIVERS)]}",
                    department_code=department,
                    region_code=code,
                    epci_siren=siren,
                    population=int(populations[i]),
                    action_coeur_de_ville=i % (2 * COMMUNES_PER_TERRITORY) == 0,
                    qpv=i % (3 * COMMUNES_PER_TERRITORY) == 1,
                )
            )
        region_communes = communes[-size:]
        for phase, count in ((1, phase1), (2, phase2)):
            for k in range(count):
                members = region_communes[
                    k * COMMUNES_PER_TERRITORY : (k + 1) * COMMUNES_PER_TERRITORY
                ]
                basin = f"{BASINS[k % len(BASINS)]} de {members[0].name}"
                territories.append(
                    Territory(
                        phase=phase,
                        code=f"ti-{code}{k + 1:02d}",
                        name=basin,
                        region_code=code,
                        departments=(department,),
                        population=sum(c.population for c in members),
                        members=(Member(f"9{code}{k:02d}0000", f"CC synthétique {basin}"),),
                        commune_codes=tuple(c.code for c in members),
                    )
                )
    return Geography(
        regions=tuple(regions),
        departments=tuple(departments),
        communes=tuple(communes),
        territories=tuple(territories),
        source="built-in synthetic geography (no reference data folder)",
        fingerprint="synthetic-v1",
        synthetic=True,
    )
