"""Agencies hear of each custody step by a signed webhook, retried until acknowledged."""
import json
from datetime import timedelta

import pytest

from courier.domain import webhooks
from courier.ledger import custody
from courier.domain.states import Action
from courier.models import WebhookDelivery, WebhookTry
from courier.models.types import utcnow
from courier.queue import huey
from courier.services import agency_keys, webhook_delivery
from courier.tasks import sweep_webhooks
from tests import factories
from tests.integration.agency_endpoint import AgencyEndpoint


@pytest.fixture
def app_settings(tmp_path):
    # This test's own queue file; a short timeout for the unreachable receiver.
    return {"HUEY_SQLITE_PATH": str(tmp_path / "huey.sqlite3"), "WEBHOOK_TIMEOUT_SECONDS": 2}


@pytest.fixture
def receiver():
    made = AgencyEndpoint(refuse=1)
    yield made
    made.close()


@pytest.fixture
def hooked(db, office, receiver):
    agency = factories.agency()
    secret = agency_keys.set_webhook(agency, receiver.url)
    db.session.commit()
    return agency, secret


def _deliveries(db):
    db.session.expire_all()
    return db.session.execute(db.select(WebhookDelivery).order_by(WebhookDelivery.id)).scalars().all()


def test_a_custody_step_is_queued_in_the_same_transaction(db, office, hooked):
    shipment = factories.shipment(office)
    custody.apply(shipment, Action.RECEIVE, max_attempts=3)
    db.session.rollback()
    assert _deliveries(db) == []  # nothing is reported for what did not happen
    shipment = factories.shipment(office)
    custody.apply(shipment, Action.RECEIVE, max_attempts=3)
    db.session.commit()
    [delivery] = _deliveries(db)
    assert delivery.payload["type"] == "shipment.received" and delivery.payload["state"] == "received"
    assert delivery.payload["dossier_code"] == shipment.dossier.code


def test_a_refused_delivery_is_retried_with_backoff_and_every_try_is_logged(app, db, office, hooked, receiver):
    _, secret = hooked
    shipment = factories.shipment(office)
    custody.apply(shipment, Action.RECEIVE, max_attempts=3)
    db.session.commit()

    assert webhook_delivery.deliver_due() == 1  # refused (503)
    [delivery] = _deliveries(db)
    assert delivery.status == "pending" and delivery.tries == 1
    assert delivery.next_try_at > utcnow() + timedelta(seconds=20)
    assert webhook_delivery.deliver_due() == 0  # not due yet

    delivery.next_try_at = utcnow()
    db.session.commit()
    assert webhook_delivery.deliver_due() == 1
    [delivery] = _deliveries(db)
    assert delivery.status == "delivered" and delivery.tries == 2
    log = db.session.execute(db.select(WebhookTry).order_by(WebhookTry.id)).scalars().all()
    assert [t.status_code for t in log] == [503, 200]

    (first_headers, first_body), (headers, body) = receiver.received
    assert headers["X-Courier-Event-Id"] == first_headers["X-Courier-Event-Id"] == str(delivery.event_id)
    assert webhooks.verify(body, headers["X-Courier-Signature"], secret)
    assert not webhooks.verify(body + b" ", headers["X-Courier-Signature"], secret)
    assert not webhooks.verify(body, headers["X-Courier-Signature"], "whsec_wrong")
    assert json.loads(body)["event_id"] == json.loads(first_body)["event_id"] == str(delivery.event_id)
    # What arrives has exactly the shape the OpenAPI document publishes.
    from courier.routes.api.schemas import WebhookEvent
    assert WebhookEvent.model_validate_json(body).type == "shipment.received"


def test_an_unreachable_receiver_is_logged_and_retried(db, office):
    agency = factories.agency()
    agency_keys.set_webhook(agency, "http://127.0.0.1:9/nothing-listens-here")
    shipment = factories.shipment(office)
    custody.apply(shipment, Action.RECEIVE, max_attempts=3)
    db.session.commit()
    webhook_delivery.deliver_due()
    [delivery] = _deliveries(db)
    assert delivery.status == "pending" and delivery.log[0].error and delivery.log[0].status_code is None


def test_old_signatures_are_refused_by_verify():
    body = b'{"id": "1"}'
    header = webhooks.sign(body, "whsec_x", timestamp=1_000_000)
    assert webhooks.verify(body, header, "whsec_x", now=1_000_100)
    assert not webhooks.verify(body, header, "whsec_x", now=1_000_000 + webhooks.TOLERANCE_S + 1)


