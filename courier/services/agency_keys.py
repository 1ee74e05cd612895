"""An agency's credentials: its API keys, and its webhook's URL and signing secret.

Keys are shown once and stored hashed; webhook secrets are stored encrypted
(WEBHOOK_SECRET_KEY), as the worker needs them back to sign each delivery.
"""
import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app

from ..domain import webhooks
from ..extensions import db
from ..models import Agency, ApiKey, Webhook
from ..models.types import utcnow

KEY_PREFIX = "ck_"


KEY_DAYS = 365  # a key's default life: renewed once a year, with the agency's other certificates


def issue_api_key(agency: Agency, days: int | None = KEY_DAYS) -> str:
    """Make a new key for the agency, good for `days` (None: until revoked), and return it; only its
    hash is stored. Caller commits."""
    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    expires = utcnow() + timedelta(days=days) if days else None
    db.session.add(ApiKey(agency=agency, prefix=prefix, key_hash=_hash(secret), expires_at=expires))
    return f"{KEY_PREFIX}{prefix}_{secret}"


def revoke_api_keys(agency: Agency, prefix: str | None = None) -> int:
    """Revoke the agency's live keys (only the one whose public part is `prefix`, if given);
    how many were revoked. Caller commits."""
    query = db.select(ApiKey).filter_by(agency_id=agency.id, revoked_at=None)
    if prefix:
        query = query.filter_by(prefix=prefix.removeprefix(KEY_PREFIX).split("_", 1)[0])
    keys = db.session.execute(query).scalars().all()
    for key in keys:
        key.revoked_at = utcnow()
    return len(keys)


def agency_for_key(presented: str | None) -> Agency | None:
    """The agency whose live key this is, or None. Compares hashes in constant time."""
    if not presented or not presented.startswith(KEY_PREFIX) or presented.count("_") < 2:
        return None
    prefix, secret = presented[len(KEY_PREFIX):].split("_", 1)
    key = db.session.execute(db.select(ApiKey).filter_by(prefix=prefix, revoked_at=None)).scalar_one_or_none()
    if key is None or not hmac.compare_digest(key.key_hash, _hash(secret)):
        return None
    if key.expires_at is not None and key.expires_at <= utcnow():
        return None
    return key.agency


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def set_webhook(agency: Agency, url: str) -> str:
    """Register (or replace) the agency's webhook URL; return a new signing secret, shown once."""
    secret = webhooks.new_secret()
    sealed = secret_box().seal(secret)
    hook = db.session.execute(db.select(Webhook).filter_by(agency_id=agency.id)).scalar_one_or_none()
    if hook is None:
        db.session.add(Webhook(agency=agency, url=url, secret_encrypted=sealed))
    else:
        hook.url, hook.secret_encrypted = url, sealed
    return secret


def secret_box() -> webhooks.SecretBox:
    """The box that seals and opens agencies' webhook secrets, keyed from the app's configuration."""
    return webhooks.SecretBox(current_app.config.get("WEBHOOK_SECRET_KEY") or current_app.config["SECRET_KEY"])
