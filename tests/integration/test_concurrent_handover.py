"""Hand-overs of one shipment sent at the same moment (two phones, an outbox replaying several
visits at once): they are applied one after the other, as if they had arrived in turn.

On SQLite `SELECT ... FOR UPDATE` locks nothing; without a write lock taken before the
shipment is read again, each request moved the shipment from what it had read, and the
record showed two deliveries, a dispatch after one, and failures not counted.
"""
from courier.domain.states import State
from courier.ledger import chain, tally
from courier.models import Attempt, Event, Shipment
from tests.attempts import delivered, post
from tests.integration.race_support import courier_clients, race
from tests.integration.test_take_out import planned, scan, take  # noqa: F401 (planned: a fixture)
from tests.integration.test_tally import counted

RACERS = 4
MOVES = ("dispatch", "deliver", "fail", "reattempt", "start_return")


def _failed(shipment):
    return delivered(shipment, outcome="failed", failure_reason="absent", recipient=None, fees=None)


def test_racing_deliveries_and_failures_leave_one_consistent_history(app, db, office, users, on_round):
    bodies = [delivered(on_round), _failed(on_round), delivered(on_round), _failed(on_round)]
    sends = [lambda c, b=b: post(c, b) if b["outcome"] == "delivered" else post(c, b, signature=None, photo=None)
             for b in bodies]
    answers = race(app, courier_clients(app, users["courier"], RACERS), sends)

    assert [answer.status_code for answer in answers] == [201] * RACERS, [a.json for a in answers]
    db.session.expire_all()
    shipment = db.session.get(Shipment, on_round.id)
    events = db.session.execute(db.select(Event).filter_by(shipment_id=shipment.id).order_by(Event.id)).scalars().all()
    moves = [event for event in events if event.action in MOVES]
    # Read as a history, each move starts where the one before it ended.
    for before, after in zip(moves, moves[1:]):
        assert after.from_state == before.to_state, [(m.action, m.from_state, m.to_state) for m in moves]
    actions = [move.action for move in moves]
    assert actions.count("deliver") == 1 and actions[-1] == "deliver", actions
    assert shipment.state is State.DELIVERED
    assert shipment.attempts_count == actions.count("fail")
    # Every visit is on record: applied (its move names it) or kept aside, flagged.
    stored = db.session.execute(db.select(Attempt).filter_by(shipment_id=shipment.id)).scalars().all()
    applied = {event.details["attempt"] for event in moves if event.action in ("deliver", "fail")}
    flagged = {str(attempt.client_id) for attempt in stored if attempt.flagged_reason == "shipment_delivered"}
    assert len(stored) == RACERS and applied | flagged == {b["client_id"] for b in bodies}
    assert not applied & flagged
    assert {a.json["client_id"] for a in answers if a.json["flagged"] == "shipment_delivered"} == flagged
    # The record an auditor checks still holds: the chains verify, the board's counts are right.
    assert chain.verify(db.session, "event").ok and chain.verify(db.session, "proof").ok
    assert {s: n for s, n in tally.counts(db.session, office.id).items() if n} == counted(db, office)


def test_racing_deliveries_deliver_once_and_flag_the_rest(app, db, office, users, on_round):
    bodies = [delivered(on_round) for _ in range(RACERS)]
    answers = race(app, courier_clients(app, users["courier"], RACERS),
                    [lambda c, b=b: post(c, b) for b in bodies])

    assert [answer.status_code for answer in answers] == [201] * RACERS
    flags = sorted(str(answer.json["flagged"]) for answer in answers)
    assert flags == ["None"] + ["shipment_delivered"] * (RACERS - 1)
    db.session.expire_all()
    delivers = db.session.execute(db.select(Event).filter_by(shipment_id=on_round.id, action="deliver")).scalars().all()
    assert len(delivers) == 1
    assert chain.verify(db.session, "event").ok
    assert {s: n for s, n in tally.counts(db.session, office.id).items() if n} == counted(db, office)


def test_a_take_out_racing_hand_overs_never_dispatches_after_the_delivery(app, db, office, users, planned):
    """The courier's outbox sends the morning's scan and the door's hand-over at once (they were
    queued offline together): take-outs hold the shipment as hand-overs do."""
    shipment = planned[1][0]
    scans, visits = [scan(shipment), scan(shipment)], [delivered(shipment), delivered(shipment)]
    sends = [lambda c, b=b: take(c, b) for b in scans] + [lambda c, b=b: post(c, b) for b in visits]
    answers = race(app, courier_clients(app, users["courier"], len(sends)), sends)

    assert all(answer.status_code in (200, 201) for answer in answers), [a.json for a in answers]
    db.session.expire_all()
    events = db.session.execute(db.select(Event).filter_by(shipment_id=shipment.id).order_by(Event.id)).scalars().all()
    moves = [event for event in events if event.action in MOVES]
    for before, after in zip(moves, moves[1:]):
        assert after.from_state == before.to_state, [(m.action, m.from_state, m.to_state) for m in moves]
    actions = [move.action for move in moves]
    assert actions.count("dispatch") == 1 and actions.count("deliver") == 1 and actions[-1] == "deliver", actions
    assert db.session.get(Shipment, shipment.id).state is State.DELIVERED
    assert {s: n for s, n in tally.counts(db.session, office.id).items() if n} == counted(db, office)
