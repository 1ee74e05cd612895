"""What a citizen may see and do through a shipment's capability link.

The link's token is looked up by its hash. A citizen sees the dossier, the
procedure, the agency, a masked name and the custody timeline, never the
address, phone or ID number. They may leave a note for the courier before
delivery, and afterwards confirm receipt or say it did not arrive, once
each; every one of these is a custody event.
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..domain.identity import mask_name
from ..domain.states import TERMINAL, State
from ..domain.storage import MediaStore
from ..domain.tokens import token_hash
from ..extensions import db
from ..ledger import custody
from ..models import Attempt, CitizenAnswer, CitizenLink, Event, Outcome, ProofKind, Shipment
from ..models.types import utcnow

CONFIRMED, DISPUTED, NOTE = "citizen_confirmed", "citizen_disputed", "citizen_note"
MAX_NOTE = 300


class LinkExpired(Exception):
    """The shipment closed longer ago than links are kept; carries the office's hotline."""

    def __init__(self, hotline: str | None):
        self.hotline = hotline


class AlreadyDone(Exception):
    """Receipt was already confirmed or disputed through this link."""


@dataclass
class Tracking:
    shipment: Shipment
    timeline: list[Event]
    delivery: Attempt | None
    last_failure: Attempt | None
    answered: str | None  # CONFIRMED, DISPUTED or None
    notes: list[Event] = field(default_factory=list)

    @property
    def recipient_masked(self) -> str:
        return mask_name(self.shipment.dossier.applicant_name)

    @property
    def is_delivered(self) -> bool:
        return self.shipment.state is State.DELIVERED


def open_link(token: str, keep_days: int, now: datetime | None = None) -> Tracking | None:
    """The shipment behind a token, or None if unknown (or revoked); raises LinkExpired."""
    if not token or len(token) > 128:
        return None
    shipment = db.session.execute(
        db.select(Shipment).join(CitizenLink)
        .where(CitizenLink.token_hash == token_hash(token), CitizenLink.revoked_at.is_(None))).scalar_one_or_none()
    if shipment is None:
        return None
    events = db.session.execute(
        db.select(Event).filter_by(shipment_id=shipment.id).order_by(Event.created_at, Event.id)).scalars().all()
    closed = [e.created_at for e in events if e.to_state in {str(s) for s in TERMINAL}]
    if closed and (now or utcnow()) - closed[-1] > timedelta(days=keep_days):
        raise LinkExpired(shipment.post_office.hotline)
    attempts = db.session.execute(
        db.select(Attempt).filter_by(shipment_id=shipment.id).order_by(Attempt.id)).scalars().all()
    answers = [e.action for e in events if e.action in (CONFIRMED, DISPUTED)]
    return Tracking(
        shipment=shipment, timeline=[e for e in events if e.to_state],
        delivery=next((a for a in reversed(attempts) if a.outcome is Outcome.DELIVERED), None),
        last_failure=next((a for a in reversed(attempts) if a.outcome is Outcome.FAILED), None),
        answered=answers[0] if answers else None, notes=[e for e in events if e.action == NOTE],
    )


def confirm(tracking: Tracking, rating: int | None, comment: str | None) -> Event:
    """Record that the citizen received the result; once. Caller commits (see _once)."""
    _once(tracking, CONFIRMED)
    details = {"rating": rating} if rating else {}
    if comment:
        details["comment"] = comment.strip()[:MAX_NOTE]
    return custody.note(tracking.shipment, CONFIRMED, actor_label="citizen", details=details)


def dispute(tracking: Tracking, comment: str | None) -> Event:
    """Record that the citizen says the result did not reach them; once. Caller commits (see _once)."""
    _once(tracking, DISPUTED)
    return custody.note(tracking.shipment, DISPUTED, actor_label="citizen",
                        details={"comment": (comment or "").strip()[:MAX_NOTE]})


NOTES_A_DAY = 3  # a convenient time, a change of plan, a correction: more is a phone call


class TooManyNotes(Exception):
    """The link has left NOTES_A_DAY notes in the last 24 hours."""


def leave_note(tracking: Tracking, text: str, now: datetime | None = None) -> Event:
    """A note for the courier before delivery (e.g. a convenient time); at most NOTES_A_DAY a day, since
    whoever holds the envelope's link can write one. Raises TooManyNotes. Caller commits."""
    since = (now or utcnow()) - timedelta(days=1)
    written = db.session.execute(
        db.select(db.func.count()).select_from(Event)
        .where(Event.shipment_id == tracking.shipment.id, Event.action == NOTE, Event.created_at > since)).scalar()
    if written >= NOTES_A_DAY:
        raise TooManyNotes()
    return custody.note(tracking.shipment, NOTE, actor_label="citizen", details={"note": text.strip()[:MAX_NOTE]})


def _once(tracking: Tracking, action: str) -> None:
    """Refuse a second answer; and add the row whose key refuses one that races this one: the
    caller's commit then raises IntegrityError, which means AlreadyDone."""
    if tracking.answered or not tracking.is_delivered:
        raise AlreadyDone()
    db.session.add(CitizenAnswer(shipment_id=tracking.shipment.id, action=action))


@dataclass
class ProofCheck:
    kind: ProofKind
    sha256: str
    valid: bool


def check_proofs(attempt: Attempt, store: MediaStore) -> list[ProofCheck]:
    """Re-hash each stored proof of the attempt: valid, or altered (or missing)."""
    return [ProofCheck(proof.kind, proof.sha256, store.verify(proof.sha256)) for proof in attempt.proofs]
