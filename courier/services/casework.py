"""One shipment as a dispatcher handles it: its record, its trail, and what may be done next.

Actions are offered only when the state machine allows them, and each one
checks again, so a stale page posting an action that is no longer allowed
is refused (states.IllegalTransition) with nothing changed. Nothing here
commits: the view does.
"""
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import joinedload, selectinload

from ..domain.formatting import local_today
from ..domain.states import Action, IllegalTransition, State, allowed_actions, next_state
from ..extensions import db
from ..ledger import custody
from ..models import Attempt, Event, Proof, RoundStop, Shipment, User
from . import planning


@dataclass(frozen=True)
class Offer:
    """Which of the page's action forms to show."""

    reschedule: bool
    reassign: bool
    cancel: bool
    start_return: bool
    complete_return: bool

    @property
    def any(self) -> bool:
        return any((self.reschedule, self.reassign, self.cancel, self.start_return, self.complete_return))


def find(post_office_id: int, public_id: uuid.UUID) -> Shipment | None:
    """The office's shipment with this public id, or None (also for another office's)."""
    return db.session.execute(
        db.select(Shipment).filter_by(public_id=public_id, post_office_id=post_office_id)
        .options(joinedload(Shipment.dossier))).scalar_one_or_none()


def timeline(shipment: Shipment) -> list[Event]:
    """Every custody event of the shipment, oldest first, with its actor."""
    return list(db.session.execute(
        db.select(Event).filter_by(shipment_id=shipment.id).options(joinedload(Event.actor))
        .order_by(Event.created_at, Event.id)).scalars())


def attempts(shipment: Shipment) -> list[Attempt]:
    """The visits made, newest first, with their proofs and courier."""
    return list(db.session.execute(
        db.select(Attempt).filter_by(shipment_id=shipment.id)
        .options(selectinload(Attempt.proofs), joinedload(Attempt.courier))
        .order_by(Attempt.captured_at.desc(), Attempt.id.desc())).scalars())


def proof_for_office(post_office_id: int, proof_id: int) -> Proof | None:
    """A proof by id, only if its shipment belongs to the office."""
    return db.session.execute(
        db.select(Proof).join(Attempt).join(Shipment, Attempt.shipment_id == Shipment.id)
        .where(Proof.id == proof_id, Shipment.post_office_id == post_office_id)).scalar_one_or_none()


def current_stop(shipment: Shipment) -> RoundStop | None:
    return planning.current_stop(shipment)


def offer(shipment: Shipment, max_attempts: int) -> Offer:
    """What the page offers, from the state machine's allowed actions."""
    allowed = set(allowed_actions(shipment.state, shipment.attempts_count, max_attempts, shipment.direction))
    return Offer(
        reschedule=Action.UNASSIGN in allowed or Action.REATTEMPT in allowed,
        reassign=bool(allowed & {Action.ASSIGN, Action.REATTEMPT}) or shipment.state is State.ASSIGNED,
        cancel=Action.CANCEL in allowed,
        start_return=Action.START_RETURN in allowed,
        complete_return=Action.COMPLETE_RETURN in allowed,
    )


def reschedule(shipment: Shipment, actor: User, max_attempts: int, note: str | None = None) -> None:
    """Put the shipment back in the office's hands, to be planned for another day.

    Assigned: UNASSIGN (and off today's and later rounds). Failed: REATTEMPT then UNASSIGN.
    """
    details = {"reason": "rescheduled"} | ({"note": note} if note else {})
    if shipment.state is State.FAILED_ATTEMPT:
        custody.apply(shipment, Action.REATTEMPT, max_attempts=max_attempts, actor=actor, details=details)
    elif shipment.state is not State.ASSIGNED:
        raise IllegalTransition(shipment.state, Action.UNASSIGN)
    custody.apply(shipment, Action.UNASSIGN, max_attempts=max_attempts, actor=actor, details=details)
    planning.leave_rounds(shipment, local_today())


def reassign(shipment: Shipment, courier: User, day: date, actor: User, max_attempts: int) -> None:
    """Put the shipment on `courier`'s round for `day`, off any other round of that day or later.

    Raises planning.PlanningRefused or states.IllegalTransition if it cannot go.
    """
    if shipment.state is State.ASSIGNED:
        stop = _stop_on_or_after(shipment, min(day, local_today()))
        if stop is not None and stop.round.round_date == day:
            planning.transfer(stop.round, shipment, courier, actor)
            return
        planning.leave_rounds(shipment, min(day, local_today()))
    planning.add(planning.get_or_create_round(courier, day), [shipment], actor, max_attempts)


def cancel(shipment: Shipment, reason: str, actor: User | None, max_attempts: int,
           actor_label: str | None = None) -> None:
    """Cancel the shipment with a reason, by a user or (`actor_label`, e.g. the citizen) someone else.

    If it was only planned it leaves today's and later rounds; if the courier is out
    with it, the stop stays so that a hand-over made offline is still accepted (and flagged).
    """
    was_assigned = shipment.state is State.ASSIGNED
    custody.apply(shipment, Action.CANCEL, max_attempts=max_attempts, actor=actor, actor_label=actor_label,
                  details={"reason": reason})
    if was_assigned:
        planning.leave_rounds(shipment, local_today())
    else:
        _bump_rounds(shipment)


def start_return(shipment: Shipment, note: str | None, actor: User, max_attempts: int) -> None:
    """Send the shipment back towards the agency (START_RETURN); it leaves today's and later rounds."""
    custody.apply(shipment, Action.START_RETURN, max_attempts=max_attempts, actor=actor,
                  details={"note": note} if note else {})
    planning.leave_rounds(shipment, local_today())


def complete_return(shipment: Shipment, note: str | None, actor: User, max_attempts: int) -> None:
    """Record that the agency has the shipment back (COMPLETE_RETURN), with the hand-back note."""
    custody.apply(shipment, Action.COMPLETE_RETURN, max_attempts=max_attempts, actor=actor,
                  details={"return_note": note} if note else {})


def check(shipment: Shipment, action: Action, max_attempts: int) -> None:
    """Raise IllegalTransition if the state machine does not allow `action` now."""
    next_state(shipment.state, action, shipment.attempts_count, max_attempts, shipment.direction)


def _stop_on_or_after(shipment: Shipment, day: date) -> RoundStop | None:
    stop = planning.current_stop(shipment)
    return stop if stop is not None and stop.round.round_date >= day else None


def _bump_rounds(shipment: Shipment) -> None:
    """Tell the phones of today's and later rounds holding the shipment that it changed."""
    from ..models import Round

    for round_ in db.session.execute(
            db.select(Round).join(RoundStop).where(RoundStop.shipment_id == shipment.id,
                                                   Round.round_date >= local_today())).scalars():
        round_.version += 1


def staff_names(post_office_id: int) -> dict[str, str]:
    """Usernames → full names of the office's staff, for reading event details."""
    return dict(db.session.execute(
        db.select(User.username, User.full_name).filter_by(post_office_id=post_office_id)).all())


def distance_from_address(attempt: Attempt) -> float | None:
    """Metres between where the visit was recorded and the dossier's coordinates, if both are known."""
    from ..domain.routing import distance_m

    dossier = attempt.shipment.dossier
    if None in (attempt.latitude, attempt.longitude, dossier.latitude, dossier.longitude):
        return None
    return distance_m((attempt.latitude, attempt.longitude), (dossier.latitude, dossier.longitude))
