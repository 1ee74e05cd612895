"""Making checkpoints of the chains and sending them where a database editor cannot reach.

A checkpoint signed and kept in the database alone can be deleted with the rest. So each
one is also appended to a log file outside the database and its backups, and sent to
every agency with a webhook, which keeps what the post office cannot recall. The worker
does this every CHECKPOINT_EVERY_MINUTES (courier/tasks.py); `flask checkpoint` by hand.
"""
from flask import current_app

from ..extensions import db
from ..ledger import checkpoints
from . import webhook_outbox


def checkpoint_now() -> list[dict]:
    """Sign each chain head that moved since its last checkpoint, tell the agencies, log it.

    Commits. The checkpoint and its webhook deliveries are one transaction; the log line is
    written after the commit, so the log never holds a checkpoint the database did not keep
    (a crash in between leaves one checkpoint unlogged, and the next one is logged).
    Returns the checkpoints made, as the log records them (none if no head moved).
    """
    config = current_app.config
    key = checkpoints.load_or_create_key(config["CHECKPOINT_KEY_FILE"])
    made = [checkpoints.record(checkpoint) for checkpoint in checkpoints.make_checkpoints(db.session, key)]
    if not made:
        db.session.rollback()  # let the heads go
        return []
    webhook_outbox.write_checkpoint_deliveries(db.session, made)
    db.session.commit()
    checkpoints.append_to_log(config["CHECKPOINT_LOG_FILE"], made)
    return made


def problems() -> list[str]:
    """What `verify` finds wrong with the checkpoints, in the database and against the log."""
    config = current_app.config
    trusted = checkpoints.public_text(checkpoints.load_or_create_key(config["CHECKPOINT_KEY_FILE"]))
    return (checkpoints.check_checkpoints(db.session, trusted)
            + checkpoints.check_log(db.session, config["CHECKPOINT_LOG_FILE"], trusted))
