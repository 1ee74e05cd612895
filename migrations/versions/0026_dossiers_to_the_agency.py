"""dossiers to the agency: batch lists, the agency's acknowledgement, agency desk users (issue 19)

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-03 19:40:00

A pickup learns its page count, the batch list it left on, what the agency's desk
gave on acknowledging it (its official code and the promised date), and the
result's dossier once the agency pushes it under that code. A user
may belong to an agency's desk. Only new tables and nullable columns.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'agency_batch',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('public_id', sa.Uuid(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('post_office_id', sa.Integer(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_agency_batch_agency_id_agency')),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'],
                                name=op.f('fk_agency_batch_created_by_id_user_account')),
        sa.ForeignKeyConstraint(['post_office_id'], ['post_office.id'],
                                name=op.f('fk_agency_batch_post_office_id_post_office')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_batch')),
        sa.UniqueConstraint('public_id', name=op.f('uq_agency_batch_public_id')),
    )
    op.create_index(op.f('ix_agency_batch_agency_id'), 'agency_batch', ['agency_id'], unique=False)
    op.create_index(op.f('ix_agency_batch_post_office_id'), 'agency_batch', ['post_office_id'], unique=False)
    with op.batch_alter_table('pickup') as batch_op:
        batch_op.add_column(sa.Column('pages', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('batch_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('official_code', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('promised_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('acknowledged_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('result_dossier_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_pickup_batch_id_agency_batch'), 'agency_batch',
                                    ['batch_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_pickup_result_dossier_id_dossier'), 'dossier',
                                    ['result_dossier_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_pickup_result_dossier_id'), ['result_dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pickup_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pickup_official_code'), ['official_code'], unique=False)
    with op.batch_alter_table('user_account') as batch_op:
        batch_op.add_column(sa.Column('agency_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_user_account_agency_id_agency'), 'agency',
                                    ['agency_id'], ['id'])


def downgrade():
    with op.batch_alter_table('user_account') as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_user_account_agency_id_agency'), type_='foreignkey')
        batch_op.drop_column('agency_id')
    with op.batch_alter_table('pickup') as batch_op:
        batch_op.drop_index(batch_op.f('ix_pickup_result_dossier_id'))
        batch_op.drop_constraint(batch_op.f('fk_pickup_result_dossier_id_dossier'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_pickup_official_code'))
        batch_op.drop_index(batch_op.f('ix_pickup_batch_id'))
        batch_op.drop_constraint(batch_op.f('fk_pickup_batch_id_agency_batch'), type_='foreignkey')
        for column in ('result_dossier_id', 'acknowledged_at', 'promised_date', 'official_code', 'batch_id', 'pages'):
            batch_op.drop_column(column)
    op.drop_index(op.f('ix_agency_batch_post_office_id'), table_name='agency_batch')
    op.drop_index(op.f('ix_agency_batch_agency_id'), table_name='agency_batch')
    op.drop_table('agency_batch')
