"""Sealing records into their hash chains when they are flushed, and verifying the chains.

A record's hash is defined in domain/chain.py, which says what each chain covers and how an
attempt's personal values are chained so that a Decree 13 erasure is not taken for an edit.
Records are sealed after each flush (courier/unit_of_work.py), under a lock on the chains'
head rows, so concurrent transactions join each chain in order.
"""
import secrets
from dataclasses import dataclass

from sqlalchemy import bindparam, func, inspect, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ..domain.chain import (ATTEMPT_FIELDS, ATTEMPT_OPTIONAL_FIELDS, CASH_FIELDS, ERASURE_EVENT, EVENT_FIELDS,
                            GENESIS, PERSONAL_FIELDS, PROOF_FIELDS, canonical_values, erased_values, link_hash,
                            personal_digest)
from ..models import Attempt, AuditViolation, CashHandIn, ChainHead, Event, Proof
from ..models.types import upsert_insert

# Each chain's model and chained fields; sealed and locked in name order.
CHAINS = {"attempt": (Attempt, ATTEMPT_FIELDS + ATTEMPT_OPTIONAL_FIELDS), "cash": (CashHandIn, CASH_FIELDS),
          "event": (Event, EVENT_FIELDS), "proof": (Proof, PROOF_FIELDS)}
# Chained fields left out of a record's content while None (domain/chain.py says why).
_OPTIONAL = {"attempt": ATTEMPT_OPTIONAL_FIELDS}


def _personal_stamp(record) -> dict:
    """An attempt's new salt and the digest of its personal values under it, written when sealed."""
    salt = secrets.token_hex(16)
    return {"personal_salt": salt,
            "personal_digest": personal_digest(salt, [getattr(record, name) for name in PERSONAL_FIELDS])}


# Columns a chain writes when sealing besides seq, prev_hash and hash, made from the record.
_STAMPS = {"attempt": _personal_stamp}
_STAMPED = {"attempt": ("personal_salt", "personal_digest")}
# Columns sealing reads besides the chained fields (those it stamps are made, not read).
_SEAL_READS = {"attempt": PERSONAL_FIELDS}


def seal_new_records(session: Session) -> None:
    """Give the flush's new records their places in their chains (after flush).

    Raises AuditViolation if the flush changed a sealed record (see _refuse_edits).
    """
    _refuse_edits(session)
    batches = {}
    for name, (model, fields) in CHAINS.items():
        new = sorted((r for r in session.new if isinstance(r, model)), key=lambda r: r.id)
        if new:
            batches[name] = new
    if batches:
        _seal(session, batches)


def _refuse_edits(session: Session) -> None:
    """A sealed record is never changed, but for an erasure of an attempt's personal values.

    The row is already written (this runs after the flush); raising undoes the transaction.
    """
    for record in session.dirty:
        name = next((name for name, (model, _) in CHAINS.items() if isinstance(record, model)), None)
        if name is None or record.seq is None:
            continue
        changed = {attribute.key for attribute in inspect(record).attrs if attribute.history.has_changes()}
        if name == "attempt" and record.personal_salt is None:
            personal = [getattr(record, field) for field in PERSONAL_FIELDS]
            if tuple(personal) == erased_values(personal):
                changed -= {*PERSONAL_FIELDS, "personal_salt"}
        if changed & {*CHAINS[name][1], *_SEAL_READS.get(name, ()), *_STAMPED.get(name, ())}:
            raise AuditViolation(f"{name} {record.id} is sealed: record a new entry instead of "
                                 f"changing {', '.join(sorted(changed))}")


