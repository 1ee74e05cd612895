"""Cash a courier hands in to the post office, for reconciling against the fees they collected."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow
from .user import User


class CashHandIn(db.Model):
    """One sum of cash counted at the desk (nộp tiền). Append-only: a mistake is corrected
    by a further entry with a negative amount and a note saying why, so the record of
    what was counted stays whole; each entry is sealed into the "cash" hash chain."""

    __tablename__ = "cash_hand_in"
    __table_args__ = (
        CheckConstraint("amount <> 0", name="amount_not_zero"),
        CheckConstraint("amount > 0 OR note IS NOT NULL", name="correction_has_note"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_office_id: Mapped[int] = mapped_column(ForeignKey("post_office.id"))
    courier_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    handed_on: Mapped[date] = mapped_column(index=True)  # the working day the cash belongs to
    amount: Mapped[int]  # đồng
    note: Mapped[str | None] = mapped_column(String(200))
    received_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Tamper evidence (ledger/chain.py), as for events: the reconciliation adds these sums up.
    seq: Mapped[int | None] = mapped_column(unique=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))

    courier: Mapped[User] = relationship(foreign_keys=[courier_id])
    received_by: Mapped[User] = relationship(foreign_keys=[received_by_id])
