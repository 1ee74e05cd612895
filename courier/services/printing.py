"""Printing QR labels: each print issues a fresh citizen link, so an older label stops working.

The token goes only into the label; the shipment keeps its hash among its
citizen links, and a custody note says a link was issued, by whom and for
which layout. A reprint revokes the previous label's link only: the link the
agency printed on the appointment slip keeps working.
Nothing here commits: the view does, before the PDF is sent.
"""
from datetime import date

from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from ..domain import labels
from ..domain.addresses import UnknownDivision, ward
from ..domain.formatting import format_date
from ..domain.states import State
from ..domain.tokens import citizen_url, new_token
from ..extensions import db
from ..ledger import custody
from ..models import CitizenLink, Direction, Dossier, LinkSource, Shipment, User
from ..models.types import utcnow

PRINTABLE = (State.RECEIVED, State.ASSIGNED)
LIST_LIMIT = 500


def printable(post_office_id: int, *, agency_id: int | None = None, ward_code: int | None = None,
              due: date | None = None, unprinted_only: bool = False, limit: int = LIST_LIMIT) -> list[Shipment]:
    """The office's shipments that may get a label (received or assigned), by commune then code."""
    query = (db.select(Shipment).join(Shipment.dossier)
             .where(Shipment.post_office_id == post_office_id, Shipment.state.in_(PRINTABLE))
             .options(joinedload(Shipment.dossier).joinedload(Dossier.agency)))
    if agency_id:
        query = query.where(Dossier.agency_id == agency_id)
    if ward_code:
        query = query.where(Dossier.ward_code == ward_code)
    if due:
        query = query.where(Dossier.due_date <= due)
    if unprinted_only:
        query = query.where(~Shipment.citizen_links.any(
            CitizenLink.source.in_((LinkSource.LABEL, LinkSource.REPRINT))))
    return list(db.session.execute(
        query.order_by(Dossier.ward_code, Dossier.code, Shipment.id).limit(limit)).scalars())


def issue(shipments: list[Shipment], actor: User, public_base_url: str, layout: str) -> list[labels.LabelData]:
    """A new citizen link for each shipment (revoking its older label's) and the label showing it.

    Raises ValueError if a shipment is not in a printable state; checks all before changing any.
    """
    refused = [s.dossier.code for s in shipments if s.state not in PRINTABLE]
    if refused:
        raise ValueError(", ".join(refused))
    made = []
    for shipment in shipments:
        token, token_hash = new_token()
        older = [link for link in shipment.citizen_links if link.is_label and link.revoked_at is None]
        for link in older:
            link.revoked_at = utcnow()
        replaced = shipment.label_printed
        shipment.add_citizen_link(token_hash, LinkSource.REPRINT if replaced else LinkSource.LABEL)
        custody.note(shipment, "citizen_link_issued", actor=actor,
                     details={"layout": layout, "replaced": replaced})
        made.append(label_for(shipment, citizen_url(public_base_url, token)))
    return made


def label_for(shipment: Shipment, link: str) -> labels.LabelData:
    """What the label shows for a shipment: its link, code, recipient, commune and due date."""
    dossier = shipment.dossier
    try:
        commune = ward(dossier.ward_code).name
    except UnknownDivision:
        commune = ""
    return labels.LabelData(link=link, dossier_code=dossier.code, recipient=dossier.applicant_name,
                            commune=commune, due_date=format_date(dossier.due_date),
                            caption=_caption(shipment))


def _caption(shipment: Shipment) -> str:
    """What the date on the label means: the result's promised date, or the pickup's appointment
    (the envelope the courier takes to the door is labelled before the round)."""
    if shipment.dossier.due_date is None:
        return ""
    return _("Hẹn nhận hồ sơ") if shipment.direction is Direction.COLLECT_DOSSIER else _("Hẹn trả")


def pdf(made: list[labels.LabelData], layout: str) -> bytes:
    """The PDF for the labels: an A4 sheet, or one 80 mm thermal label."""
    if layout == "thermal":
        [label] = made
        return labels.thermal_label_pdf(label)
    return labels.a4_sheet_pdf(made)
