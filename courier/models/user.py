"""People who log in: couriers, dispatchers and administrators."""
from datetime import datetime
from enum import StrEnum

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .organisation import Agency, PostOffice
from .types import UTCDateTime, utcnow


class Role(StrEnum):
    """What a user may do; checked on the server for every request."""

    COURIER = "courier"
    DISPATCHER = "dispatcher"
    ADMIN = "admin"
    AGENCY_DESK = "agency_desk"  # an agency's one-stop desk: acknowledges the dossiers we bring


MIN_PASSWORD_LENGTH = 8


def _hash_method() -> str:
    # Configurable only so the test suite can use cheaper scrypt parameters.
    if has_app_context():
        return current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    return "scrypt"


class User(UserMixin, db.Model):
    """A member of a post office's staff."""

    __tablename__ = "user_account"  # "user" is reserved in PostgreSQL

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(20))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=20,
                                            values_callable=lambda e: [m.value for m in e]))
    post_office_id: Mapped[int] = mapped_column(ForeignKey("post_office.id"))
    # For an agency desk user only: the agency whose incoming dossiers they see (and no other's).
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    post_office: Mapped[PostOffice] = relationship()
    agency: Mapped["Agency | None"] = relationship()

    # Not stored: the raw token of the login this request came with (models/user_session.py),
    # which is what the session cookie carries instead of the id.
    session_token = None

    def set_password(self, password: str) -> None:
        """Hash and store a password (scrypt); ends all the user's sessions. The caller commits.

        Raises ValueError if the password is shorter than MIN_PASSWORD_LENGTH. Whether a person
        may choose it is domain/passwords.py's rule, checked where they choose it.
        """
        from .user_session import end_sessions_of

        if len(password) < MIN_PASSWORD_LENGTH:
            raise ValueError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
        self.password_hash = generate_password_hash(password, method=_hash_method())
        end_sessions_of(self)

    def set_active(self, active: bool) -> None:
        """Lock (False) or unlock the account; locking ends all its sessions. The caller commits."""
        from .user_session import end_sessions_of

        self.active = active
        if not active:
            end_sessions_of(self)

    def check_password(self, password: str) -> bool:
        """True if `password` matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str | None:
        return self.session_token

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def given_name(self) -> str:
        """The last word of a Vietnamese full name, which is how people are addressed."""
        return self.full_name.split()[-1] if self.full_name else ""

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"
