"""Rounds as a courier's phone sees them: today's stops, who holds what, the courier's order."""
import uuid

from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy.orm import joinedload, selectinload

from ..domain import addresses, formatting, vietqr
from ..domain.formatting import local_today
from ..domain.states import OFF_THE_ROUND, Direction, State
from ..extensions import db
from ..models import CitizenLink, Dossier, Event, Pickup, Procedure, Round, RoundStop, Shipment, User
from ..models.types import utcnow
from ..vocabulary import FAILURE_REASON_LABELS, PICKUP_REFUSAL_LABELS, SLOT_LABELS, STATE_LABELS
from .door_pickup import collected_for_dossiers
from .pickups import receipt_link


def todays_round(courier: User) -> Round | None:
    """The courier's round for today (Vietnam date), or None if none is planned."""
    return db.session.execute(
        db.select(Round).filter_by(courier_id=courier.id, round_date=local_today())
        .order_by(Round.id.desc())
    ).scalars().first()


def has_been_on_round(courier: User, shipment: Shipment) -> bool:
    """True if the shipment is or was on any of this courier's rounds.

    Stops taken off a round are deleted, so the custody trail (whose round
    events name the courier) is read too: a courier who delivered offline
    what was meanwhile moved away is still recorded, and flagged.
    """
    on_a_round = db.session.execute(
        db.select(RoundStop.id).join(Round)
        .where(RoundStop.shipment_id == shipment.id, Round.courier_id == courier.id).limit(1)
    ).first() is not None
    if on_a_round:
        return True
    trail = db.session.execute(db.select(Event.details).filter_by(shipment_id=shipment.id)).scalars()
    return any(courier.username in ((details or {}).get("courier"), (details or {}).get("from_courier"))
               for details in trail)


def current_round_courier(shipment: Shipment) -> User | None:
    """The courier of the newest round the shipment is on, if any."""
    return db.session.execute(
        db.select(User).where(User.id == current_round_courier_id(shipment.id).scalar_subquery())
    ).scalar_one_or_none()


def current_round_courier_id(shipment_id):
    """The query for the id of that courier, for a shipment's id or column (a hand-over reads it
    with the shipment, and needs no more than the id)."""
    return (db.select(Round.courier_id).join(RoundStop).where(RoundStop.shipment_id == shipment_id)
            .order_by(Round.round_date.desc(), Round.id.desc()).limit(1))


def round_payload(courier: User, max_attempts: int, bank: tuple[str, str] | None = None) -> dict:
    """Everything the phone needs to work the day offline (docs/courier-sync.md)."""
    round_ = todays_round(courier)
    return {
        "courier": {"username": courier.username, "full_name": courier.full_name},
        "round": None if round_ is None else {
            "id": str(round_.public_id), "date": round_.round_date.isoformat(),
            "date_label": formatting.format_date(round_.round_date), "version": round_.version,
        },
        "stops": [] if round_ is None else _stops(round_, bank),
        "failure_reasons": [{"code": str(code), "label": str(label)}
                            for code, label in FAILURE_REASON_LABELS.items()],
        # A pickup's door ends with the dossier taken in or one of these (docs/courier-sync.md).
        "pickup_refusal_reasons": [{"code": str(code), "label": str(label)}
                                   for code, label in PICKUP_REFUSAL_LABELS.items()],
        "max_attempts": max_attempts,
        "server_time": utcnow().isoformat().replace("+00:00", "Z"),
    }


def _stops(round_: Round, bank: tuple[str, str] | None) -> list[dict]:
    """The round's stops, read in a few queries however many there are (not a few per stop):
    a pickup's procedure comes in the stops' query, its documents in one more."""
    shipment = joinedload(RoundStop.shipment, innerjoin=True)
    stops = db.session.execute(
        db.select(RoundStop).where(RoundStop.round_id == round_.id).order_by(RoundStop.position)
        .options(shipment.joinedload(Shipment.dossier, innerjoin=True)
                 .options(joinedload(Dossier.agency, innerjoin=True), selectinload(Dossier.authorised_persons)),
                 shipment.joinedload(Shipment.pickup).joinedload(Pickup.procedure)
                 .selectinload(Procedure.documents))
    ).scalars().all()
    notes = _latest_citizen_notes([stop.shipment_id for stop in stops])
    # The agency's fee a citizen already paid at the door when the dossier was taken in: its
    # result's delivery must not ask for it again (one query for the whole round).
    paid = collected_for_dossiers([stop.shipment.dossier_id for stop in stops])
    return [_stop(stop, notes.get(stop.shipment_id), bank, paid.get(stop.shipment.dossier_id, 0)) for stop in stops]


