"""Helpers shared by the dispatcher console's tests (tests/integration/test_dispatch_*.py)."""
import re

from courier.ledger import custody
from courier.domain.formatting import local_today
from courier.domain.states import Action
from courier.extensions import db
from courier.models import Round, RoundStop
from tests import factories
from tests.conftest import csrf_token_from

# A shipment's link in the dispatcher's list: the list's rows, in the order shown.
SHIPMENT_LINK = re.compile(r'href="/dispatch/shipments/([0-9a-f-]{36})"')


def listed(client, q: str = "", **filters) -> list[str]:
    """The public ids of the shipments the list shows for search box `q` and `filters`, in order."""
    html = client.get("/dispatch/shipments", query_string={"q": q, **filters}).get_data(as_text=True)
    return SHIPMENT_LINK.findall(html)


def csrf(client) -> str:
    """A CSRF token of the logged-in session, read from the board page."""
    return csrf_token_from(client.get("/dispatch/").get_data(as_text=True))


def post(client, url: str, data: dict | None = None, **kwargs):
    """POST a form as the page would, with the session's CSRF token."""
    return client.post(url, data={"csrf_token": csrf(client), **(data or {})}, **kwargs)


def received(office, actor, **dossier_fields):
    """A shipment in the office's custody."""
    shipment = factories.shipment(office, **dossier_fields)
    custody.apply(shipment, Action.RECEIVE, max_attempts=3, actor=actor)
    return shipment


def on_round(office, courier, actor, shipments, day=None) -> Round:
    """A round for the courier with these received shipments assigned, in order."""
    round_ = Round(courier=courier, post_office=office, round_date=day or local_today())
    for position, shipment in enumerate(shipments):
        custody.apply(shipment, Action.ASSIGN, max_attempts=3, actor=actor)
        round_.stops.append(RoundStop(shipment=shipment, position=position, open_shipment_id=shipment.id))
    db.session.add(round_)
    return round_


def elsewhere(db):
    """Another post office with its own dispatcher, courier and a received shipment."""
    office = factories.post_office()
    dispatcher = factories.user(office, "dispatcher")
    courier = factories.user(office, "courier")
    shipment = received(office, dispatcher, applicant_name="Người Bưu Cục Khác")
    db.session.commit()
    return {"office": office, "dispatcher": dispatcher, "courier": courier, "shipment": shipment}


def flashes(html: str) -> list[str]:
    return [re.sub(r"\s+", " ", text).strip()
            for text in re.findall(r'<p class="flash[^"]*"[^>]*>(.*?)</p>', html, re.S)]
