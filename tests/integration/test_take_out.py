"""Taking the round out in the morning: by the courier's phone, or scanned over at the desk."""
import uuid
from datetime import datetime, timezone

import pytest

from courier.ledger import custody
from courier.domain.formatting import local_today
from courier.domain.states import Action, State
from courier.models import Event, Round, RoundStop, TakeOut
from tests import attempts, factories
from tests.conftest import csrf_token_from


@pytest.fixture
def planned(db, office, users):
    """Two shipments on the courier's round for today, assigned and not yet taken out."""
    round_ = Round(courier=users["courier"], post_office=office, round_date=local_today())
    shipments = [factories.shipment(office, fee_agency=150_000, fee_postage=20_000) for _ in range(2)]
    for position, shipment in enumerate(shipments):
        round_.stops.append(RoundStop(shipment=shipment, position=position))
        for action in (Action.RECEIVE, Action.ASSIGN):
            custody.apply(shipment, action, max_attempts=3)
    db.session.add(round_)
    db.session.commit()
    return round_, shipments


def scan(shipment, client_id=None, **changes):
    body = {"client_id": str(client_id or uuid.uuid4()), "shipment_id": str(shipment.public_id),
            "taken_at": datetime.now(timezone.utc).isoformat()}
    return body | changes


def take(client, body):
    return client.post("/api/v1/courier/takeouts", json=body)


def dispatches(db, shipment):
    return db.session.execute(db.select(Event).filter_by(shipment_id=shipment.id, action="dispatch")).scalars().all()


def test_a_scan_takes_the_item_out_and_names_who_handed_and_who_took(db, courier_client, planned, users):
    _, (shipment, other) = planned
    response = take(courier_client, scan(shipment))
    assert response.status_code == 201
    assert response.json == {"status": "created", "result": "taken", "shipment_state": "out_for_delivery"}
    db.session.expire_all()
    assert shipment.state is State.OUT_FOR_DELIVERY and shipment.holder_courier_id == users["courier"].id
    assert other.state is State.ASSIGNED  # the rest still waits at the office
    (event,) = dispatches(db, shipment)
    assert event.details["taken_by"] == users["courier"].username
    assert event.details["handed_by"] == f"office:{shipment.post_office.code}"


def test_a_replayed_scan_and_a_second_scan_take_it_out_once(db, courier_client, planned):
    _, (shipment, _) = planned
    body = scan(shipment)
    assert take(courier_client, body).status_code == 201
    replay = take(courier_client, body)
    assert replay.status_code == 200 and replay.json["status"] == "duplicate"
    again = take(courier_client, scan(shipment))  # the same label scanned twice: two client ids
    assert again.status_code == 201 and again.json["result"] == "already_out"
    assert len(dispatches(db, shipment)) == 1
    assert db.session.query(TakeOut).count() == 2


def test_a_client_id_reused_for_another_item_is_refused(db, courier_client, planned):
    _, (first, second) = planned
    body = scan(first)
    take(courier_client, body)
    response = take(courier_client, scan(second, client_id=body["client_id"]))
    assert response.status_code == 409 and "không ghi đè" in response.json["message"]
    db.session.expire_all()
    assert second.state is State.ASSIGNED


def test_another_couriers_item_cannot_be_taken_out(db, office, users, courier_client):
    someone = factories.user(office, "courier", username="buuta9")
    round_ = Round(courier=someone, post_office=office, round_date=local_today())
    shipment = factories.shipment(office)
    round_.stops.append(RoundStop(shipment=shipment, position=0))
    for action in (Action.RECEIVE, Action.ASSIGN):
        custody.apply(shipment, action, max_attempts=3)
    db.session.add(round_)
    db.session.commit()
    response = take(courier_client, scan(shipment))
    assert response.status_code == 403
    assert response.json["message"] == "Bưu gửi này không thuộc tuyến phát hôm nay của bưu tá."
    db.session.expire_all()
    assert shipment.state is State.ASSIGNED and not dispatches(db, shipment)


