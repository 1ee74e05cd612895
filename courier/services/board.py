"""What a dispatcher sees at a glance: the office's shipments by state, and each courier's day."""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func
from sqlalchemy.orm import joinedload

from ..domain import tally
from ..domain.formatting import local_today
from ..domain.states import State
from ..extensions import db
from ..models import Attempt, Event, Role, Round, RoundStop, Shipment, User
from ..models.shipment import not_yet_out


@dataclass
class CourierDay:
    """One courier's day: their round (if any), its stops by state, and their phone's last sync."""

    courier: User
    round: Round | None = None
    counts: dict[State, int] = field(default_factory=dict)
    last_sync: datetime | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def delivered(self) -> int:
        return self.counts.get(State.DELIVERED, 0)

    @property
    def percent(self) -> int:
        return round(100 * self.delivered / self.total) if self.total else 0


@dataclass
class Concern:
    """Something a dispatcher must look at: a citizen's report, or a flagged or failed visit."""

    kind: str  # "citizen_disputed", "flagged" or "failed"
    shipment: Shipment
    at: datetime
    detail: str | None = None


@dataclass
class OfficeSummary:
    counts: dict[State, int]
    due_today: list[Shipment]
    couriers: list[CourierDay] = field(default_factory=list)
    day: date | None = None
    concerns: list[Concern] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def office_summary(post_office_id: int, limit: int = 50) -> OfficeSummary:
    """Counts per state for one post office, its couriers' rounds today, and what is due and not out."""
    counts = {state: 0 for state in State}
    # Kept as shipments move (domain/tally.py): counting a million rows per load is too slow.
    counts.update({State(state): n for state, n in tally.counts(db.session, post_office_id).items()})
    today = local_today()
    # Read in order from ix_shipment_due_not_out: the first `limit` entries are the answer.
    due = db.session.execute(
        db.select(Shipment).where(Shipment.post_office_id == post_office_id, not_yet_out(),
                                  Shipment.due_date <= today)
        .options(joinedload(Shipment.dossier)).order_by(Shipment.due_date, Shipment.id).limit(limit)
    ).scalars().all()
    return OfficeSummary(counts=counts, due_today=list(due), couriers=courier_days(post_office_id, today),
                         day=today, concerns=concerns(post_office_id))


def concerns(post_office_id: int, days: int = 7, limit: int = 50) -> list[Concern]:
    """The failures queue: citizens' "not received" reports, flagged and failed visits, newest first."""
    since = datetime.now(timezone.utc) - timedelta(days=days)
    # Each kind's newest `limit` only: a busy office has thousands of failed visits a week,
    # and the newest `limit` of both lists together are among these. Both are read newest
    # first through ix_event_action_created and ix_attempt_needs_a_look, not office-wide.
    disputes = db.session.execute(
        db.select(Event).join(Shipment).where(_unindexed(Shipment.post_office_id) == post_office_id,
                                              Event.action == "citizen_disputed", Event.created_at >= since)
        .options(joinedload(Event.shipment).joinedload(Shipment.dossier))
        .order_by(Event.created_at.desc(), Event.id.desc()).limit(limit)).scalars().all()
    visits = db.session.execute(
        db.select(Attempt).join(Shipment).where(
            _unindexed(Shipment.post_office_id) == post_office_id, Attempt.received_at >= since,
            Attempt.needs_a_look())
        .options(joinedload(Attempt.shipment).joinedload(Shipment.dossier))
        .order_by(Attempt.received_at.desc(), Attempt.id.desc()).limit(limit)).scalars().all()
    found = [Concern("citizen_disputed", e.shipment, e.created_at, (e.details or {}).get("comment")) for e in disputes]
    found += [Concern("flagged" if a.flagged_reason else "failed", a.shipment, a.received_at,
                      a.flagged_reason or str(a.failure_reason)) for a in visits]
    return sorted(found, key=lambda c: c.at, reverse=True)[:limit]


def _unindexed(column):
    """`column + 0`: the same value, but no index on `column` can drive the query.

    SQLite keeps no statistics unless ANALYZE runs, and then takes any equality on an
    indexed column for a selective one; "this office" is hundreds of thousands of
    shipments, so starting from it is the worst plan when the other terms are narrow.
    """
    return column + 0


def courier_days(post_office_id: int, day: date) -> list[CourierDay]:
    """Every active courier of the office (and anyone else with a round there that day)."""
    rounds = db.session.execute(
        db.select(Round).filter_by(post_office_id=post_office_id, round_date=day)
        .options(joinedload(Round.courier)).order_by(Round.id)).scalars().all()
    days: dict[int, CourierDay] = {}
    for person in db.session.execute(
            db.select(User).filter_by(post_office_id=post_office_id, role=Role.COURIER, active=True)
            .order_by(User.full_name, User.id)).scalars():
        days[person.id] = CourierDay(courier=person)
    for round_ in rounds:  # the newest round of a courier wins, as on the phone
        days.setdefault(round_.courier_id, CourierDay(courier=round_.courier)).round = round_
    by_round = {d.round.id: d for d in days.values() if d.round}
    for round_id, state, n in db.session.execute(
            db.select(RoundStop.round_id, Shipment.state, func.count())
            .join(Shipment, RoundStop.shipment_id == Shipment.id)
            .where(RoundStop.round_id.in_(list(by_round) or [0]))
            .group_by(RoundStop.round_id, Shipment.state)).all():
        by_round[round_id].counts[State(state)] = n
    # One index probe per courier (ix_attempt_courier_received, read from its end) rather than
    # a GROUP BY over every visit the couriers ever made (~100,000 each after a few months).
    newest = (db.select(func.max(Attempt.received_at)).where(Attempt.courier_id == User.id)
              .correlate(User).scalar_subquery())
    for courier_id, last in db.session.execute(
            db.select(User.id, newest).where(User.id.in_(list(days) or [0]))).all():
        if last is not None:
            days[courier_id].last_sync = last  # max() keeps the column's type: aware UTC
    return list(days.values())
