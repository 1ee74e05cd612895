"""A dossier to take in from the citizen (Decision 45's first half): what was asked, when, how.

One row per shipment travelling Direction.COLLECT_DOSSIER. The dossier holds the citizen and
the address as for a result; this holds what only a pickup has.
"""
import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Enum, ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.formatting import to_local
from ..extensions import db
from .dossier import Dossier
from .organisation import Agency, PostOffice
from .procedure import Procedure
from .types import UTCDateTime, utcnow
from .user import User


class Channel(StrEnum):
    """How the request reached the post office."""

    WEB = "web"          # the citizen asked on the public page
    PHONE = "phone"      # a clerk typed in a request taken by phone
    COUNTER = "counter"  # the citizen handed the dossier in at the counter


class Slot(StrEnum):
    """The part of the day the citizen will be at home."""

    MORNING = "morning"
    AFTERNOON = "afternoon"


def _enum(enum_class):
    return Enum(enum_class, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])


class Pickup(db.Model):
    __tablename__ = "pickup"

    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipment.id"), primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedure.id"), index=True)
    channel: Mapped[Channel] = mapped_column(_enum(Channel))
    preferred_date: Mapped[date | None]
    preferred_slot: Mapped[Slot | None] = mapped_column(_enum(Slot))
    # What the citizen tells the courier ("gọi trước 15 phút", "nhà trong hẻm").
    citizen_note: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Counted at the door or the counter, for the batch list the agency signs.
    pages: Mapped[int | None]
    # The batch list (biên bản bàn giao) it left the office on for the agency.
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("agency_batch.id"), index=True)
    # What the agency's desk gives when it acknowledges the dossier: its own dossier code (a
    # result pushed later under this code joins this dossier) and the date it promises the result.
    official_code: Mapped[str | None] = mapped_column(String(64), index=True)
    promised_date: Mapped[date | None]
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The result's dossier, which the agency pushed under official_code: the citizen's link to this
    # pickup follows it to their door (services/tracking.py).
    result_dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"), index=True)

    procedure: Mapped[Procedure] = relationship()
    result_dossier: Mapped[Dossier | None] = relationship()
    batch: Mapped["AgencyBatch | None"] = relationship(back_populates="pickups")

    def __repr__(self) -> str:
        return f"<Pickup of shipment {self.shipment_id} {self.channel}>"


class AgencyBatch(db.Model):
    """One batch list (biên bản bàn giao hồ sơ): the envelopes an office sends an agency at once."""

    __tablename__ = "agency_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=uuid.uuid4)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    post_office_id: Mapped[int] = mapped_column(ForeignKey("post_office.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agency: Mapped[Agency] = relationship()
    post_office: Mapped[PostOffice] = relationship()
    created_by: Mapped[User] = relationship()
    pickups: Mapped[list[Pickup]] = relationship(back_populates="batch", order_by=Pickup.shipment_id)

    @property
    def number(self) -> str:
        """What people write and say for it: the office, the date (Vietnam's) and the id."""
        return f"{self.post_office.code}-{to_local(self.created_at):%y%m%d}-{self.id:04d}"
