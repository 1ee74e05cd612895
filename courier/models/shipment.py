"""A shipment: one physical hand-over of a dossier's result."""
import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, Uuid, bindparam, inspect, text
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from sqlalchemy.orm.attributes import set_committed_value

from ..domain.states import NOT_YET_OUT, Direction, State
from ..extensions import db
from .citizen_link import CitizenLink, LinkSource
from .dossier import Dossier
from .organisation import PostOffice
from .pickup import Pickup
from .types import UTCDateTime, utcnow
from .user import User


def _enum(enum_class, length=32):
    # Stored as readable strings with a CHECK, the same on SQLite and PostgreSQL.
    return Enum(enum_class, native_enum=False, length=length,
                values_callable=lambda e: [m.value for m in e])


_NOT_YET_OUT_SQL = "state IN ({})".format(", ".join(f"'{state}'" for state in NOT_YET_OUT))


class Shipment(db.Model):
    """The unit that moves, is scanned and is handed over.

    `public_id` is what URLs, QR labels and the API show; the integer id never
    leaves the server. `state` changes only through ledger.custody, which
    records an Event for each change (enforced on flush).
    """

    __tablename__ = "shipment"
    __table_args__ = (
        CheckConstraint("attempts_count >= 0", name="attempts_not_negative"),
        # The dispatcher's lists: one office's shipments newest first, by state, in keyset pages.
        Index("ix_shipment_office_id", "post_office_id", "id"),
        Index("ix_shipment_office_state_id", "post_office_id", "state", "id"),
        # The board's "due and not out": the office's few thousand shipments still to go out, by
        # due date, read in order from this index alone, not by a dossier probe for each (0011).
        Index("ix_shipment_due_not_out", "post_office_id", "due_date", "id",
              postgresql_where=text(_NOT_YET_OUT_SQL), sqlite_where=text(_NOT_YET_OUT_SQL)),
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
    # A copy of the dossier's due date, kept in step before every flush (copy_due_dates), so that one index
    # answers the board's "due and not out" (the state is here, the date on the dossier).
    due_date: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    dossier: Mapped[Dossier] = relationship()
    post_office: Mapped[PostOffice] = relationship()
    holder_courier: Mapped[User | None] = relationship()
    # Few per shipment, read with it in lists and round payloads: loaded in one query per list.
    citizen_links: Mapped[list[CitizenLink]] = relationship(order_by=CitizenLink.id, lazy="selectin")
    # What a dossier to take in was asked with (None for a result); lists load it with selectinload.
    pickup: Mapped["Pickup | None"] = relationship(uselist=False, cascade="all, delete-orphan")

    @property
    def citizen_token_hashes(self) -> list[str]:
        """The hashes of the citizen links that still open (any source)."""
        return [link.token_hash for link in self.citizen_links if link.revoked_at is None]

    @property
    def label_printed(self) -> bool:
        """Whether the post office has printed a QR label for it (the agency's slip does not count)."""
        return any(link.is_label for link in self.citizen_links)

    def add_citizen_link(self, token_hash: str, source: LinkSource) -> CitizenLink:
        """Attach a new link (by its token's hash); the caller revokes any it replaces, and commits."""
        link = CitizenLink(token_hash=token_hash, source=source)
        self.citizen_links.append(link)
        return link

    @property
    def holder_label(self) -> str:
        """Who holds it, for people: a courier's name, or the post office's."""
        return self.holder_courier.full_name if self.holder_courier else self.post_office.name

    def __repr__(self) -> str:
        return f"<Shipment {self.public_id} {self.state}>"


def not_yet_out():
    """`state IN (...)` with the states written out, as ix_shipment_due_not_out's WHERE says.

    SQLite uses a partial index only for a query whose WHERE repeats the index's, and an IN
    list of bound parameters does not (their values could be anything).
    """
    states = [str(state) for state in NOT_YET_OUT]
    return Shipment.state.in_(bindparam("not_yet_out", states, expanding=True, literal_execute=True))


def copy_due_dates(session: Session) -> None:
    """Keep each shipment's due_date equal to its dossier's, whichever side changes (before flush)."""
    for record in session.new:
        if isinstance(record, Shipment) and record.dossier is not None:
            record.due_date = record.dossier.due_date
    for record in session.dirty:
        if isinstance(record, Dossier) and inspect(record).attrs.due_date.history.has_changes():
            # Its shipments need not be loaded: one UPDATE, then the loaded ones told.
            session.connection().execute(
                Shipment.__table__.update().where(Shipment.__table__.c.dossier_id == record.id)
                .values(due_date=record.due_date))
            for loaded in session.identity_map.values():
                if isinstance(loaded, Shipment) and loaded.dossier_id == record.id:
                    set_committed_value(loaded, "due_date", record.due_date)
