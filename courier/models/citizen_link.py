"""The links a citizen may hold to follow one shipment: the agency's slip, the label, a reprint.

Each is stored only as the SHA-256 of its token and can be revoked on its own:
printing a new label revokes the previous label's link, never the agency's.
Each also counts its holder's wrong guesses at the phone's last digits (see
services/tracking.py), so that a lock outlives any cookie the guesser throws away.
"""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class LinkSource(StrEnum):
    AGENCY = "agency"    # printed by the agency on the appointment slip, from the API's answer
    LABEL = "label"      # the post office's first QR label
    REPRINT = "reprint"  # a later label, which replaced the one before
    REQUEST = "request"  # shown to the citizen who asked for a pickup (or read to them by phone)
    RECEIPT = "receipt"  # the QR on the receipt the courier shows at the door (derived: shown again)


class CitizenLink(db.Model):
    __tablename__ = "citizen_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipment.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    source: Mapped[LinkSource] = mapped_column(Enum(LinkSource, native_enum=False, length=16,
                                                    values_callable=lambda e: [m.value for m in e]))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Wrong answers in a row to "the last 4 digits of your phone"; a right one sets it back to 0.
    failed_checks: Mapped[int] = mapped_column(default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_label(self) -> bool:
        return self.source in (LinkSource.LABEL, LinkSource.REPRINT)

    def __repr__(self) -> str:
        return f"<CitizenLink {self.source} of shipment {self.shipment_id}>"


class CitizenAnswer(db.Model):
    """The citizen's one answer about a delivered shipment: received, or not received.

    The primary key holds "one answer" when two taps, two phones or two link holders
    answer at once; the custody event written beside it is the record the chain keeps.
    """

    __tablename__ = "citizen_answer"

    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipment.id"), primary_key=True)
    action: Mapped[str] = mapped_column(String(32))  # citizen_confirmed or citizen_disputed
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
