"""How many shipments each post office has in each state, kept as they move."""
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class ShipmentTally(db.Model):
    """A running count per office and state (ledger/tally.py keeps it in step with every event).

    The board shows these counts on every load; counting a million shipments each time
    took longer than the page may.
    """

    __tablename__ = "shipment_tally"

    post_office_id: Mapped[int] = mapped_column(ForeignKey("post_office.id"), primary_key=True)
    state: Mapped[str] = mapped_column(String(32), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
