"""Planning rounds: which shipments are ready, whose round they go on, in what order.

Every change to a round's stops bumps `Round.version`, so a courier's phone
sees at its next sync that its copy is stale. State changes go through
domain.custody; moving a stop between couriers changes no state and leaves a
note in the custody trail instead. Nothing here commits: the view does.
"""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists
from sqlalchemy.orm import joinedload

from ..domain import custody, routing
from ..domain.states import Action, IllegalTransition, State, next_state
from ..extensions import db
from ..models import Dossier, PostOffice, Role, Round, RoundStop, Shipment, User

READY_STATES = (State.RECEIVED, State.FAILED_ATTEMPT, State.ASSIGNED)
READY_LIMIT = 500


class PlanningRefused(ValueError):
    """Raised when a change to a round cannot be made; `code` says why, for the message."""

    def __init__(self, code: str, dossier_code: str = ""):
        self.code, self.dossier_code = code, dossier_code
        super().__init__(f"{code} {dossier_code}".strip())


@dataclass
class Proposal:
    before_m: float
    after_m: float


def couriers(post_office_id: int, active_only: bool = True) -> list[User]:
    """The office's couriers, by name: the active ones to plan with, or all of them (a courier
    who has left may still have cash to hand in and a past to report)."""
    query = db.select(User).filter_by(post_office_id=post_office_id, role=Role.COURIER)
    if active_only:
        query = query.filter_by(active=True)
    return list(db.session.execute(query.order_by(User.full_name, User.id)).scalars())


def courier_of_office(post_office_id: int, user_id: int | None) -> User | None:
    """The courier with this id if they are an active courier of the office, else None."""
    if user_id is None:
        return None
    person = db.session.get(User, user_id)
    if person is None or person.post_office_id != post_office_id or person.role != Role.COURIER \
            or not person.active:
        return None
    return person


def round_for(courier: User, day: date) -> Round | None:
    """The courier's round for a date; the newest if (by a race) there are two, as the phone picks."""
    return db.session.execute(
        db.select(Round).filter_by(courier_id=courier.id, round_date=day).order_by(Round.id.desc())
    ).scalars().first()


def round_of_office(post_office_id: int, public_id) -> Round | None:
    """A round by its public id, only if it belongs to the office."""
    return db.session.execute(
        db.select(Round).filter_by(public_id=public_id, post_office_id=post_office_id)
    ).scalar_one_or_none()


def get_or_create_round(courier: User, day: date) -> Round:
    """The courier's round for the date, made (empty, version 1) if there is none yet."""
    found = round_for(courier, day)
    if found is None:
        found = Round(courier=courier, post_office_id=courier.post_office_id, round_date=day, version=1)
        db.session.add(found)
        db.session.flush()
    return found


def rounds_of_day(post_office_id: int, day: date) -> list[Round]:
    """Every round of the office on a date, with their stops loaded."""
    return list(db.session.execute(
        db.select(Round).filter_by(post_office_id=post_office_id, round_date=day)
        .options(joinedload(Round.courier), joinedload(Round.stops).joinedload(RoundStop.shipment))
        .order_by(Round.id)).unique().scalars())


def ready(post_office_id: int, day: date, *, ward_code: int | None = None, due: date | None = None,
          agency_id: int | None = None, limit: int = READY_LIMIT) -> list[Shipment]:
    """Shipments that can go on a round for `day`, oldest due date first.

    Received ones; failed ones awaiting another visit; and assigned ones left over
    from an earlier day's round (a reattempt after a failed visit) that are on no
    round for `day` or later.
    """
    planned_later = exists().where(RoundStop.shipment_id == Shipment.id, RoundStop.round_id == Round.id,
                                   Round.round_date >= day)
    query = (
        db.select(Shipment).join(Shipment.dossier)
        .where(Shipment.post_office_id == post_office_id, Shipment.state.in_(READY_STATES))
        .where((Shipment.state != State.ASSIGNED) | ~planned_later)
        .options(joinedload(Shipment.dossier).joinedload(Dossier.agency))
    )
    if ward_code:
        query = query.where(Dossier.ward_code == ward_code)
    if due:
        query = query.where(Dossier.due_date <= due)
    if agency_id:
        query = query.where(Dossier.agency_id == agency_id)
    nulls_last = Dossier.due_date.is_(None)
    return list(db.session.execute(
        query.order_by(nulls_last, Dossier.due_date, Dossier.ward_code, Shipment.id).limit(limit)).scalars())


def add(round_: Round, shipments: list[Shipment], actor: User, max_attempts: int) -> None:
    """Put shipments at the end of a round, assigning each as its state requires.

    Checks them all first: raises PlanningRefused (nothing changed) if one cannot go.
    """
    for shipment in shipments:
        _check_addable(round_, shipment, max_attempts)
    position = _next_position(round_)
    for shipment in shipments:
        details = _round_details(round_)
        if shipment.state is State.RECEIVED:
            custody.apply(shipment, Action.ASSIGN, max_attempts=max_attempts, actor=actor, details=details)
        elif shipment.state is State.FAILED_ATTEMPT:
            custody.apply(shipment, Action.REATTEMPT, max_attempts=max_attempts, actor=actor, details=details)
        else:  # assigned, carried over from an earlier day
            custody.note(shipment, "round_changed", actor=actor, details=details)
        round_.stops.append(RoundStop(shipment=shipment, position=position))
        position += 1
    round_.version += 1


