"""A round (tuyến phát): one courier's ordered stops for one day."""
import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Uuid, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .organisation import PostOffice
from .shipment import Shipment
from .types import UTCDateTime, utcnow
from .user import User


class Round(db.Model):
    """A courier's planned route for a date."""

    __tablename__ = "round"
    # One round per courier and day, even when two dispatchers plan at once.
    __table_args__ = (UniqueConstraint("courier_id", "round_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=uuid.uuid4)
    courier_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    post_office_id: Mapped[int] = mapped_column(ForeignKey("post_office.id"))
    round_date: Mapped[date] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Bumped on every change of stops so a courier's phone can tell its copy is stale.
    version: Mapped[int] = mapped_column(default=1)

    courier: Mapped[User] = relationship()
    post_office: Mapped[PostOffice] = relationship()
    stops: Mapped[list["RoundStop"]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="RoundStop.position"
    )


class RoundStop(db.Model):
    """One shipment's place in a round."""

    __tablename__ = "round_stop"
    # A shipment appears once per round; positions are kept in order, not unique,
    # so that reordering needs no juggling around a constraint.
    __table_args__ = (
        UniqueConstraint("round_id", "shipment_id"),
        CheckConstraint("open_shipment_id IS NULL OR open_shipment_id = shipment_id", name="open_is_own_shipment"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipment.id"), index=True)
    position: Mapped[int]
    # The shipment's id while this stop is open (the result is still to be visited on this
    # round), NULL once it is closed (taken off, moved, carried to a later round, or its life
    # over). Unique, and NULLs are distinct on SQLite and PostgreSQL alike: the database
    # itself keeps a result on at most one open stop, even when two dispatchers plan at once.
    open_shipment_id: Mapped[int | None] = mapped_column(unique=True)

    round: Mapped[Round] = relationship(back_populates="stops")
    shipment: Mapped[Shipment] = relationship()
