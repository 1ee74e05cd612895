"""Every state change goes through custody and leaves an append-only Event."""
import pytest

from courier.ledger import custody
from courier.domain.states import Action, IllegalTransition, State
from courier.models import AuditViolation, Event, Shipment
from tests import factories


def _events(db, shipment):
    return db.session.execute(
        db.select(Event).filter_by(shipment_id=shipment.id).order_by(Event.id)).scalars().all()


def test_a_shipment_walks_its_life_and_each_step_is_recorded(db, office, users):
    shipment = factories.shipment(office)
    courier, dispatcher = users["courier"], users["dispatcher"]
    for action in (Action.RECEIVE, Action.ASSIGN):
        custody.apply(shipment, action, max_attempts=3, actor=dispatcher)
    custody.apply(shipment, Action.DISPATCH, max_attempts=3, actor=dispatcher, courier=courier)
    assert shipment.holder_courier is courier
    custody.apply(shipment, Action.DELIVER, max_attempts=3, actor=courier)
    db.session.commit()

    stored = db.session.get(Shipment, shipment.id)
    assert stored.state is State.DELIVERED and stored.holder_courier is None
    trail = [(e.action, e.from_state, e.to_state) for e in _events(db, stored)]
    assert trail == [
        ("register", None, "registered"), ("receive", "registered", "received"),
        ("assign", "received", "assigned"), ("dispatch", "assigned", "out_for_delivery"),
        ("deliver", "out_for_delivery", "delivered"),
    ]
    assert _events(db, stored)[-1].actor_id == courier.id


def test_failures_are_counted_and_the_limit_forces_the_return(db, office, users):
    shipment = factories.shipment(office)
    custody.apply(shipment, Action.RECEIVE, max_attempts=2)
    for _ in range(2):
        custody.apply(shipment, Action.ASSIGN if shipment.state is State.RECEIVED else Action.REATTEMPT,
                      max_attempts=2)
        custody.apply(shipment, Action.DISPATCH, max_attempts=2, courier=users["courier"])
        custody.apply(shipment, Action.FAIL, max_attempts=2, details={"reason": "absent"})
    assert shipment.attempts_count == 2
    with pytest.raises(IllegalTransition):
        custody.apply(shipment, Action.REATTEMPT, max_attempts=2)
    custody.apply(shipment, Action.START_RETURN, max_attempts=2)
    custody.apply(shipment, Action.COMPLETE_RETURN, max_attempts=2)
    db.session.commit()
    assert db.session.get(Shipment, shipment.id).state is State.RETURNED


def test_an_illegal_action_changes_nothing(db, office):
    shipment = factories.shipment(office)
    db.session.commit()
    with pytest.raises(IllegalTransition):
        custody.apply(shipment, Action.DELIVER, max_attempts=3)
    assert shipment.state is State.REGISTERED
    assert len(_events(db, shipment)) == 1


def test_dispatch_needs_the_courier(db, office):
    shipment = factories.shipment(office)
    custody.apply(shipment, Action.RECEIVE, max_attempts=3)
    custody.apply(shipment, Action.ASSIGN, max_attempts=3)
    with pytest.raises(ValueError):
        custody.apply(shipment, Action.DISPATCH, max_attempts=3)


def test_setting_the_state_directly_is_refused_on_flush(db, office):
    shipment = factories.shipment(office)
    db.session.commit()
    shipment.state = State.DELIVERED
    with pytest.raises(AuditViolation):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(Shipment, shipment.id).state is State.REGISTERED


def test_a_shipment_created_without_custody_is_refused(db, office):
    dossier = factories.dossier()
    db.session.add(Shipment(dossier=dossier, post_office=office, state=State.DELIVERED))
    with pytest.raises(AuditViolation):
        db.session.flush()
    db.session.rollback()


def test_events_cannot_be_changed_or_deleted_through_the_app(db, office):
    shipment = factories.shipment(office)
    db.session.commit()
    first = _events(db, shipment)[0]
    first.to_state = "delivered"
    with pytest.raises(AuditViolation):
        db.session.flush()
    db.session.rollback()
    db.session.delete(_events(db, shipment)[0])
    with pytest.raises(AuditViolation):
        db.session.flush()
    db.session.rollback()
    assert _events(db, shipment)[0].to_state == "registered"


def test_public_ids_are_uuids_distinct_from_the_integer_id(db, office):
    one, two = factories.shipment(office), factories.shipment(office)
    db.session.commit()
    assert one.public_id != two.public_id and one.public_id.version == 4
