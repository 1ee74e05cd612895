"""Tamper evidence: editing, deleting or swapping a record in the database is caught."""
import pytest
from sqlalchemy import text

from courier.domain.chain import canonical
from courier.ledger import chain, checkpoints, custody
from courier.domain.states import Action
from tests import factories


@pytest.fixture
def history(db, office, users):
    """A few shipments moved through several steps: a chain of about a dozen events."""
    for _ in range(3):
        shipment = factories.shipment(office)
        for action in (Action.RECEIVE, Action.ASSIGN):
            custody.apply(shipment, action, max_attempts=3, actor=users["dispatcher"])
        custody.apply(shipment, Action.DISPATCH, max_attempts=3, courier=users["courier"])
    db.session.commit()
    return db.session.execute(text("SELECT count(*) FROM event")).scalar()


def run_verify(app):
    return app.test_cli_runner().invoke(args=["verify"])


def test_an_untouched_history_verifies(app, history):
    result = run_verify(app)
    assert result.exit_code == 0, result.output
    assert f"event: {history} " in result.output


def test_a_modified_event_is_reported(app, db, history):
    db.session.execute(text("UPDATE event SET to_state = 'delivered' WHERE seq = 5"))
    db.session.commit()
    report = chain.verify(db.session, "event")
    assert (report.problem, report.at_seq) == ("modified", 5)
    result = run_verify(app)
    assert result.exit_code == 1 and "modified at #5" in result.output


def test_a_deleted_event_is_reported(app, db, history):
    db.session.execute(text("DELETE FROM event WHERE seq = 4"))
    db.session.commit()
    report = chain.verify(db.session, "event")
    assert (report.problem, report.at_seq) == ("deleted", 4)


def test_the_last_event_deleted_is_reported_against_the_head(db, history):
    db.session.execute(text("DELETE FROM event WHERE seq = :last"), {"last": history})
    db.session.commit()
    assert chain.verify(db.session, "event").problem == "head_mismatch"


def test_two_swapped_events_are_reported(db, history):
    db.session.execute(text("UPDATE event SET seq = -1 WHERE seq = 3"))
    db.session.execute(text("UPDATE event SET seq = 3 WHERE seq = 6"))
    db.session.execute(text("UPDATE event SET seq = 6 WHERE seq = -1"))
    db.session.commit()
    report = chain.verify(db.session, "event")
    assert report.problem == "reordered" and report.at_seq == 3


def test_a_recomputed_chain_is_caught_by_a_signed_checkpoint(app, db, history, tmp_path):
    key = checkpoints.load_or_create_key(tmp_path / "checkpoint.pem")
    checkpoints.make_checkpoints(db.session, key)
    db.session.commit()
    assert checkpoints.check_checkpoints(db.session, checkpoints.public_text(key)) == []
    # A forger edits an event and recomputes every hash after it, so the chain alone looks fine.
    db.session.execute(text("UPDATE event SET actor_label = 'forged' WHERE seq = 2"))
    prev = db.session.execute(text("SELECT hash FROM event WHERE seq = 1")).scalar()
    for record in db.session.execute(db.select(chain.Event).where(chain.Event.seq >= 2)
                                     .order_by(chain.Event.seq)).scalars():
        record_hash = chain.link_hash(prev, record.seq, canonical(record, chain.EVENT_FIELDS))
        db.session.execute(text("UPDATE event SET prev_hash = :p, hash = :h WHERE seq = :s"),
                           {"p": prev, "h": record_hash, "s": record.seq})
        prev = record_hash
    db.session.execute(text("UPDATE chain_head SET hash = :h WHERE name = 'event'"), {"h": prev})
    db.session.commit()
    db.session.expire_all()
    assert chain.verify(db.session, "event").ok
    problems = checkpoints.check_checkpoints(db.session, checkpoints.public_text(key))
    assert problems == [f"checkpoint {_first_event_checkpoint(db)} (event #{history}): history before it was rewritten"]


def _first_event_checkpoint(db):
    return db.session.execute(text("SELECT id FROM chain_checkpoint WHERE chain = 'event'")).scalar()


def test_a_forged_checkpoint_signature_is_refused(db, history, tmp_path):
    key = checkpoints.load_or_create_key(tmp_path / "a.pem")
    other = checkpoints.load_or_create_key(tmp_path / "b.pem")
    checkpoints.make_checkpoints(db.session, other)
    db.session.commit()
    problems = checkpoints.check_checkpoints(db.session, checkpoints.public_text(key))
    assert problems and all("unknown key" in p for p in problems)


def test_proofs_are_chained_too(app, db, history):
    import uuid
    from datetime import datetime, timezone

    from courier.models import Attempt, Outcome, Proof, ProofKind, Shipment

    shipment = db.session.execute(db.select(Shipment)).scalars().first()
    courier = shipment.holder_courier
    attempt = Attempt(client_id=uuid.uuid4(), shipment=shipment, courier=courier, outcome=Outcome.DELIVERED,
                      captured_at=datetime.now(timezone.utc), content_digest="0" * 64)
    db.session.add_all([Proof(attempt=attempt, kind=ProofKind.SIGNATURE, sha256="a" * 64,
                              content_type="image/png", size_bytes=10),
                        Proof(attempt=attempt, kind=ProofKind.PHOTO, sha256="b" * 64,
                              content_type="image/jpeg", size_bytes=20)])
    db.session.commit()
    assert chain.verify(db.session, "proof").ok and chain.verify(db.session, "proof").checked == 2
    db.session.execute(text("UPDATE proof SET sha256 = :h WHERE seq = 1"), {"h": "c" * 64})
    db.session.commit()
    assert chain.verify(db.session, "proof").problem == "modified"
    first = db.session.execute(text("SELECT id FROM proof WHERE seq = 1")).scalar()
    result = run_verify(app)
    assert result.exit_code == 1 and f"proof: LỖI / PROBLEM modified at #1 (id {first})" in result.output


def test_events_stamped_in_vietnam_time_verify(app, db, office, users):
    # The demo and any history loaded later pass times in Asia/Ho_Chi_Minh; the
    # database keeps UTC, and the chain must hash the time as it reads back.
    from datetime import datetime, timedelta

    from courier.domain.formatting import VIETNAM

    shipment = factories.shipment(office)
    at = datetime.now(VIETNAM) - timedelta(days=3)
    custody.apply(shipment, Action.RECEIVE, max_attempts=3, actor=users["dispatcher"], at=at)
    db.session.commit()
    result = run_verify(app)
    assert result.exit_code == 0, result.output


def test_a_backlog_of_unsealed_events_is_sealed_in_order_and_verifies(app, db, history):
    """Records written before the chain existed (migration 0004) are sealed in id order, all at once."""
    # Unsealed events, as an older database would hold them.
    shipment_id = db.session.execute(text("SELECT min(shipment_id) FROM event")).scalar()
    rows = [{"shipment_id": shipment_id, "action": "note", "created_at": "2026-11-01 08:00:00", "n": n}
            for n in range(1207)]
    db.session.execute(text("INSERT INTO event (shipment_id, action, created_at, details) "
                            "VALUES (:shipment_id, :action, :created_at, '{}')"), rows)
    assert chain.seal_backlog(db.session) == len(rows)
    db.session.commit()
    report = chain.verify(db.session, "event")
    assert report.ok, report
    assert report.checked == history + len(rows)
