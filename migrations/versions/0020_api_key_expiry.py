"""API keys expire

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 14:15:00

A key lived until revoked, so one left on a retired server worked forever.
`api_key.expires_at`: new keys get a year by default (`create-api-key --days`).
Keys issued before keep NULL, working until revoked: cutting an agency off at
an upgrade would stop its pushes without warning.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('api_key') as batch_op:
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('api_key') as batch_op:
        batch_op.drop_column('expires_at')
