"""pickup requests: a dossier to take in from the citizen's door or the counter (issue 19)

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 19:00:00

A new table beside the shipment that travels Direction.COLLECT_DOSSIER; the
shipment's new states need no change to its column (a string of 32, no CHECK).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'pickup',
        sa.Column('shipment_id', sa.Integer(), nullable=False),
        sa.Column('procedure_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.Enum('web', 'phone', 'counter', name='channel', native_enum=False,
                                     length=16), nullable=False),
        sa.Column('preferred_date', sa.Date(), nullable=True),
        sa.Column('preferred_slot', sa.Enum('morning', 'afternoon', name='slot', native_enum=False,
                                            length=16), nullable=True),
        sa.Column('citizen_note', sa.String(length=300), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['procedure_id'], ['procedure.id'], name=op.f('fk_pickup_procedure_id_procedure')),
        sa.ForeignKeyConstraint(['shipment_id'], ['shipment.id'], name=op.f('fk_pickup_shipment_id_shipment')),
        sa.PrimaryKeyConstraint('shipment_id', name=op.f('pk_pickup')),
    )
    op.create_index(op.f('ix_pickup_procedure_id'), 'pickup', ['procedure_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_pickup_procedure_id'), table_name='pickup')
    op.drop_table('pickup')
