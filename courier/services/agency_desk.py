"""The agency's side of a dossier we bring: what is on its way, acknowledging it, sending it back.

Used by the desk page (an agency desk user, who sees their own agency's dossiers only) and
by the agency API (an agency's key). Acknowledging records the agency's own dossier code and
the promised date (ACKNOWLEDGE); sending back for supplementation (RETURN_FOR_SUPPLEMENT)
opens a delivery of the papers back to the citizen, on the same dossier and citizen link.
Nothing here commits: the caller does.
"""
from sqlalchemy.orm import joinedload, selectinload

from ..domain.acknowledgement import Acknowledgement
from ..domain.states import Action, Direction, State
from ..domain.storage import MediaStore
from ..extensions import db
from ..ledger import custody
from ..models import Dossier, Pickup, Shipment, User
from ..models.types import utcnow
from . import privacy, write_lock
from .rounds import named_by

LIST_LIMIT = 500


class DeskRefused(ValueError):
    """`code`: not_incoming (not on its way to this agency now) or official_code_taken."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(code)


def _of_agency(agency_id: int):
    return (db.select(Shipment).join(Shipment.dossier)
            .where(Dossier.agency_id == agency_id, Shipment.direction == Direction.COLLECT_DOSSIER)
            .options(joinedload(Shipment.dossier), selectinload(Shipment.pickup).joinedload(Pickup.procedure)))


def incoming(agency_id: int) -> list[Shipment]:
    """The agency's dossiers on their way to its desk (sent on a batch list), oldest first."""
    return list(db.session.execute(_of_agency(agency_id).where(Shipment.state == State.IN_TRANSIT)
                                   .order_by(Shipment.id).limit(LIST_LIMIT)).scalars())


def recently_acknowledged(agency_id: int, limit: int = 20) -> list[Shipment]:
    return list(db.session.execute(
        _of_agency(agency_id).join(Pickup, Pickup.shipment_id == Shipment.id)
        .where(Shipment.state == State.AT_AGENCY).order_by(Pickup.acknowledged_at.desc()).limit(limit)).scalars())


def find(agency_id: int, code: str) -> Shipment | None:
    """The agency's dossier a scanned envelope, a shipment id or our reference names; None if none
    (another agency's dossier is none too)."""
    query = named_by(_of_agency(agency_id), code)
    return db.session.execute(query.order_by(Shipment.id.desc())).scalars().first() if query is not None else None


def describe(shipment: Shipment) -> dict:
    """A dossier as the agency API shows it (schemas.IncomingOut)."""
    dossier, pickup = shipment.dossier, shipment.pickup
    return {"shipment_id": str(shipment.public_id), "reference": dossier.code,
            "procedure_code": pickup.procedure.code, "procedure_name": pickup.procedure.name,
            "applicant_name": dossier.applicant_name, "applicant_phone": dossier.applicant_phone,
            "pages": pickup.pages, "state": str(shipment.state),
            "batch": str(pickup.batch.public_id) if pickup.batch else None,
            "official_code": pickup.official_code,
            "promised_date": pickup.promised_date.isoformat() if pickup.promised_date else None}


def acknowledge(shipment: Shipment, acknowledgement: Acknowledgement, *, max_attempts: int, store: MediaStore,
                actor: User | None = None, actor_label: str | None = None) -> None:
    """The desk has the dossier: record its official code and promised date (ACKNOWLEDGE), and delete
    the photos of its papers taken at the door (kept only until now, as the citizen was told).

    Raises DeskRefused "not_incoming" unless it is on its way to the desk, "official_code_taken"
    if another of the agency's dossiers we brought carries that code already.
    """
    write_lock.hold(db.session, shipment)
    if shipment.state is not State.IN_TRANSIT:
        raise DeskRefused("not_incoming")
    taken = db.session.execute(
        db.select(Pickup.shipment_id).join(Shipment, Pickup.shipment_id == Shipment.id).join(Shipment.dossier)
        .where(Dossier.agency_id == shipment.dossier.agency_id, Pickup.official_code == acknowledgement.official_code,
               Pickup.shipment_id != shipment.id)).first()
    if taken is not None:
        raise DeskRefused("official_code_taken")
    pickup = shipment.pickup
    pickup.official_code, pickup.promised_date = acknowledgement.official_code, acknowledgement.promised_date
    pickup.acknowledged_at = utcnow()
    custody.apply(shipment, Action.ACKNOWLEDGE, max_attempts=max_attempts, actor=actor, actor_label=actor_label,
                  details={"official_code": acknowledgement.official_code,
                           "promised_date": acknowledgement.promised_date.isoformat()})
    privacy.purge_paper_photos(shipment, store)


def send_back(shipment: Shipment, reason: str, *, max_attempts: int, actor: User | None = None,
              actor_label: str | None = None) -> Shipment:
    """The agency returns the dossier to be completed: RETURN_FOR_SUPPLEMENT, and a delivery of the
    papers back to the citizen (REGISTERED, at the office that took them in). Returns that delivery.

    Raises DeskRefused "not_incoming" unless the dossier is on its way to the desk or at it.
    """
    write_lock.hold(db.session, shipment)
    if shipment.state not in (State.IN_TRANSIT, State.AT_AGENCY):
        raise DeskRefused("not_incoming")
    custody.apply(shipment, Action.RETURN_FOR_SUPPLEMENT, max_attempts=max_attempts, actor=actor,
                  actor_label=actor_label, details={"reason": reason})
    return custody.register_shipment(shipment.dossier, shipment.post_office, actor=actor, actor_label=actor_label,
                                     details={"supplement_of": str(shipment.public_id), "reason": reason})
