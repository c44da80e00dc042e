"""Real laureates: project origin, company, location, and each figure's source and range.

Projects and awards are seed data, not user data: the upgrade deletes them and the dataset row,
so that the next `territoires db setup` seeds them again with every new column filled.

Revision ID: 0002
Revises: 0001

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FIGURES = (
    ("investment_eur", sa.BigInteger),
    ("aid_requested_eur", sa.BigInteger),
    ("jobs_created", sa.Integer),
    ("jobs_kept", sa.Integer),
    ("co2_avoided_t", sa.Integer),
)
INDEXED = ("origin", "company_size", "phase2_territory_id", "department_code")


def _forget_seeded_projects() -> None:
    op.execute("DELETE FROM award")
    op.execute("DELETE FROM project")
    op.execute("DELETE FROM dataset")


def upgrade() -> None:
    _forget_seeded_projects()
    with op.batch_alter_table("dataset") as batch:
        batch.add_column(sa.Column("projects_fingerprint", sa.String(length=64), nullable=False))
    with op.batch_alter_table("commune") as batch:
        batch.add_column(sa.Column("density_level", sa.String(length=40), nullable=True))
    with op.batch_alter_table("project") as batch:
        batch.add_column(sa.Column("origin", sa.String(length=10), nullable=False))
        batch.add_column(sa.Column("laureate_id", sa.String(length=8), nullable=True))
        batch.add_column(sa.Column("company_name", sa.String(), nullable=True))
        batch.add_column(sa.Column("siren", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("company_size", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("record_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("employees", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("phase2_territory_id", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("department_code", sa.String(length=3), nullable=False))
        batch.add_column(sa.Column("postal_code", sa.String(length=5), nullable=True))
        batch.add_column(sa.Column("latitude", sa.Double(), nullable=True))
        batch.add_column(sa.Column("longitude", sa.Double(), nullable=True))
        batch.add_column(sa.Column("location_precision", sa.String(length=12), nullable=False))
        batch.add_column(sa.Column("density_level", sa.String(length=40), nullable=True))
        for figure, kind in FIGURES:
            batch.add_column(sa.Column(f"{figure}_source", sa.String(length=10), nullable=False))
            batch.add_column(sa.Column(f"{figure}_low", kind(), nullable=False))
            batch.add_column(sa.Column(f"{figure}_high", kind(), nullable=False))
        batch.alter_column("territory_id", existing_type=sa.String(length=16), nullable=True)
        batch.alter_column("commune_code", existing_type=sa.String(length=5), nullable=True)
        batch.alter_column("sector", existing_type=sa.String(length=32), type_=sa.String(length=64))
        batch.create_foreign_key(
            op.f("fk_project_phase2_territory_id_territory"),
            "territory",
            ["phase2_territory_id"],
            ["id"],
        )
        for column in INDEXED:
            batch.create_index(op.f(f"ix_project_{column}"), [column])


def downgrade() -> None:
    _forget_seeded_projects()
    with op.batch_alter_table("project") as batch:
        for column in INDEXED:
            batch.drop_index(op.f(f"ix_project_{column}"))
        batch.drop_constraint(op.f("fk_project_phase2_territory_id_territory"), type_="foreignkey")
        batch.alter_column("sector", existing_type=sa.String(length=64), type_=sa.String(length=32))
        batch.alter_column("commune_code", existing_type=sa.String(length=5), nullable=False)
        batch.alter_column("territory_id", existing_type=sa.String(length=16), nullable=False)
        for figure, _ in reversed(FIGURES):
            for suffix in ("high", "low", "source"):
                batch.drop_column(f"{figure}_{suffix}")
        for column in (
            "density_level",
            "location_precision",
            "longitude",
            "latitude",
            "postal_code",
            "department_code",
            "phase2_territory_id",
            "employees",
            "record_date",
            "company_size",
            "siren",
            "company_name",
            "laureate_id",
            "origin",
        ):
            batch.drop_column(column)
    with op.batch_alter_table("commune") as batch:
        batch.drop_column("density_level")
    with op.batch_alter_table("dataset") as batch:
        batch.drop_column("projects_fingerprint")
