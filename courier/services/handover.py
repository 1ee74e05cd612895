"""The hand-over: applying a courier's offline attempts exactly once.

An attempt is a visit to a citizen's door: to hand a result over, or to take a dossier in
(what only a pickup has is in services/door_pickup.py, called from here).

A phone may send the same attempt many times (no answer, a dropped
connection, a restart): the client-made `client_id` is the idempotency key,
guarded by a unique constraint, so a replay finds the stored attempt instead
of making a second one, and a replay whose content differs is refused.
Everything is checked before anything is changed; the caller commits. What the
flush and the commit then write besides (events sealed, webhooks queued) is
listed in courier/unit_of_work.py.
"""
import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import cache

from sqlalchemy import bindparam, func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, lazyload

from ..domain import identity, images
from ..domain.attempts import PICKUP_OUTCOMES, AttemptInput, AttemptInvalid, IdCheck, Outcome, parse_attempt
from ..domain.formatting import VIETNAM, local_today
from ..domain.states import Action, State, after_failure
from ..domain.storage import MediaStore
from ..extensions import db
from ..ledger import custody
from ..models import Attempt, Dossier, Proof, ProofKind, Shipment, User
from . import door_pickup, write_lock
from .rounds import current_round_courier_id, has_been_on_round



class SyncRejected(Exception):
    """Raised with a reason `code` and, for "invalid", `fields` {name: code}.

    The codes: invalid, quota_exceeded (the attempt cannot be read or stored), conflict (its
    client_id was used for other content), unknown_shipment, not_on_your_round. The API
    answers each with its own status (routes/api/courier.py, docs/courier-sync.md).
    """

    def __init__(self, code: str, fields: dict | None = None):
        self.code, self.fields = code, fields or {}
        super().__init__(f"{code} {self.fields}")


@dataclass
class SyncResult:
    status: str  # "created" or "duplicate"
    attempt: Attempt
    state: str | None = None  # the shipment's state when the attempt was applied

    @property
    def shipment_state(self) -> str:
        # Kept from before the commit when known: reading it after would load the shipment again.
        return self.state or str(self.attempt.shipment.state)


def submit_attempt(courier: User, attempt_json: str, uploads: dict[str, bytes],
                   store: MediaStore, *, max_attempts: int, daily_quota: int | None = None,
                   recorded_at: datetime | None = None) -> SyncResult:
    """Record one attempt from a courier's outbox, once; raise SyncRejected if it cannot be.

    `uploads` maps part names (signature, photo, authorisation_letter) to bytes.
    `recorded_at` backdates the server's side (received_at and the custody events)
    for history loaded after the fact, such as the demo's past weeks; None is now.
    """
    try:
        payload = json.loads(attempt_json or "")
    except ValueError as error:
        raise SyncRejected("invalid", {"attempt": "not_json"}) from error
    entry = _parse(payload)
    digest = content_digest(payload, uploads)
    # PostgreSQL: the shipment's row is locked by this look-up until the commit. SQLite has no
    # row locks: see below.
    seen = _look_up(courier, entry, lock_row=not _is_sqlite())
    if seen.known_attempt is not None:
        return _replay(seen.known_attempt, digest, courier)
    shipment = _check_against(seen, courier, entry)
    media = _check_media(entry, uploads)
    if daily_quota is not None:
        _check_quota(seen.media_bytes_today, media, daily_quota)
    # The files go to disk (fsynced) before SQLite's write lock is taken, so that no other
    # hand-over waits for them. Files are named by their hash: one whose attempt is never
    # committed is only an unreferenced file, as after a crash before the commit.
    stored = {kind: store.put(image.content) for kind, image in media.items()}
    if write_lock.hold_database(db.session):
        # SQLite: what was read above may be stale by now (another hand-over of this shipment,
        # sent at the same moment). Read again under the write lock, and check again.
        seen = _look_up(courier, entry, lock_row=False)
        if seen.known_attempt is not None:
            return _replay(seen.known_attempt, digest, courier)
        shipment = _check_against(seen, courier, entry)
        if daily_quota is not None:
            _check_quota(seen.media_bytes_today, media, daily_quota)
    attempt = _new_attempt(entry, courier, shipment, digest)
    if recorded_at is not None:
        attempt.received_at = recorded_at
    db.session.add(attempt)
    _record_media(attempt, media, stored)
    with db.session.no_autoflush:  # a look-up on the way must not write the rows early
        _move_shipment(attempt, courier, seen.planned_courier_id, max_attempts, recorded_at)
    try:
        # One flush for the attempt, its proofs and its events: the fewest statements, and
        # the chains' heads locked only from here to the commit.
        db.session.flush()
    except IntegrityError:
        # Another request stored this client_id between our look-up and insert. The whole
        # transaction goes. (Not a SAVEPOINT: with SQLite's Python driver, releasing one
        # that opened the transaction commits it.)
        db.session.rollback()
        known = _find(entry.client_id)
        if known is None:
            raise  # some other constraint: a bug, not a replay
        return _replay(known, digest, courier)
    return SyncResult("created", attempt, str(shipment.state))


