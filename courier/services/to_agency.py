"""A dossier taken in on its way to the agency: handed in at the office, sent on a batch list.

The courier brings the envelopes back and the office scans each (HAND_IN); the dispatcher
then makes one batch list (biên bản bàn giao hồ sơ) per agency of the envelopes going there,
and each leaves the office with it (SEND_TO_AGENCY). The agency's side is services/agency_desk.py.
Nothing here commits: the view does.
"""
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.orm import joinedload, selectinload

from ..domain.states import Action, Direction, State
from ..extensions import db
from ..ledger import custody
from ..models import Agency, AgencyBatch, Attempt, Dossier, Pickup, Shipment, User
from . import write_lock
from .rounds import named_by

LIST_LIMIT = 500


@dataclass(frozen=True)
class HandIn:
    code: str
    status: str  # handed_in, already, unexpected, ambiguous
    shipment: Shipment | None = None


class BatchRefused(ValueError):
    """Raised when a batch list cannot be made: `code` is empty (nothing chosen) or not_ready."""

    def __init__(self, code: str, dossier_code: str = ""):
        self.code, self.dossier_code = code, dossier_code
        super().__init__(f"{code} {dossier_code}".strip())


def _dossiers(post_office_id: int, state: State):
    return (db.select(Shipment).join(Shipment.dossier)
            .where(Shipment.post_office_id == post_office_id, Shipment.direction == Direction.COLLECT_DOSSIER,
                   Shipment.state == state)
            .options(joinedload(Shipment.dossier).joinedload(Dossier.agency),
                     joinedload(Shipment.holder_courier),
                     selectinload(Shipment.pickup).joinedload(Pickup.procedure)))


def with_couriers(post_office_id: int) -> list[Shipment]:
    """Dossiers picked up and not yet handed in at the office: who holds each, oldest first."""
    return list(db.session.execute(_dossiers(post_office_id, State.PICKED_UP)
                                   .order_by(Shipment.holder_courier_id, Shipment.id).limit(LIST_LIMIT)).scalars())


def hand_in(post_office_id: int, code: str, actor: User, max_attempts: int) -> HandIn:
    """Take in at the office the picked-up dossier a scanned envelope (or typed code) names."""
    query = named_by(db.select(Shipment).where(Shipment.post_office_id == post_office_id,
                                               Shipment.direction == Direction.COLLECT_DOSSIER), code)
    found = list(db.session.execute(query).scalars()) if query is not None else []
    waiting = [shipment for shipment in found if shipment.state is State.PICKED_UP]
    if len(waiting) > 1:
        return HandIn(code, "ambiguous")
    if waiting:
        write_lock.hold(db.session, waiting[0])  # scanned twice at once: handed in once
    if waiting and waiting[0].state is State.PICKED_UP:
        courier = waiting[0].holder_courier
        custody.apply(waiting[0], Action.HAND_IN, max_attempts=max_attempts, actor=actor,
                      details={"from_courier": courier.username} if courier else {})
        return HandIn(code, "handed_in", waiting[0])
    return HandIn(code, "already", found[0]) if found else HandIn(code, "unexpected")


def at_the_office(post_office_id: int) -> list[tuple[Agency, list[Shipment]]]:
    """Dossiers handed in and waiting to go to their agency, by agency."""
    by_agency: dict[int, tuple[Agency, list[Shipment]]] = {}
    for shipment in db.session.execute(_dossiers(post_office_id, State.HANDED_IN)
                                       .order_by(Dossier.agency_id, Dossier.code).limit(LIST_LIMIT)).scalars():
        agency = shipment.dossier.agency
        by_agency.setdefault(agency.id, (agency, []))[1].append(shipment)
    return sorted(by_agency.values(), key=lambda pair: pair[0].name)


def make_batch(post_office_id: int, agency_id: int, public_ids: list, actor: User,
               max_attempts: int) -> AgencyBatch:
    """One batch list of the chosen envelopes for one agency; each leaves the office (SEND_TO_AGENCY).

    Checks them all first: raises BatchRefused "empty", or "not_ready" naming the first that is not
    a handed-in dossier of this office for this agency (nothing changed).
    """
    if not public_ids:
        raise BatchRefused("empty")
    chosen = {shipment.public_id: shipment for shipment in db.session.execute(
        _dossiers(post_office_id, State.HANDED_IN).where(Shipment.public_id.in_(public_ids))).scalars()}
    write_lock.hold(db.session, *chosen.values())  # a double click makes one list
    for public_id in public_ids:
        shipment = chosen.get(public_id)
        if shipment is None or shipment.dossier.agency_id != agency_id or shipment.state is not State.HANDED_IN:
            raise BatchRefused("not_ready", shipment.dossier.code if shipment else "")
    batch = AgencyBatch(agency_id=agency_id, post_office_id=post_office_id, created_by=actor)
    db.session.add(batch)
    db.session.flush()  # its id names it in the events
    for shipment in chosen.values():
        shipment.pickup.batch = batch
        custody.apply(shipment, Action.SEND_TO_AGENCY, max_attempts=max_attempts, actor=actor,
                      details={"batch": str(batch.public_id)})
    return batch


def recent_batches(post_office_id: int, limit: int = 20) -> list[AgencyBatch]:
    """The office's latest batch lists, newest first, with their dossiers."""
    return list(db.session.execute(
        db.select(AgencyBatch).filter_by(post_office_id=post_office_id)
        .options(joinedload(AgencyBatch.agency), selectinload(AgencyBatch.pickups))
        .order_by(AgencyBatch.id.desc()).limit(limit)).scalars())


def batch_of_office(post_office_id: int, public_id) -> AgencyBatch | None:
    return db.session.execute(
        db.select(AgencyBatch).filter_by(public_id=public_id, post_office_id=post_office_id)).scalar_one_or_none()


def batch_lines(batch: AgencyBatch) -> list[tuple[Shipment, int]]:
    """The batch's dossiers, each with the agency's fee the courier collected at the door for it."""
    shipments = batch_shipments(batch)
    collected = dict(db.session.execute(
        db.select(Attempt.shipment_id, func.sum(Attempt.fee_agency_collected))
        .where(Attempt.shipment_id.in_([shipment.id for shipment in shipments]))
        .group_by(Attempt.shipment_id)).all()) if shipments else {}
    return [(shipment, int(collected.get(shipment.id) or 0)) for shipment in shipments]


def batch_shipments(batch: AgencyBatch) -> list[Shipment]:
    """The batch's dossiers in the order the list prints them (by dossier code)."""
    return list(db.session.execute(
        db.select(Shipment).join(Pickup, Pickup.shipment_id == Shipment.id).join(Shipment.dossier)
        .where(Pickup.batch_id == batch.id)
        .options(joinedload(Shipment.dossier), selectinload(Shipment.pickup).joinedload(Pickup.procedure))
        .order_by(Dossier.code)).scalars())
