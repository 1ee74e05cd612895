"""What a citizen may see and do through a shipment's capability link.

The link's token is looked up by its hash. The envelope passes through many
hands, so holding the link proves nothing: a holder sees the dossier's code,
the agency, a masked name and the custody timeline, never the address, phone
or ID number. Once the holder has typed the last digits of the phone the
agency gave (check_phone_tail), they may see the hand-over's proof, leave a
note for the courier before delivery, and afterwards confirm receipt or say it
did not arrive, once; every one of these is a custody event.
"""
import hmac
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import case, literal, or_, update

from ..domain.identity import mask_name
from ..domain.states import NO_VISIT_AHEAD, TERMINAL, Action, Direction, State, allowed_actions
from ..domain.storage import MediaStore
from ..domain.tokens import token_hash
from ..extensions import db
from ..ledger import custody
from ..models import Attempt, CitizenAnswer, CitizenLink, Dossier, Event, Outcome, ProofKind, Shipment
from ..models.types import UTCDateTime, utcnow
from . import casework

CONFIRMED, DISPUTED, NOTE = "citizen_confirmed", "citizen_disputed", "citizen_note"
# A visit that did not do what it came for: a result not handed over, a dossier not taken in.
_VAIN = (Outcome.FAILED, Outcome.PICKUP_REFUSED)
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
    link: CitizenLink  # the one link this holder opened (a shipment may have several)
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

    @property
    def is_pickup(self) -> bool:
        return self.shipment.direction is Direction.COLLECT_DOSSIER

    @property
    def is_supplement(self) -> bool:
        """Whether what the link follows now is the dossier's papers going back to be completed."""
        return any(event.shipment_id == self.shipment.id and "supplement_of" in (event.details or {})
                   for event in self.timeline)

    @property
    def missing_papers(self) -> list[str]:
        """The papers the courier found missing on the last visit that could not take the dossier in."""
        missing = set(self.last_failure.missing_documents or ()) if self.last_failure else set()
        pickup = self.shipment.pickup
        return [document.name for document in pickup.procedure.documents if document.id in missing] if pickup else []

    @property
    def supplement_reason(self) -> str | None:
        """Why the agency sent the dossier back to be completed, as it wrote it."""
        sent_back = [event for event in self.timeline if event.action == Action.RETURN_FOR_SUPPLEMENT]
        return sent_back[-1].details.get("reason") if sent_back else None

    @property
    def takes_notes(self) -> bool:
        """Whether a courier is still to come to the door, so a note for them makes sense."""
        return self.shipment.state not in NO_VISIT_AHEAD

    @property
    def can_cancel(self) -> bool:
        """Whether the citizen may still withdraw a pickup request (the papers are not yet ours)."""
        return self.is_pickup and Action.CANCEL in allowed_actions(
            self.shipment.state, direction=self.shipment.direction)

    @property
    def can_prove(self) -> bool:
        """Whether the agency gave a phone whose digits a holder can be asked for."""
        return phone_tail(self.shipment.dossier.applicant_phone) is not None

    def locked_until(self, now: datetime | None = None) -> datetime | None:
        """Until when this link's check refuses every answer; None if it does not now."""
        until = self.link.locked_until
        return until if until and until > (now or utcnow()) else None


def open_link(token: str, keep_days: int, now: datetime | None = None) -> Tracking | None:
    """What a token's holder follows (the newest shipment of its story, with the whole story's
    states), or None if the token is unknown (or revoked); raises LinkExpired."""
    if not token or len(token) > 128:
        return None
    found = db.session.execute(
        db.select(Shipment, CitizenLink).join(CitizenLink)
        .where(CitizenLink.token_hash == token_hash(token), CitizenLink.revoked_at.is_(None))).one_or_none()
    if found is None:
        return None
    opened, link = found
    *before, shipment = story(opened)
    events = db.session.execute(
        db.select(Event).filter_by(shipment_id=shipment.id).order_by(Event.created_at, Event.id)).scalars().all()
    earlier = db.session.execute(
        db.select(Event).where(Event.shipment_id.in_([s.id for s in before]), Event.to_state.is_not(None))
        .order_by(Event.created_at, Event.id)).scalars().all() if before else []
    closed = [e.created_at for e in events if e.to_state in {str(s) for s in TERMINAL}]
    if closed and (now or utcnow()) - closed[-1] > timedelta(days=keep_days):
        raise LinkExpired(shipment.post_office.hotline)
    attempts = db.session.execute(
        db.select(Attempt).filter_by(shipment_id=shipment.id).order_by(Attempt.id)).scalars().all()
    answers = [e.action for e in events if e.action in (CONFIRMED, DISPUTED)]
    return Tracking(
        shipment=shipment, link=link, timeline=earlier + [e for e in events if e.to_state],
        delivery=next((a for a in reversed(attempts) if a.outcome is Outcome.DELIVERED), None),
        last_failure=next((a for a in reversed(attempts) if a.outcome in _VAIN), None),
        answered=answers[0] if answers else None, notes=[e for e in events if e.action == NOTE],
    )


