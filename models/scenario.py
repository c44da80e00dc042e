"""Scenarios saved by planners: the YAML text plus a version for optimistic concurrency."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class SavedScenario(Base):
    __tablename__ = "saved_scenario"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(default="")
    version: Mapped[int] = mapped_column(default=1)
    body: Mapped[str] = mapped_column(Text)  # the scenario as YAML (format version 1)
    updated_at: Mapped[dt.datetime]
