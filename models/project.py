"""Industrial projects: the fund's real laureates and generated candidates (see docs/data.md).

``origin`` says which. Each money, jobs and tCO2 figure has its point value (what the engine
uses), where it comes from (``*_source``: stated in the published description, estimated by
the model of ``data.estimates``, or generated) and a 10th-90th percentile range
(``*_low``, ``*_high``).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base

if TYPE_CHECKING:
    from models.geography import Territory

ORIGINS = ("laureate", "generated")
SOURCES = ("stated", "estimated", "generated")
PRECISIONS = ("gps", "postal_code", "department", "generated")
# Figures with a value, a source and a range; money columns are BigInteger.
FIGURES = ("investment_eur", "aid_requested_eur", "jobs_created", "jobs_kept", "co2_avoided_t")


class Project(Base):
    __tablename__ = "project"

    id: Mapped[int] = mapped_column(primary_key=True)
    origin: Mapped[str] = mapped_column(String(10), index=True)  # one of ORIGINS
    laureate_id: Mapped[str | None] = mapped_column(String(8))  # "L0001": the file's row id
    name: Mapped[str]
    company_name: Mapped[str | None]
    siren: Mapped[str | None] = mapped_column(String(16))
    company_size: Mapped[str | None] = mapped_column(String(16), index=True)  # "TPE / PME"...
    record_date: Mapped[dt.date | None]  # date of the open-data record (laureates)
    employees: Mapped[int | None]  # headcount stated in the description

    # Where: phase-1 and phase-2 territories are NULL outside every territory.
    territory_id: Mapped[str | None] = mapped_column(ForeignKey("territory.id"), index=True)
    phase2_territory_id: Mapped[str | None] = mapped_column(ForeignKey("territory.id"), index=True)
    region_code: Mapped[str] = mapped_column(String(3), index=True)
    department_code: Mapped[str] = mapped_column(String(3), index=True)
    commune_code: Mapped[str | None] = mapped_column(String(5))
    postal_code: Mapped[str | None] = mapped_column(String(5))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    location_precision: Mapped[str] = mapped_column(String(12))  # one of PRECISIONS
    density_level: Mapped[str | None] = mapped_column(String(40))  # INSEE density grid

    sector: Mapped[str] = mapped_column(String(64), index=True)  # filière
    investment_eur: Mapped[int] = mapped_column(BigInteger)
    investment_eur_source: Mapped[str] = mapped_column(String(10))
    investment_eur_low: Mapped[int] = mapped_column(BigInteger)
    investment_eur_high: Mapped[int] = mapped_column(BigInteger)
    aid_requested_eur: Mapped[int] = mapped_column(BigInteger)
    aid_requested_eur_source: Mapped[str] = mapped_column(String(10))
    aid_requested_eur_low: Mapped[int] = mapped_column(BigInteger)
    aid_requested_eur_high: Mapped[int] = mapped_column(BigInteger)
    jobs_created: Mapped[int]
    jobs_created_source: Mapped[str] = mapped_column(String(10))
    jobs_created_low: Mapped[int]
    jobs_created_high: Mapped[int]
    jobs_kept: Mapped[int]
    jobs_kept_source: Mapped[str] = mapped_column(String(10))
    jobs_kept_low: Mapped[int]
    jobs_kept_high: Mapped[int]
    decarbonisation: Mapped[bool] = mapped_column(index=True)
    co2_avoided_t: Mapped[int]  # tCO2e avoided per year
    co2_avoided_t_source: Mapped[str] = mapped_column(String(10))
    co2_avoided_t_low: Mapped[int]
    co2_avoided_t_high: Mapped[int]

    fragile: Mapped[bool] = mapped_column(index=True)  # qpv or action_coeur_de_ville or zrr
    qpv: Mapped[bool]
    zrr: Mapped[bool]  # rural commune of the density grid: the stand-in for ZRR
    afr: Mapped[bool]  # no commune list of the AFR map exists: always false
    action_coeur_de_ville: Mapped[bool]

    # One direction only (a project knows its territory, an award its project), so the modules
    # import one another one way; no query walks the reverse collections.
    territory: Mapped[Territory | None] = relationship(foreign_keys=[territory_id])