def content_digest(payload: dict, uploads: dict[str, bytes]) -> str:
    """SHA-256 over the attempt's canonical JSON and its media, to tell replays from conflicts."""
    hasher = hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode())
    for name in sorted(uploads):
        hasher.update(f"|{name}:{hashlib.sha256(uploads[name]).hexdigest()}".encode())
    return hasher.hexdigest()


def _parse(payload) -> AttemptInput:
    try:
        return parse_attempt(payload)
    except AttemptInvalid as error:
        raise SyncRejected("invalid", error.fields) from error


def _find(client_id: uuid.UUID) -> Attempt | None:
    return db.session.execute(db.select(Attempt).filter_by(client_id=client_id)).scalar_one_or_none()


def _replay(known: Attempt, digest: str, courier: User) -> SyncResult:
    if known.courier_id != courier.id or known.content_digest != digest:
        raise SyncRejected("conflict")
    return SyncResult("duplicate", known)


def _is_sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


def _check_against(seen: "_Seen", courier: User, entry: AttemptInput) -> Shipment:
    """The shipment the attempt names, if this courier may hand it over; raise SyncRejected if not."""
    shipment = _check_shipment(courier, seen.shipment)
    if fields := door_pickup.problems(entry, shipment):
        raise SyncRejected("invalid", fields)
    _check_identity(entry, shipment)
    return shipment


@dataclass
class _Seen:
    shipment: Shipment | None       # as it is now (read again after the lock: populate_existing)
    known_attempt: Attempt | None   # already stored under this client_id: a replay
    media_bytes_today: int          # the courier's uploads since midnight in Vietnam
    planned_courier_id: int | None = None  # the courier of the newest round it is on


def _look_up(courier: User, entry: AttemptInput, lock_row: bool) -> _Seen:
    """What the attempt needs from the database, read by one query (on SQLite twice: before
    the write lock, to refuse early, and under it, to act on).

    The shipment comes with its dossier and agency (the agency's webhook payload needs them),
    refreshed if the session holds it already.
    """
    midnight = datetime.combine(local_today(), time(), VIETNAM)
    row = db.session.execute(_look_up_query(lock_row), {
        "b_shipment": entry.shipment_id, "b_client": entry.client_id, "b_courier": courier.id,
        "b_from": midnight, "b_until": midnight + timedelta(days=1)}).first()
    if row is None:  # no such shipment; yet a replay is answered as one whatever it names
        return _Seen(None, _find(entry.client_id), 0)
    shipment, known_id, used_bytes, planned_id = row
    return _Seen(shipment, None if known_id is None else db.session.get(Attempt, known_id), used_bytes,
                 planned_id)


@cache
def _look_up_query(lock_row: bool):
    """Built once (of each kind): it runs on every hand-over."""
    known = db.select(Attempt.id).where(Attempt.client_id == bindparam("b_client")).scalar_subquery()
    used = (db.select(func.coalesce(func.sum(Proof.size_bytes), 0)).join(Attempt)
            .where(Attempt.courier_id == bindparam("b_courier"), Attempt.received_at >= bindparam("b_from"),
                   Attempt.received_at < bindparam("b_until")).scalar_subquery())
    planned = current_round_courier_id(Shipment.id).scalar_subquery()
    query = (db.select(Shipment, known, used, planned).where(Shipment.public_id == bindparam("b_shipment"))
             .options(joinedload(Shipment.dossier, innerjoin=True).joinedload(Dossier.agency, innerjoin=True),
                      lazyload(Shipment.citizen_links))  # not needed here: no query for them
             .execution_options(populate_existing=True))
    return query.with_for_update(of=Shipment) if lock_row else query


def _check_shipment(courier: User, shipment: Shipment | None) -> Shipment:
    if shipment is None or shipment.post_office_id != courier.post_office_id:
        raise SyncRejected("unknown_shipment")
    if shipment.holder_courier_id != courier.id and not has_been_on_round(courier, shipment):
        raise SyncRejected("not_on_your_round")
    return shipment


def _check_identity(entry: AttemptInput, shipment: Shipment) -> None:
    """The phone's "matched" stands only if the tail it kept agrees with the agency's, checked here."""
    if entry.columns.get("id_check") is not IdCheck.MATCHED:
        return
    if not identity.masked_tail_agrees(entry.columns.get("id_tail_masked"), shipment.dossier.expected_id_tail):
        raise SyncRejected("invalid", {"recipient.id_check": "does_not_match"})


