"""A shipment: one physical hand-over of a dossier's result."""
import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.states import State
from ..extensions import db
from .dossier import Dossier
from .organisation import PostOffice
from .types import UTCDateTime, utcnow
from .user import User


class Direction(StrEnum):
    """Which way the paper travels (Decision 45 covers both)."""

    DELIVER_RESULT = "deliver_result"    # result from the agency to the citizen
    COLLECT_DOSSIER = "collect_dossier"  # dossier from the citizen's home to the agency


def _enum(enum_class, length=32):
    # Stored as readable strings with a CHECK, the same on SQLite and PostgreSQL.
    return Enum(enum_class, native_enum=False, length=length,
                values_callable=lambda e: [m.value for m in e])


class Shipment(db.Model):
    """The unit that moves, is scanned and is handed over.

    `public_id` is what URLs, QR labels and the API show; the integer id never
    leaves the server. `state` changes only through domain.custody, which
    records an Event for each change (enforced on flush).
    """

    __tablename__ = "shipment"
    __table_args__ = (
        CheckConstraint("attempts_count >= 0", name="attempts_not_negative"),
        # The dispatcher's lists: one office's shipments newest first, by state, in keyset pages.
        Index("ix_shipment_office_id", "post_office_id", "id"),
        Index("ix_shipment_office_state_id", "post_office_id", "state", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=uuid.uuid4)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    direction: Mapped[Direction] = mapped_column(_enum(Direction), default=Direction.DELIVER_RESULT)
    state: Mapped[State] = mapped_column(_enum(State), default=State.REGISTERED)
    attempts_count: Mapped[int] = mapped_column(default=0)
    # The office responsible for it; a dispatcher sees only their office's.
    post_office_id: Mapped[int] = mapped_column(ForeignKey("post_office.id"))
    # Who physically holds it now: the office, or one courier.
    holder_courier_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    # SHA-256 of the citizen's capability link token; the token itself is never stored.
    citizen_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    dossier: Mapped[Dossier] = relationship()
    post_office: Mapped[PostOffice] = relationship()
    holder_courier: Mapped[User | None] = relationship()

    @property
    def holder_label(self) -> str:
        """Who holds it, for people: a courier's name, or the post office's."""
        return self.holder_courier.full_name if self.holder_courier else self.post_office.name

    def __repr__(self) -> str:
        return f"<Shipment {self.public_id} {self.state}>"
