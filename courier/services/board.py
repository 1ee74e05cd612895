"""What a dispatcher sees at a glance: the office's shipments by state, and each courier's day.

Also the failures queue's upkeep: a concern leaves the queue once a dispatcher records
that it was handled (a custody note naming it, RESOLVED), and a cheap fingerprint of
everything the board shows, so that an open board can ask "anything new?" every
few seconds without rendering itself each time.
"""
import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import case, func
from sqlalchemy.orm import aliased, joinedload

from ..domain.formatting import local_today
from ..domain.states import State
from ..extensions import db
from ..ledger import custody, tally
from ..models import Attempt, Event, Role, Round, RoundStop, Shipment, User
from ..models.shipment import not_yet_out


@dataclass
class CourierDay:
    """One courier's day: their round (if any), its stops by state, and their phone's last sync."""

    courier: User
    round: Round | None = None
    counts: dict[State, int] = field(default_factory=dict)
    not_taken: int = 0  # planned and not yet taken out of the office ("chưa nhận")
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


RESOLVED = "concern_resolved"
DISPUTED = "citizen_disputed"


@dataclass
class Concern:
    """Something a dispatcher must look at: a citizen's report, or a flagged or failed visit.

    A report is named by its event's id, a visit by its client id (and its row id, which
    the resolution's details carry so that the queue can leave it out in SQL).
    """

    kind: str  # "citizen_disputed", "flagged" or "failed"
    shipment: Shipment
    at: datetime
    detail: str | None = None
    event_id: int | None = None
    attempt_id: int | None = None
    client_id: uuid.UUID | None = None

    @property
    def key(self) -> str:
        """Which concern of the board this is, to reopen its form."""
        return f"event:{self.event_id}" if self.event_id is not None else f"visit:{self.client_id}"

    @property
    def reference(self) -> dict:
        """What a resolution's details say to name this concern."""
        if self.event_id is not None:
            return {"concern": self.kind, "event_id": self.event_id}
        return {"concern": self.kind, "attempt_id": self.attempt_id, "client_id": str(self.client_id)}


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
    # Kept as shipments move (ledger/tally.py): counting a million rows per load is too slow.
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
    # Handled ones are left out here, not after the limit, so a busy office's queue refills
    # from older concerns as the newest are handled.
    disputes = db.session.execute(
        db.select(Event).join(Shipment).where(_unindexed(Shipment.post_office_id) == post_office_id,
                                              Event.action == DISPUTED, Event.created_at >= since,
                                              _not_resolved("event_id", Event.id))
        .options(joinedload(Event.shipment).joinedload(Shipment.dossier))
        .order_by(Event.created_at.desc(), Event.id.desc()).limit(limit)).scalars().all()
    visits = db.session.execute(
        db.select(Attempt).join(Shipment).where(
            _unindexed(Shipment.post_office_id) == post_office_id, Attempt.received_at >= since,
            Attempt.needs_a_look(), _not_resolved("attempt_id", Attempt.id))
        .options(joinedload(Attempt.shipment).joinedload(Shipment.dossier))
        .order_by(Attempt.received_at.desc(), Attempt.id.desc()).limit(limit)).scalars().all()
    found = [_dispute(e) for e in disputes] + [_visit(a) for a in visits]
    return sorted(found, key=lambda c: c.at, reverse=True)[:limit]


def _dispute(event: Event) -> Concern:
    return Concern(DISPUTED, event.shipment, event.created_at, (event.details or {}).get("comment"),
                   event_id=event.id)


def _visit(attempt: Attempt) -> Concern:
    return Concern("flagged" if attempt.flagged_reason else "failed", attempt.shipment, attempt.received_at,
                   attempt.flagged_reason or str(attempt.failure_reason),
                   attempt_id=attempt.id, client_id=attempt.client_id)


def _not_resolved(key: str, column):
    """No resolution of the same shipment names this row: read through the events' shipment index,
    a handful of rows per concern."""
    done = aliased(Event)
    return ~db.select(done.id).where(done.shipment_id == Shipment.id, done.action == RESOLVED,
                                     done.details[key].as_integer() == column).exists()


