"""Planning rounds: which shipments are ready, whose round they go on, in what order.

Every change to a round's stops bumps `Round.version`, so a courier's phone
sees at its next sync that its copy is stale. State changes go through
ledger.custody; moving a stop between couriers changes no state and leaves a
note in the custody trail instead. Nothing here commits: the view does.

A round mixes the two ways a shipment travels: results to hand over, and pickups (a dossier
to take in at the citizen's door, Direction.COLLECT_DOSSIER). Which states may be planned,
and by which move, is read from the state table of the shipment's direction (states.READY,
states.TRANSITIONS), never from a list kept here.

A result is on at most one open stop (models.round: a UNIQUE column the
database keeps). A stop opens when the result is put on a round and closes
when it is taken off, moved to another courier, carried over from an earlier
day's round onto a new one, or its life ends (ledger.custody). A result open
on a round of today or later is held there: no other round may take it.
"""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, exists, or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..domain import routing
from ..domain.formatting import local_today
from ..domain.states import READY, TRANSITIONS, Action, Direction, IllegalTransition, State, next_state
from ..extensions import db
from ..ledger import custody
from ..models import Dossier, Pickup, PostOffice, Role, Round, RoundStop, Shipment, User
from .positions import positions

# Every direction's plannable states at once: the ready list's query reads them by the
# (office, state) index, then keeps each shipment whose state its own direction plans.
READY_STATES = tuple(sorted(frozenset().union(*READY.values())))
# Offered again after a failed visit (or a refused pickup): the states REATTEMPT starts from.
_OFFERED_AGAIN = tuple(sorted(frozenset().union(*(table[Action.REATTEMPT][0] for table in TRANSITIONS.values()))))
READY_LIMIT = 500


class PlanningRefused(ValueError):
    """Raised when a change to a round cannot be made; `code` says why, for the message.

    For "held", `holder` is the open stop that holds the result (its round's courier and date);
    `pickup` says the shipment is a dossier to take in, whose refusal reads differently.
    """

    def __init__(self, code: str, dossier_code: str = "", holder: "RoundStop | None" = None,
                 pickup: bool = False):
        self.code, self.dossier_code, self.holder, self.pickup = code, dossier_code, holder, pickup
        super().__init__(f"{code} {dossier_code}".strip())


@dataclass(frozen=True)
class Measure:
    """A round's length over the stops with a known position, and how many those are."""

    metres: float
    located: int
    total: int


@dataclass(frozen=True)
class Proposal:
    before_m: float
    after_m: float
    located: int
    total: int


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
          agency_id: int | None = None, max_attempts: int | None = None,
          limit: int = READY_LIMIT) -> list[Shipment]:
    """Shipments that can go on a round for `day`, oldest due date first (a pickup's due date is
    the day the citizen asked for), with their pickup and its procedure loaded.

    Results received; pickups requested; failed results and refused pickups awaiting another
    visit (given `max_attempts`, only those with visits left); and assigned ones left over
    from an earlier day's round. None that is held by an open stop on a round of today or
    later: today's round may still visit it.
    """
    query = (
        db.select(Shipment).join(Shipment.dossier)
        .where(Shipment.post_office_id == post_office_id, Shipment.state.in_(READY_STATES))
        .where(or_(*(and_(Shipment.direction == direction, Shipment.state.in_(sorted(states)))
                     for direction, states in READY.items())))
        .where(~_held_by_a_round(Shipment.id, day))
        .options(joinedload(Shipment.dossier).joinedload(Dossier.agency),
                 joinedload(Shipment.pickup).joinedload(Pickup.procedure))
    )
    if max_attempts is not None:
        query = query.where(or_(Shipment.state.not_in(_OFFERED_AGAIN), Shipment.attempts_count < max_attempts))
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

    Checks them all first: raises PlanningRefused (nothing changed) if one cannot go, "held"
    for one open on a round of today or later. One left open on an earlier day's round
    (a failed visit, a leftover) is carried over: that stop closes and the new one opens.
    Writes the stops (no commit): if a concurrent request put one of them on a round
    meanwhile, the database refuses, the session is rolled back whole and PlanningRefused
    "held" raised.
    """
    open_stops = _open_stops([shipment.id for shipment in shipments])
    for shipment in shipments:
        _check_addable(round_, shipment, open_stops.get(shipment.id), max_attempts)
    codes = {shipment.id: shipment.dossier.code for shipment in shipments}
    _close(list(open_stops.values()))  # what is left are earlier days' leftovers
    position = _next_position(round_)
    for shipment in shipments:
        details = _round_details(round_)
        action = _move_onto_round(shipment)
        if action is not None:
            custody.apply(shipment, action, max_attempts=max_attempts, actor=actor, details=details)
        else:  # assigned, carried over from an earlier day
            # Back at the office since: on its new round it is taken out again, like the rest.
            shipment.holder_courier = None
            custody.note(shipment, "round_changed", actor=actor, details=details)
        round_.stops.append(RoundStop(shipment=shipment, position=position, open_shipment_id=shipment.id))
        position += 1
    round_.version += 1
    _write_or_refuse(codes)


def _check_addable(round_: Round, shipment: Shipment, open_stop: RoundStop | None, max_attempts: int) -> None:
    code, pickup = shipment.dossier.code, _is_pickup(shipment)
    if shipment.post_office_id != round_.post_office_id:
        raise PlanningRefused("not_ready", code, pickup=pickup)
    if open_stop is not None and open_stop.round.round_date >= local_today():
        raise PlanningRefused("held", code, open_stop, pickup=pickup)
    if shipment.state not in READY[_direction(shipment)]:
        raise PlanningRefused("not_ready", code, pickup=pickup)
    action = _move_onto_round(shipment)
    if action is not None:
        try:
            next_state(shipment.state, action, shipment.attempts_count, max_attempts, _direction(shipment))
        except IllegalTransition:  # a reattempt past the limit: the visits are over
            raise PlanningRefused("too_many_attempts", code, pickup=pickup) from None


def _move_onto_round(shipment: Shipment) -> Action | None:
    """The move that puts the shipment on a round from its state: ASSIGN (received, requested) or
    REATTEMPT (failed, refused), as its direction's table says; None for one assigned already."""
    table = TRANSITIONS[_direction(shipment)]
    for action in (Action.ASSIGN, Action.REATTEMPT):
        if shipment.state in table[action][0]:
            return action
    return None


