"""a citizen link's checks of the phone's last digits (filled in by issue 17 item 6)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 15:30:00

Whoever held the envelope saw the recipient's name, ID tail and signature and
could answer for the citizen. The proof now waits until the holder types the
last four digits of the phone the agency gave; `failed_checks` counts wrong
answers per link and `locked_until` holds the lock they earn, in the database,
so that neither a new cookie nor another app server starts the count again.
Existing links start at zero, unlocked.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('citizen_link') as batch_op:
        batch_op.add_column(sa.Column('failed_checks', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('citizen_link') as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_checks')
