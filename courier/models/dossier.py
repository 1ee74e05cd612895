"""A dossier (hồ sơ) and the persons authorised to receive its result."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..domain.folding import fold
from ..extensions import db
from .organisation import Agency
from .types import UTCDateTime, utcnow


# Indexes of one database only (migration 0010), which the models cannot describe: PostgreSQL's
# trigram GIN indexes on the code and the phone; SQLite's FTS5 table `dossier_search` for the
# search box (with the tables FTS5 keeps its index in, dossier_search_*), kept in step by triggers.
ONE_DATABASE_ONLY = ("ix_dossier_code_trgm", "ix_dossier_applicant_phone_trgm", "dossier_search")


def described_by_the_models(name: str | None, type_: str, _parents: dict) -> bool:
    """Alembic's include_name: leave ONE_DATABASE_ONLY out when comparing the database with the models."""
    return not (name in ONE_DATABASE_ONLY or (type_ == "table" and (name or "").startswith("dossier_search_")))


class Dossier(db.Model):
    """An administrative procedure's file, as the agency describes it.

    Addresses follow the two-tier local government in force since 1 July 2025:
    a ward or commune (by its national code) in a province. A district is kept
    only as text, for dossiers filed before the rearrangement.
    """

    __tablename__ = "dossier"
    __table_args__ = (
        UniqueConstraint("agency_id", "code"),
        CheckConstraint("fee_agency >= 0 AND fee_postage >= 0", name="fees_not_negative"),
        # Name search (services.search) matches `LIKE '%folded words%'`. On PostgreSQL a pg_trgm
        # GIN index answers that infix match; SQLite ignores the postgresql_* options and makes
        # a plain B-tree, which serves prefix ranges only (its infix matches go through the FTS5
        # table of ONE_DATABASE_ONLY). Migration 0007 creates it.
        Index("ix_dossier_applicant_name_folded", "applicant_name_folded", postgresql_using="gin",
              postgresql_ops={"applicant_name_folded": "gin_trgm_ops"}),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    code: Mapped[str] = mapped_column(String(64), index=True)
    procedure_name: Mapped[str] = mapped_column(String(300))
    applicant_name: Mapped[str] = mapped_column(String(120))
    # fold(applicant_name): lower case, no accents, đ → d; set with the name (see _fold_name).
    # Longer than the name because lower() lengthens a few letters (İ → i̇).
    applicant_name_folded: Mapped[str] = mapped_column(String(240))
    applicant_phone: Mapped[str | None] = mapped_column(String(20), index=True)
    street: Mapped[str] = mapped_column(String(200))
    ward_code: Mapped[int] = mapped_column(index=True)
    province_code: Mapped[int]
    legacy_district: Mapped[str | None] = mapped_column(String(100))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    due_date: Mapped[date | None] = mapped_column(index=True)
    # Amounts in whole đồng: VND has no minor unit, so integers are exact.
    fee_agency: Mapped[int] = mapped_column(default=0)
    fee_postage: Mapped[int] = mapped_column(default=0)
    # The last digits of the applicant's ID number, when the agency gives them;
    # never the whole number.
    expected_id_tail: Mapped[str | None] = mapped_column(String(6))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agency: Mapped[Agency] = relationship()
    authorised_persons: Mapped[list["AuthorisedPerson"]] = relationship(
        back_populates="dossier", cascade="all, delete-orphan", order_by="AuthorisedPerson.id"
    )

    @validates("applicant_name")
    def _fold_name(self, _key, name: str) -> str:
        # Every way a name is set (the constructor, intake, the API, erasure) passes here,
        # so the folded copy never disagrees with it.
        self.applicant_name_folded = fold(name)
        return name

    @property
    def fee_total(self) -> int:
        return self.fee_agency + self.fee_postage

    def __repr__(self) -> str:
        return f"<Dossier {self.code}>"


class AuthorisedPerson(db.Model):
    """Someone the applicant authorised (ủy quyền) to receive the result."""

    __tablename__ = "authorised_person"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(120))
    relationship_to_applicant: Mapped[str | None] = mapped_column(String(60))
    expected_id_tail: Mapped[str | None] = mapped_column(String(6))

    dossier: Mapped[Dossier] = relationship(back_populates="authorised_persons")
