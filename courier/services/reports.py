"""A post office's report for a date range: read the period's rows, let domain.reporting count them."""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func

from ..domain import reporting
from ..domain.formatting import VIETNAM
from ..domain.reporting import CashLine, Movement, Tally, Visit
from ..domain.states import Action, Direction
from ..extensions import db
from ..ledger import checkpoints as ledger_checkpoints
from ..models import Agency, Attempt, CashHandIn, ChainCheckpoint, Dossier, Event, Outcome, Role, Shipment, User



@dataclass
class Report:
    """Everything the reports page, its charts and its exported files show."""

    start: date
    end: date
    total: Tally
    by_agency: list[tuple[Agency, Tally]]
    by_courier: list[tuple[User, Tally]]
    by_commune: list[tuple[int, Tally]]
    by_day: list[tuple[date, Tally]]
    cash: list[tuple[User, CashLine]] = field(default_factory=list)
    # Each chain's last signed head by the range's end: on the printed report, a copy of the
    # checkpoint that no one editing the database can take back.
    checkpoints: list[ChainCheckpoint] = field(default_factory=list)
    # Every fee collected, at deliveries and at the door for dossiers taken in (the agency's fee is
    # collected there for a pickup): the fees table and the cash reconciliation count both, the
    # delivery figures only the deliveries.
    fees: Tally = field(default_factory=Tally)

    @property
    def empty(self) -> bool:
        total = self.total
        return not (total.delivered or total.failed_visits or total.received or total.returned)


def utc_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The UTC instants that open and close a range of Vietnamese calendar days (end included)."""
    opens = datetime.combine(start, time.min, VIETNAM).astimezone(timezone.utc)
    closes = datetime.combine(end + timedelta(days=1), time.min, VIETNAM).astimezone(timezone.utc)
    return opens, closes


def office_report(post_office_id: int, start: date, end: date) -> Report:
    """Count the office's visits, intake and returns between two dates (both included)."""
    opens, closes = utc_bounds(start, end)
    visits = _visits(post_office_id, opens, closes, Direction.DELIVER_RESULT)
    door = _visits(post_office_id, opens, closes, Direction.COLLECT_DOSSIER)
    received = _movements(post_office_id, Action.RECEIVE, opens, closes)
    returned = _movements(post_office_id, Action.COMPLETE_RETURN, opens, closes)
    by_agency = reporting.tally(visits, received, returned, key=lambda row: row.agency_id)
    by_commune = reporting.tally(visits, received, returned, key=lambda row: row.ward_code)
    by_courier = reporting.tally(visits, key=lambda visit: visit.courier_id)
    by_day = reporting.tally(visits, received, returned, key=lambda row: row.day)
    total = reporting.tally(visits, received, returned).get(None, Tally())

    couriers = _people(set(by_courier))
    agencies = {a.id: a for a in db.session.scalars(db.select(Agency).where(Agency.id.in_(by_agency)))}
    collected = reporting.tally([*visits, *door], key=lambda visit: visit.courier_id)
    cash = reporting.reconcile({c: t.fee(method="cash") for c, t in collected.items()},
                               handed_in(post_office_id, start, end))
    couriers.update(_people({line.courier_id for line in cash} - set(couriers)))
    return Report(
        start=start, end=end, total=total,
        by_agency=sorted(((agencies[a], t) for a, t in by_agency.items()), key=lambda p: p[0].name),
        by_courier=sorted(((couriers[c], t) for c, t in by_courier.items()), key=lambda p: p[0].full_name),
        by_commune=sorted(by_commune.items(), key=lambda p: -p[1].delivered - p[1].failed_visits),
        by_day=[(day, by_day.get(day, Tally())) for day in _days(start, end)],
        cash=sorted(((couriers[line.courier_id], line) for line in cash), key=lambda p: p[0].full_name),
        checkpoints=ledger_checkpoints.latest_checkpoints(db.session, before=closes),
        fees=reporting.tally([*visits, *door]).get(None, Tally()),
    )


# A visit that did what it came for: a hand-over, or a dossier taken in (its fees were collected).
_DONE = (Outcome.DELIVERED, Outcome.PICKED_UP)


