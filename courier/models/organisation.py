"""The organisations on either side of a hand-over: agencies and post offices."""
from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class Agency(db.Model):
    """A one-stop-shop (Bộ phận một cửa / Trung tâm Hành chính công) that issues results."""

    __tablename__ = "agency"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The national unit code, e.g. 000.00.17.H47; it prefixes the agency's dossier codes.
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20))
    # An agency whose software numbers dossiers its own way gives a regular
    # expression here; otherwise codes must have the national shape.
    dossier_code_pattern: Mapped[str | None] = mapped_column(String(200))
    # The post office that carries this agency's results (dossiers pushed over the API land there).
    post_office_id: Mapped[int | None] = mapped_column(ForeignKey("post_office.id"))
    # The columns of the agency's own export as a dispatcher last confirmed them:
    # folded header text → dossier field (None: ignored), so its next file asks nothing.
    intake_mapping: Mapped[dict | None] = mapped_column(JSON)

    post_office: Mapped["PostOffice | None"] = relationship()

    def __repr__(self) -> str:
        return f"<Agency {self.code}>"


class PostOffice(db.Model):
    """A post office (bưu cục) whose couriers hand results over."""

    __tablename__ = "post_office"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    hotline: Mapped[str | None] = mapped_column(String(20))
    street: Mapped[str | None] = mapped_column(String(200))
    ward_code: Mapped[int | None]
    province_code: Mapped[int | None]
    # The communes (2025 ward codes) this office delivers to; empty: the whole province.
    # Intake warns of an address outside them, so a file meant for a neighbour office shows.
    ward_codes: Mapped[list[int] | None] = mapped_column(JSON)
    # Where rounds start, for ordering stops by distance.
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]

    def __repr__(self) -> str:
        return f"<PostOffice {self.code}>"
