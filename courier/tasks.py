"""Background tasks, run by `flask --app courier worker` (the Huey consumer).

Webhook deliveries: the outbox row (WebhookDelivery) is the truth and the
queue only says "look at this one now". So a task may be queued twice, or
lost, without harm: `deliver_webhook` claims the row before sending (a second
task finds nothing to do) and `sweep_webhooks` queues whatever is due (retries
after their backoff, and rows whose task was lost with a dead worker or was
never queued because the process died, or the queue failed, after commit).

Checkpoints: every CHECKPOINT_EVERY_MINUTES the worker signs the chains' heads that
moved, logs them outside the database and sends them to the agencies
(services/chain_checkpoints.py). A run lost with a dead worker is made up by the next.
"""
import logging
import uuid

from .queue import every_minutes, every_sweep, task
from .services import webhook_delivery

log = logging.getLogger(__name__)


@task
def deliver_webhook(event_id: str) -> None:
    """Try one delivery once, if it is due and no other worker holds it."""
    webhook_delivery.deliver_one(uuid.UUID(event_id))


@every_sweep
def sweep_webhooks() -> None:
    """Queue every delivery that is due."""
    queue_deliveries(webhook_delivery.due_event_ids())


@every_minutes("CHECKPOINT_EVERY_MINUTES")
def make_checkpoints() -> None:
    """Checkpoint the chains whose heads moved since their last checkpoint."""
    # Imported here: the checkpoint's webhook deliveries are queued through this module.
    from .services import chain_checkpoints

    for made in chain_checkpoints.checkpoint_now():
        log.info("checkpoint %s #%s %s", made["chain"], made["seq"], made["hash"])


def queue_deliveries(event_ids) -> None:
    """Hand deliveries to the workers now. Never raises: the sweep finds what is not queued."""
    for event_id in event_ids:
        try:
            deliver_webhook(str(event_id))
        except Exception:  # the queue's storage is down: the rows wait in the outbox
            log.warning("webhook delivery %s not queued; the sweep will send it", event_id, exc_info=True)
            return
