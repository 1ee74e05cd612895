"""shipments per office and state, kept as they move, for the board

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 03:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'shipment_tally',
        sa.Column('post_office_id', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=32), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['post_office_id'], ['post_office.id'],
                                name=op.f('fk_shipment_tally_post_office_id_post_office')),
        sa.PrimaryKeyConstraint('post_office_id', 'state', name=op.f('pk_shipment_tally')),
    )
    # From here on every event keeps it in step; start from what is there.
    op.execute("INSERT INTO shipment_tally (post_office_id, state, count) "
               "SELECT post_office_id, state, count(*) FROM shipment GROUP BY post_office_id, state")


def downgrade():
    op.drop_table('shipment_tally')
