"""The order in which writes take their locks, which keeps two of them from waiting on each other.

A hand-over locks its shipment first (FOR UPDATE), and the chains' heads only at its flush
(ledger/chain.py, after the INSERTs: courier/unit_of_work.py). Any other write that records an
event on that shipment locks the shipment's row during its flush, before the heads too. So every
write takes rows before heads, and one waits for the other instead of deadlocking. Sealing
records before their INSERT (to save the UPDATE that seals them, tried for issue #16) takes the
heads first and deadlocks with exactly this pair; this test keeps that from coming back.
"""
import threading
import time

import pytest
from sqlalchemy.exc import OperationalError

from courier.ledger import chain, custody
from courier.models import ChainHead, Shipment
from tests import factories
from tests.attempts import delivered, post
from tests.integration.race_support import courier_clients, out_for_delivery, race


def test_a_note_on_a_shipment_a_hand_over_holds_waits_for_it_without_a_deadlock(app, db, office):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks: PostgreSQL (SQLite has one write lock, taken first)")
    shipment_id = factories.shipment(office).id
    db.session.commit()
    locked, noted_started, errors = threading.Event(), threading.Event(), []

    def hand_over():
        with app.app_context():
            try:
                shipment = db.session.get(Shipment, shipment_id, with_for_update=True)
                locked.set()
                noted_started.wait(10)
                time.sleep(0.5)  # the other write is at its flush by now
                custody.note(shipment, "attempt_flagged", actor_label="system")
                db.session.commit()
            except OperationalError as error:
                errors.append(error)
                db.session.rollback()

    def note():
        with app.app_context():
            try:
                locked.wait(10)
                shipment = db.session.get(Shipment, shipment_id)
                custody.note(shipment, "citizen_report", actor_label="citizen")
                noted_started.set()
                db.session.commit()
            except OperationalError as error:
                errors.append(error)
                db.session.rollback()

    threads = [threading.Thread(target=hand_over), threading.Thread(target=note)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors


def test_the_first_hand_overs_of_a_chain_make_its_head_before_locking_any_other(app, db, office, users):
    """A database with events but no attempt yet (as before migration 0022 made every head): the
    first hand-overs at once each make the "attempt" head. Made after locking "event", two of four
    ended in a deadlock on PostgreSQL (500s); made before any head is locked, all go through."""
    shipments = out_for_delivery(db, office, users["courier"], 4)
    db.session.execute(db.delete(ChainHead).where(ChainHead.name == "attempt"))
    db.session.commit()
    chain._HEADS_SEEN.clear()  # this process has not seen the head made yet
    answers = race(app, courier_clients(app, users["courier"], len(shipments)),
                   [lambda phone, shipment=shipment: post(phone, delivered(shipment)) for shipment in shipments])
    assert [answer.status_code for answer in answers] == [201] * len(shipments)
    assert chain.verify(db.session, "attempt").ok and chain.verify(db.session, "event").ok