def _seal(session, batches: dict, objects: bool = True) -> None:
    """Give each chain's new records their places after its head, in few statements.

    `batches` maps a chain's name to its records in id order; `objects` says they are ORM
    objects to update too (not plain rows). A hand-over adds to three chains (attempt, event,
    proof): their heads are locked by one query, each chain's records updated by one
    executemany, the heads by another.
    """
    connection = session.connection()
    heads = _lock_heads(connection, sorted(batches))
    moved = []
    for name, records in batches.items():
        (_, fields), optional = CHAINS[name], _OPTIONAL.get(name, ())
        stamp = _STAMPS.get(name)
        seq, prev = heads[name]
        places = []
        for record in records:
            seq += 1
            stamped = stamp(record) if stamp else {}
            values = [_chained_value(record, field, stamped, optional) for field in fields]
            digest = link_hash(prev, seq, canonical_values(fields, values, optional))
            written = {"seq": seq, "prev_hash": prev, "hash": digest} | stamped
            places.append({"b_id": record.id} | {f"b_{column}": value for column, value in written.items()})
            # Keep the object in step with its row without marking it changed.
            for attribute, value in written.items() if objects else ():
                set_committed_value(record, attribute, value)
            prev = digest
        connection.execute(_SEAL[name], places)
        moved.append({"b_name": name, "b_seq": seq, "b_hash": prev})
    connection.execute(_MOVE_HEAD, moved)


def _chained_value(record, field: str, stamped: dict, optional: tuple[str, ...]):
    if field in stamped:
        return stamped[field]
    # A backlog's row, read from a schema without an optional column, has no value for it: None.
    return getattr(record, field, None) if field in optional else getattr(record, field)


def _seal_statement(model, stamped: tuple[str, ...]):
    return (update(model).where(model.id == bindparam("b_id"))
            .values({column: bindparam(f"b_{column}") for column in ("seq", "prev_hash", "hash", *stamped)}))


# Core UPDATEs, built once as they run on every hand-over: the ORM's append-only guard is for
# application code, not for sealing. (Bound names differ from the columns': SQLAlchemy keeps those.)
_SEAL = {name: _seal_statement(model, _STAMPED.get(name, ())) for name, (model, _) in CHAINS.items()}
_MOVE_HEAD = (update(ChainHead).where(ChainHead.name == bindparam("b_name"))
              .values(seq=bindparam("b_seq"), hash=bindparam("b_hash")))


_HEADS = (select(ChainHead.name, ChainHead.seq, ChainHead.hash)
          .where(ChainHead.name.in_(bindparam("b_names", expanding=True)))
          .order_by(ChainHead.name).with_for_update())


# The heads this process has seen committed, per database: a head is never deleted once made,
# so only a chain's first seals in a process need to make sure of it. (Never a head this
# transaction made itself: another thread trusting it would not see it until the commit.)
_HEADS_SEEN: set[tuple[str, str]] = set()


def _lock_heads(connection, names: list[str]) -> dict[str, tuple[int, str]]:
    """The chains' heads {name: (seq, hash)}, locked until commit; made first where new.

    Locked in name order, as every transaction does, so two never wait on each other in a
    cycle. A head not yet seen is made ("on conflict do nothing", which waits for another
    transaction making it at the same moment) BEFORE any head is locked: made after, a
    transaction holding the "event" head would wait for another's uncommitted "attempt" head
    while that one waited for "event" (the deadlock PostgreSQL reported on the first
    hand-overs of a database with events but no attempts yet). The migrations make every
    chain's head, so this is a first-use guard: one statement in a process's first seals.
    """
    database = connection.engine.url.render_as_string(hide_password=True)
    made_here = set()
    unknown = [name for name in names if (database, name) not in _HEADS_SEEN]
    if unknown:
        made_here = _make_heads(connection, unknown)
    heads = {row.name: (row.seq, row.hash) for row in connection.execute(_HEADS, {"b_names": names})}
    missing = [name for name in names if name not in heads]
    if missing:  # deleted behind this process's back (a test emptying the tables): make them again
        made_here |= _make_heads(connection, missing)
        heads = {row.name: (row.seq, row.hash) for row in connection.execute(_HEADS, {"b_names": names})}
    _HEADS_SEEN.update((database, name) for name in heads if name not in made_here)
    return heads


def _make_heads(connection, names: list[str]) -> set[str]:
    """Make the heads of `names` that do not exist; return those this transaction made."""
    insert = upsert_insert(connection.dialect.name)
    return set(connection.execute(
        insert(ChainHead).values([{"name": name, "seq": 0, "hash": GENESIS} for name in names])
        .on_conflict_do_nothing(index_elements=["name"]).returning(ChainHead.name)).scalars())


