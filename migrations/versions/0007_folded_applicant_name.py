"""folded applicant name, indexed for accent-free name search

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 00:00:00

Adds dossier.applicant_name_folded (lower case, no accents, đ → d), fills it
for existing rows with courier.domain.folding.fold (the function the model
uses, so the search finds old and new dossiers alike), and indexes it:

- PostgreSQL: a pg_trgm GIN index, which answers the search's
  `LIKE '%nguyen van an%'` (infix) without reading every dossier.
- SQLite: a plain B-tree (SQLite has no trigram index outside FTS5); it
  serves prefix ranges. An infix match on SQLite reads the office's
  shipments newest first and stops once a page is full.

And indexes event (action, created_at) and attempt (received_at) for the
board's failures queue (see below).
"""
from alembic import op
import sqlalchemy as sa

from courier.domain.folding import fold

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

BATCH = 5000


def upgrade():
    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.add_column(sa.Column('applicant_name_folded', sa.String(length=240), nullable=True))

    _backfill(bind)

    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.alter_column('applicant_name_folded', existing_type=sa.String(length=240), nullable=False)

    if postgresql:
        # The trigram operator class lives in an extension shipped with PostgreSQL (contrib).
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_index('ix_dossier_applicant_name_folded', 'dossier', ['applicant_name_folded'], unique=False,
                    postgresql_using='gin', postgresql_ops={'applicant_name_folded': 'gin_trgm_ops'})

    # The board's failures queue (services.board.concerns) wants the office's newest 50 of the
    # week's "citizen_disputed" events and failed or flagged visits. Measured at a million
    # shipments (bench/dispatch.py), without these it read every event and every visit of the
    # office, 1.2-1.9 s each on SQLite; with them it reads the week's few rows newest first.
    op.create_index('ix_event_action_created', 'event', ['action', 'created_at'], unique=False)
    op.create_index('ix_attempt_received_at', 'attempt', ['received_at'], unique=False)


def _backfill(bind) -> None:
    """fold() every existing name, a batch of rows at a time, in the same transaction."""
    dossier = sa.table('dossier', sa.column('id', sa.Integer), sa.column('applicant_name', sa.String),
                       sa.column('applicant_name_folded', sa.String))
    update = (sa.update(dossier).where(dossier.c.id == sa.bindparam('row_id'))
              .values(applicant_name_folded=sa.bindparam('folded')))
    last = 0
    while True:
        rows = bind.execute(sa.select(dossier.c.id, dossier.c.applicant_name).where(dossier.c.id > last)
                            .order_by(dossier.c.id).limit(BATCH)).all()
        if not rows:
            return
        bind.execute(update, [{'row_id': row_id, 'folded': fold(name)} for row_id, name in rows])
        last = rows[-1][0]


def downgrade():
    op.drop_index('ix_attempt_received_at', table_name='attempt')
    op.drop_index('ix_event_action_created', table_name='event')
    op.drop_index('ix_dossier_applicant_name_folded', table_name='dossier')
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_column('applicant_name_folded')
