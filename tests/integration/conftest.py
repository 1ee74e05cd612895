"""Fixtures shared by the integration tests of the courier's sync API."""
import pytest

from courier.domain import custody
from courier.domain.formatting import local_today
from courier.domain.states import Action
from courier.models import Round, RoundStop
from tests import factories
from tests.conftest import csrf_token_from


@pytest.fixture
def courier_client(app, db, users, client, auth):
    auth.login(users["courier"].username)
    html = client.get("/courier/").get_data(as_text=True)
    client.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token_from(html)
    return client


@pytest.fixture
def on_round(db, office, users):
    """A shipment on the courier's round for today, out for delivery."""
    shipment = factories.shipment(office)
    round_ = Round(courier=users["courier"], post_office=office, round_date=local_today())
    round_.stops.append(RoundStop(shipment=shipment, position=0))
    db.session.add(round_)
    for action in (Action.RECEIVE, Action.ASSIGN):
        custody.apply(shipment, action, max_attempts=3)
    custody.apply(shipment, Action.DISPATCH, max_attempts=3, courier=users["courier"])
    db.session.commit()
    return shipment