def _in_the_database(session: Session, model, fields: tuple[str, ...], optional: tuple[str, ...]) -> tuple:
    """`fields` less the optional ones the database's table has no column for yet (an attempt
    before migration 0027: no pages, no documents, as an attempt's content leaves them out)."""
    if not optional:
        return fields
    present = {column["name"] for column in inspect(session.connection()).get_columns(model.__tablename__)}
    return tuple(field for field in fields if field in present or field not in optional)


def seal_backlog(session: Session) -> int:
    """Seal records that have no place in the chain yet (made before it existed), in id order."""
    batches = {}
    for name, (model, fields) in CHAINS.items():
        # Only the columns sealing reads: migrations run this against older schemas than the models'.
        fields = _in_the_database(session, model, fields, _OPTIONAL.get(name, ()))
        read = [field for field in (*fields, *_SEAL_READS.get(name, ())) if field != "personal_digest"]
        columns = [model.__table__.c[field] for field in read]
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
    # "modified", "deleted", "reordered", "unsealed", "head_mismatch", or "erased_unrecorded"
    # (an attempt whose personal data is gone with no custody event recording an erasure).
    problem: str | None = None
    at_seq: int | None = None
    record_id: int | None = None
    erased: int = 0   # attempts whose personal data was erased under Decree 13, as recorded

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
    check = _personal_check(session, report) if name == "attempt" else None
    prev, expected_seq = GENESIS, 1
    fields = _in_the_database(session, model, fields, _OPTIONAL.get(name, ()))
    # Plain rows of just the chained columns: a tenth of the cost of ORM objects over a million records.
    table = model.__table__
    extra = (*PERSONAL_FIELDS, "personal_salt") if check else ()
    columns = [table.c[column] for column in (*fields, "seq", "prev_hash", "hash", *extra)]
    result = session.execute(select(*columns).order_by(table.c.seq).execution_options(yield_per=batch))
    width, optional = len(fields), _OPTIONAL.get(name, ())
    try:
        for record in result:
            if record.seq != expected_seq:
                return _fail(report, "deleted", expected_seq, record.id)
            if record.prev_hash != prev:
                return _fail(report, "reordered", record.seq, record.id)
            if link_hash(prev, record.seq, canonical_values(fields, record[:width], optional)) != record.hash:
                return _fail(report, "modified", record.seq, record.id)
            if check and (problem := check(record)):
                return _fail(report, problem, record.seq, record.id)
            prev, expected_seq, report.checked = record.hash, expected_seq + 1, report.checked + 1
    finally:
        result.close()  # a server-side cursor on PostgreSQL, left open by an early return
    head = session.execute(select(ChainHead).where(ChainHead.name == name)).scalar_one_or_none()
    if head is not None and (head.seq, head.hash) != (report.checked, prev):
        return _fail(report, "head_mismatch", head.seq, None)
    return report


def _personal_check(session: Session, report: ChainReport):
    """A check of an attempt row's personal values against its chained digest, or of its erasure.

    An erasure stands only as recorded: in its erased form, and no later than a custody event
    ERASURE_EVENT on the attempt's shipment (an event the event chain vouches for).
    """
    erasures = dict(session.execute(select(Event.shipment_id, func.max(Event.created_at))
                                    .where(Event.action == ERASURE_EVENT).group_by(Event.shipment_id)).all())

    def check(record) -> str | None:
        personal = tuple(getattr(record, field) for field in PERSONAL_FIELDS)
        if record.personal_salt is not None:
            return None if personal_digest(record.personal_salt, personal) == record.personal_digest else "modified"
        erased_at = erasures.get(record.shipment_id)
        if erased_at is None or erased_at < record.received_at:
            return "erased_unrecorded"
        if personal != erased_values(personal):
            return "modified"
        report.erased += 1
        return None

    return check


def _fail(report: ChainReport, problem: str, seq: int, record_id: int | None) -> ChainReport:
    report.problem, report.at_seq, report.record_id = problem, seq, record_id
    return report
