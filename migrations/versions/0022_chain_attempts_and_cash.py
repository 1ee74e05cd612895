"""attempts and cash hand-ins sealed into hash chains (issue 17 item 1)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 15:30:00

The hand-over record (attempt) and the cash counted in (cash_hand_in) join the event
and proof chains: each gets seq, prev_hash and hash, an attempt its salted digest of
personal values too (courier/domain/chain.py says why), and what is already recorded
is sealed here, in id order, so that `verify` covers all of history.
"""
import secrets
from datetime import timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('personal_salt', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('personal_digest', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_attempt_seq'), ['seq'])

    with op.batch_alter_table('cash_hand_in', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_cash_hand_in_seq'), ['seq'])

    _seal_backlog(op.get_bind())


# How this revision's columns read back as the app hashes them (the rest are plain).
_TYPES = {"client_id": sa.Uuid(), "captured_at": sa.DateTime(), "received_at": sa.DateTime(),
          "created_at": sa.DateTime(), "handed_on": sa.Date(), "latitude": sa.Double(),
          "longitude": sa.Double(), "gps_accuracy_m": sa.Double()}
_TIMES = {"captured_at", "received_at", "created_at"}


def _seal_backlog(connection):
    """Seal the attempts and hand-ins recorded before their chains existed, in id order.

    A record's hash is the app's own definition (courier.domain.chain, pure); the rows are
    read and written here, as this revision's schema holds them, not through the app's models.
    """
    from courier.domain.chain import (ATTEMPT_FIELDS, CASH_FIELDS, ERASURE_EVENT, GENESIS, PERSONAL_FIELDS,
                                      canonical_values, link_hash, personal_digest)

    heads = sa.table("chain_head", sa.column("name"), sa.column("seq"), sa.column("hash"))
    events = sa.table("event", sa.column("shipment_id"), sa.column("action"))
    # Attempts already erased under Decree 13 keep no salt, as an erasure from now on leaves them.
    erased = set(connection.execute(sa.select(events.c.shipment_id)
                                    .where(events.c.action == ERASURE_EVENT)).scalars())
    for name, table_name, fields in (("attempt", "attempt", ATTEMPT_FIELDS), ("cash", "cash_hand_in", CASH_FIELDS)):
        personal = PERSONAL_FIELDS if name == "attempt" else ()
        read = [field for field in (*fields, *personal) if field != "personal_digest"]
        stamps = ("personal_salt", "personal_digest") if personal else ()
        table = sa.table(table_name, *(sa.column(field, _TYPES.get(field)) for field in read),
                         *(sa.column(column) for column in ("seq", "prev_hash", "hash", *stamps)))
        rows = connection.execute(sa.select(*(table.c[field] for field in read)).order_by(table.c.id)).all()
        seq, prev, places = 0, GENESIS, []
        for row in rows:
            # Stored as naive UTC; the app reads it back aware (models.types.UTCDateTime) and hashes that.
            values = {field: value.replace(tzinfo=timezone.utc) if field in _TIMES and value else value
                      for field, value in zip(read, row)}
            stamped = {}
            if personal:
                salt, kept = secrets.token_hex(16), tuple(values[field] for field in personal)
                stamped = {"personal_salt": None if _erased(values, kept, erased) else salt,
                           "personal_digest": personal_digest(salt, kept)}
            seq += 1
            content = canonical_values(fields, [stamped.get(field, values.get(field)) for field in fields])
            digest = link_hash(prev, seq, content)
            places.append({"b_id": row.id, "b_seq": seq, "b_prev": prev, "b_hash": digest, **{
                f"b_{column}": value for column, value in stamped.items()}})
            prev = digest
        if rows:
            written = {"seq": sa.bindparam("b_seq"), "prev_hash": sa.bindparam("b_prev"),
                       "hash": sa.bindparam("b_hash")} | {column: sa.bindparam(f"b_{column}") for column in stamps}
            connection.execute(table.update().where(table.c.id == sa.bindparam("b_id")).values(written), places)
        connection.execute(heads.insert().values(name=name, seq=seq, hash=prev))
    # Every chain's head made now, even with nothing to seal yet: the first concurrent seals of a
    # chain would otherwise make it while holding the others' heads (ledger/chain.py, _lock_heads).
    present = set(connection.execute(sa.select(heads.c.name)).scalars())
    for name in ("event", "proof"):
        if name not in present:
            connection.execute(heads.insert().values(name=name, seq=0, hash=GENESIS))


def _erased(values: dict, personal: tuple, erased_shipments: set) -> bool:
    """Whether an attempt's personal data was erased (its shipment's erasure recorded, its values gone)."""
    from courier.domain.chain import erased_values

    return values["shipment_id"] in erased_shipments and personal == erased_values(personal)


def downgrade():
    connection = op.get_bind()
    connection.execute(sa.text("DELETE FROM chain_head WHERE name IN ('attempt', 'cash')"))
    connection.execute(sa.text("DELETE FROM chain_checkpoint WHERE chain IN ('attempt', 'cash')"))
    with op.batch_alter_table('cash_hand_in', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_cash_hand_in_seq'), type_='unique')
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('seq')

    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_attempt_seq'), type_='unique')
        batch_op.drop_column('personal_digest')
        batch_op.drop_column('personal_salt')
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('seq')
