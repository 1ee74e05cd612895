"""drop the recipient ID's keyed hash, which nothing ever wrote

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 14:00:00

`attempt.id_keyed_hash` was meant to hold an HMAC of the recipient's whole ID
number, but the whole number never leaves the phone (on purpose), so no code
path could fill it and every row has NULL. The column, its key (ID_HASH_KEY)
and the README's claim go; the masked tail stays, checked on the server.
Downgrade brings the empty column back.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attempt') as batch_op:
        batch_op.drop_column('id_keyed_hash')


def downgrade():
    with op.batch_alter_table('attempt') as batch_op:
        batch_op.add_column(sa.Column('id_keyed_hash', sa.String(length=64), nullable=True))
