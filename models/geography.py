"""Regions, departments, communes and Territoires d'industrie (real reference data)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base


class Region(Base):
    __tablename__ = "region"

    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    name: Mapped[str]
    zone: Mapped[str] = mapped_column(String(8))  # metro, drom, com


class Department(Base):
    __tablename__ = "department"

    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    name: Mapped[str]
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)


class Commune(Base):
    __tablename__ = "commune"

    code: Mapped[str] = mapped_column(String(5), primary_key=True)  # INSEE code
    name: Mapped[str]
    department_code: Mapped[str] = mapped_column(String(3), index=True)
    region_code: Mapped[str] = mapped_column(String(3), index=True)
    epci_siren: Mapped[str | None] = mapped_column(String(9), index=True)
    population: Mapped[int]
    action_coeur_de_ville: Mapped[bool] = mapped_column(default=False)
    qpv: Mapped[bool] = mapped_column(default=False)
    density_level: Mapped[str | None] = mapped_column(String(40))  # INSEE density grid


class Territory(Base):
    """A Territoire d'industrie of one phase; ``id`` is "p1-ti-8401" (codes recur across phases)."""

    __tablename__ = "territory"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    code: Mapped[str] = mapped_column(String(12))  # id_ti in the source files
    phase: Mapped[int] = mapped_column(index=True)
    name: Mapped[str]
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    departments: Mapped[str] = mapped_column(default="")  # "|"-separated department codes
    population: Mapped[int | None]

    members: Mapped[list[TerritoryMember]] = relationship(
        back_populates="territory", cascade="all, delete-orphan", order_by="TerritoryMember.siren"
    )


class TerritoryMember(Base):
    """A member intercommunality (EPCI, EPT or, rarely, a commune) of a territory."""

    __tablename__ = "territory_member"

    territory_id: Mapped[str] = mapped_column(ForeignKey("territory.id"), primary_key=True)
    siren: Mapped[str] = mapped_column(String(9), primary_key=True)
    name: Mapped[str]

    territory: Mapped[Territory] = relationship(back_populates="members")
