"""Helpers for tests of requests sent at the same moment: phones logged in, a round out, a race."""
import threading

from courier.domain.formatting import local_today
from courier.domain.states import Action
from courier.ledger import custody
from courier.models import Round, RoundStop
from tests import factories
from tests.conftest import AuthActions, csrf_token_from


def courier_clients(app, courier, n):
    """`n` phones of one courier, each logged in with its own session and CSRF token."""
    clients = []
    for _ in range(n):
        client = app.test_client()
        AuthActions(client).login(courier.username)
        client.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token_from(client.get("/courier/").get_data(as_text=True))
        clients.append(client)
    return clients


def race(app, clients, sends):
    """Each client sends its request at the same moment; the answers, in the clients' order."""
    answers, start = [None] * len(clients), threading.Barrier(len(clients), timeout=30)

    def send(n):
        start.wait()
        with app.app_context():
            answers[n] = sends[n](clients[n])
    threads = [threading.Thread(target=send, args=(n,)) for n in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def out_for_delivery(db, office, courier, n):
    """`n` shipments on the courier's round for today, taken out; committed."""
    shipments = [factories.shipment(office) for _ in range(n)]
    round_ = Round(courier=courier, post_office=office, round_date=local_today())
    for position, shipment in enumerate(shipments):
        round_.stops.append(RoundStop(shipment=shipment, position=position))
        for action in (Action.RECEIVE, Action.ASSIGN):
            custody.apply(shipment, action, max_attempts=3)
        custody.apply(shipment, Action.DISPATCH, max_attempts=3, courier=courier)
    db.session.add(round_)
    db.session.commit()
    return shipments
