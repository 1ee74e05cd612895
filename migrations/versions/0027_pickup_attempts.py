"""a pickup's outcome recorded as an attempt: pages and documents (issue 19, at the door)

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-04 10:00:00

A courier taking a dossier in at the citizen's door sends it as an attempt (outcome
picked_up or pickup_refused). The attempt keeps the pages counted and the ids of the
procedure's documents handed over, or named missing. Nullable columns only: every
attempt recorded before has none, and is chained without them (courier/domain/chain.py),
so no hash sealed before changes and nothing is sealed again here. The new outcomes and
refusal reasons are new words in columns stored as strings with no CHECK: no change.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pages', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('documents', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('missing_documents', sa.JSON(), nullable=True))


def downgrade():
    # The hash of a pickup's attempt covers these columns: after a downgrade `flask verify` names it.
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_column('missing_documents')
        batch_op.drop_column('documents')
        batch_op.drop_column('pages')
