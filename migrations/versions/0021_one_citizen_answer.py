"""one answer per delivered shipment from its citizen, held by the database

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 14:20:00

Ten confirm and dispute posts sent at once stored one dispute and four
confirms: "once" was a read before the write. `citizen_answer` has the
shipment as its primary key, so of two answers racing, the database keeps
one. Filled from the first answer event of each shipment; later ones stay in
the (chained, never edited) event log for the record.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'citizen_answer',
        sa.Column('shipment_id', sa.Integer(), nullable=False),
        sa.Column('action', sa.String(length=32), nullable=False),
        sa.Column('answered_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['shipment_id'], ['shipment.id'], name=op.f('fk_citizen_answer_shipment_id_shipment')),
        sa.PrimaryKeyConstraint('shipment_id', name=op.f('pk_citizen_answer')),
    )
    op.execute("""
        INSERT INTO citizen_answer (shipment_id, action, answered_at)
        SELECT e.shipment_id, e.action, e.created_at FROM event e
        WHERE e.action IN ('citizen_confirmed', 'citizen_disputed')
          AND e.id = (SELECT min(f.id) FROM event f WHERE f.shipment_id = e.shipment_id
                      AND f.action IN ('citizen_confirmed', 'citizen_disputed'))
    """)


def downgrade():
    op.drop_table('citizen_answer')
