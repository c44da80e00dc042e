"""SQLAlchemy 2 models and the query functions that read and write them."""

from models.base import Base
from models.dataset import Dataset
from models.fund import Award, Fund
from models.geography import Commune, Department, Region, Territory, TerritoryMember
from models.job import Job, JobRow
from models.project import Project
from models.scenario import SavedScenario

__all__ = [
    "Award",
    "Base",
    "Commune",
    "Dataset",
    "Department",
    "Fund",
    "Job",
    "JobRow",
    "Project",
    "Region",
    "SavedScenario",
    "Territory",
    "TerritoryMember",
]
