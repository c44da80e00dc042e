"""What the database was seeded from, so a second setup can tell that nothing changed."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class Dataset(Base):
    __tablename__ = "dataset"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)  # "default"
    source: Mapped[str]  # the reference folder, or the synthetic geography
    synthetic: Mapped[bool]
    reference_fingerprint: Mapped[str] = mapped_column(String(64))
    seed: Mapped[int]
    project_count: Mapped[int]
    generator_version: Mapped[int]
    # The projects' inputs besides the geography: laureates file, estimation model, generator.
    projects_fingerprint: Mapped[str] = mapped_column(String(64))
    seeded_at: Mapped[dt.datetime]
