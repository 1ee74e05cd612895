"""Personal data under Decree 13/2023/NĐ-CP: consent, retention, export and erasure.

Only what a hand-over needs is kept. Signatures and photos are deleted when
the retention period ends; their hashes stay, so the tamper-evidence chain
still verifies. An administrator can export everything held about one
citizen's dossier, or erase it; either is recorded as a custody event.
"""
from datetime import timedelta

from ..domain.chain import ERASED, ERASURE_EVENT, erase_personal
from ..domain.storage import MediaStore
from ..extensions import db
from ..ledger import custody
from ..models import Attempt, AuthorisedPerson, Dossier, Event, Proof, ProofKind, Shipment
from ..models.types import utcnow


def purge_expired_media(store: MediaStore, retention_days: int) -> int:
    """Delete proof files older than the retention period; keep their rows and hashes. Caller commits."""
    cutoff = utcnow() - timedelta(days=retention_days)
    expired = db.session.execute(
        db.select(Proof).join(Attempt).where(Attempt.received_at < cutoff, Proof.purged_at.is_(None))
    ).scalars().all()
    for proof in expired:
        _forget(proof, store)
    return len(expired)


def purge_paper_photos(shipment: Shipment, store: MediaStore) -> int:
    """Delete the photos of a dossier's papers taken at the door, now that the agency has the papers
    (the citizen was told they are kept only until then); the citizen's signature stays. Their
    rows and hashes stay, so the chain still verifies. Caller commits."""
    photos = db.session.execute(
        db.select(Proof).join(Attempt).where(Attempt.shipment_id == shipment.id, Proof.kind == ProofKind.PHOTO,
                                             Proof.purged_at.is_(None))).scalars().all()
    for proof in photos:
        _forget(proof, store)
    return len(photos)


def _forget(proof: Proof, store: MediaStore) -> None:
    proof.purged_at = utcnow()
    still_needed = db.session.execute(
        db.select(Proof.id).where(Proof.sha256 == proof.sha256, Proof.purged_at.is_(None), Proof.id != proof.id)
    ).first()
    if not still_needed:  # the same bytes may back another, younger proof
        store.path_for(proof.sha256).unlink(missing_ok=True)


def find_dossier(code: str) -> Dossier | None:
    return db.session.execute(db.select(Dossier).filter_by(code=code)).scalars().first()


def export_citizen(dossier: Dossier) -> dict:
    """Everything held about one dossier's citizen, as plain data (media by hash)."""
    shipments = db.session.execute(db.select(Shipment).filter_by(dossier_id=dossier.id)).scalars().all()
    return {
        "dossier": {"code": dossier.code, "procedure": dossier.procedure_name,
                    "applicant_name": dossier.applicant_name, "phone": dossier.applicant_phone,
                    "street": dossier.street, "ward_code": dossier.ward_code,
                    "due_date": dossier.due_date.isoformat() if dossier.due_date else None,
                    "authorised_persons": [p.full_name for p in dossier.authorised_persons]},
        "shipments": [_shipment(s) for s in shipments],
    }


def _shipment(shipment: Shipment) -> dict:
    attempts = db.session.execute(db.select(Attempt).filter_by(shipment_id=shipment.id)).scalars().all()
    events = db.session.execute(db.select(Event).filter_by(shipment_id=shipment.id).order_by(Event.id)).scalars()
    return {
        "id": str(shipment.public_id), "state": str(shipment.state),
        "attempts": [{"outcome": str(a.outcome), "at": a.captured_at.isoformat(), "recipient": a.recipient_name,
                      "id_tail": a.id_tail_masked, "latitude": a.latitude, "longitude": a.longitude,
                      "proofs": [{"kind": str(p.kind), "sha256": p.sha256, "purged": p.purged_at is not None}
                                 for p in a.proofs]} for a in attempts],
        "events": [{"action": e.action, "state": e.to_state, "at": e.created_at.isoformat()} for e in events],
    }


def erase_citizen(dossier: Dossier, store: MediaStore, actor_label: str) -> int:
    """Erase one citizen's personal data, keep what the audit trail needs; caller commits.

    Names, phone, address, coordinates, ID tails and media go; codes, states,
    times and hashes stay, so the chain still verifies (an attempt's personal values
    are chained by a salted digest whose salt goes with them: domain/chain.py).
    """
    dossier.applicant_name, dossier.applicant_phone, dossier.street = ERASED, None, ERASED
    dossier.latitude = dossier.longitude = dossier.expected_id_tail = None
    for person in db.session.execute(db.select(AuthorisedPerson).filter_by(dossier_id=dossier.id)).scalars():
        person.full_name, person.expected_id_tail = ERASED, None
    shipments = db.session.execute(db.select(Shipment).filter_by(dossier_id=dossier.id)).scalars().all()
    for shipment in shipments:
        for attempt in db.session.execute(db.select(Attempt).filter_by(shipment_id=shipment.id)).scalars():
            # With their salt, so the chained digest can no longer be matched to a guessed name.
            erase_personal(attempt)
            for proof in attempt.proofs:
                if proof.purged_at is None:
                    _forget(proof, store)
        # Chained: verify accepts the attempts' erasure only after this event (domain/chain.py).
        custody.note(shipment, ERASURE_EVENT, actor_label=actor_label)
    return len(shipments)