def _stop(stop: RoundStop, citizen_note: str | None, bank: tuple[str, str] | None = None, paid: int = 0) -> dict:
    shipment, dossier = stop.shipment, stop.shipment.dossier
    agency_due = max(0, dossier.fee_agency - paid)
    ward_name = addresses.ward_name(dossier.ward_code, unknown="")
    pickup = shipment.pickup if shipment.direction is Direction.COLLECT_DOSSIER else None
    return {
        "shipment_id": str(shipment.public_id), "position": stop.position,
        # Which way the paper travels: a result to hand over, or a dossier to take in (`pickup`).
        "direction": str(shipment.direction or Direction.DELIVER_RESULT),
        "state": str(shipment.state), "state_label": str(STATE_LABELS[shipment.state]),
        "dossier_code": dossier.code, "procedure_name": dossier.procedure_name,
        "agency_name": dossier.agency.name, "applicant_name": dossier.applicant_name,
        "applicant_phone": dossier.applicant_phone,
        "address": ", ".join(part for part in (dossier.street, ward_name) if part),
        "ward_name": ward_name, "latitude": dossier.latitude, "longitude": dossier.longitude,
        "due_date": dossier.due_date.isoformat() if dossier.due_date else None,
        "due_date_label": formatting.format_date(dossier.due_date),
        "fee_agency": agency_due, "fee_postage": dossier.fee_postage,
        "fee_total_label": formatting.format_vnd(agency_due + dossier.fee_postage),
        "expected_id_tail": dossier.expected_id_tail,
        "authorised_persons": [
            {"full_name": person.full_name, "relationship": person.relationship_to_applicant,
             "expected_id_tail": person.expected_id_tail} for person in dossier.authorised_persons],
        "attempts_count": shipment.attempts_count,
        # In a courier's hands: taken out this morning, or kept after a failed visit today.
        "with_courier": shipment.holder_courier_id is not None,
        # Every link that still opens (the agency's slip, the label): the phone matches a scan by hash.
        "citizen_token_hashes": shipment.citizen_token_hashes,
        "citizen_note": citizen_note,
        # Prepared here, while online, so the transfer QR shows at the door without signal: what is
        # left to pay (a pickup's, for the agency's fee alone, is in `pickup`).
        "vietqr": None if pickup else _transfer_qr(bank, dossier, agency_due + dossier.fee_postage),
        "pickup": _pickup(shipment, dossier, agency_due, bank) if pickup else None,
    }


def _pickup(shipment: Shipment, dossier: Dossier, agency_due: int, bank: tuple[str, str] | None) -> dict:
    """What the courier checks at the door for a dossier to take in: the procedure's documents
    (each with the id the door's attempt names it by)."""
    pickup = shipment.pickup
    procedure = pickup.procedure
    return {
        "procedure_code": procedure.code, "procedure_name": procedure.name,
        "documents": [{"id": document.id, "name": document.name, "copies": document.copies,
                       "original": document.original, "required": document.required}
                      for document in procedure.documents],
        "preferred_date": pickup.preferred_date.isoformat() if pickup.preferred_date else None,
        "preferred_date_label": formatting.format_date(pickup.preferred_date),
        "preferred_slot": str(pickup.preferred_slot) if pickup.preferred_slot else None,
        "preferred_slot_label": str(SLOT_LABELS[pickup.preferred_slot]) if pickup.preferred_slot else None,
        "note": pickup.citizen_note,
        # As the citizen was told when asking (the dossier's copy, not today's catalogue), less
        # what a visit already collected.
        "fee_agency": agency_due,
        # The door checklist collects the agency's fee only: its transfer QR is for that amount.
        "vietqr": _transfer_qr(bank, dossier, agency_due),
        # What the receipt's QR carries at the door: the citizen's link to follow the dossier.
        "receipt_link": receipt_link(shipment),
    }


def _transfer_qr(bank: tuple[str, str] | None, dossier: Dossier, amount: int) -> str | None:
    if not bank or not all(bank) or amount <= 0:
        return None
    try:
        return vietqr.transfer_payload(bank[0], bank[1], amount, dossier.code)
    except ValueError:  # a misconfigured account: cash only, rather than a wrong code
        return None


