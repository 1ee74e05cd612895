"""Keeping ShipmentTally in step: every state change is an Event, so the events say what to count.

Bumped in the same transaction as the events, after they are sealed into the chain
(the chain's head lock comes first, so two transactions never lock tally rows in
opposite orders: courier/unit_of_work.py calls count_moves after sealing). A rollback takes the bumps back with everything else.
"""
from collections import Counter
from functools import cache

from sqlalchemy.orm import Session

from ..models import Event, ShipmentTally
from ..models.types import upsert_insert


def deltas(events) -> Counter:
    """(post office id, state) -> change in count, for a batch of new events."""
    changes: Counter = Counter()
    for record in events:
        if record.to_state is None or record.from_state == record.to_state:
            continue  # a note, not a move
        office = record.shipment.post_office_id
        if record.from_state is not None:
            changes[(office, record.from_state)] -= 1
        changes[(office, record.to_state)] += 1
    return Counter({key: n for key, n in changes.items() if n})


def count_moves(session: Session) -> None:
    """Add the flush's new events' moves to the tally (after flush, after sealing)."""
    changes = deltas(r for r in session.new if isinstance(r, Event))
    if not changes:
        return
    connection = session.connection()
    # The rows in one order everywhere, so two transactions never wait on each other in a cycle.
    connection.execute(_upsert(connection.dialect.name), [
        {"post_office_id": office, "state": str(state), "count": n} for (office, state), n in sorted(changes.items())])


@cache
def _upsert(dialect: str):
    """Add `count` to the office's row for the state, making it if new: built once, as it runs on every move."""
    table = ShipmentTally.__table__
    statement = upsert_insert(dialect)(table)
    return statement.on_conflict_do_update(index_elements=["post_office_id", "state"],
                                           set_={"count": table.c.count + statement.excluded.count})


def counts(session: Session, post_office_id: int) -> dict[str, int]:
    """The office's shipments per state, from the tally."""
    rows = session.execute(
        ShipmentTally.__table__.select().where(ShipmentTally.post_office_id == post_office_id)).all()
    return {row.state: row.count for row in rows}
