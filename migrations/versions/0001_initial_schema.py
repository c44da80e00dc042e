"""Initial schema: geography, projects, the fund and awards, saved scenarios, the dataset row.

Revision ID: 0001
Revises: 

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0001'
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('commune',
    sa.Column('code', sa.String(length=5), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('department_code', sa.String(length=3), nullable=False),
    sa.Column('region_code', sa.String(length=3), nullable=False),
    sa.Column('epci_siren', sa.String(length=9), nullable=True),
    sa.Column('population', sa.Integer(), nullable=False),
    sa.Column('action_coeur_de_ville', sa.Boolean(), nullable=False),
    sa.Column('qpv', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_commune'))
    )
    op.create_index(op.f('ix_commune_department_code'), 'commune', ['department_code'])
    op.create_index(op.f('ix_commune_epci_siren'), 'commune', ['epci_siren'])
    op.create_index(op.f('ix_commune_region_code'), 'commune', ['region_code'])
    op.create_table('dataset',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('source', sa.String(), nullable=False),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.Column('reference_fingerprint', sa.String(length=64), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('project_count', sa.Integer(), nullable=False),
    sa.Column('generator_version', sa.Integer(), nullable=False),
    sa.Column('seeded_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_dataset'))
    )
    op.create_table('fund',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('budget_eur', sa.BigInteger(), nullable=False),
    sa.Column('start_year', sa.Integer(), nullable=False),
    sa.Column('end_year', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund'))
    )
    op.create_table('region',
    sa.Column('code', sa.String(length=3), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('zone', sa.String(length=8), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_region'))
    )
    op.create_table('saved_scenario',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_saved_scenario'))
    )
    op.create_table('department',
    sa.Column('code', sa.String(length=3), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('region_code', sa.String(length=3), nullable=False),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_department_region_code_region')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_department'))
    )
    op.create_index(op.f('ix_department_region_code'), 'department', ['region_code'])
    op.create_table('territory',
    sa.Column('id', sa.String(length=16), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('phase', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('region_code', sa.String(length=3), nullable=False),
    sa.Column('departments', sa.String(), nullable=False),
    sa.Column('population', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_territory_region_code_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_territory'))
    )
    op.create_index(op.f('ix_territory_phase'), 'territory', ['phase'])
    op.create_index(op.f('ix_territory_region_code'), 'territory', ['region_code'])
    op.create_table('project',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('territory_id', sa.String(length=16), nullable=False),
    sa.Column('region_code', sa.String(length=3), nullable=False),
    sa.Column('commune_code', sa.String(length=5), nullable=False),
    sa.Column('sector', sa.String(length=32), nullable=False),
    sa.Column('investment_eur', sa.BigInteger(), nullable=False),
    sa.Column('aid_requested_eur', sa.BigInteger(), nullable=False),
    sa.Column('jobs_created', sa.Integer(), nullable=False),
    sa.Column('jobs_kept', sa.Integer(), nullable=False),
    sa.Column('decarbonisation', sa.Boolean(), nullable=False),
    sa.Column('co2_avoided_t', sa.Integer(), nullable=False),
    sa.Column('fragile', sa.Boolean(), nullable=False),
    sa.Column('qpv', sa.Boolean(), nullable=False),
    sa.Column('zrr', sa.Boolean(), nullable=False),
    sa.Column('afr', sa.Boolean(), nullable=False),
    sa.Column('action_coeur_de_ville', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['territory_id'], ['territory.id'], name=op.f('fk_project_territory_id_territory')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project'))
    )
    op.create_index(op.f('ix_project_decarbonisation'), 'project', ['decarbonisation'])
    op.create_index(op.f('ix_project_fragile'), 'project', ['fragile'])
    op.create_index(op.f('ix_project_region_code'), 'project', ['region_code'])
    op.create_index(op.f('ix_project_sector'), 'project', ['sector'])
    op.create_index(op.f('ix_project_territory_id'), 'project', ['territory_id'])
    op.create_table('territory_member',
    sa.Column('territory_id', sa.String(length=16), nullable=False),
    sa.Column('siren', sa.String(length=9), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['territory_id'], ['territory.id'], name=op.f('fk_territory_member_territory_id_territory')),
    sa.PrimaryKeyConstraint('territory_id', 'siren', name=op.f('pk_territory_member'))
    )
    op.create_table('award',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fund_id', sa.String(length=64), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('amount_eur', sa.BigInteger(), nullable=False),
    sa.Column('awarded_on', sa.Date(), nullable=False),
    sa.Column('review', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['fund_id'], ['fund.id'], name=op.f('fk_award_fund_id_fund')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_award_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award')),
    sa.UniqueConstraint('fund_id', 'project_id', name=op.f('uq_award_fund_id'))
    )
    op.create_index(op.f('ix_award_fund_id'), 'award', ['fund_id'])
    op.create_index(op.f('ix_award_project_id'), 'award', ['project_id'])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f('ix_award_project_id'), table_name='award')
    op.drop_index(op.f('ix_award_fund_id'), table_name='award')
    op.drop_table('award')
    op.drop_table('territory_member')
    op.drop_index(op.f('ix_project_territory_id'), table_name='project')
    op.drop_index(op.f('ix_project_sector'), table_name='project')
    op.drop_index(op.f('ix_project_region_code'), table_name='project')
    op.drop_index(op.f('ix_project_fragile'), table_name='project')
    op.drop_index(op.f('ix_project_decarbonisation'), table_name='project')
    op.drop_table('project')
    op.drop_index(op.f('ix_territory_region_code'), table_name='territory')
    op.drop_index(op.f('ix_territory_phase'), table_name='territory')
    op.drop_table('territory')
    op.drop_index(op.f('ix_department_region_code'), table_name='department')
    op.drop_table('department')
    op.drop_table('saved_scenario')
    op.drop_table('region')
    op.drop_table('fund')
    op.drop_table('dataset')
    op.drop_index(op.f('ix_commune_region_code'), table_name='commune')
    op.drop_index(op.f('ix_commune_epci_siren'), table_name='commune')
    op.drop_index(op.f('ix_commune_department_code'), table_name='commune')
    op.drop_table('commune')