def _direction(shipment: Shipment) -> Direction:
    return shipment.direction or Direction.DELIVER_RESULT


def _is_pickup(shipment: Shipment) -> bool:
    return _direction(shipment) is Direction.COLLECT_DOSSIER


def _held_by_a_round(shipment_id, day: date):
    """The condition "open on a round of today or later" (or of `day` on, for a day gone by)."""
    return exists().where(RoundStop.open_shipment_id == shipment_id, RoundStop.round_id == Round.id,
                          Round.round_date >= min(day, local_today()))


def _open_stops(shipment_ids: list[int]) -> dict[int, RoundStop]:
    """Each shipment's open stop, if it has one, with its round and courier: one query."""
    if not shipment_ids:
        return {}
    return {stop.shipment_id: stop for stop in db.session.execute(
        db.select(RoundStop).where(RoundStop.open_shipment_id.in_(shipment_ids))
        .options(joinedload(RoundStop.round).joinedload(Round.courier))).scalars()}


def _close(stops: list[RoundStop]) -> None:
    for stop in stops:
        stop.open_shipment_id = None
    if stops:
        db.session.flush()  # closed before any new stop opens, so the constraint never sees two


def _write_or_refuse(codes: dict[int, str]) -> None:
    """Flush the new stops; a result another request opened meanwhile becomes PlanningRefused "held"."""
    try:
        db.session.flush()
    except IntegrityError:
        # The unique open stop refused ours: another dispatcher planned the result between our
        # check and this write. The whole transaction goes (not a SAVEPOINT: with SQLite's
        # Python driver, releasing one that opened the transaction commits it; services.handover).
        db.session.rollback()
        held = [stop for stop in _open_stops(list(codes)).values() if stop.round.round_date >= local_today()]
        if not held:
            raise  # some other constraint: a bug, not a race
        raise PlanningRefused("held", codes[held[0].shipment_id], held[0]) from None


def propose(round_: Round, office: PostOffice) -> Proposal:
    """Reorder the round as routing.propose_order suggests, from the post office; bumps the version.

    The lengths before and after cover only the stops with a position (`located` of `total`).
    """
    where = positions(round_)
    before = measure(round_, office, where)
    stops = list(round_.stops)
    keys = routing.propose_order(
        [routing.Stop(key=stop.id, commune=stop.shipment.dossier.ward_code,
                      point=where[stop.shipment_id][0] if stop.shipment_id in where else None,
                      street=stop.shipment.dossier.street) for stop in stops],
        _start(office))
    by_id = {stop.id: stop for stop in stops}
    _renumber(round_, [by_id[key] for key in keys])
    after = measure(round_, office, where)
    return Proposal(before_m=before.metres, after_m=after.metres, located=after.located, total=after.total)


