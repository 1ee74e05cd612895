"""Sending webhook deliveries: what a worker does with a row of the outbox.

Each try is claimed, sent signed with the agency's secret, and recorded; a
failure is retried with backoff (domain/webhooks.py) until a 2xx.
"""
import http.client
import json
import time
import uuid
from datetime import timedelta

from flask import current_app

from ..domain import webhooks
from ..domain.webhook_targets import TargetRefused
from ..extensions import db
from ..models import Webhook, WebhookDelivery, WebhookTry
from ..models.types import utcnow
from . import webhook_targets
from .agency_keys import secret_box


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
    headers = {"Content-Type": "application/json", webhooks.EVENT_ID_HEADER: str(delivery.event_id),
               webhooks.SIGNATURE_HEADER: webhooks.sign(body, secret_box().open(hook.secret_encrypted))}
    started, status, error = time.monotonic(), None, None
    try:
        # Resolved and checked for this very try, sent to the address checked, no redirect followed.
        status = webhook_targets.post(hook.url, body, headers, timeout)
    except TargetRefused as refused:
        error = f"refused: {refused}"[:300]
    except (OSError, http.client.HTTPException, ValueError) as failure:
        error = str(failure)[:300]
    delivery.tries += 1
    db.session.add(WebhookTry(delivery=delivery, url=hook.url, status_code=status, error=error,
                              duration_ms=round((time.monotonic() - started) * 1000)))
    if status is not None and 200 <= status < 300:
        delivery.status, delivery.delivered_at = "delivered", utcnow()
    else:
        delivery.next_try_at = utcnow() + timedelta(seconds=webhooks.backoff_seconds(delivery.tries))
