"""The fund and the awards it made."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base

if TYPE_CHECKING:
    from models.project import Project


class Fund(Base):
    __tablename__ = "fund"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str]
    budget_eur: Mapped[int] = mapped_column(BigInteger)
    start_year: Mapped[int]
    end_year: Mapped[int]

    awards: Mapped[list[Award]] = relationship(back_populates="fund")


class Award(Base):
    __tablename__ = "award"
    __table_args__ = (UniqueConstraint("fund_id", "project_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[str] = mapped_column(ForeignKey("fund.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    amount_eur: Mapped[int] = mapped_column(BigInteger)
    awarded_on: Mapped[dt.date]
    review: Mapped[str] = mapped_column(String(64))  # e.g. "first-review-2020-11"

    fund: Mapped[Fund] = relationship(back_populates="awards")
    project: Mapped[Project] = relationship()
