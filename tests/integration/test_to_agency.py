"""The office takes the envelopes back from its couriers and sends them to each agency on a list."""
import uuid

import pytest

from courier.domain.states import State
from courier.models import Event
from courier.services import to_agency
from tests import factories
from tests.integration.pickup_support import MAX, handed_in, picked_up


def test_a_scanned_envelope_is_handed_in_from_the_courier_who_held_it(db, office, users):
    shipment = picked_up(db, office, users["courier"])
    assert to_agency.with_couriers(office.id) == [shipment]
    scan = to_agency.hand_in(office.id, str(shipment.public_id), users["dispatcher"], MAX)
    assert (scan.status, scan.shipment) == ("handed_in", shipment)
    assert shipment.state is State.HANDED_IN and shipment.holder_courier is None
    event = db.session.execute(db.select(Event).filter_by(shipment_id=shipment.id, action="hand_in")).scalar_one()
    assert event.details == {"from_courier": users["courier"].username}
    assert to_agency.hand_in(office.id, shipment.dossier.code, users["dispatcher"], MAX).status == "already"


def test_a_code_of_nothing_picked_up_here_is_unexpected(db, office, users):
    other_office = factories.post_office()
    elsewhere = picked_up(db, other_office, users["courier"])
    result = factories.shipment(office)
    for code in (str(elsewhere.public_id), result.dossier.code, "TN000000-XXXXXX", ""):
        assert to_agency.hand_in(office.id, code, users["dispatcher"], MAX).status == "unexpected"
    assert elsewhere.state is State.PICKED_UP


def test_a_batch_list_sends_the_chosen_envelopes_of_one_agency(db, office, users):
    first, second = handed_in(db, office, users["courier"]), handed_in(db, office, users["courier"])
    [(agency, waiting)] = to_agency.at_the_office(office.id)
    assert {s.id for s in waiting} == {first.id, second.id}
    batch = to_agency.make_batch(office.id, agency.id, [first.public_id, second.public_id], users["dispatcher"], MAX)
    db.session.commit()
    assert {first.state, second.state} == {State.IN_TRANSIT}
    assert to_agency.batch_shipments(batch) == sorted([first, second], key=lambda s: s.dossier.code)
    assert batch.number.startswith(office.code + "-") and to_agency.at_the_office(office.id) == []
    sent = db.session.execute(db.select(Event).filter_by(action="send_to_agency")).scalars().all()
    assert {event.details["batch"] for event in sent} == {str(batch.public_id)}


@pytest.mark.parametrize("choose", ["nothing", "stranger", "other_agency", "not_handed_in"])
def test_a_batch_with_anything_not_ready_for_that_agency_changes_nothing(db, office, users, choose):
    ready = handed_in(db, office, users["courier"])
    other = factories.procedure(office, code="1.000002", name="Đăng ký khai sinh", agency_code="000.00.22.H47")
    chosen = {"nothing": [],
              "stranger": [ready.public_id, uuid.uuid4()],
              "other_agency": [ready.public_id, handed_in(db, office, users["courier"], procedure_=other).public_id],
              "not_handed_in": [ready.public_id, picked_up(db, office, users["courier"]).public_id]}[choose]
    with pytest.raises(to_agency.BatchRefused) as refused:
        to_agency.make_batch(office.id, ready.dossier.agency_id, chosen, users["dispatcher"], MAX)
    assert refused.value.code == ("empty" if choose == "nothing" else "not_ready")
    assert ready.state is State.HANDED_IN and ready.pickup.batch is None


def test_the_agency_hears_of_the_pickup_and_of_the_batch_its_dossier_came_on(db, office, users):
    from courier.models import WebhookDelivery
    from courier.services import agency_keys

    agency_keys.set_webhook(factories.procedure(office).agency, "http://127.0.0.1:9/hooks")
    shipment = handed_in(db, office, users["courier"])
    batch = to_agency.make_batch(office.id, shipment.dossier.agency_id, [shipment.public_id], users["dispatcher"], MAX)
    db.session.commit()
    sent = [delivery.payload for delivery in db.session.execute(
        db.select(WebhookDelivery).order_by(WebhookDelivery.id)).scalars()]
    assert [(event["type"], event["state"]) for event in sent] == [
        ("dossier.picked_up", "picked_up"), ("dossier.handed_to_agency", "in_transit")]
    assert sent[1]["details"] == {"batch": str(batch.public_id)} and sent[1]["dossier_code"] == shipment.dossier.code