def story(shipment: Shipment) -> list[Shipment]:
    """The shipments one citizen's link follows, in order, the one that matters now last: a dossier
    taken in, then what came back on the same dossier (papers to complete) and the result the agency
    pushed under the code it gave (Pickup.result_dossier). A result on its own is its own story."""
    if shipment.direction is not Direction.COLLECT_DOSSIER:
        return [shipment]
    dossier_ids = [shipment.dossier_id] + ([shipment.pickup.result_dossier_id]
                                           if shipment.pickup and shipment.pickup.result_dossier_id else [])
    return list(db.session.execute(
        db.select(Shipment).where(Shipment.dossier_id.in_(dossier_ids), Shipment.id >= shipment.id)
        .order_by(Shipment.id)).scalars())


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


class NotCancellable(Exception):
    """The request can no longer be withdrawn: the courier has the dossier, or it is over."""


def cancel_pickup(tracking: Tracking, max_attempts: int) -> None:
    """The citizen withdraws a pickup request; it leaves the rounds it was planned on. Raises
    NotCancellable. Caller commits."""
    if not tracking.can_cancel:
        raise NotCancellable()
    casework.cancel(tracking.shipment, "citizen_withdrew", None, max_attempts, actor_label="citizen")


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


CHECK_DIGITS = 4
FREE_CHECKS = 5
# Five wrong answers lock the link's check for 12 hours, and so does every wrong one after, until a
# right one: a guesser gets 5 tries, then 2 a day, some 65 in the 30 days a link lives after delivery,
# under 1 chance in 100 of hitting one of 10,000 tails. A citizen who mistyped five times can try
# again the next morning, or call the post office the same day; a lock of days would leave them
# nothing but the phone, and let whoever holds the envelope shut them out for longer.
LOCK = timedelta(hours=12)


class NothingToCheck(Exception):
    """The dossier has no phone number, so no holder can prove to be its citizen online."""


@dataclass
class PhoneCheck:
    proven: bool
    tries_left: int                # wrong answers left before the lock
    locked_until: datetime | None  # set when this answer was refused, or earned the lock


def phone_tail(phone: str | None) -> str | None:
    """The last CHECK_DIGITS digits of a phone number as stored; None if it has fewer."""
    digits = "".join(c for c in phone or "" if c in "0123456789")
    return digits[-CHECK_DIGITS:] if len(digits) >= CHECK_DIGITS else None


def digits_to_type(token: str) -> str | None:
    """The digits a link's holder is asked for (the demo prints them); None: no such link, or no phone."""
    phone = db.session.execute(
        db.select(Dossier.applicant_phone).join(Shipment).join(CitizenLink)
        .where(CitizenLink.token_hash == token_hash(token))).scalar_one_or_none()
    return phone_tail(phone)


def check_phone_tail(tracking: Tracking, typed: str, now: datetime | None = None) -> PhoneCheck:
    """Whether `typed` (CHECK_DIGITS ASCII digits, validated by the form) ends the dossier's phone.

    Every answer is counted on the link before it is compared, by one UPDATE that a locked link
    does not pass: of guesses sent at once, each adds one (no read-then-write to lose one) and none
    gets past the lock another has just set. A right answer then sets the count back to zero.
    Raises NothingToCheck if the dossier has no phone. The caller commits, whatever the outcome.
    """
    expected = phone_tail(tracking.shipment.dossier.applicant_phone)
    if expected is None:
        raise NothingToCheck()
    now = now or utcnow()
    link = CitizenLink.__table__.c
    counted = db.session.execute(
        update(CitizenLink.__table__)
        .where(link.id == tracking.link.id, or_(link.locked_until.is_(None), link.locked_until <= now))
        .values(failed_checks=link.failed_checks + 1,
                locked_until=case((link.failed_checks + 1 >= FREE_CHECKS, literal(now + LOCK, UTCDateTime())),
                                  else_=None))
        .returning(link.failed_checks, link.locked_until)).one_or_none()
    db.session.expire(tracking.link, ["failed_checks", "locked_until"])
    if counted is None:
        return PhoneCheck(proven=False, tries_left=0, locked_until=tracking.link.locked_until)
    if hmac.compare_digest(typed.encode(), expected.encode()):
        db.session.execute(update(CitizenLink.__table__).where(link.id == tracking.link.id)
                           .values(failed_checks=0, locked_until=None))
        return PhoneCheck(proven=True, tries_left=FREE_CHECKS, locked_until=None)
    failures, locked_until = counted
    return PhoneCheck(proven=False, tries_left=max(0, FREE_CHECKS - failures), locked_until=locked_until)


@dataclass
class ProofCheck:
    kind: ProofKind
    sha256: str
    valid: bool


def check_proofs(attempt: Attempt, store: MediaStore) -> list[ProofCheck]:
    """Re-hash each stored proof of the attempt: valid, or altered (or missing)."""
    return [ProofCheck(proof.kind, proof.sha256, store.verify(proof.sha256)) for proof in attempt.proofs]