def test_webhook_secrets_are_stored_encrypted(db, hooked):
    from courier.models import Webhook

    _, secret = hooked
    stored = db.session.execute(db.select(Webhook)).scalar_one()
    assert secret not in stored.secret_encrypted


def test_an_agency_registers_its_webhook_over_the_api(db, client, office):
    agency = factories.agency()
    headers = {"Authorization": f"Bearer {agency_keys.issue_api_key(agency)}"}
    db.session.commit()
    response = client.put("/api/v1/webhook", json={"url": "https://agency.example.vn/hooks"}, headers=headers)
    assert response.status_code == 200 and response.json["secret"].startswith("whsec_")
    assert response.json["example_event"]["type"] == "shipment.delivered"
    event = client.get("/api/v1/openapi.json").json["components"]["schemas"]["WebhookEvent"]
    assert {"event_id", "occurred_at", "dossier_code", "state"} <= set(event["properties"])
    assert client.put("/api/v1/webhook", json={"url": "not a url"}, headers=headers).status_code == 422


def _queued_event_ids() -> list[str]:
    return [huey.deserialize_task(data).args[0] for data in huey.storage.enqueued_items()
            if b"deliver_webhook" in bytes(data)]


def _run_queued_tasks() -> None:
    """What a worker does: take each queued task and run it (in its own app context)."""
    while (task := huey.dequeue()) is not None:
        huey.execute(task)


def test_a_committed_delivery_is_handed_to_the_queue_and_a_worker_sends_it(db, office, hooked, receiver):
    receiver.refuse = 0
    shipment = factories.shipment(office)
    custody.apply(shipment, Action.RECEIVE, max_attempts=3)
    db.session.flush()
    assert _queued_event_ids() == []  # not before the transaction commits
    db.session.commit()
    [delivery] = _deliveries(db)
    assert _queued_event_ids() == [str(delivery.event_id)]
    _run_queued_tasks()
    [delivery] = _deliveries(db)
    assert delivery.status == "delivered" and [t.status_code for t in delivery.log] == [200]
    assert len(receiver.received) == 1


def test_a_delivery_is_not_lost_when_the_queue_fails_after_commit(db, office, hooked, receiver, monkeypatch):
    receiver.refuse = 0

    def queue_down(*_args, **_kwargs):
        raise ConnectionError("queue storage unreachable")

    monkeypatch.setattr(huey, "enqueue", queue_down)
    shipment = factories.shipment(office)
    custody.apply(shipment, Action.RECEIVE, max_attempts=3)
    db.session.commit()  # the custody step is kept whatever the queue does
    monkeypatch.undo()
    assert _queued_event_ids() == []
    sweep_webhooks.call_local()  # what the worker's periodic sweep does
    [delivery] = _deliveries(db)
    assert _queued_event_ids() == [str(delivery.event_id)]
    _run_queued_tasks()
    assert _deliveries(db)[0].status == "delivered" and len(receiver.received) == 1


def test_a_delivery_queued_twice_is_sent_once(db, office, hooked, receiver):
    receiver.refuse = 0
    shipment = factories.shipment(office)
    custody.apply(shipment, Action.RECEIVE, max_attempts=3)
    db.session.commit()
    sweep_webhooks.call_local()  # the sweep runs before a worker took the first task
    assert len(_queued_event_ids()) == 2
    _run_queued_tasks()
    [delivery] = _deliveries(db)
    assert delivery.tries == 1 and len(receiver.received) == 1


def test_a_claimed_delivery_is_left_alone_until_its_claim_runs_out(app, db, office, hooked, receiver):
    """A worker that died mid-try: no other worker sends it until the claim expires, then one does."""
    receiver.refuse = 0
    shipment = factories.shipment(office)
    custody.apply(shipment, Action.RECEIVE, max_attempts=3)
    db.session.commit()
    [delivery] = _deliveries(db)
    delivery.next_try_at = utcnow() + timedelta(seconds=app.config["WEBHOOK_CLAIM_SECONDS"])  # claimed
    db.session.commit()
    assert webhook_delivery.deliver_one(delivery.event_id) is False
    assert webhook_delivery.due_event_ids() == [] and receiver.received == []
    delivery = _deliveries(db)[0]
    delivery.next_try_at = utcnow() - timedelta(seconds=1)  # the claim ran out
    db.session.commit()
    assert webhook_delivery.due_event_ids() == [delivery.event_id]
    assert webhook_delivery.deliver_one(delivery.event_id) is True
    assert _deliveries(db)[0].status == "delivered" and len(receiver.received) == 1
