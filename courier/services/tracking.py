"""What a citizen may see of a shipment through its capability link."""
from dataclasses import dataclass

from ..domain.identity import mask_name
from ..domain.tokens import token_hash
from ..extensions import db
from ..models import Event, Shipment


@dataclass
class TrackingView:
    """Only what is safe to show to whoever holds the link: no address, phone or ID."""

    dossier_code: str
    procedure_name: str
    agency_name: str
    recipient_masked: str
    state: str
    timeline: list[Event]
    hotline: str | None


def find_by_token(token: str) -> TrackingView | None:
    """Look a shipment up by the hash of its link token; None if unknown."""
    if not token or len(token) > 128:
        return None
    shipment = db.session.execute(
        db.select(Shipment).filter_by(citizen_token_hash=token_hash(token))
    ).scalar_one_or_none()
    if shipment is None:
        return None
    events = db.session.execute(
        db.select(Event).filter(Event.shipment_id == shipment.id, Event.to_state.is_not(None))
        .order_by(Event.created_at, Event.id)
    ).scalars().all()
    dossier = shipment.dossier
    return TrackingView(
        dossier_code=dossier.code, procedure_name=dossier.procedure_name,
        agency_name=dossier.agency.name, recipient_masked=mask_name(dossier.applicant_name),
        state=shipment.state, timeline=list(events), hotline=shipment.post_office.hotline,
    )
