"""A clerk types in a pickup asked for by phone: the citizen's rules, the clerk's office only."""
import html
import re
from datetime import timedelta

import pytest

from courier.domain.formatting import local_today
from courier.domain.states import State
from courier.models import Channel, Event, Pickup, Shipment
from courier.vocabulary import PICKUP_ERRORS
from tests import factories
from tests.conftest import csrf_token_from

PAGE = "/dispatch/pickups/new"
HAI_CHAU = 20242  # another commune of Đà Nẵng, which the test office serves (its whole province)


@pytest.fixture
def procedure(db, office):
    record = factories.procedure(office)
    db.session.commit()
    return record


def phoned_in(client, procedure, **changes) -> dict:
    form = {"csrf_token": csrf_token_from(client.get(PAGE).get_data(as_text=True)),
            "procedure": str(procedure.id), "applicant_name": "Phạm Văn Đức", "applicant_phone": "0935111222",
            "street": "7 Hùng Vương", "ward": str(factories.WARD_TAM_KY),
            "preferred_date": (local_today() + timedelta(days=1)).isoformat(), "preferred_slot": "morning",
            "consent": "y"}
    form.update(changes)
    return {name: value for name, value in form.items() if value is not None}


def saved(db) -> list[Pickup]:
    db.session.expire_all()
    return db.session.execute(db.select(Pickup)).scalars().all()


def test_a_request_taken_by_phone_is_saved_with_the_clerk_and_its_link_shown(db, users, auth, client, procedure):
    auth.login(users["dispatcher"].username)
    page = client.get(PAGE).get_data(as_text=True)
    assert "Người dân đã đồng ý qua điện thoại" in page and "Nghị định 13/2023" in page
    assert 'href="/dispatch/pickups/new" aria-current="page"' in page  # in the console's navigation

    sent = client.post(PAGE, data=phoned_in(client, procedure))
    shipment = db.session.execute(db.select(Shipment)).scalar_one()
    assert sent.status_code == 303 and sent.headers["Location"] == f"/dispatch/shipments/{shipment.public_id}"
    assert shipment.state is State.REQUESTED and shipment.pickup.channel is Channel.PHONE
    assert shipment.post_office_id == users["dispatcher"].post_office_id
    first = db.session.execute(db.select(Event).filter_by(shipment_id=shipment.id)).scalar_one()
    assert first.actor_id == users["dispatcher"].id and first.details == {"channel": "phone"}

    landing = client.get(sent.headers["Location"])
    shown = html.unescape(landing.get_data(as_text=True))
    assert landing.status_code == 200 and "Phạm Văn Đức" in shown
    assert f"Đã ghi yêu cầu {shipment.dossier.code}" in shown and "hệ thống không gửi tin nhắn" in shown
    link = re.search(r"(http://localhost/t/[\w-]+)", shown).group(1)
    citizen = client.application.test_client()
    assert "/check" in citizen.get(link.removeprefix("http://localhost")).get_data(as_text=True)  # asks the phone
    assert len(saved(db)) == 1


def test_a_courier_cannot_open_the_clerks_entry(users, auth, client, procedure):
    auth.login(users["courier"].username)
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, data={"procedure": str(procedure.id)}).status_code == 403


def test_a_commune_another_office_serves_is_refused_and_not_offered(app, db, users, auth, client, procedure):
    neighbour = factories.post_office()
    neighbour.ward_codes = [HAI_CHAU]
    db.session.commit()
    auth.login(users["dispatcher"].username)
    page = client.get(PAGE).get_data(as_text=True)
    assert f'value="{HAI_CHAU}"' not in page and f'value="{factories.WARD_TAM_KY}"' in page

    response = client.post(PAGE, data=phoned_in(client, procedure, ward=str(HAI_CHAU)))
    text = html.unescape(response.get_data(as_text=True))
    with app.test_request_context():
        assert response.status_code == 422 and str(PICKUP_ERRORS["ward_not_served"]) in text
    assert 'value="Phạm Văn Đức"' in text and saved(db) == []


def test_a_mistake_comes_back_with_what_the_clerk_typed(app, db, users, auth, client, procedure):
    auth.login(users["dispatcher"].username)
    response = client.post(PAGE, data=phoned_in(client, procedure, applicant_phone="09351", consent=None))
    text = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    with app.test_request_context():
        for code in ("invalid_phone", "consent_required"):
            assert str(PICKUP_ERRORS[code]) in text
    assert 'value="09351"' in text and 'value="7 Hùng Vương"' in text and saved(db) == []


def test_an_office_serving_no_commune_says_so(db, users, auth, client, procedure, office):
    office.ward_codes = []
    office.province_code = None
    db.session.commit()
    auth.login(users["dispatcher"].username)
    assert "chưa có phường, xã nào" in client.get(PAGE).get_data(as_text=True)