def find_concern(post_office_id: int, *, event_id: int | None = None,
                 client_id: uuid.UUID | None = None) -> Concern | None:
    """The office's citizen report (by event id) or visit needing a look (by client id), handled or not.

    None if there is no such concern in this office (another office's answers the same).
    """
    if event_id is not None:
        found = db.session.execute(
            db.select(Event).join(Shipment).where(Event.id == event_id, Event.action == DISPUTED,
                                                  Shipment.post_office_id == post_office_id)).scalar()
        return _dispute(found) if found else None
    found = db.session.execute(
        db.select(Attempt).join(Shipment).where(Attempt.client_id == client_id, Attempt.needs_a_look(),
                                                Shipment.post_office_id == post_office_id)).scalar()
    return _visit(found) if found else None


def resolve(concern: Concern, note: str, actor: User) -> Event | None:
    """Record that `actor` handled the concern, with their note: a custody note, no state change.

    Returns None and records nothing if it was handled already (a second click, a stale
    page); two dispatchers at the very same moment both leave their note, which is harmless.
    Does not commit.
    """
    key, value = ("event_id", concern.event_id) if concern.event_id is not None else ("attempt_id", concern.attempt_id)
    done = db.session.execute(
        db.select(Event.details).where(Event.shipment_id == concern.shipment.id, Event.action == RESOLVED)).scalars()
    if any((details or {}).get(key) == value for details in done):
        return None
    return custody.note(concern.shipment, RESOLVED, actor=actor, details={**concern.reference, "note": note})


def version(post_office_id: int) -> str:
    """A short fingerprint of what the office's board shows: it changes when the board would.

    Two statements of index probes, whatever the office's size: the tally of states (every
    move, hand-overs included), today's rounds (stops added, moved, reordered), each active
    courier's newest visit (last sync, flagged visits), and the newest citizen report and
    resolution anywhere (rare, so another office's costs an idle board one render). Not seen:
    an agency changing a due date alone; the next move shows it.
    """
    today = local_today()
    counts = sorted(tally.counts(db.session, post_office_id).items())
    couriers = db.select(User.id).where(User.post_office_id == post_office_id, User.role == Role.COURIER,
                                        User.active.is_(True))
    newest_visit = (db.select(func.max(Attempt.received_at)).where(Attempt.courier_id == User.id)
                    .correlate(User).scalar_subquery())
    office_couriers = couriers.subquery()
    todays = db.select(Round.version).where(Round.post_office_id == post_office_id,
                                            Round.round_date == today).subquery()
    row = db.session.execute(db.select(
        db.select(func.count()).select_from(office_couriers).scalar_subquery(),
        db.select(func.max(office_couriers.c.id)).scalar_subquery(),
        db.select(func.max(newest_visit)).where(User.id.in_(couriers)).scalar_subquery(),
        db.select(func.count()).select_from(todays).scalar_subquery(),
        db.select(func.sum(todays.c.version)).scalar_subquery(),
        _newest_event(DISPUTED), _newest_event(RESOLVED))).one()
    return hashlib.sha256(repr((today, counts, tuple(row))).encode()).hexdigest()[:16]


def _newest_event(action: str):
    return db.select(func.max(Event.created_at)).where(Event.action == action).scalar_subquery()


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
    # Planned and held by no one: still at the office. (Assigned after a failed visit today, the
    # item is still in the courier's bag.)
    at_office = func.sum(case((Shipment.holder_courier_id.is_(None), 1), else_=0))
    for round_id, state, n, waiting in db.session.execute(
            db.select(RoundStop.round_id, Shipment.state, func.count(), at_office)
            .join(Shipment, RoundStop.shipment_id == Shipment.id)
            .where(RoundStop.round_id.in_(list(by_round) or [0]))
            .group_by(RoundStop.round_id, Shipment.state)).all():
        by_round[round_id].counts[State(state)] = n
        if State(state) is State.ASSIGNED:
            by_round[round_id].not_taken = int(waiting or 0)
    # One index probe per courier (ix_attempt_courier_received, read from its end) rather than
    # a GROUP BY over every visit the couriers ever made (~100,000 each after a few months).
    newest = (db.select(func.max(Attempt.received_at)).where(Attempt.courier_id == User.id)
              .correlate(User).scalar_subquery())
    for courier_id, last in db.session.execute(
            db.select(User.id, newest).where(User.id.in_(list(days) or [0]))).all():
        if last is not None:
            days[courier_id].last_sync = last  # max() keeps the column's type: aware UTC
    return list(days.values())
