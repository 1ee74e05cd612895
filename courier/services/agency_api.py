"""Agencies' API keys and webhooks: issuing, checking, and the delivery outbox."""
import hashlib
import hmac
import json
import secrets
import time
import urllib.error
import urllib.request
import uuid
from datetime import timedelta

from flask import current_app
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from ..domain import webhooks
from ..extensions import db
from ..models import Agency, ApiKey, Event, Webhook, WebhookDelivery, WebhookTry
from ..models.types import utcnow

KEY_PREFIX = "ck_"


def issue_api_key(agency: Agency) -> str:
    """Make a new key for the agency and return it; only its hash is stored. Caller commits."""
    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    db.session.add(ApiKey(agency=agency, prefix=prefix, key_hash=_hash(secret)))
    return f"{KEY_PREFIX}{prefix}_{secret}"


def agency_for_key(presented: str | None) -> Agency | None:
    """The agency whose live key this is, or None. Compares hashes in constant time."""
    if not presented or not presented.startswith(KEY_PREFIX) or presented.count("_") < 2:
        return None
    prefix, secret = presented[len(KEY_PREFIX):].split("_", 1)
    key = db.session.execute(db.select(ApiKey).filter_by(prefix=prefix, revoked_at=None)).scalar_one_or_none()
    if key is None or not hmac.compare_digest(key.key_hash, _hash(secret)):
        return None
    return key.agency


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def set_webhook(agency: Agency, url: str) -> str:
    """Register (or replace) the agency's webhook URL; return a new signing secret, shown once."""
    secret = webhooks.new_secret()
    sealed = _box().seal(secret)
    hook = db.session.execute(db.select(Webhook).filter_by(agency_id=agency.id)).scalar_one_or_none()
    if hook is None:
        db.session.add(Webhook(agency=agency, url=url, secret_encrypted=sealed))
    else:
        hook.url, hook.secret_encrypted = url, sealed
    return secret


def _box() -> webhooks.SecretBox:
    return webhooks.SecretBox(current_app.config.get("WEBHOOK_SECRET_KEY") or current_app.config["SECRET_KEY"])


@sa_event.listens_for(Session, "before_flush")
def _enqueue_deliveries(session: Session, flush_context, instances) -> None:
    """Queue a delivery for each new custody event an agency with a webhook wants to hear of."""
    new_events = [e for e in session.new if isinstance(e, Event) and e.action in webhooks.NOTIFIED_ACTIONS]
    if not new_events:
        return
    with session.no_autoflush:  # one look-up per flush, not one per event
        hooked = set(session.execute(db.select(Webhook.agency_id)).scalars())
    for event in new_events:
        shipment = event.shipment
        agency = shipment.dossier.agency if shipment and shipment.dossier else None
        if agency is not None and agency.id in hooked:
            session.add(_delivery_for(event, agency))


def _delivery_for(event: Event, agency: Agency) -> WebhookDelivery:
    event_id = uuid.uuid4()
    shipment = event.shipment
    payload = {
        "id": str(event_id), "type": webhooks.NOTIFIED_ACTIONS[event.action],
        "occurred_at": event.created_at.isoformat().replace("+00:00", "Z"),
        "dossier_code": shipment.dossier.code, "shipment_id": str(shipment.public_id),
        "state": event.to_state, "details": {k: v for k, v in (event.details or {}).items() if k == "reason"},
    }
    return WebhookDelivery(event_id=event_id, agency=agency, payload=payload)


def deliver_due(limit: int = 50, timeout: float = 10.0) -> int:
    """Send the deliveries whose time has come; return how many were tried. Commits each."""
    now = utcnow()
    query = (db.select(WebhookDelivery).where(WebhookDelivery.status == "pending",
                                              WebhookDelivery.next_try_at <= now)
             .order_by(WebhookDelivery.id).limit(limit))
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)  # several workers share the queue
    due = db.session.execute(query).scalars().all()
    for delivery in due:
        _try(delivery, timeout)
    db.session.commit()
    return len(due)


def _try(delivery: WebhookDelivery, timeout: float) -> None:
    hook = db.session.execute(db.select(Webhook).filter_by(agency_id=delivery.agency_id)).scalar_one_or_none()
    if hook is None:
        delivery.status = "dropped"  # the agency removed its webhook
        return
    body = json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True).encode()
    request = urllib.request.Request(hook.url, data=body, method="POST", headers={
        "Content-Type": "application/json", webhooks.EVENT_ID_HEADER: str(delivery.event_id),
        webhooks.SIGNATURE_HEADER: webhooks.sign(body, _box().open(hook.secret_encrypted)),
    })
    started, status, error = time.monotonic(), None, None
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as refused:
        status = refused.code
    except (urllib.error.URLError, OSError, ValueError) as failure:
        error = str(failure)[:300]
    delivery.tries += 1
    db.session.add(WebhookTry(delivery=delivery, url=hook.url, status_code=status, error=error,
                              duration_ms=round((time.monotonic() - started) * 1000)))
    if status is not None and 200 <= status < 300:
        delivery.status, delivery.delivered_at = "delivered", utcnow()
    else:
        delivery.next_try_at = utcnow() + timedelta(seconds=webhooks.backoff_seconds(delivery.tries))
