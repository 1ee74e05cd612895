"""Requests to take a dossier in at the citizen's door: where they can be made, and making one.

A request becomes a dossier (the citizen, the address, the procedure's fee) with a shipment
travelling Direction.COLLECT_DOSSIER from REQUESTED, its Pickup row, and a citizen link the
requester sees at once. It lands at the post office that serves the commune, where the
dispatcher plans it into a round like a result. Nothing here commits: the view does.
"""
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app

from ..domain import addresses
from ..domain.pickups import CleanPickup, new_reference
from ..domain.states import Direction
from ..domain.tokens import citizen_url, derived_token, new_token
from ..domain.tokens import token_hash as hash_of
from ..extensions import db
from ..ledger import custody
from ..models import Agency, Channel, CitizenLink, Dossier, LinkSource, Pickup, PostOffice, Procedure, Shipment, Slot, User
from ..models.types import utcnow


@dataclass(frozen=True)
class Requested:
    shipment: Shipment
    token: str  # the citizen link's token: shown once, only its hash is kept
    link: CitizenLink  # that link's row (the one the requester is remembered as having proven)


def bookable_procedures() -> list[Procedure]:
    """The active procedures whose agency has a post office to carry its dossiers, by name."""
    return list(db.session.execute(
        db.select(Procedure).join(Procedure.agency)
        .where(Procedure.active.is_(True), Agency.post_office_id.is_not(None))
        .order_by(Procedure.name, Procedure.id)).scalars())


def served_wards() -> dict[int, PostOffice]:
    """Each commune an office of ours serves, with that office (an office with no list of
    communes serves its whole province; an explicit list wins over such an office)."""
    served: dict[int, PostOffice] = {}
    offices = db.session.execute(db.select(PostOffice).order_by(PostOffice.id)).scalars().all()
    for office in sorted(offices, key=lambda office: bool(office.ward_codes)):
        codes = office.ward_codes or _whole_province(office.province_code)
        served.update({code: office for code in codes})
    return served


def _whole_province(province_code: int | None) -> list[int]:
    if province_code is None:
        return []
    try:
        return [int(ward.code) for ward in addresses.wards_of(province_code)]
    except addresses.UnknownDivision:
        return []


def request_pickup(clean: CleanPickup, office: PostOffice, channel: Channel, today: date, *,
                   actor: User | None = None, at: datetime | None = None) -> Requested:
    """Record a checked request: the dossier, its shipment (REQUESTED), the Pickup and a citizen link.

    `office` serves the request's commune (served_wards); `actor` is the clerk who typed it in,
    None when the citizen asked on the public page. `at` backdates it (the demo's evening before).
    """
    procedure = db.session.get(Procedure, clean.procedure_id)
    dossier = Dossier(agency=procedure.agency, code=_free_reference(procedure.agency_id, today),
                      procedure_name=procedure.name, applicant_name=clean.applicant_name,
                      applicant_phone=clean.applicant_phone, street=clean.street, ward_code=clean.ward_code,
                      province_code=clean.province_code, due_date=clean.preferred_date,
                      fee_agency=procedure.fee_agency, fee_postage=0)
    shipment = custody.register_shipment(
        dossier, office, direction=Direction.COLLECT_DOSSIER, actor=actor,
        actor_label=None if actor else "citizen", details={"channel": channel.value}, at=at)
    shipment.pickup = Pickup(procedure=procedure, channel=channel, preferred_date=clean.preferred_date,
                             preferred_slot=Slot(clean.preferred_slot), citizen_note=clean.note,
                             created_at=at or utcnow())
    token, token_hash = new_token()
    link = shipment.add_citizen_link(token_hash, LinkSource.REQUEST)
    db.session.flush()  # the receipt's link is derived from the shipment's public id
    shipment.add_citizen_link(hash_of(_receipt_token(shipment)), LinkSource.RECEIPT)
    return Requested(shipment, token, link)


def receipt_link(shipment: Shipment) -> str | None:
    """The link the courier's receipt shows as a QR at the door, while it opens (not revoked)."""
    token = _receipt_token(shipment)
    if hash_of(token) not in shipment.citizen_token_hashes:
        return None
    return citizen_url(current_app.config["PUBLIC_BASE_URL"], token)


def _receipt_token(shipment: Shipment) -> str:
    return derived_token(current_app.config["SECRET_KEY"], "receipt", shipment.public_id)


def taken_in_as(agency_id: int, official_code: str) -> Pickup | None:
    """The pickup the agency acknowledged under this official code and that has no result yet."""
    return db.session.execute(
        db.select(Pickup).join(Shipment, Pickup.shipment_id == Shipment.id).join(Shipment.dossier)
        .where(Dossier.agency_id == agency_id, Pickup.official_code == official_code,
               Pickup.result_dossier_id.is_(None))).scalars().first()


def _free_reference(agency_id: int, today: date) -> str:
    # 31^6 references a day: a clash is one in hundreds of millions, but a clash would be refused
    # by the (agency, code) key after the citizen typed everything in, so one is looked for first.
    while True:
        reference = new_reference(today)
        taken = db.session.execute(db.select(Dossier.id).filter_by(agency_id=agency_id, code=reference)).first()
        if taken is None:
            return reference