def _check_media(entry: AttemptInput, uploads: dict[str, bytes]) -> dict[ProofKind, images.CheckedImage]:
    fields, checked = {}, {}
    unknown = set(uploads) - {kind.value for kind in ProofKind}
    for name in unknown:
        fields[name] = "unexpected_file"
    for kind in ProofKind:
        content = uploads.get(kind.value)
        if content is None:
            continue
        try:
            # Checked by content; re-encoded only when there is metadata or more to strip (images.py).
            if kind is ProofKind.SIGNATURE:
                image, ink = images.clean_signature(content)
                if problem := images.signature_ink_problem(ink):
                    raise images.ImageRejected(problem)
            else:
                image = images.clean_photo(content)
        except images.ImageRejected as rejected:
            fields[kind.value] = rejected.reason
            continue
        checked[kind] = image
    # The citizen signs for what is handed over, either way.
    signed = entry.outcome in (Outcome.DELIVERED, Outcome.PICKED_UP)
    if signed and ProofKind.SIGNATURE not in checked and "signature" not in fields:
        fields["signature"] = "required"
    if entry.outcome in PICKUP_OUTCOMES and ProofKind.AUTHORISATION_LETTER.value in uploads:
        fields["authorisation_letter"] = "unexpected_file"  # nobody receives anything at a pickup
    delivered = entry.outcome is Outcome.DELIVERED
    if delivered and entry.relationship == "authorised" and \
            ProofKind.AUTHORISATION_LETTER not in checked and "authorisation_letter" not in fields:
        fields["authorisation_letter"] = "required"
    if fields:
        raise SyncRejected("invalid", fields)
    return checked


def _check_quota(used_today: int, media: dict, daily_quota: int) -> None:
    """Refuse media past the courier's daily allowance, so one phone cannot fill the disk."""
    if used_today + sum(len(image.content) for image in media.values()) > daily_quota:
        raise SyncRejected("quota_exceeded")


def _new_attempt(entry: AttemptInput, courier: User, shipment: Shipment, digest: str) -> Attempt:
    return Attempt(client_id=entry.client_id, shipment=shipment, courier=courier, content_digest=digest,
                   **entry.attempt_columns())


def _record_media(attempt: Attempt, media: dict, stored: dict) -> None:
    for kind, image in media.items():
        db.session.add(Proof(attempt=attempt, kind=kind, sha256=stored[kind], content_type=image.content_type,
                             size_bytes=len(image.content), width=image.width, height=image.height))


def _move_shipment(attempt: Attempt, courier: User, planned_courier_id: int | None, max_attempts: int,
                   at: datetime | None = None) -> None:
    """Move the shipment as the visit says, or flag the attempt when it no longer can."""
    if attempt.outcome in PICKUP_OUTCOMES:
        door_pickup.move(attempt, courier, planned_courier_id, max_attempts, at)
        return
    shipment, details = attempt.shipment, {"attempt": str(attempt.client_id)}
    if shipment.holder_courier_id not in (None, courier.id) or planned_courier_id not in (None, courier.id):
        # A dispatcher gave it to someone else while this courier was offline.
        attempt.flagged_reason = "reassigned"
    if shipment.state is State.ASSIGNED:
        # Taking it out is implied by standing at the citizen's door with it: the courier is
        # never blocked there. Still in this courier's hands (a retry after a failed visit
        # today) it is plain; never scanned out at the office, the dispatcher is told.
        if shipment.holder_courier_id is None and attempt.flagged_reason is None:
            attempt.flagged_reason = "not_taken_out"
        custody.apply(shipment, Action.DISPATCH, max_attempts=max_attempts, actor=courier,
                      courier=courier, details=details | {"implied": True}, at=at)
    if shipment.state is not State.OUT_FOR_DELIVERY:
        # Cancelled, returned or delivered meanwhile: the visit happened, keep it for a dispatcher.
        attempt.flagged_reason = f"shipment_{shipment.state}"
        custody.note(shipment, "attempt_flagged", actor=courier,
                     details=details | {"reason": attempt.flagged_reason}, at=at)
        return
    if attempt.outcome is Outcome.DELIVERED:
        custody.apply(shipment, Action.DELIVER, max_attempts=max_attempts, actor=courier, details=details, at=at)
        return
    custody.apply(shipment, Action.FAIL, max_attempts=max_attempts, actor=courier,
                  details=details | {"reason": str(attempt.failure_reason)}, at=at)
    custody.apply(shipment, after_failure(shipment.attempts_count, max_attempts),
                  max_attempts=max_attempts, actor_label="system", details=details, at=at)