def _latest_citizen_notes(shipment_ids: list[int]) -> dict[int, str]:
    """What each citizen last asked the courier through their link (e.g. a convenient time),
    by shipment id; shipments with no note are left out."""
    from .tracking import NOTE

    if not shipment_ids:
        return {}
    newest = (db.select(func.max(Event.id)).where(Event.shipment_id.in_(shipment_ids), Event.action == NOTE)
              .group_by(Event.shipment_id))
    rows = db.session.execute(db.select(Event.shipment_id, Event.details).where(Event.id.in_(newest)))
    return {shipment_id: (details or {}).get("note") for shipment_id, details in rows}


# What a courier does with an envelope not on their round depends only on where it stands, so the
# look-up says that and no more. Not who holds it: any courier can type any code, and a name
# would tell them whose hands each citizen's result is in; and an envelope goes back through
# the desk (where its custody is scanned), never from one courier's hand to another's.
ON_YOUR_ROUND, OTHER_COURIER, POST_OFFICE, CLOSED = "your_round", "other_courier", "post_office", "closed"
# Off every round for good (delivered, a dossier taken in, cancelled…), or on its way back or on
# to the agency: no courier visits a citizen for it again.
NO_MORE_VISITS = OFF_THE_ROUND | {State.RETURNING, State.HANDED_IN, State.IN_TRANSIT, State.AT_AGENCY}


def lookup(courier: User, code: str) -> dict:
    """Where the shipment a scanned code names stands, as far as the courier needs to know
    (docs/courier-sync.md): on their round, another courier's, at the office, or closed."""
    shipment = shipment_by_code(courier.post_office_id, code)
    if shipment is None:
        return {"found": False, "on_your_round": False, "where": None, "dossier_code": None}
    round_courier_id = db.session.execute(current_round_courier_id(shipment.id)).scalar()
    where = _where(shipment, round_courier_id, courier.id)
    return {"found": True, "on_your_round": where == ON_YOUR_ROUND, "where": where,
            "dossier_code": shipment.dossier.code}


def _where(shipment: Shipment, round_courier_id: int | None, courier_id: int) -> str:
    if round_courier_id == courier_id:
        return ON_YOUR_ROUND
    if shipment.state in NO_MORE_VISITS:
        return CLOSED
    if {shipment.holder_courier_id, round_courier_id} - {None, courier_id}:
        return OTHER_COURIER
    return POST_OFFICE  # on no round, or taken off this courier's while they held it


def shipment_by_code(post_office_id: int, code: str | None) -> Shipment | None:
    """The office's shipment a scanned or typed code names: a citizen link, a UUID or a dossier code
    (domain/codes.py's rule, the phone's too); None for anything else, an ID card's QR included."""
    query = named_by(db.select(Shipment).where(Shipment.post_office_id == post_office_id), code)
    if query is None:
        return None
    return db.session.execute(query.order_by(Shipment.id.desc())).scalars().first()


def named_by(query, code: str | None):
    """`query` (of Shipment) narrowed to what a scanned or typed code names, by domain/codes.py's rule;
    None if the code names no shipment (empty, an ID card)."""
    from ..domain.codes import classify_code
    from ..domain.tokens import token_hash

    scanned = classify_code(code)
    if scanned is None:
        return None
    if scanned.kind == "citizen_link":
        return query.join(CitizenLink).where(CitizenLink.token_hash == token_hash(scanned.value),
                                             CitizenLink.revoked_at.is_(None))
    if scanned.kind == "uuid":
        return query.where(Shipment.public_id == uuid.UUID(scanned.value))
    if scanned.kind == "dossier_code":
        return query.join(Shipment.dossier).where(Dossier.code == scanned.value)
    return None


def _as_uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text[-36:])
    except ValueError:
        return None


class OrderRejected(ValueError):
    """Raised when a new order does not name exactly the round's stops."""


def reorder(courier: User, round_id: str, shipment_ids: list[str]) -> Round:
    """Put the courier's round in the courier's order; the caller commits."""
    round_ = db.session.execute(
        db.select(Round).filter_by(public_id=_as_uuid(str(round_id)), courier_id=courier.id)
        .options(selectinload(Round.stops).joinedload(RoundStop.shipment, innerjoin=True))
    ).scalar_one_or_none()
    if round_ is None:
        raise OrderRejected(_("Không tìm thấy tuyến phát này."))
    by_id = {str(stop.shipment.public_id): stop for stop in round_.stops}
    if sorted(by_id) != sorted(str(s) for s in shipment_ids):
        raise OrderRejected(_("Thứ tự mới phải gồm đúng các điểm phát của tuyến."))
    for position, shipment_id in enumerate(shipment_ids):
        by_id[str(shipment_id)].position = position
    round_.version += 1
    return round_
