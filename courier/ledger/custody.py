"""Moving shipments: every state change goes through here and leaves an Event.

Functions change objects and add them to the session; the caller (a view or
a CLI command) commits, so one request is one transaction.
"""
from datetime import datetime

from ..extensions import db
from ..models import Direction, Dossier, Event, PostOffice, RoundStop, Shipment, User
from ..models.types import utcnow
from ..domain.states import OFF_THE_ROUND, Action, first_state, next_state

REGISTER = "register"
# After these no courier holds it: the citizen has it, or the office (or the agency) does.
_LEAVES_THE_COURIER = frozenset({Action.DELIVER, Action.UNASSIGN, Action.START_RETURN, Action.CANCEL,
                                 Action.HAND_IN})


def register_shipment(dossier: Dossier, post_office: PostOffice, *,
                      actor: User | None = None, actor_label: str | None = None,
                      direction: Direction = Direction.DELIVER_RESULT, at_counter: bool = False,
                      holder: User | None = None, details: dict | None = None,
                      at: datetime | None = None) -> Shipment:
    """Create a shipment for a dossier, in its direction's first state, with its first event.

    A result starts REGISTERED; a dossier to take in starts REQUESTED, or PICKED_UP when it
    is handed in at the counter (`at_counter`), held by `holder` if someone carries it.
    `at` is when it was registered, if not now (imports of older records).
    """
    at = at or utcnow()
    state = first_state(direction, at_counter)
    shipment = Shipment(dossier=dossier, post_office=post_office, direction=direction,
                        state=state, attempts_count=0, created_at=at, holder_courier=holder)
    db.session.add(shipment)
    _add_event(shipment, REGISTER, None, state, actor, actor_label, details or {}, at)
    return shipment


def apply(shipment: Shipment, action: Action | str, *, max_attempts: int,
          actor: User | None = None, actor_label: str | None = None,
          courier: User | None = None, details: dict | None = None,
          at: datetime | None = None) -> Event:
    """Apply `action` to `shipment`, update who holds it, and record the Event.

    `courier` is required for DISPATCH and PICK_UP (the courier who then carries it).
    Raises states.IllegalTransition if the state machine refuses the action,
    and ValueError if DISPATCH or PICK_UP names no courier. Does not commit.
    """
    outcome = next_state(shipment.state, action, shipment.attempts_count, max_attempts,
                         shipment.direction or Direction.DELIVER_RESULT)
    if outcome.action in (Action.DISPATCH, Action.PICK_UP):
        if courier is None:
            raise ValueError(f"{outcome.action} needs the courier who carries the shipment")
        shipment.holder_courier = courier
    elif outcome.action in (Action.FAIL, Action.REFUSE_PICKUP):
        shipment.attempts_count += 1
    elif outcome.action in _LEAVES_THE_COURIER:
        shipment.holder_courier = None
    shipment.state = outcome.to_state
    if outcome.to_state in OFF_THE_ROUND and shipment.id is not None:
        # Its visits are over for good: its round stop closes (services.planning), one UPDATE
        # and no early flush (the state's event is not added yet).
        with db.session.no_autoflush:
            db.session.execute(db.update(RoundStop).where(RoundStop.open_shipment_id == shipment.id)
                               .values(open_shipment_id=None))
    return _add_event(shipment, outcome.action, outcome.from_state, outcome.to_state,
                      actor, actor_label, details or {}, at)


def note(shipment: Shipment, action: str, *, actor: User | None = None,
         actor_label: str | None = None, details: dict | None = None, at: datetime | None = None) -> Event:
    """Record something that happened to a shipment without changing its state."""
    return _add_event(shipment, action, None, None, actor, actor_label, details or {}, at)


def _add_event(shipment, action, from_state, to_state, actor, actor_label, details, at=None):
    event = Event(shipment=shipment, action=str(action), actor=actor, actor_label=actor_label,
                  from_state=str(from_state) if from_state else None,
                  to_state=str(to_state) if to_state else None,
                  details=details, created_at=at or utcnow())
    db.session.add(event)
    return event