def _check_addable(round_: Round, shipment: Shipment, max_attempts: int) -> None:
    if shipment.post_office_id != round_.post_office_id:
        raise PlanningRefused("not_ready", shipment.dossier.code)
    if shipment.state is State.FAILED_ATTEMPT:
        try:
            next_state(shipment.state, Action.REATTEMPT, shipment.attempts_count, max_attempts)
        except IllegalTransition:
            raise PlanningRefused("too_many_attempts", shipment.dossier.code) from None
    elif shipment.state is State.ASSIGNED:
        if _planned_on_or_after(shipment, round_.round_date):
            raise PlanningRefused("already_planned", shipment.dossier.code)
    elif shipment.state is not State.RECEIVED:
        raise PlanningRefused("not_ready", shipment.dossier.code)


def _planned_on_or_after(shipment: Shipment, day: date) -> bool:
    return db.session.execute(
        db.select(RoundStop.id).join(Round)
        .where(RoundStop.shipment_id == shipment.id, Round.round_date >= day).limit(1)
    ).first() is not None


def propose(round_: Round, office: PostOffice) -> Proposal:
    """Reorder the round as routing.propose_order suggests, from the post office; bumps the version."""
    start = (office.latitude, office.longitude) if office.latitude is not None and office.longitude is not None \
        else None
    stops = list(round_.stops)
    before = _length(stops, start)
    keys = routing.propose_order(
        [routing.Stop(key=stop.id, commune=stop.shipment.dossier.ward_code, point=_point(stop)) for stop in stops],
        start)
    by_id = {stop.id: stop for stop in stops}
    _renumber(round_, [by_id[key] for key in keys])
    return Proposal(before_m=before, after_m=_length(_ordered(round_), start))


def length_m(round_: Round, office: PostOffice) -> float:
    """The round's length in metres in its current order, from the office, over located stops."""
    start = (office.latitude, office.longitude) if office.latitude is not None and office.longitude is not None \
        else None
    return _length(_ordered(round_), start)


def shift(round_: Round, shipment: Shipment, step: int) -> None:
    """Move a stop one place up (step -1) or down (+1); at either end nothing changes."""
    stops = _ordered(round_)
    index = _index_of(stops, shipment)
    target = index + step
    if 0 <= target < len(stops):
        stops[index], stops[target] = stops[target], stops[index]
        _renumber(round_, stops)


def remove(round_: Round, shipment: Shipment, actor: User, max_attempts: int) -> None:
    """Take a stop off the round and put the shipment back in the office's hands (UNASSIGN).

    Raises states.IllegalTransition unless the shipment is assigned (not yet taken out).
    """
    stop = _stop_of(round_, shipment)
    custody.apply(shipment, Action.UNASSIGN, max_attempts=max_attempts, actor=actor,
                  details=_round_details(round_))
    _drop(round_, stop)


def transfer(round_: Round, shipment: Shipment, to_courier: User, actor: User) -> Round:
    """Move a stop to another courier's round of the same date (made if needed); returns that round.

    Only an assigned shipment moves: one out for delivery is in the first courier's bag.
    """
    stop = _stop_of(round_, shipment)
    if shipment.state is not State.ASSIGNED:
        raise PlanningRefused("not_movable", shipment.dossier.code)
    target = get_or_create_round(to_courier, round_.round_date)
    if target.id == round_.id:
        return target
    _drop(round_, stop)
    target.stops.append(RoundStop(shipment=shipment, position=_next_position(target)))
    target.version += 1
    custody.note(shipment, "round_changed", actor=actor,
                 details=_round_details(target) | {"from_courier": round_.courier.username})
    return target


def leave_rounds(shipment: Shipment, from_day: date) -> None:
    """Take a shipment off every round dated `from_day` or later; earlier rounds stay as history."""
    stops = db.session.execute(
        db.select(RoundStop).join(Round)
        .where(RoundStop.shipment_id == shipment.id, Round.round_date >= from_day)).scalars().all()
    for stop in stops:
        _drop(stop.round, stop)


def current_stop(shipment: Shipment) -> RoundStop | None:
    """The stop on the newest round the shipment is on, if any."""
    return db.session.execute(
        db.select(RoundStop).join(Round).where(RoundStop.shipment_id == shipment.id)
        .order_by(Round.round_date.desc(), Round.id.desc())).scalars().first()


def _drop(round_: Round, stop: RoundStop) -> None:
    round_.stops.remove(stop)  # delete-orphan cascade removes the row
    _renumber(round_, _ordered(round_))


def _renumber(round_: Round, stops: list[RoundStop]) -> None:
    for position, stop in enumerate(stops):
        stop.position = position
    round_.version += 1


def _ordered(round_: Round) -> list[RoundStop]:
    return sorted(round_.stops, key=lambda stop: (stop.position, stop.id or 0))


def _index_of(stops: list[RoundStop], shipment: Shipment) -> int:
    for index, stop in enumerate(stops):
        if stop.shipment_id == shipment.id:
            return index
    raise PlanningRefused("not_on_round", shipment.dossier.code)


def _stop_of(round_: Round, shipment: Shipment) -> RoundStop:
    stops = _ordered(round_)
    return stops[_index_of(stops, shipment)]


def _next_position(round_: Round) -> int:
    return max((stop.position for stop in round_.stops), default=-1) + 1


def _point(stop: RoundStop):
    dossier = stop.shipment.dossier
    if dossier.latitude is None or dossier.longitude is None:
        return None
    return (dossier.latitude, dossier.longitude)


def _length(stops: list[RoundStop], start) -> float:
    points = [point for point in map(_point, stops) if point]
    return routing.tour_length(points, start if points else None)


def _round_details(round_: Round) -> dict:
    return {"round": str(round_.public_id), "round_date": round_.round_date.isoformat(),
            "courier": round_.courier.username}
