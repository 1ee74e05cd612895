"""Dossiers pushed by an agency's software: checked like an import, idempotent on the code."""
from dataclasses import dataclass

from flask import current_app

from ..domain import custody
from ..domain.dossiers import check_dossier
from ..domain.tokens import new_token
from ..extensions import db
from ..models import Agency, Dossier, Event, PostOffice, Shipment
from .intake import build_dossier


class NoPostOffice(Exception):
    """The agency is not yet linked to the post office that carries its results."""


@dataclass
class PushOutcome:
    shipment: Shipment
    created: bool
    citizen_link: str | None


def push(agency: Agency, fields: dict) -> PushOutcome:
    """Register the dossier and its shipment, or return the existing one; caller commits.

    Raises DossierInvalid (every field problem) or NoPostOffice.
    """
    clean = check_dossier(fields, agency.dossier_code_pattern)
    existing = find(agency, clean.code)
    if existing is not None:
        return PushOutcome(existing, False, None)
    office = db.session.get(PostOffice, agency.post_office_id) if agency.post_office_id else None
    if office is None:
        raise NoPostOffice()
    shipment = custody.register_shipment(build_dossier(agency, clean), office,
                                         actor_label=f"agency:{agency.code}")
    token, token_hash = new_token()
    shipment.citizen_token_hash = token_hash
    return PushOutcome(shipment, True, f"{current_app.config['PUBLIC_BASE_URL']}/t/{token}")


def find(agency: Agency, code: str) -> Shipment | None:
    """The newest shipment of this agency's dossier with this code."""
    return db.session.execute(
        db.select(Shipment).join(Dossier).where(Dossier.agency_id == agency.id, Dossier.code == code)
        .order_by(Shipment.id.desc())).scalars().first()


def describe(shipment: Shipment, citizen_link: str | None, with_events: bool = False) -> dict:
    """The shipment as the API shows it to its agency."""
    events = []
    if with_events:
        events = [{"action": e.action, "state": e.to_state, "at": e.created_at.isoformat()}
                  for e in db.session.execute(db.select(Event).filter_by(shipment_id=shipment.id)
                                              .order_by(Event.id)).scalars()]
    return {"shipment_id": str(shipment.public_id), "dossier_code": shipment.dossier.code,
            "state": str(shipment.state), "citizen_link": citizen_link, "events": events}
