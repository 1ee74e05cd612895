"""The custody and audit trail: append-only events.

Two guards run before every flush of the app's session (courier/unit_of_work.py): an Event can never be updated or deleted, and
a Shipment's state can never change without an Event saying so. Together
they make ledger.custody the only way to move a shipment.
"""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..extensions import db
from .shipment import Shipment
from .types import UTCDateTime, utcnow
from .user import User


class Event(db.Model):
    """Who did what to which shipment, when, and from which state to which."""

    __tablename__ = "event"
    # The board's failures queue: the week's citizens' reports among millions of events.
    __table_args__ = (Index("ix_event_action_created", "action", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int | None] = mapped_column(ForeignKey("shipment.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Who acted when it was not a logged-in user: "agency:000.00.17.H47", "citizen", "system".
    actor_label: Mapped[str | None] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    # Tamper evidence (ledger/chain.py): position in the chain, the previous record's hash, this one's.
    seq: Mapped[int | None] = mapped_column(unique=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))

    shipment: Mapped[Shipment | None] = relationship()
    actor: Mapped[User | None] = relationship()


class AuditViolation(Exception):
    """Raised on flush when code bypasses the custody trail."""


def guard_custody_trail(session: Session) -> None:
    """Raise AuditViolation if the flush would change an event, or a state with no event saying so."""
    for record in list(session.dirty) + list(session.deleted):
        if isinstance(record, Event) and (record in session.deleted or session.is_modified(record)):
            raise AuditViolation("events are append-only")
    recorded = {
        (id(e.shipment), e.to_state) for e in session.new if isinstance(e, Event) and e.shipment
    }
    for shipment in list(session.dirty) + list(session.new):
        if not isinstance(shipment, Shipment):
            continue
        history = inspect(shipment).attrs.state.history
        changed = shipment in session.new or history.has_changes()
        if changed and (id(shipment), str(shipment.state)) not in recorded:
            raise AuditViolation(
                f"shipment state set to {shipment.state} without a custody event"
            )
