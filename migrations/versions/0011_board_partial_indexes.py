"""the board's lists from partial indexes: a due-date copy on the shipment, the visits to look at

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-28 11:20:00

The board's "due and not out" list wants the office's shipments still to go
out (the state is on the shipment) with the earliest due dates (the date is
on the dossier). No index spans two tables, so at a million shipments it
probed a dossier for each of the ~12,000 not yet out, every load (37 ms).
The shipment now keeps a copy of its dossier's due date (the models keep it
in step on every flush), and a partial index over the shipments not yet out
gives the answer in order: the first fifty entries (1 ms).
ix_dossier_id_due_date (0010, PostgreSQL only), which served the probes,
goes.

The failures queue read a week of visits newest first to find the flagged
and failed ones (15 ms); a partial index holds only those.

The partial indexes' WHERE clauses are written out here as at this revision
(the models say the same): a migration does not change when the code does.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

NOT_YET_OUT = sa.text("state IN ('registered', 'received', 'assigned', 'failed_attempt')")
NEEDS_A_LOOK = sa.text("flagged_reason IS NOT NULL OR outcome = 'failed'")


def upgrade():
    op.add_column('shipment', sa.Column('due_date', sa.Date(), nullable=True))
    op.execute("UPDATE shipment SET due_date = (SELECT due_date FROM dossier WHERE dossier.id = shipment.dossier_id)")
    op.create_index('ix_shipment_due_not_out', 'shipment', ['post_office_id', 'due_date', 'id'],
                    postgresql_where=NOT_YET_OUT, sqlite_where=NOT_YET_OUT)
    op.create_index('ix_attempt_needs_a_look', 'attempt', ['received_at', 'id'],
                    postgresql_where=NEEDS_A_LOOK, sqlite_where=NEEDS_A_LOOK)
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index('ix_dossier_id_due_date', table_name='dossier')


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.create_index('ix_dossier_id_due_date', 'dossier', ['id', 'due_date'], unique=False)
    op.drop_index('ix_attempt_needs_a_look', table_name='attempt')
    op.drop_index('ix_shipment_due_not_out', table_name='shipment')
    with op.batch_alter_table('shipment') as batch_op:
        batch_op.drop_column('due_date')
