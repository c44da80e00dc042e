"""Candidate industrial projects (synthetic, generated deterministically; see docs/data.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base

if TYPE_CHECKING:
    from models.geography import Territory


class Project(Base):
    __tablename__ = "project"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    territory_id: Mapped[str] = mapped_column(ForeignKey("territory.id"), index=True)
    region_code: Mapped[str] = mapped_column(String(3), index=True)
    commune_code: Mapped[str] = mapped_column(String(5))
    sector: Mapped[str] = mapped_column(String(32), index=True)
    investment_eur: Mapped[int] = mapped_column(BigInteger)
    aid_requested_eur: Mapped[int] = mapped_column(BigInteger)
    jobs_created: Mapped[int]
    jobs_kept: Mapped[int]
    decarbonisation: Mapped[bool] = mapped_column(index=True)
    co2_avoided_t: Mapped[int]  # tCO2e avoided per year
    fragile: Mapped[bool] = mapped_column(index=True)
    qpv: Mapped[bool]
    zrr: Mapped[bool]
    afr: Mapped[bool]
    action_coeur_de_ville: Mapped[bool]

    # One direction only (a project knows its territory, an award its project), so the modules
    # import one another one way; no query walks the reverse collections.
    territory: Mapped[Territory] = relationship()
