"""The tamper-evidence chain's bookkeeping: its heads and signed checkpoints."""
from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class ChainHead(db.Model):
    """The last sealed record of one chain ("attempt", "cash", "event" or "proof").

    Sealing locks this row, so records join the chain one transaction at a
    time, in commit order, on PostgreSQL and SQLite alike.
    """

    __tablename__ = "chain_head"

    name: Mapped[str] = mapped_column(String(16), primary_key=True)
    seq: Mapped[int] = mapped_column(default=0)
    hash: Mapped[str] = mapped_column(String(64))


class ChainCheckpoint(db.Model):
    """A chain's head at a moment, signed with a key kept outside the database.

    An auditor holding the public key can then prove that history before the
    checkpoint was not rewritten, even by someone who could edit every table.
    """

    __tablename__ = "chain_checkpoint"

    id: Mapped[int] = mapped_column(primary_key=True)
    chain: Mapped[str] = mapped_column(String(16))
    seq: Mapped[int]
    hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    signature: Mapped[str] = mapped_column(Text)
    public_key: Mapped[str] = mapped_column(Text)
