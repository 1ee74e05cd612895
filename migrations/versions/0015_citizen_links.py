"""several citizen links per shipment, each revocable on its own

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 18:00:00

A shipment held one link hash (`shipment.citizen_token_hash`), so printing the
post office's label replaced the link the agency had already printed on the
appointment slip. Links now live in `citizen_link`: the agency's, the label's
and each reprint's, with when each was revoked.

Backfill: every existing hash becomes one live link. Whether it came from the
agency or from a label was not recorded; a shipment with a custody note
`citizen_link_issued` had a label printed, so its hash is the label's (or a
reprint's); any other hash can only be the agency's. The old column is dropped
(on SQLite by copying the table, with foreign keys off: see migrations/env.py).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

BACKFILL = sa.text("""
INSERT INTO citizen_link (shipment_id, token_hash, source, created_at)
SELECT shipment.id, shipment.citizen_token_hash,
       CASE WHEN EXISTS (SELECT 1 FROM event WHERE event.shipment_id = shipment.id
                         AND event.action = 'citizen_link_issued') THEN 'label' ELSE 'agency' END,
       shipment.updated_at
FROM shipment WHERE shipment.citizen_token_hash IS NOT NULL
""")

# Back to one hash: the newest live link, the label's before the agency's.
RESTORE = sa.text("""
UPDATE shipment SET citizen_token_hash = (
    SELECT token_hash FROM citizen_link
    WHERE citizen_link.shipment_id = shipment.id AND citizen_link.revoked_at IS NULL
    ORDER BY CASE WHEN citizen_link.source = 'agency' THEN 1 ELSE 0 END, citizen_link.id DESC
    LIMIT 1)
""")


def upgrade():
    op.create_table(
        'citizen_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('shipment_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('source', sa.Enum('agency', 'label', 'reprint', name='linksource', native_enum=False,
                                    length=16), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['shipment_id'], ['shipment.id'], name=op.f('fk_citizen_link_shipment_id_shipment')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_citizen_link')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_citizen_link_token_hash')),
    )
    with op.batch_alter_table('citizen_link') as batch_op:
        batch_op.create_index(batch_op.f('ix_citizen_link_shipment_id'), ['shipment_id'], unique=False)
    op.execute(BACKFILL)
    with op.batch_alter_table('shipment') as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_shipment_citizen_token_hash'), type_='unique')
        batch_op.drop_column('citizen_token_hash')


def downgrade():
    with op.batch_alter_table('shipment') as batch_op:
        batch_op.add_column(sa.Column('citizen_token_hash', sa.String(length=64), nullable=True))
    op.execute(RESTORE)
    with op.batch_alter_table('shipment') as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_shipment_citizen_token_hash'), ['citizen_token_hash'])
    with op.batch_alter_table('citizen_link') as batch_op:
        batch_op.drop_index(batch_op.f('ix_citizen_link_shipment_id'))
    op.drop_table('citizen_link')
