"""Which data and code produced a result: the seeded dataset, the versions, the solve options.

Two results with the same provenance are the same answer (only the time a solve took differs).
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Collection
from functools import lru_cache

import numpy as np
import scipy
import strawberry

from schema.cache import Version
from schema.scenarios import Mode
from simulation.highs import VERSION as HIGHS_VERSION
from simulation.solve import MIP_REL_GAP

PACKAGE = "territoires"


@strawberry.type(description="The dataset the projects were read from, as it was seeded.")
class DataVersion:
    fingerprint: str = strawberry.field(description="Fingerprint of the reference files.")
    synthetic: bool = strawberry.field(description="Generated geography, not the ANCT files.")
    generator_version: int = strawberry.field(description="Version of the project generator.")
    seed: int = strawberry.field(description="Seed of the project generator.")
    project_count: int


@strawberry.type(description="Versions of the code that solved.")
class CodeVersion:
    engine: str = strawberry.field(description="Version of this project (package metadata).")
    highs: str = strawberry.field(description="HiGHS, the solver.")
    highspy: str
    scipy: str
    numpy: str


@strawberry.type(description="The options the engine solved with.")
class SolveOptions:
    mode: Mode | None = strawberry.field(
        description="The scenario's mode; null over several scenarios (each run has its own)."
    )
    time_limit_s: float
    mip_rel_gap: float | None = strawberry.field(
        description="Relative gap an all-or-nothing solve stops at; null when only LPs are solved."
    )


@strawberry.type(
    description="Which data and code produced a result: the same provenance, the same answer."
)
class Provenance:
    data: DataVersion | None = strawberry.field(description="Null when no dataset is recorded.")
    code: CodeVersion
    options: SolveOptions


@lru_cache(maxsize=1)
def code_version() -> CodeVersion:
    return CodeVersion(
        engine=importlib.metadata.version(PACKAGE),
        highs=HIGHS_VERSION,
        highspy=importlib.metadata.version("highspy"),
        scipy=scipy.__version__,
        numpy=np.__version__,
    )


def data_version(version: Version) -> DataVersion | None:
    """The seeded dataset, from the data version the request already read."""
    if version.fingerprint is None:
        return None  # nothing seeded (the dataset's columns are null together)
    return DataVersion(
        fingerprint=version.fingerprint,
        synthetic=bool(version.synthetic),
        generator_version=int(version.generator_version or 0),
        seed=int(version.seed or 0),
        project_count=int(version.project_count or 0),
    )


def provenance(
    data: DataVersion | None, time_limit_s: float, modes: Collection[str], *, lp_only: bool = False
) -> Provenance:
    """The provenance of solves of scenarios in these modes; `lp_only`: only LPs were solved (a
    curve), so no MIP gap applied."""
    distinct = set(modes)
    solves_milp = not lp_only and Mode.ALL_OR_NOTHING.value in distinct
    return Provenance(
        data=data,
        code=code_version(),
        options=SolveOptions(
            mode=Mode(distinct.pop()) if len(distinct) == 1 else None,
            time_limit_s=time_limit_s,
            mip_rel_gap=MIP_REL_GAP if solves_milp else None,
        ),
    )
