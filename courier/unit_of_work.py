"""What every write through the app's session does besides its own rows, in the order it happens.

A hand-over (services/handover.py) adds an attempt, its proofs and its custody events, then
flushes and commits. Around that, the app's session (`db.session`) runs these steps:

before each flush
  1. models.event.guard_custody_trail: events are append-only, and no shipment changes state
     without an event saying so (raises AuditViolation);
  2. models.shipment.copy_due_dates: each shipment's copy of its dossier's due date kept equal.
after each flush, in the flush's transaction
  3. services.webhook_outbox.write_deliveries: a webhook delivery row for each new event an
     agency wants to hear of (first: before the chains' head lock is taken, so these
     statements do not lengthen the stretch every hand-over waits its turn for);
  4. ledger.chain.seal_new_records: new attempts, cash hand-ins, events and proofs sealed into
     their hash chains, under the chains' head lock (a sealed one changed raises AuditViolation);
  5. ledger.tally.count_moves: the per-state counts bumped (after sealing: the head lock
     comes first, so two transactions never lock tally rows in opposite orders).
after commit
  6. services.webhook_outbox.queue_committed: a worker woken for each delivery committed.
after rollback
  7. services.webhook_outbox.forget_rolled_back: those deliveries forgotten.

Registered on the app's session only, by create_app: a plain `Session(bind=...)`, as
migrations and benches open, runs none of them.
"""
from sqlalchemy import event
from sqlalchemy.orm import Session

from .extensions import db
from .ledger import chain, tally
from .models import event as event_model, shipment
from .services import webhook_outbox


def before_flush(session: Session, _flush_context, _instances) -> None:
    """Check the custody trail, then keep the due dates' copies in step."""
    event_model.guard_custody_trail(session)
    shipment.copy_due_dates(session)


def after_flush(session: Session, _flush_context) -> None:
    """Write the webhook outbox's rows, seal the new records, count the moves: in this order."""
    webhook_outbox.write_deliveries(session)
    chain.seal_new_records(session)
    tally.count_moves(session)


def after_commit(session: Session) -> None:
    """Hand the committed deliveries to the workers."""
    webhook_outbox.queue_committed(session)


def after_rollback(session: Session) -> None:
    """Forget the deliveries of a transaction that did not happen."""
    webhook_outbox.forget_rolled_back(session)


_STEPS = {"before_flush": before_flush, "after_flush": after_flush,
          "after_commit": after_commit, "after_rollback": after_rollback}


def register() -> None:
    """Attach the steps to the app's session (its sessionmaker's own Session class), once.

    `db.session` is made once per process, and create_app may run many times (tests).
    """
    for name, step in _STEPS.items():
        if not event.contains(db.session, name, step):
            event.listen(db.session, name, step)
