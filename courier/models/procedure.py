"""The procedures an agency accepts by post, and the documents each asks for."""
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .organisation import Agency
from .types import UTCDateTime, utcnow


class Procedure(db.Model):
    """One administrative procedure (thủ tục hành chính) of an agency's catalogue.

    Never deleted, only made inactive: dossiers taken in later will name the procedure
    they were filed under, and an old dossier must still find it.
    """

    __tablename__ = "procedure"
    __table_args__ = (UniqueConstraint("agency_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    # The national portal's code, e.g. 1.001193 (domain/procedures.py).
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    fee_agency: Mapped[int] = mapped_column(default=0)   # whole đồng, the agency's own fee
    processing_days: Mapped[int]                         # the agency's working days
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    agency: Mapped[Agency] = relationship()
    documents: Mapped[list["ProcedureDocument"]] = relationship(
        back_populates="procedure", cascade="all, delete-orphan", order_by="ProcedureDocument.position")

    def __repr__(self) -> str:
        return f"<Procedure {self.code}>"


class ProcedureDocument(db.Model):
    """A document to hand in (thành phần hồ sơ), in the order the agency lists them."""

    __tablename__ = "procedure_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedure.id"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(300))
    copies: Mapped[int] = mapped_column(default=1)
    original: Mapped[bool] = mapped_column(default=False)   # the original, not a copy
    required: Mapped[bool] = mapped_column(default=True)

    procedure: Mapped[Procedure] = relationship(back_populates="documents")
