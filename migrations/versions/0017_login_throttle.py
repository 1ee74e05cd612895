"""failed logins counted per username, in the database

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 10:00:00

The per-IP rate limit lives in each process (or Redis), so one account could
be tried from many addresses. `login_throttle` counts failures in a row per
username (its SHA-256: unknown names are counted too, alike) and locks the
name for a doubling delay after five. Starts empty.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'login_throttle',
        sa.Column('username_hash', sa.String(length=64), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('locked_until', sa.DateTime(), nullable=True),
        sa.Column('last_failure_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('username_hash', name=op.f('pk_login_throttle')),
    )
    with op.batch_alter_table('login_throttle') as batch_op:
        batch_op.create_index(batch_op.f('ix_login_throttle_last_failure_at'), ['last_failure_at'], unique=False)


def downgrade():
    with op.batch_alter_table('login_throttle') as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_throttle_last_failure_at'))
    op.drop_table('login_throttle')
