"""remember each agency's file columns

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 16:00:00

Agencies send their own exports, with their own header words. When a
dispatcher confirms which column holds which dossier field, the choice is
kept on the agency (`intake_mapping`: the folded header text → the field
name, or null for a column to ignore) so its next file imports without the
mapping step. NULL until the first confirmed file.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('agency') as batch_op:
        batch_op.add_column(sa.Column('intake_mapping', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('agency') as batch_op:
        batch_op.drop_column('intake_mapping')