def _visits(post_office_id: int, opens: datetime, closes: datetime, direction: Direction) -> list[Visit]:
    # The phone's clock says when the visit happened; a clock running ahead of
    # ours is not believed (the visit cannot be later than its arrival here).
    rows = db.session.execute(
        db.select(Attempt.shipment_id, Attempt.courier_id, Dossier.agency_id, Dossier.ward_code,
                  Attempt.outcome, Attempt.captured_at, Attempt.received_at, Dossier.due_date,
                  Attempt.fee_agency_collected, Attempt.fee_postage_collected, Attempt.payment_method)
        .join(Shipment, Attempt.shipment_id == Shipment.id).join(Dossier, Shipment.dossier_id == Dossier.id)
        .where(Shipment.post_office_id == post_office_id, Shipment.direction == direction,
               Attempt.captured_at >= opens, Attempt.received_at >= opens,
               (Attempt.captured_at < closes) | (Attempt.received_at < closes))
    ).all()
    visits = [Visit(shipment_id=r.shipment_id, courier_id=r.courier_id, agency_id=r.agency_id,
                  ward_code=r.ward_code, delivered=r.outcome in _DONE,
                  at=min(r.captured_at, r.received_at), due_date=r.due_date,
                  fee_agency=r.fee_agency_collected, fee_postage=r.fee_postage_collected,
                  payment_method=r.payment_method)
              for r in rows]
    return [visit for visit in visits if opens <= visit.at < closes]


def _movements(post_office_id: int, action: Action, opens: datetime, closes: datetime) -> list[Movement]:
    rows = db.session.execute(
        db.select(Event.shipment_id, Dossier.agency_id, Dossier.ward_code, Event.created_at)
        .join(Shipment, Event.shipment_id == Shipment.id).join(Dossier, Shipment.dossier_id == Dossier.id)
        .where(Shipment.post_office_id == post_office_id, Event.action == action.value,
               Event.created_at >= opens, Event.created_at < closes)
    ).all()
    return [Movement(r.shipment_id, r.agency_id, r.ward_code, r.created_at) for r in rows]


def handed_in(post_office_id: int, start: date, end: date) -> dict[int, int]:
    """Cash counted at the desk per courier for the working days in the range."""
    rows = db.session.execute(
        db.select(CashHandIn.courier_id, func.sum(CashHandIn.amount))
        .where(CashHandIn.post_office_id == post_office_id, CashHandIn.handed_on >= start,
               CashHandIn.handed_on <= end)
        .group_by(CashHandIn.courier_id)
    ).all()
    return {courier_id: int(total) for courier_id, total in rows}


def record_hand_in(post_office_id: int, courier: User, handed_on: date, amount: int,
                   note: str | None, received_by: User) -> CashHandIn:
    """Add a counted sum (negative: a correction, which needs a note). The caller commits.

    Raises ValueError if the courier is not one of the office's couriers or the
    amount breaks the rules above; the form checks them first for a friendly message.
    """
    if courier.post_office_id != post_office_id or courier.role != Role.COURIER:
        raise ValueError("not a courier of this office")
    if amount == 0 or (amount < 0 and not note):
        raise ValueError("a correction needs a note")
    entry = CashHandIn(post_office_id=post_office_id, courier_id=courier.id, handed_on=handed_on,
                       amount=amount, note=note or None, received_by_id=received_by.id)
    db.session.add(entry)
    return entry


def recent_hand_ins(post_office_id: int, start: date, end: date, limit: int = 50) -> list[CashHandIn]:
    """The latest entries for the range, newest first, to check what was typed."""
    return list(db.session.scalars(
        db.select(CashHandIn)
        .where(CashHandIn.post_office_id == post_office_id, CashHandIn.handed_on >= start,
               CashHandIn.handed_on <= end)
        .order_by(CashHandIn.created_at.desc(), CashHandIn.id.desc()).limit(limit)))


def _people(ids: set[int]) -> dict[int, User]:
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(db.select(User).where(User.id.in_(ids)))}


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]
