"""Dossiers pushed by an agency's software: checked like an import, idempotent on the code.

A code pushed again with the same data is the same shipment; with different
data it is refused with the fields that differ (never silently dropped, never
silently changed: the label or the slip may already carry the old data).
The agency's citizen link is derived from the shipment with the app's secret,
so the API can show it again on every answer while it still opens; only its
hash is stored, as for every citizen link.
"""
from dataclasses import dataclass

from flask import current_app

from ..domain.dossiers import CleanDossier, DossierInvalid, check_dossier
from ..domain.imports import code_prefix
from ..domain.validation import NATIONAL_DOSSIER_CODE
from ..domain.tokens import citizen_url, derived_token, token_hash
from ..extensions import db
from ..ledger import custody
from ..models import Agency, Dossier, Event, LinkSource, PostOffice, Shipment
from . import pickups, tracking
from .intake import build_dossier

# Compared between pushes, named as the API names them (the model's name when it differs).
COMPARED = {"procedure_name": "procedure_name", "applicant_name": "applicant_name",
            "applicant_phone": "applicant_phone", "street": "street", "ward_code": "ward",
            "province_code": "province", "legacy_district": "legacy_district", "latitude": "latitude",
            "longitude": "longitude", "due_date": "due_date", "fee_agency": "fee_agency",
            "fee_postage": "fee_postage", "expected_id_tail": "expected_id_tail"}


class NoPostOffice(Exception):
    """The agency is not yet linked to the post office that carries its results."""


class Differs(Exception):
    """The code was pushed before with other data; `fields` names each API field that differs."""

    def __init__(self, fields: list[str]):
        self.fields = fields
        super().__init__(", ".join(fields))


@dataclass
class PushOutcome:
    shipment: Shipment
    created: bool


def check(agency: Agency, fields: dict) -> CleanDossier:
    """The dossier's checked values; raises DossierInvalid listing every field problem.

    A national-shape code must carry the pushing agency's own unit code: an agency's key
    may not file results under another agency's numbers.
    """
    errors, clean = {}, None
    try:
        clean = check_dossier(fields, agency.dossier_code_pattern)
    except DossierInvalid as invalid:
        errors = dict(invalid.errors)
    code = str(fields.get("code") or "").strip() if isinstance(fields, dict) else ""
    if "code" not in errors and NATIONAL_DOSSIER_CODE.match(code) and code_prefix(code) != agency.code:
        errors["code"] = "prefix_not_agency"
    if errors:
        raise DossierInvalid(errors)
    return clean


def push(agency: Agency, clean: CleanDossier) -> PushOutcome:
    """Register the dossier and its shipment, or return the existing one if it is the same; caller commits.

    Raises Differs (the code is known with other data) or NoPostOffice.
    """
    existing = find(agency, clean.code)
    if existing is not None:
        differing = differences(existing.dossier, clean)
        if differing:
            raise Differs(differing)
        return PushOutcome(existing, False)
    office = db.session.get(PostOffice, agency.post_office_id) if agency.post_office_id else None
    if office is None:
        raise NoPostOffice()
    dossier = build_dossier(agency, clean)
    shipment = custody.register_shipment(dossier, office, actor_label=f"agency:{agency.code}")
    taken_in = pickups.taken_in_as(agency.id, clean.code)
    if taken_in is not None:
        taken_in.result_dossier = dossier  # the citizen who asked for the pickup follows the result
    db.session.flush()  # the link is derived from the shipment's public id
    shipment.add_citizen_link(token_hash(_agency_token(shipment)), LinkSource.AGENCY)
    return PushOutcome(shipment, True)


def differences(dossier: Dossier, clean: CleanDossier) -> list[str]:
    """The API fields whose pushed value is not what the stored dossier holds."""
    differing = [api for name, api in COMPARED.items() if getattr(dossier, name) != getattr(clean, name)]
    stored = [(p.full_name, p.expected_id_tail, p.relationship_to_applicant) for p in dossier.authorised_persons]
    pushed = [(p["full_name"], p["expected_id_tail"], p["relationship_to_applicant"])
              for p in clean.authorised_persons]
    if stored != pushed:
        differing.append("authorised_persons")
    return differing


def agency_link(shipment: Shipment) -> str | None:
    """The agency's citizen link while it still opens, else None (replaced, or expired after closing)."""
    token = _agency_token(shipment)
    if token_hash(token) not in shipment.citizen_token_hashes:
        return None  # revoked
    try:
        opened = tracking.open_link(token, current_app.config["CITIZEN_LINK_DAYS"])
    except tracking.LinkExpired:
        return None
    return citizen_url(current_app.config["PUBLIC_BASE_URL"], token) if opened else None


def _agency_token(shipment: Shipment) -> str:
    """The same token for the same shipment, unguessable without the app's secret."""
    return derived_token(current_app.config["SECRET_KEY"], "agency", shipment.public_id)


def find(agency: Agency, code: str) -> Shipment | None:
    """The newest shipment of this agency's dossier with this code."""
    return db.session.execute(
        db.select(Shipment).join(Dossier).where(Dossier.agency_id == agency.id, Dossier.code == code)
        .order_by(Shipment.id.desc())).scalars().first()


def describe(shipment: Shipment, with_events: bool = False) -> dict:
    """The shipment as the API shows it to its agency, with its citizen link while that opens."""
    events = []
    if with_events:
        events = [{"action": e.action, "state": e.to_state, "at": e.created_at.isoformat()}
                  for e in db.session.execute(db.select(Event).filter_by(shipment_id=shipment.id)
                                              .order_by(Event.id)).scalars()]
    return {"shipment_id": str(shipment.public_id), "dossier_code": shipment.dossier.code,
            "state": str(shipment.state), "citizen_link": agency_link(shipment), "events": events}
