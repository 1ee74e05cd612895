"""Attempts (one visit's outcome) and their proofs (signature, photos)."""
import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.attempts import FailureReason, IdCheck, Outcome, RecipientRelationship
from ..extensions import db
from .shipment import Shipment, _enum
from .types import UTCDateTime, utcnow
from .user import User


_NEEDS_A_LOOK_SQL = f"flagged_reason IS NOT NULL OR outcome = '{Outcome.FAILED}'"


class Attempt(db.Model):
    """One visit to hand a shipment over (delivered or failed) or to take a dossier in at the
    citizen's door (picked up or refused).

    `client_id` is made on the courier's phone when the visit is recorded and
    is the idempotency key: a unique constraint, not a read-then-write, keeps
    an offline replay from creating a second attempt. The recipient's full ID
    number is never stored: only its masked tail.
    """

    __tablename__ = "attempt"
    __table_args__ = (
        CheckConstraint("fee_agency_collected >= 0 AND fee_postage_collected >= 0",
                        name="collected_not_negative"),
        Index("ix_attempt_courier_received", "courier_id", "received_at"),  # last sync per courier
        Index("ix_attempt_received_at", "received_at"),  # reports and the media purge, by when received
        # The board's failures queue, newest first: only the visits a dispatcher must look at, so
        # the newest fifty of an office are the next hundred or so entries, not a week's visits (0011).
        Index("ix_attempt_needs_a_look", "received_at", "id",
              postgresql_where=text(_NEEDS_A_LOOK_SQL), sqlite_where=text(_NEEDS_A_LOOK_SQL)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipment.id"), index=True)
    courier_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    outcome: Mapped[Outcome] = mapped_column(_enum(Outcome, 16))
    failure_reason: Mapped[FailureReason | None] = mapped_column(_enum(FailureReason, 32))
    note: Mapped[str | None] = mapped_column(Text)
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)   # the phone's clock; reports count by it
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # ours
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    gps_accuracy_m: Mapped[float | None]
    # For a pickup: who handed the dossier over at the door (the payload's `handed_by`).
    recipient_name: Mapped[str | None] = mapped_column(String(120))
    recipient_relationship: Mapped[RecipientRelationship | None] = mapped_column(
        _enum(RecipientRelationship, 16))
    # How an authorised recipient is related to the applicant ("con trai", "vợ").
    authorised_relationship: Mapped[str | None] = mapped_column(String(60))
    id_check: Mapped[IdCheck | None] = mapped_column(_enum(IdCheck, 16))
    id_tail_masked: Mapped[str | None] = mapped_column(String(16))
    override_reason: Mapped[str | None] = mapped_column(Text)
    fee_agency_collected: Mapped[int] = mapped_column(default=0)
    fee_postage_collected: Mapped[int] = mapped_column(default=0)
    payment_method: Mapped[str | None] = mapped_column(String(16))
    # Set when the shipment had been reassigned or cancelled while the courier
    # was offline: the hand-over happened, so it is kept, for a dispatcher to see.
    flagged_reason: Mapped[str | None] = mapped_column(String(200))
    # Which consent text the recipient was shown when signing (Decree 13/2023/NĐ-CP).
    consent_version: Mapped[str | None] = mapped_column(String(16))
    # A pickup's only (None for a delivery's visit, and for every attempt made before 0027): the
    # pages counted at the door, the ids of the procedure's documents ticked as handed over (picked
    # up) or named missing (refused). Chained only when set (domain/chain.py says why).
    pages: Mapped[int | None]
    documents: Mapped[list[int] | None] = mapped_column(JSON(none_as_null=True))
    missing_documents: Mapped[list[int] | None] = mapped_column(JSON(none_as_null=True))
    # A digest of the submitted content, so a replay with other content is told apart.
    content_digest: Mapped[str] = mapped_column(String(64))
    # Tamper evidence (ledger/chain.py), as for events; the personal values are chained through
    # their salted digest, so that an erasure deletes them and the salt without breaking the chain.
    seq: Mapped[int | None] = mapped_column(unique=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))
    personal_salt: Mapped[str | None] = mapped_column(String(32))   # None once erased
    personal_digest: Mapped[str | None] = mapped_column(String(64))

    shipment: Mapped[Shipment] = relationship()
    courier: Mapped[User] = relationship()
    proofs: Mapped[list["Proof"]] = relationship(back_populates="attempt", order_by="Proof.id")

    @classmethod
    def needs_a_look(cls):
        """A flagged or failed visit, as ix_attempt_needs_a_look's WHERE says (SQLite uses a partial
        index only for a query that repeats its WHERE; a bound value there is taken as equal)."""
        return cls.flagged_reason.is_not(None) | (cls.outcome == Outcome.FAILED)


class ProofKind(StrEnum):
    SIGNATURE = "signature"
    PHOTO = "photo"
    AUTHORISATION_LETTER = "authorisation_letter"


class Proof(db.Model):
    """A piece of media backing an attempt, stored by its SHA-256 in the media store."""

    __tablename__ = "proof"
    __table_args__ = (UniqueConstraint("attempt_id", "kind", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id"), index=True)
    kind: Mapped[ProofKind] = mapped_column(_enum(ProofKind, 24))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    content_type: Mapped[str] = mapped_column(String(40))
    size_bytes: Mapped[int]
    width: Mapped[int | None]
    height: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Tamper evidence (ledger/chain.py), as for events.
    seq: Mapped[int | None] = mapped_column(unique=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))
    # Set when the retention period ended and the file was deleted; the hash stays for the chain.
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    attempt: Mapped[Attempt] = relationship(back_populates="proofs")
