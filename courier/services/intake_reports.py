"""The report on dossiers taken in for agencies: by procedure, commune, channel and agency."""
from dataclasses import dataclass
from datetime import date, datetime

from ..domain import intake_reporting
from ..domain.intake_reporting import IntakeTally, TakenIn
from ..domain.states import Action, Direction
from ..extensions import db
from ..models import Agency, Dossier, Event, Pickup, Procedure, Shipment
from ..models.types import utcnow
from .reports import utc_bounds

# The events that mean "the dossier is in the post office's hands": at the door, or at the counter
# (a counter dossier starts picked up: its registration is the moment).
_TAKEN = (Action.PICK_UP.value, "register")


@dataclass
class IntakeReport:
    total: IntakeTally
    by_procedure: list[tuple[str, IntakeTally]]
    by_channel: list[tuple[str, IntakeTally]]
    by_agency: list[tuple[Agency, IntakeTally]]
    by_commune: list[tuple[int, IntakeTally]]
    limit_days: int


def intake_report(post_office_id: int, start: date, end: date, limit_days: int,
                  now: datetime | None = None) -> IntakeReport:
    """Count the office's dossiers taken in between two dates (both included)."""
    rows = _taken_in(post_office_id, *utc_bounds(start, end))
    now = now or utcnow()

    def by(key):
        return intake_reporting.tally(rows, key, limit_days, now)

    agencies = by(lambda row: row.agency_id)
    names = {a.id: a for a in db.session.scalars(db.select(Agency).where(Agency.id.in_(agencies)))}
    return IntakeReport(
        total=by(lambda row: None).get(None, IntakeTally()),
        by_procedure=sorted(by(lambda row: row.procedure).items(), key=lambda pair: -pair[1].taken_in),
        by_channel=sorted(by(lambda row: row.channel).items()),
        by_agency=sorted(((names[a], t) for a, t in agencies.items()), key=lambda pair: pair[0].name),
        by_commune=sorted(by(lambda row: row.ward_code).items(), key=lambda pair: -pair[1].taken_in),
        limit_days=limit_days)


def _taken_in(post_office_id: int, opens: datetime, closes: datetime) -> list[TakenIn]:
    rows = db.session.execute(
        db.select(Shipment.id, Procedure.code, Procedure.name, Dossier.ward_code, Pickup.channel,
                  Dossier.agency_id, Event.created_at, Pickup.acknowledged_at)
        .join(Event, Event.shipment_id == Shipment.id).join(Dossier, Shipment.dossier_id == Dossier.id)
        .join(Pickup, Pickup.shipment_id == Shipment.id).join(Procedure, Pickup.procedure_id == Procedure.id)
        .where(Shipment.post_office_id == post_office_id, Shipment.direction == Direction.COLLECT_DOSSIER,
               Event.action.in_(_TAKEN), Event.to_state == "picked_up",
               Event.created_at >= opens, Event.created_at < closes)).all()
    return [TakenIn(shipment_id=r.id, procedure=f"{r.code} {r.name}", ward_code=r.ward_code,
                    channel=r.channel.value, agency_id=r.agency_id, taken_at=r.created_at,
                    acknowledged_at=r.acknowledged_at) for r in rows]
