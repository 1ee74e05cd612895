"""one open round stop per result, held by the database

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 14:00:00

A result could sit on two rounds at once: planning checked with a read and
then wrote, and its check let a result still on today's round onto
tomorrow's. A stop now carries `open_shipment_id`, the shipment's id while
the stop is open and NULL once it is closed; a UNIQUE constraint on it (NULLs
are distinct on SQLite and PostgreSQL) lets at most one stop per result be
open, whoever writes. A CHECK keeps the copy equal to `shipment_id`.

Backfill: for each shipment not yet delivered, returned or cancelled, its
newest stop (latest round date, then the latest round and stop) is open;
every other stop, older plans and finished results', is closed. The states
are written out as at this revision.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

BACKFILL = sa.text("""
UPDATE round_stop SET open_shipment_id = shipment_id
WHERE id IN (
    SELECT id FROM (
        SELECT round_stop.id AS id, ROW_NUMBER() OVER (
            PARTITION BY round_stop.shipment_id
            ORDER BY round.round_date DESC, round.id DESC, round_stop.id DESC) AS newest
        FROM round_stop
        JOIN round ON round.id = round_stop.round_id
        JOIN shipment ON shipment.id = round_stop.shipment_id
        WHERE shipment.state NOT IN ('delivered', 'returned', 'cancelled')
    ) AS ranked
    WHERE newest = 1
)
""")


def upgrade():
    # batch: SQLite adds constraints only by copying the table; PostgreSQL alters it in place.
    with op.batch_alter_table('round_stop') as batch_op:
        batch_op.add_column(sa.Column('open_shipment_id', sa.Integer(), nullable=True))
    op.execute(BACKFILL)
    with op.batch_alter_table('round_stop') as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_round_stop_open_shipment_id'), ['open_shipment_id'])
        batch_op.create_check_constraint(batch_op.f('ck_round_stop_open_is_own_shipment'),
                                         'open_shipment_id IS NULL OR open_shipment_id = shipment_id')


def downgrade():
    with op.batch_alter_table('round_stop') as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_round_stop_open_is_own_shipment'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_round_stop_open_shipment_id'), type_='unique')
        batch_op.drop_column('open_shipment_id')
