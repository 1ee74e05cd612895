"""The webhook outbox: a delivery row for each custody event an agency wants to hear of.

A webhook delivery is a row written in the transaction of the custody event
it reports (so it is sent if and only if the event happened), handed to the
task queue after commit (courier/tasks.py) and tried by one worker at a time
(services/webhook_delivery.py). courier/unit_of_work.py calls write_deliveries
after each flush, first of the flush's steps: before the chains' head lock is
taken (ledger/chain.py), so these two statements do not lengthen the stretch
every hand-over waits its turn for. A chain checkpoint is reported through the same rows
(write_checkpoint_deliveries): the outbox is keyed on its own event id, not on a custody event.
"""
import uuid

from sqlalchemy.orm import Session

from ..domain import webhooks
from ..extensions import db
from ..ledger import checkpoints
from ..models import Event, Webhook, WebhookDelivery
from ..models.types import utcnow
from ..tasks import queue_deliveries


def write_deliveries(session: Session) -> None:
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


def queue_committed(session: Session) -> None:
    """Wake a worker for each delivery just committed (the sweep catches any this misses)."""
    event_ids = session.info.pop(_UNQUEUED, None)
    if event_ids:
        queue_deliveries(event_ids)


def forget_rolled_back(session: Session) -> None:
    """Drop the deliveries a rolled-back transaction wrote: they never happened."""
    session.info.pop(_UNQUEUED, None)


def _delivery_for(event: Event, agency_id: int) -> dict:
    # One id per (custody event, agency), kept with the row: every try of it carries the same one.
    event_id = uuid.uuid4()
    shipment = event.shipment
    payload = webhooks.event_payload(event_id, webhooks.NOTIFIED_ACTIONS[event.action], event.created_at,
                                     shipment.dossier.code, shipment.public_id, event.to_state, event.details)
    return {"event_id": event_id, "agency_id": agency_id, "payload": payload}


CHECKPOINT_EVENT = "chain.checkpoint"


def write_checkpoint_deliveries(session: Session, records: list[dict]) -> None:
    """Queue a `chain.checkpoint` event per checkpoint (`checkpoints.record`) to every agency with a webhook.

    The agencies keep what the post office cannot recall: a signed head of each chain, which
    they can check with the public key alone. Written in the checkpoint's transaction, as a
    custody event's deliveries are; the outbox holds any payload, so nothing else changes.
    """
    connection = session.connection()
    deliveries = [_checkpoint_delivery(record, agency_id)
                  for agency_id in connection.execute(_HOOKED_AGENCIES).scalars() for record in records]
    if deliveries:
        connection.execute(_NEW_DELIVERY, deliveries)
        session.info.setdefault(_UNQUEUED, []).extend(delivery["event_id"] for delivery in deliveries)


def _checkpoint_delivery(record: dict, agency_id: int) -> dict:
    event_id = uuid.uuid4()
    payload = {"event_id": str(event_id), "id": str(event_id), "type": CHECKPOINT_EVENT,
               "occurred_at": record["created_at"].replace("+00:00", "Z"), **record,
               # What the Ed25519 signature covers, spelled out so a receiver need not rebuild it.
               "signed_text": checkpoints.signed_text(record["chain"], record["seq"], record["hash"],
                                                      record["created_at"]).decode()}
    return {"event_id": event_id, "agency_id": agency_id, "payload": payload}


def example_event() -> dict:
    """A delivered event as the agency's URL will receive it, to show the shape when it registers."""
    return webhooks.event_payload(uuid.uuid4(), webhooks.NOTIFIED_ACTIONS["deliver"], utcnow(),
                                  "000.00.17.H47-261127-0001", uuid.uuid4(), "delivered")
