"""Taking a round out: the office hands each item to the courier, and the scan proves it.

The courier scans the round's items at the office (from the phone's outbox, so it
works with no signal), or a dispatcher scans them over at the desk. Each scan moves
an assigned item to "out for delivery" with a custody event naming who handed it and
who took it. A second scan of an item already taken is answered, never applied again;
a replay of the same scan (same client id) is answered from the take_out row.
A pickup on the round (a dossier to take in at the door) carries nothing out of the
office: it is never waited for here, and a scan of it is refused as not takeable.
Everything is checked before anything is written; the caller commits.
"""
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from ..domain.formatting import local_today
from ..domain.states import TRANSITIONS, Action, Direction, State
from ..extensions import db
from ..ledger import custody
from ..models import Round, RoundStop, Shipment, TakeOut, User
from ..models.types import utcnow
from . import planning, write_lock

TAKEN, ALREADY_OUT = "taken", "already_out"


class TakeOutRefused(Exception):
    """Raised when a scan cannot take the item out; `code` says why (vocabulary words it)."""

    def __init__(self, code: str, dossier_code: str = ""):
        self.code, self.dossier_code = code, dossier_code
        super().__init__(f"{code} {dossier_code}".strip())


@dataclass
class TakeOutResult:
    status: str        # "created" or "duplicate" (a replay of the same scan)
    result: str        # TAKEN or ALREADY_OUT
    shipment: Shipment
    state: str


def take_out(courier: User, client_id: uuid.UUID, shipment: Shipment | None, *, taken_at: datetime,
             max_attempts: int, handed_by: User | None = None) -> TakeOutResult:
    """Record that `courier` took `shipment` out of the office, once per `client_id`.

    `handed_by` is the dispatcher scanning at the desk (None: the courier scanned).
    Raises TakeOutRefused: unknown_shipment, not_on_your_round (on another courier's
    round, or on none today), not_takeable (delivered, cancelled, returning…, or a pickup), conflict
    (this client id was used for another item). Does not commit.
    """
    if shipment is not None:
        # Held until the commit, and read again under the hold: a hand-over or another scan of it
        # at the same moment must not find it, or leave it, moved from a stale state.
        write_lock.hold_database(db.session)
        db.session.refresh(shipment, with_for_update=True)
    known = _known(client_id)
    if known is not None:
        return _replay(known, courier, shipment)
    if shipment is None or shipment.post_office_id != courier.post_office_id:
        raise TakeOutRefused("unknown_shipment")
    _check_on_todays_round(courier, shipment)
    result = _move(courier, shipment, handed_by, client_id, max_attempts)
    db.session.add(TakeOut(client_id=client_id, shipment=shipment, courier=courier, handed_by=handed_by,
                           taken_at=taken_at, received_at=utcnow(), result=result))
    try:
        db.session.flush()
    except IntegrityError:
        # The same scan arrived twice at once: the whole transaction goes (no SAVEPOINT, as in
        # services.handover), and the stored one answers.
        db.session.rollback()
        known = _known(client_id)
        if known is None:
            raise
        return _replay(known, courier, known.shipment)
    return TakeOutResult("created", result, shipment, str(shipment.state))


def office_shipment(post_office_id: int, public_id: uuid.UUID) -> Shipment | None:
    """The office's shipment by public id (take_out holds it before acting on it)."""
    return db.session.execute(
        db.select(Shipment).filter_by(public_id=public_id, post_office_id=post_office_id)).scalar_one_or_none()


def carried(round_: Round) -> list[RoundStop]:
    """The round's stops whose item leaves the office with the courier (results, not pickups),
    in round order: what a take-out counts ("chưa nhận: x/y") and the delivery list prints."""
    return [stop for stop in planning.ordered(round_) if is_carried(stop.shipment)]


def not_taken(round_: Round) -> list[RoundStop]:
    """The round's stops still waiting at the office ("chưa nhận"), in round order."""
    return [stop for stop in planning.ordered(round_) if waits_at_office(stop.shipment)]


def is_carried(shipment: Shipment) -> bool:
    """Whether the courier takes this shipment out of the office: its direction's table has a
    take-out (DISPATCH). A pickup's has none: the courier goes to the door with an empty bag."""
    return Action.DISPATCH in TRANSITIONS[shipment.direction or Direction.DELIVER_RESULT]


def waits_at_office(shipment: Shipment) -> bool:
    """Planned, carried out, and in no courier's hands. Assigned again after a failed visit today,
    the item is still in the courier's bag (a retry needs no second take-out)."""
    return is_carried(shipment) and shipment.state is State.ASSIGNED and shipment.holder_courier_id is None


def _known(client_id: uuid.UUID) -> TakeOut | None:
    return db.session.execute(db.select(TakeOut).filter_by(client_id=client_id)).scalar_one_or_none()


def _replay(known: TakeOut, courier: User, shipment: Shipment | None) -> TakeOutResult:
    if known.courier_id != courier.id or (shipment is not None and known.shipment_id != shipment.id):
        raise TakeOutRefused("conflict")
    return TakeOutResult("duplicate", known.result, known.shipment, str(known.shipment.state))


def _check_on_todays_round(courier: User, shipment: Shipment) -> None:
    stop = planning.current_stop(shipment)
    if stop is None or stop.round.courier_id != courier.id or stop.round.round_date != local_today():
        raise TakeOutRefused("not_on_your_round", shipment.dossier.code)


def _move(courier: User, shipment: Shipment, handed_by: User | None, client_id: uuid.UUID,
          max_attempts: int) -> str:
    if not is_carried(shipment):
        raise TakeOutRefused("not_takeable", shipment.dossier.code)  # a pickup: nothing to take out
    if shipment.state in (State.OUT_FOR_DELIVERY, State.ASSIGNED) and shipment.holder_courier_id == courier.id:
        return ALREADY_OUT  # scanned twice, or kept after a failed visit today: in the bag once
    if shipment.state is not State.ASSIGNED:
        raise TakeOutRefused("not_takeable", shipment.dossier.code)
    details = {"take_out": str(client_id), "taken_by": courier.username,
               "handed_by": handed_by.username if handed_by else f"office:{courier.post_office.code}"}
    custody.apply(shipment, Action.DISPATCH, max_attempts=max_attempts, actor=handed_by or courier,
                  courier=courier, details=details)
    return TAKEN