def measure(round_: Round, office: PostOffice, where: dict | None = None) -> Measure:
    """The round's length in metres in its current order, from the office, over the stops with a
    position (`where`, from positions(), read if not given)."""
    where = positions(round_) if where is None else where
    stops = ordered(round_)
    points = [where[stop.shipment_id][0] for stop in stops if stop.shipment_id in where]
    return Measure(routing.tour_length(points, _start(office) if points else None), len(points), len(stops))


def _start(office: PostOffice) -> routing.Point | None:
    return (office.latitude, office.longitude) if office.latitude is not None and office.longitude is not None \
        else None


def shift(round_: Round, shipment: Shipment, step: int) -> None:
    """Move a stop one place up (step -1) or down (+1); at either end nothing changes."""
    stops = ordered(round_)
    index = _index_of(stops, shipment)
    target = index + step
    if 0 <= target < len(stops):
        stops[index], stops[target] = stops[target], stops[index]
        _renumber(round_, stops)


def remove(round_: Round, shipment: Shipment, actor: User, max_attempts: int) -> RoundStop | None:
    """Take a stop off the round; returns the open stop that still holds the result, if any.

    From its open stop the shipment goes back to the office's hands (UNASSIGN: a result to the
    shelf, a pickup back to "requested"): raises states.IllegalTransition unless it is assigned
    (not yet taken out). A pickup the courier could not take (refused, awaiting another visit)
    just leaves, unchanged, so that it can be offered again on any round. A closed stop whose
    result is open on another round just leaves; the result stays where it is.
    """
    stop = _stop_of(round_, shipment)
    holder = None if stop.open_shipment_id is not None else _open_stops([shipment.id]).get(shipment.id)
    if holder is None and not _awaits_another_visit(shipment):
        custody.apply(shipment, Action.UNASSIGN, max_attempts=max_attempts, actor=actor,
                      details=_round_details(round_))
    _drop(round_, stop)
    return holder


def _awaits_another_visit(shipment: Shipment) -> bool:
    # A result never waits so on its stop (a failed visit is decided at once: reattempt or
    # return); a refused pickup does, until a dispatcher offers it again.
    return _move_onto_round(shipment) is Action.REATTEMPT


def transfer(round_: Round, shipment: Shipment, to_courier: User, actor: User) -> Round:
    """Move a stop to another courier's round of the same date (made if needed); returns that round.

    Only an assigned shipment moves: one out for delivery is in the first courier's bag (an
    assigned pickup moves too: the courier carries nothing for it).
    The old stop goes and the new one opens in its place; a concurrent plan of the same
    result is refused as add() does.
    """
    stop = _stop_of(round_, shipment)
    if shipment.state is not State.ASSIGNED:
        raise PlanningRefused("not_movable", shipment.dossier.code, pickup=_is_pickup(shipment))
    target = get_or_create_round(to_courier, round_.round_date)
    if target.id == round_.id:
        return target
    codes, was_open = {shipment.id: shipment.dossier.code}, stop.open_shipment_id
    _drop(round_, stop)
    db.session.flush()  # the old stop is gone before the new one opens
    target.stops.append(RoundStop(shipment=shipment, position=_next_position(target), open_shipment_id=was_open))
    target.version += 1
    custody.note(shipment, "round_changed", actor=actor,
                 details=_round_details(target) | {"from_courier": round_.courier.username})
    _write_or_refuse(codes)
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
    _renumber(round_, ordered(round_))


def _renumber(round_: Round, stops: list[RoundStop]) -> None:
    for position, stop in enumerate(stops):
        stop.position = position
    round_.version += 1


def ordered(round_: Round) -> list[RoundStop]:
    """The round's stops in their order (a stop not yet flushed last among equals)."""
    return sorted(round_.stops, key=lambda stop: (stop.position, stop.id or 0))


def _index_of(stops: list[RoundStop], shipment: Shipment) -> int:
    for index, stop in enumerate(stops):
        if stop.shipment_id == shipment.id:
            return index
    raise PlanningRefused("not_on_round", shipment.dossier.code)


def _stop_of(round_: Round, shipment: Shipment) -> RoundStop:
    stops = ordered(round_)
    return stops[_index_of(stops, shipment)]


def _next_position(round_: Round) -> int:
    return max((stop.position for stop in round_.stops), default=-1) + 1


def _round_details(round_: Round) -> dict:
    return {"round": str(round_.public_id), "round_date": round_.round_date.isoformat(),
            "courier": round_.courier.username}
