"""Sealing events and proofs into their hash chains when they are flushed, and verifying the chains.

A record's hash is defined in domain/chain.py. Records are sealed after each flush
(courier/unit_of_work.py), under a lock on the chain's head row, so concurrent
transactions join the chain in order.
"""
from dataclasses import dataclass

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ..domain.chain import EVENT_FIELDS, GENESIS, PROOF_FIELDS, canonical, canonical_values, link_hash
from ..models import ChainHead, Event, Proof
from ..models.types import upsert_insert

CHAINS = {"event": (Event, EVENT_FIELDS), "proof": (Proof, PROOF_FIELDS)}


def seal_new_records(session: Session) -> None:
    """Give the flush's new events and proofs their places in their chains (after flush)."""
    batches = {}
    for name, (model, fields) in CHAINS.items():
        new = sorted((r for r in session.new if isinstance(r, model)), key=lambda r: r.id)
        if new:
            batches[name] = new
    if batches:
        _seal(session, batches)


def _seal(session, batches: dict, objects: bool = True) -> None:
    """Give each chain's new records their places after its head, in few statements.

    `batches` maps a chain's name to its records in id order; `objects` says they are ORM
    objects to update too (not plain rows). A hand-over adds to both chains: both heads are
    locked by one query, each chain's records updated by one executemany, both heads by another.
    """
    connection = session.connection()
    heads = _lock_heads(connection, sorted(batches))
    moved = []
    for name, records in batches.items():
        model, fields = CHAINS[name]
        seq, prev = heads[name]
        places = []
        for record in records:
            seq += 1
            digest = link_hash(prev, seq, canonical(record, fields))
            places.append({"b_id": record.id, "b_seq": seq, "b_prev": prev, "b_hash": digest})
            # Keep the object in step with its row without marking it changed.
            for attribute, value in (("seq", seq), ("prev_hash", prev), ("hash", digest)) if objects else ():
                set_committed_value(record, attribute, value)
            prev = digest
        connection.execute(_SEAL[name], places)
        moved.append({"b_name": name, "b_seq": seq, "b_hash": prev})
    connection.execute(_MOVE_HEAD, moved)


# Core UPDATEs, built once as they run on every hand-over: the ORM's append-only guard is for
# application code, not for sealing. (Bound names differ from the columns': SQLAlchemy keeps those.)
_SEAL = {name: update(model).where(model.id == bindparam("b_id"))
         .values(seq=bindparam("b_seq"), prev_hash=bindparam("b_prev"), hash=bindparam("b_hash"))
         for name, (model, _) in CHAINS.items()}
_MOVE_HEAD = (update(ChainHead).where(ChainHead.name == bindparam("b_name"))
              .values(seq=bindparam("b_seq"), hash=bindparam("b_hash")))


_HEADS = (select(ChainHead.name, ChainHead.seq, ChainHead.hash)
          .where(ChainHead.name.in_(bindparam("b_names", expanding=True)))
          .order_by(ChainHead.name).with_for_update())


def _lock_heads(connection, names: list[str]) -> dict[str, tuple[int, str]]:
    """The chains' heads {name: (seq, hash)}, locked until commit; made first where new.

    Locked in name order, as every transaction does, so two never wait on each other in a
    cycle. Two first seals at once would both insert a head and one would fail on its key:
    heads are made with "on conflict do nothing", then locked like any other time.
    """
    heads = {row.name: (row.seq, row.hash) for row in connection.execute(_HEADS, {"b_names": names})}
    missing = [name for name in names if name not in heads]
    if missing:
        insert = upsert_insert(connection.dialect.name)
        connection.execute(insert(ChainHead).values([{"name": name, "seq": 0, "hash": GENESIS} for name in missing])
                           .on_conflict_do_nothing(index_elements=["name"]))
        heads = {row.name: (row.seq, row.hash) for row in connection.execute(_HEADS, {"b_names": names})}
    return heads


def seal_backlog(session: Session) -> int:
    """Seal records that have no place in the chain yet (made before it existed), in id order."""
    batches = {}
    for name, (model, fields) in CHAINS.items():
        # Only the chained columns: migrations run this against older schemas than the models'.
        columns = [model.__table__.c[field] for field in fields]
        backlog = session.execute(select(*columns).where(model.seq.is_(None)).order_by(model.id)).all()
        if backlog:
            batches[name] = backlog
    if batches:
        _seal(session, batches, objects=False)
    return sum(len(backlog) for backlog in batches.values())


@dataclass
class ChainReport:
    chain: str
    checked: int
    problem: str | None = None   # "modified", "deleted", "reordered", "unsealed", "head_mismatch"
    at_seq: int | None = None
    record_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify(session: Session, name: str, batch: int = 5000) -> ChainReport:
    """Walk one chain in order and report the first record that was modified, deleted or reordered."""
    model, fields = CHAINS[name]
    report = ChainReport(name, 0)
    unsealed = session.execute(select(model.id).where(model.seq.is_(None)).limit(1)).first()
    if unsealed:
        return ChainReport(name, 0, "unsealed", None, unsealed[0])
    prev, expected_seq = GENESIS, 1
    # Plain rows of just the chained columns: a tenth of the cost of ORM objects over a million records.
    table = model.__table__
    columns = [table.c[name] for name in (*fields, "seq", "prev_hash", "hash")]
    result = session.execute(select(*columns).order_by(table.c.seq).execution_options(yield_per=batch))
    width = len(fields)
    try:
        for record in result:
            if record.seq != expected_seq:
                return _fail(report, "deleted", expected_seq, record.id)
            if record.prev_hash != prev:
                return _fail(report, "reordered", record.seq, record.id)
            if link_hash(prev, record.seq, canonical_values(fields, record[:width])) != record.hash:
                return _fail(report, "modified", record.seq, record.id)
            prev, expected_seq, report.checked = record.hash, expected_seq + 1, report.checked + 1
    finally:
        result.close()  # a server-side cursor on PostgreSQL, left open by an early return
    head = session.execute(select(ChainHead).where(ChainHead.name == name)).scalar_one_or_none()
    if head is not None and (head.seq, head.hash) != (report.checked, prev):
        return _fail(report, "head_mismatch", head.seq, None)
    return report


def _fail(report: ChainReport, problem: str, seq: int, record_id: int | None) -> ChainReport:
    report.problem, report.at_seq, report.record_id = problem, seq, record_id
    return report
