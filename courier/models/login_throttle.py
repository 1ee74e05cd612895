"""Failed logins per username, kept in the database so every process and machine counts together.

Keyed by the SHA-256 of the typed username, known or not: an unknown name is
locked exactly like a real one, so the lock tells nothing about who has an
account, and what people type in the username box (sometimes a password) is not
kept in clear.
"""
import hashlib
from datetime import datetime, timedelta

from sqlalchemy import String, case, delete, select, update
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, upsert_insert, utcnow

FREE_FAILURES = 5            # failures before the first lock
FIRST_LOCK_SECONDS = 30      # then each failure locks for twice as long as the one before
LONGEST_LOCK_SECONDS = 3600
FORGET_AFTER = timedelta(days=1)  # a name with no failure for this long starts again from zero


def username_key(username: str) -> str:
    return hashlib.sha256(username.strip().lower().encode()).hexdigest()


def lock_seconds(failures: int) -> int:
    """How long the `failures`-th failure in a row locks the name (0: not at all)."""
    if failures <= FREE_FAILURES:
        return 0
    return min(FIRST_LOCK_SECONDS * 2 ** min(failures - FREE_FAILURES - 1, 20), LONGEST_LOCK_SECONDS)


class LoginThrottle(db.Model):
    """One username's failures in a row, and until when logging in with it is refused."""

    __tablename__ = "login_throttle"

    username_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


def locked_for(username: str, now: datetime | None = None) -> int:
    """Seconds until `username` may try again; 0 if it may now."""
    now = now or utcnow()
    until = db.session.execute(select(LoginThrottle.locked_until)
                               .filter_by(username_hash=username_key(username))).scalar_one_or_none()
    return max(0, int((until - now).total_seconds()) + 1) if until and until > now else 0


def record_failure(username: str, now: datetime | None = None) -> int:
    """Count one failure (atomically, for concurrent processes) and lock the name if due.

    Returns the seconds of the lock it set (0: none). The caller commits.
    """
    now = now or utcnow()
    key = username_key(username)
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.last_failure_at < now - FORGET_AFTER,
                                                   LoginThrottle.username_hash != key))
    stale = LoginThrottle.last_failure_at < now - FORGET_AFTER
    insert = upsert_insert(db.session.get_bind().dialect.name)
    statement = insert(LoginThrottle).values(username_hash=key, failures=1, last_failure_at=now)
    statement = statement.on_conflict_do_update(
        index_elements=[LoginThrottle.username_hash],
        set_={"failures": case((stale, 1), else_=LoginThrottle.failures + 1), "last_failure_at": now},
    ).returning(LoginThrottle.failures)
    failures = db.session.execute(statement).scalar_one()
    seconds = lock_seconds(failures)
    if seconds:
        db.session.execute(update(LoginThrottle).filter_by(username_hash=key)
                           .values(locked_until=now + timedelta(seconds=seconds)))
    return seconds


def record_success(username: str) -> None:
    """Forget the name's failures. The caller commits."""
    db.session.execute(delete(LoginThrottle).filter_by(username_hash=username_key(username)))
