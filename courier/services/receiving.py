"""Taking the agencies' results into the post office's custody (custody action RECEIVE).

The dispatcher ticks shipments or scans their dossier codes; a code that
names nothing awaiting receipt at this office is reported as unexpected,
and what was announced but not yet scanned stays listed as missing.
Nothing here commits: the view does.
"""
import re
import uuid
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlalchemy.orm import joinedload

from ..domain.states import Action, State
from ..extensions import db
from ..ledger import custody
from ..models import Agency, Dossier, Shipment, User

AWAITING_LIMIT = 1000


@dataclass
class Scan:
    code: str
    status: str                     # received, already_received, unexpected, ambiguous
    shipment: Shipment | None = None


@dataclass
class Ticked:
    received: list[Shipment] = field(default_factory=list)
    already: list[Shipment] = field(default_factory=list)


def awaiting(post_office_id: int, agency_id: int | None = None, limit: int = AWAITING_LIMIT) -> list[Shipment]:
    """Shipments announced to the office and not yet received, by agency then dossier code."""
    query = (db.select(Shipment).join(Shipment.dossier).join(Dossier.agency)
             .where(Shipment.post_office_id == post_office_id, Shipment.state == State.REGISTERED)
             .options(joinedload(Shipment.dossier).joinedload(Dossier.agency)))
    if agency_id:
        query = query.where(Dossier.agency_id == agency_id)
    return list(db.session.execute(query.order_by(Agency.name, Dossier.code).limit(limit)).scalars())


def awaiting_agencies(post_office_id: int) -> list[tuple[Agency, int]]:
    """The agencies with shipments awaiting receipt at the office, and how many each."""
    rows = db.session.execute(
        db.select(Agency, func.count(Shipment.id)).join(Dossier, Dossier.agency_id == Agency.id)
        .join(Shipment, Shipment.dossier_id == Dossier.id)
        .where(Shipment.post_office_id == post_office_id, Shipment.state == State.REGISTERED)
        .group_by(Agency.id).order_by(Agency.name)).all()
    return [(agency, count) for agency, count in rows]


def split_codes(text: str) -> list[str]:
    """The codes in what a scanner or a person typed: separated by spaces, commas or semicolons."""
    seen, codes = set(), []
    for code in re.split(r"[\s,;]+", text or ""):
        if code and code not in seen:
            seen.add(code)
            codes.append(code)
    return codes


def receive_code(post_office_id: int, code: str, actor: User, max_attempts: int,
                 agency_id: int | None = None) -> Scan:
    """Receive the shipment a scanned dossier code (or shipment id) names, if it awaits receipt here."""
    matches = _by_code(post_office_id, code, agency_id)
    waiting = [s for s in matches if s.state is State.REGISTERED]
    if len(waiting) > 1:
        return Scan(code, "ambiguous")
    if waiting:
        custody.apply(waiting[0], Action.RECEIVE, max_attempts=max_attempts, actor=actor,
                      details={"scanned": True})
        return Scan(code, "received", waiting[0])
    if matches:
        return Scan(code, "already_received", matches[0])
    return Scan(code, "unexpected")


def find_for_office(post_office_id: int, public_ids: list[uuid.UUID]) -> list[Shipment] | None:
    """The office's shipments with these public ids, in the order given; None if any is not the office's."""
    if not public_ids:
        return []
    found = {s.public_id: s for s in db.session.execute(
        db.select(Shipment).where(Shipment.public_id.in_(public_ids), Shipment.post_office_id == post_office_id)
        .options(joinedload(Shipment.dossier))).scalars()}
    if any(public_id not in found for public_id in public_ids):
        return None
    return [found[public_id] for public_id in dict.fromkeys(public_ids)]


def receive(shipments: list[Shipment], actor: User, max_attempts: int) -> Ticked:
    """Receive the ticked shipments; ones already received (a second click) are only reported."""
    result = Ticked()
    for shipment in shipments:
        if shipment.state is State.REGISTERED:
            custody.apply(shipment, Action.RECEIVE, max_attempts=max_attempts, actor=actor)
            result.received.append(shipment)
        else:
            result.already.append(shipment)
    return result


def _by_code(post_office_id: int, code: str, agency_id: int | None) -> list[Shipment]:
    """The office's shipments a code names, by the one rule of domain/codes.py (rounds.named_by)."""
    from .rounds import named_by

    query = named_by(db.select(Shipment).where(Shipment.post_office_id == post_office_id), code)
    if query is None:
        return []
    if agency_id:
        query = query.where(Shipment.dossier.has(Dossier.agency_id == agency_id))
    return list(db.session.execute(query.order_by(Shipment.id.desc())).scalars())


def received_today(post_office_id: int, limit: int = 100) -> list[Shipment]:
    """The office's shipments received today (Vietnam time), newest first."""
    from datetime import datetime, time

    from ..domain.formatting import VIETNAM, local_today
    from ..models import Event

    since = datetime.combine(local_today(), time(0), tzinfo=VIETNAM)
    return list(db.session.execute(
        db.select(Shipment).join(Event, Event.shipment_id == Shipment.id)
        .where(Shipment.post_office_id == post_office_id, Event.action == str(Action.RECEIVE),
               Event.created_at >= since)
        .options(joinedload(Shipment.dossier)).order_by(Event.created_at.desc(), Event.id.desc())
        .limit(limit)).scalars())
