"""One login, recorded on the server so that logging out, the idle timeout, a new password or a
locked account end it for good, whatever copy of the cookie is left in a browser.

The cookie carries a random token; only its SHA-256 is stored, so a copy of the
database opens no session.
"""
import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, select, update
from sqlalchemy.orm import Mapped, contains_eager, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow
from .user import User


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class UserSession(db.Model):
    """A login: whose, from which browser, until when, and whether it has ended."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    agent_hash: Mapped[str] = mapped_column(String(64))   # the browser's User-Agent, hashed
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @classmethod
    def start(cls, user: User, user_agent: str, lifetime: timedelta, remember: bool) -> str:
        """Record a new login for `user` and return the token for its cookie. The caller commits."""
        token = secrets.token_urlsafe(32)
        now = utcnow()
        db.session.add(cls(token_hash=_sha256(token), user=user, agent_hash=_sha256(user_agent),
                           remember=remember, created_at=now, last_seen_at=now, expires_at=now + lifetime))
        user.session_token = token
        return token

    @classmethod
    def find_live(cls, token: str, user_agent: str) -> "UserSession | None":
        """The login `token` belongs to, if it has not ended or expired, its user is active and
        the browser is the one that logged in; else None."""
        found = db.session.execute(
            select(cls).join(cls.user).options(contains_eager(cls.user)).where(cls.token_hash == _sha256(token), cls.ended_at.is_(None),
                                             cls.expires_at > utcnow(), User.active.is_(True))
        ).scalar_one_or_none()
        if found is None or not secrets.compare_digest(found.agent_hash, _sha256(user_agent)):
            return None
        found.user.session_token = token
        return found

    def end(self) -> None:
        """End this login now. The caller commits."""
        if self.ended_at is None:
            self.ended_at = utcnow()


def end_sessions_of(user: User) -> None:
    """End every login of `user` (new password, account locked). The caller commits."""
    if user.id is not None:
        db.session.execute(update(UserSession).where(UserSession.user_id == user.id,
                                                     UserSession.ended_at.is_(None))
                           .values(ended_at=utcnow()))
