"""Agencies' API keys and webhooks: issuing, checking, and the delivery outbox.

A webhook delivery is a row written in the transaction of the custody event
it reports (so it is sent if and only if the event happened), handed to the
task queue after commit (courier/tasks.py) and tried by one worker at a time.
"""
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


# First of the flush's listeners (insert=True): before the chains' head lock is taken
# (domain/chain.py), so these two statements do not lengthen the stretch every hand-over
# waits its turn for.
@sa_event.listens_for(Session, "after_flush", insert=True)
def _enqueue_deliveries(session: Session, flush_context) -> None:
    """Queue a delivery for each new custody event an agency with a webhook wants to hear of.

    Written by Core in the flush's transaction, not added to the session: the unit of work is
    the dearest part of a hand-over, and nothing reads these rows back as objects before commit.
    """
    new_events = [e for e in session.new if isinstance(e, Event) and e.action in webhooks.NOTIFIED_ACTIONS]
    if not new_events:
        return
    connection = session.connection()
    hooked = set(connection.execute(_HOOKED_AGENCIES).scalars())
    deliveries = []
    for event in new_events:
        shipment = event.shipment
        agency_id = shipment.dossier.agency_id if shipment and shipment.dossier else None
        if agency_id in hooked:
            deliveries.append(_delivery_for(event, agency_id))
    if deliveries:
        connection.execute(_NEW_DELIVERY, deliveries)
        session.info.setdefault(_UNQUEUED, []).extend(delivery["event_id"] for delivery in deliveries)


_HOOKED_AGENCIES = db.select(Webhook.agency_id)
_NEW_DELIVERY = db.insert(WebhookDelivery.__table__)  # status, tries and times from the columns' defaults


# Deliveries written in the session's transaction, handed to the workers once it commits.
_UNQUEUED = "courier_unqueued_webhook_deliveries"


@sa_event.listens_for(Session, "after_commit")
def _queue_committed(session: Session) -> None:
    """Wake a worker for each delivery just committed (the sweep catches any this misses)."""
    event_ids = session.info.pop(_UNQUEUED, None)
    if event_ids:
        from ..tasks import queue_deliveries

        queue_deliveries(event_ids)


@sa_event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(_UNQUEUED, None)


def _delivery_for(event: Event, agency_id: int) -> dict:
    # One id per (custody event, agency), kept with the row: every try of it carries the same one.
    event_id = uuid.uuid4()
    shipment = event.shipment
    payload = webhooks.event_payload(event_id, webhooks.NOTIFIED_ACTIONS[event.action], event.created_at,
                                     shipment.dossier.code, shipment.public_id, event.to_state, event.details)
    return {"event_id": event_id, "agency_id": agency_id, "payload": payload}


def example_event() -> dict:
    """A delivered event as the agency's URL will receive it, to show the shape when it registers."""
    return webhooks.event_payload(uuid.uuid4(), webhooks.NOTIFIED_ACTIONS["deliver"], utcnow(),
                                  "000.00.17.H47-261127-0001", uuid.uuid4(), "delivered")


def due_event_ids(limit: int = 500) -> list[uuid.UUID]:
    """The deliveries whose time has come (first tries, retries, and claims whose worker died)."""
    return list(db.session.execute(
        db.select(WebhookDelivery.event_id)
        .where(WebhookDelivery.status == "pending", WebhookDelivery.next_try_at <= utcnow())
        .order_by(WebhookDelivery.next_try_at, WebhookDelivery.id).limit(limit)).scalars())


def deliver_due(limit: int = 50) -> int:
    """Try each due delivery once, here, without the queue (`flask worker --once`); return how many."""
    return sum(deliver_one(event_id) for event_id in due_event_ids(limit))


def deliver_one(event_id: uuid.UUID) -> bool:
    """Claim one due delivery, try it once and record the try; False if it was not ours to try.

    The claim is one conditional UPDATE, committed before the request is sent:
    it moves the next try WEBHOOK_CLAIM_SECONDS ahead, so a second worker given
    the same delivery finds it not due and leaves it. No lock is held during
    the request. If this worker dies mid-try, the delivery falls due again
    when the claim runs out, and the sweep hands it to another worker: the
    receiver may then get it twice, with the same event id.
    """
    config = current_app.config
    now = utcnow()
    claimed = db.session.execute(
        db.update(WebhookDelivery)
        .where(WebhookDelivery.event_id == event_id, WebhookDelivery.status == "pending",
               WebhookDelivery.next_try_at <= now)
        .values(next_try_at=now + timedelta(seconds=config["WEBHOOK_CLAIM_SECONDS"]))
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    if not claimed:
        return False
    delivery = db.session.execute(db.select(WebhookDelivery).filter_by(event_id=event_id)).scalar_one()
    _try(delivery, config["WEBHOOK_TIMEOUT_SECONDS"])
    db.session.commit()
    return True


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
