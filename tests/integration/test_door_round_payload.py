"""What the phone's door checklist needs from the round (issue #19), and a fee paid at the door not asked twice."""
import pytest

from courier.vocabulary import PICKUP_CONSENT_VERSION
from tests import factories
from tests.attempts import post
from tests.door import document_ids, picked_up
from tests.integration.dispatch_support import on_round, received


@pytest.fixture
def app_settings():
    return {"VIETQR_BANK_BIN": "970436", "VIETQR_ACCOUNT": "0011001234567"}


@pytest.fixture
def door_day(db, office, users):
    """Today's round: a pickup (the agency's fee 200.000 ₫), then a result (200.000 + 25.000 ₫ to collect)."""
    pickup = factories.pickup_request(office).shipment
    result = received(office, users["dispatcher"], applicant_name="Lê Thị Hoa")
    round_ = on_round(office, users["courier"], users["dispatcher"], [pickup, result])
    db.session.commit()
    return {"pickup": pickup, "result": result, "round": round_}


def stops(client):
    return client.get("/api/v1/courier/round").json["stops"]


def test_each_document_has_its_id_and_the_refusal_reasons_come_in_words(courier_client, door_day):
    body = courier_client.get("/api/v1/courier/round").json
    pickup = body["stops"][0]["pickup"]
    assert [document["id"] for document in pickup["documents"]] == document_ids(door_day["pickup"])
    assert {"code": "missing_document", "label": "Thiếu giấy tờ bắt buộc"} in body["pickup_refusal_reasons"]
    assert pickup["fee_agency"] == 200_000 and "5406200000" in pickup["vietqr"]  # the agency's fee alone
    assert body["stops"][0]["vietqr"] is None


def test_the_page_shows_the_pickup_consent_with_its_version(courier_client):
    html = courier_client.get("/courier/").get_data(as_text=True)
    assert f'data-version="{PICKUP_CONSENT_VERSION}"' in html
    assert "tôi xác nhận đã giao bộ hồ sơ trên cho bưu điện" in html
    assert len(PICKUP_CONSENT_VERSION) <= 16


def test_a_result_whose_fee_was_paid_at_the_door_asks_only_for_the_postage(db, courier_client, users, door_day):
    assert post(courier_client, picked_up(door_day["pickup"])).status_code == 201
    door_day["pickup"].pickup.result_dossier_id = door_day["result"].dossier_id  # the agency's result of it
    db.session.commit()
    result = stops(courier_client)[1]
    assert (result["fee_agency"], result["fee_postage"], result["fee_total_label"]) == (0, 25_000, "25.000 ₫")
    assert "540525000" in result["vietqr"]  # the transfer asks for the postage only


def test_the_delivery_list_does_not_count_a_fee_paid_at_the_door(db, client, auth, courier_client, users, door_day):
    assert post(courier_client, picked_up(door_day["pickup"])).status_code == 201
    door_day["pickup"].pickup.result_dossier_id = door_day["result"].dossier_id
    db.session.commit()
    auth.login(users["dispatcher"].username)
    html = client.get(f"/dispatch/rounds/{door_day['round'].public_id}/list").get_data(as_text=True)
    assert "200.000" not in html  # neither on the result's line nor in the sums
    assert html.count("25.000") >= 4  # the postage and the total, on the line and in the sums
