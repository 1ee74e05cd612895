"""the communes each post office delivers to

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 13:30:00

Since the 2025 reorganisation a province holds many offices' areas, so an
address in the office's province may still be a neighbour office's. The
office's communes (`ward_codes`, 2025 ward codes) let intake warn of such a
row. NULL or empty: the whole province, as before.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('post_office') as batch_op:
        batch_op.add_column(sa.Column('ward_codes', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('post_office') as batch_op:
        batch_op.drop_column('ward_codes')
