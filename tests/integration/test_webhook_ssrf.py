"""A webhook URL is a request our worker makes: it may not reach into our own network.

With WEBHOOK_ALLOW_PRIVATE_NETWORKS off (the default), registration refuses every
spelling of a loopback, private or metadata address, and the worker checks again at
each try, against the address it then connects to, so a name that changes its answer
(DNS rebinding) is refused too; no redirect is followed.
"""
import socket
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import threading

import pytest

from courier.domain.states import Action
from courier.ledger import custody
from courier.models import Webhook, WebhookDelivery, WebhookTry
from courier.services import agency_keys, webhook_delivery, webhook_targets
from tests import factories
from tests.integration.agency_endpoint import AgencyEndpoint

INTERNAL = ["http://127.0.0.1:5432/", "http://localhost/hooks", "http://[::1]/", "http://0x7f000001/",
            "http://2130706433/", "http://127.1/", "http://0.0.0.0/", "http://user:pass@127.0.0.1/",
            "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "http://[::ffff:7f00:1]/",
            "http://100.64.0.1/", "ftp://agency.example.vn/"]


@pytest.fixture
def app_settings(tmp_path):
    return {"WEBHOOK_ALLOW_PRIVATE_NETWORKS": False, "HUEY_SQLITE_PATH": str(tmp_path / "huey.sqlite3"),
            "WEBHOOK_TIMEOUT_SECONDS": 2}


@pytest.fixture
def agency_key(db, office):
    agency = factories.agency()
    agency.post_office = office
    key = agency_keys.issue_api_key(agency)
    db.session.commit()
    return agency, {"Authorization": f"Bearer {key}"}


@pytest.mark.parametrize("url", INTERNAL)
def test_registration_refuses_every_spelling_of_our_own_network(client, db, agency_key, url):
    _, headers = agency_key
    response = client.put("/api/v1/webhook", json={"url": url}, headers=headers)
    assert response.status_code == 422, response.json
    assert response.json["errors"][0]["field"] == "url" and response.json["errors"][0]["detail"]
    assert db.session.execute(db.select(Webhook)).first() is None


def fake_resolver(monkeypatch, answers: dict[str, list[list[str]]]):
    """getaddrinfo giving, for each name, the next list of addresses in `answers` (the last one repeats)."""
    real = socket.getaddrinfo

    def resolve(host, port, *args, **kwargs):
        if host not in answers:
            return real(host, port, *args, **kwargs)
        queue = answers[host]
        addresses = queue.pop(0) if len(queue) > 1 else queue[0]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)) for address in addresses]

    monkeypatch.setattr(webhook_targets.socket, "getaddrinfo", resolve)


def test_a_name_that_turns_private_after_registration_is_refused_at_each_try(
        client, db, office, agency_key, monkeypatch):
    agency, headers = agency_key
    receiver = AgencyEndpoint()
    try:
        port = receiver.server.server_address[1]
        # Public when the agency registers, our own machine when the worker sends (DNS rebinding).
        fake_resolver(monkeypatch, {"hooks.rebind.test": [["93.184.216.34"], ["127.0.0.1"]]})
        registered = client.put("/api/v1/webhook", json={"url": f"http://hooks.rebind.test:{port}/hooks/courier"},
                                headers=headers)
        assert registered.status_code == 200
        shipment = factories.shipment(office)
        custody.apply(shipment, Action.RECEIVE, max_attempts=3)
        db.session.commit()
        [delivery] = db.session.execute(db.select(WebhookDelivery)).scalars().all()
        assert webhook_delivery.deliver_one(delivery.event_id) is True
        [attempt] = db.session.execute(db.select(WebhookTry)).scalars().all()
        assert attempt.status_code is None and attempt.error.startswith("refused: private_address")
        assert receiver.count() == 0
    finally:
        receiver.close()


def test_the_worker_connects_to_the_address_it_checked_and_names_the_site(app, db, office, monkeypatch):
    app.config["WEBHOOK_ALLOW_PRIVATE_NETWORKS"] = True  # an agency on the post office's own network
    receiver = AgencyEndpoint()
    try:
        port = receiver.server.server_address[1]
        fake_resolver(monkeypatch, {"hooks.agency.test": [["127.0.0.1"]]})
        agency = factories.agency()
        agency_keys.set_webhook(agency, f"http://hooks.agency.test:{port}/hooks/courier")
        shipment = factories.shipment(office)
        custody.apply(shipment, Action.RECEIVE, max_attempts=3)
        db.session.commit()
        [delivery] = db.session.execute(db.select(WebhookDelivery)).scalars().all()
        webhook_delivery.deliver_one(delivery.event_id)
        [(headers, _body)] = receiver.received
        assert headers["Host"] == f"hooks.agency.test:{port}"
    finally:
        receiver.close()


class Redirecting:
    """An endpoint that answers every POST with a 302 to `target`, and counts what it got."""

    def __init__(self, target: str):
        self.hits = 0
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers["Content-Length"]))
                endpoint.hits += 1
                self.send_response(302)
                self.send_header("Location", target)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_a_redirect_is_an_answer_not_followed(app, db, office):
    app.config["WEBHOOK_ALLOW_PRIVATE_NETWORKS"] = True
    inside = AgencyEndpoint()  # stands for an internal service the redirect points at
    redirecting = Redirecting(inside.url)
    try:
        agency_keys.set_webhook(factories.agency(), redirecting.url)
        shipment = factories.shipment(office)
        custody.apply(shipment, Action.RECEIVE, max_attempts=3)
        db.session.commit()
        [delivery] = db.session.execute(db.select(WebhookDelivery)).scalars().all()
        webhook_delivery.deliver_one(delivery.event_id)
        db.session.expire_all()
        [attempt] = db.session.execute(db.select(WebhookTry)).scalars().all()
        assert redirecting.hits == 1 and attempt.status_code == 302 and inside.count() == 0
        assert db.session.get(WebhookDelivery, delivery.id).status == "pending"  # retried later, as refused
    finally:
        redirecting.close()
        inside.close()