def test_a_bad_scan_is_refused_with_the_field_named(courier_client, planned):
    response = take(courier_client, {"client_id": "nope", "shipment_id": "x", "taken_at": "hôm qua"})
    assert response.status_code == 422
    assert set(response.json["fields"]) == {"client_id", "shipment_id", "taken_at"}
    assert take(courier_client, "not an object").status_code == 422


def test_a_delivered_item_is_not_taken_out_again(db, courier_client, planned):
    _, (shipment, _) = planned
    take(courier_client, scan(shipment))
    assert attempts.post(courier_client, attempts.delivered(shipment)).status_code == 201
    response = take(courier_client, scan(shipment))
    assert response.status_code == 422 and response.json["dossier_code"] == shipment.dossier.code


def test_a_hand_over_of_an_item_not_taken_out_goes_through_and_is_flagged(db, courier_client, planned):
    _, (shipment, _) = planned
    response = attempts.post(courier_client, attempts.delivered(shipment))
    assert response.status_code == 201
    assert response.json["shipment_state"] == "delivered" and response.json["flagged"] == "not_taken_out"
    (event,) = dispatches(db, shipment)
    assert event.details["implied"] is True


def test_a_retry_the_same_day_after_a_failed_visit_is_not_flagged(db, courier_client, planned):
    _, (shipment, _) = planned
    take(courier_client, scan(shipment))
    failed = attempts.delivered(shipment, outcome="failed", failure_reason="absent", recipient=None, fees=None)
    assert attempts.post(courier_client, failed, signature=None, photo=None).status_code == 201
    db.session.expire_all()
    assert shipment.state is State.ASSIGNED  # back for another visit, still in the courier's bag
    response = attempts.post(courier_client, attempts.delivered(shipment))
    assert response.status_code == 201
    assert response.json["shipment_state"] == "delivered" and response.json["flagged"] is None


def test_the_dispatcher_scans_items_over_at_the_desk(db, client, auth, planned, users):
    round_, (shipment, other) = planned
    auth.login(users["dispatcher"].username)
    page = client.get(f"/dispatch/rounds/{round_.public_id}/takeout")
    assert page.status_code == 200 and "Chưa nhận: 2/2" in page.get_data(as_text=True)
    token = csrf_token_from(page.get_data(as_text=True))
    response = client.post(f"/dispatch/rounds/{round_.public_id}/takeout",
                           data={"csrf_token": token, "code": f"{shipment.dossier.code} KHONG-CO-MA"},
                           follow_redirects=True)
    html = response.get_data(as_text=True)
    assert f"Đã giao {shipment.dossier.code} cho {users['courier'].full_name}." in html
    assert "KHONG-CO-MA không có trong tuyến này." in html
    assert "Chưa nhận: 1/2" in html
    db.session.expire_all()
    assert shipment.state is State.OUT_FOR_DELIVERY and other.state is State.ASSIGNED
    (event,) = dispatches(db, shipment)
    assert event.actor_id == users["dispatcher"].id
    assert event.details == event.details | {"handed_by": users["dispatcher"].username,
                                             "taken_by": users["courier"].username}


def test_the_delivery_list_has_the_round_in_order_with_sums_and_signature_lines(db, client, auth, planned, users):
    round_, (first, second) = planned
    auth.login(users["dispatcher"].username)
    html = client.get(f"/dispatch/rounds/{round_.public_id}/list").get_data(as_text=True)
    assert html.index(first.dossier.code) < html.index(second.dossier.code)
    assert "300.000" in html and "40.000" in html and "340.000" in html  # 2 × (150.000 + 20.000)
    assert "Người giao (điều phối)" in html and "Bưu tá nhận" in html and users["courier"].full_name in html


def test_another_offices_round_is_not_found(db, client, auth, planned):
    round_, _ = planned
    elsewhere = factories.post_office("BC-HOIAN")
    stranger = factories.user(elsewhere, "dispatcher", username="dieuphoi9")
    db.session.commit()
    auth.login(stranger.username)
    assert client.get(f"/dispatch/rounds/{round_.public_id}/takeout").status_code == 404
    assert client.get(f"/dispatch/rounds/{round_.public_id}/list").status_code == 404
