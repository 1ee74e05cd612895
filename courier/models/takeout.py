"""Taking a round out (nhận bưu gửi đi phát): the morning hand-over from the office to the courier."""
import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .shipment import Shipment
from .types import UTCDateTime, utcnow
from .user import User


class TakeOut(db.Model):
    """One scan of a round's item at the office, kept once per client-made id.

    The custody event (DISPATCH, naming who handed and who took) is the record of
    the move; this row exists so that a phone's replay of the same scan, however
    late, is answered from here instead of being applied again.
    """

    __tablename__ = "take_out"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipment.id"), index=True)
    courier_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    # The dispatcher who scanned it over at the desk; None when the courier scanned it.
    handed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime)   # the scanning device's clock
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # "taken", or "already_out" for a second scan of an item the courier already holds.
    result: Mapped[str] = mapped_column(String(20))

    shipment: Mapped[Shipment] = relationship()
    courier: Mapped[User] = relationship(foreign_keys=[courier_id])
    handed_by: Mapped[User | None] = relationship(foreign_keys=[handed_by_id])
