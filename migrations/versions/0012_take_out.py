"""the morning take-out: one row per scan of a round's item, keyed by the phone's id

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 10:00:00

A courier scans each item of the round at the office before leaving (or the
dispatcher scans them over at the desk). The move itself is a custody event;
this table keeps each scan's client-made id unique, so a replay from the
phone's outbox is answered once and never applied twice.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'take_out',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.Uuid(), nullable=False),
        sa.Column('shipment_id', sa.Integer(), nullable=False),
        sa.Column('courier_id', sa.Integer(), nullable=False),
        sa.Column('handed_by_id', sa.Integer(), nullable=True),
        sa.Column('taken_at', sa.DateTime(), nullable=False),
        sa.Column('received_at', sa.DateTime(), nullable=False),
        sa.Column('result', sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(['courier_id'], ['user_account.id'], name=op.f('fk_take_out_courier_id_user_account')),
        sa.ForeignKeyConstraint(['handed_by_id'], ['user_account.id'], name=op.f('fk_take_out_handed_by_id_user_account')),
        sa.ForeignKeyConstraint(['shipment_id'], ['shipment.id'], name=op.f('fk_take_out_shipment_id_shipment')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_take_out')),
        sa.UniqueConstraint('client_id', name=op.f('uq_take_out_client_id')),
    )
    op.create_index(op.f('ix_take_out_shipment_id'), 'take_out', ['shipment_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_take_out_shipment_id'), table_name='take_out')
    op.drop_table('take_out')
