"""What the courier's phone downloads for the day, the look-up behind the scan guard, the order."""
import hashlib
import json
import re
from datetime import datetime, timezone

import pytest

from courier.ledger import custody
from courier.domain.formatting import local_today
from courier.domain.states import Action
from courier.domain.tokens import new_token
from courier.domain.tokens import token_hash as hash_of
from courier.models import AuthorisedPerson, Round, RoundStop
from tests import factories
from tests.conftest import csrf_token_from
from tests.databases import statements_sent


@pytest.fixture
def day(db, office, users):
    shipments = [factories.shipment(office, applicant_name=name, expected_id_tail=tail)
                 for name, tail in (("Trần Thị Bích Ngọc", "1234"), ("Huỳnh Văn Phúc", None))]
    shipments[1].dossier.authorised_persons.append(
        AuthorisedPerson(full_name="Huỳnh Thị Lan", relationship_to_applicant="vợ"))
    round_ = Round(courier=users["courier"], post_office=office, round_date=local_today())
    for position, shipment in enumerate(shipments):
        custody.apply(shipment, Action.RECEIVE, max_attempts=3)
        custody.apply(shipment, Action.ASSIGN, max_attempts=3)
        round_.stops.append(RoundStop(shipment=shipment, position=position))
    # The agency's slip, a first label since reprinted, and the label in the envelope.
    slip, old_label, token = new_token()[0], new_token()[0], new_token()[0]
    shipments[0].add_citizen_link(hash_of(slip), "agency")
    shipments[0].add_citizen_link(hash_of(old_label), "label").revoked_at = datetime.now(timezone.utc)
    shipments[0].add_citizen_link(hash_of(token), "reprint")
    db.session.add(round_)
    db.session.commit()
    return {"round": round_, "shipments": shipments, "token": token, "slip": slip, "old_label": old_label}


def test_the_round_has_everything_for_an_offline_day(client, auth, users, day):
    auth.login(users["courier"].username)
    response = client.get("/api/v1/courier/round")
    assert response.status_code == 200 and response.headers["X-CSRFToken"]
    body = response.json
    assert body["round"]["id"] == str(day["round"].public_id)
    assert body["round"]["date"] == local_today().isoformat()
    first, second = body["stops"]
    assert first["applicant_name"] == "Trần Thị Bích Ngọc" and first["state"] == "assigned"
    assert first["state_label"] == "Đã xếp tuyến"
    assert first["address"] == "12 Phan Châu Trinh, Phường Tam Kỳ"
    assert first["fee_total_label"] == "225.000 ₫" and first["fee_agency"] == 200_000
    assert first["expected_id_tail"] == "1234"
    assert first["citizen_token_hashes"] == [hashlib.sha256(day[name].encode()).hexdigest()
                                             for name in ("slip", "token")]  # not the revoked label's
    assert second["citizen_token_hashes"] == []
    assert day["token"] not in response.get_data(as_text=True)
    assert second["authorised_persons"] == [
        {"full_name": "Huỳnh Thị Lan", "relationship": "vợ", "expected_id_tail": None}]
    assert {"code": "absent", "label": "Người nhận vắng nhà"} in body["failure_reasons"]
    assert body["max_attempts"] == 3


def test_each_stop_carries_its_citizens_latest_note(db, client, auth, users, day):
    first, second = day["shipments"]
    custody.note(first, "citizen_note", actor_label="citizen", details={"note": "Gọi trước 30 phút"})
    custody.note(first, "citizen_note", actor_label="citizen", details={"note": "Sau 17 giờ giúp tôi"})
    custody.note(second, "attempt_flagged", details={"reason": "reassigned"})  # not the citizen's
    db.session.commit()
    auth.login(users["courier"].username)
    stops = client.get("/api/v1/courier/round").json["stops"]
    assert [stop["citizen_note"] for stop in stops] == ["Sau 17 giờ giúp tôi", None]


def _round_statements(db, client) -> tuple[int, dict]:
    with statements_sent(db.engine) as sent:
        body = client.get("/api/v1/courier/round").json
    return len(sent), body


def test_a_longer_round_is_read_in_no_more_queries(db, office, client, auth, users, day):
    """A round of sixty stops must not cost the phone sixty times the database's work."""
    auth.login(users["courier"].username)
    short, body = _round_statements(db, client)
    assert len(body["stops"]) == 2
    round_ = db.session.get(Round, day["round"].id)
    for position in range(2, 14):
        shipment = factories.shipment(office, applicant_name=f"Người nhận {position}")
        shipment.dossier.authorised_persons.append(AuthorisedPerson(full_name="Lê Văn Tâm"))
        custody.note(shipment, "citizen_note", actor_label="citizen", details={"note": f"Ghi chú {position}"})
        round_.stops.append(RoundStop(shipment=shipment, position=position))
    db.session.commit()
    longer, body = _round_statements(db, client)
    assert len(body["stops"]) == 14 and body["stops"][13]["citizen_note"] == "Ghi chú 13"
    assert body["stops"][13]["authorised_persons"][0]["full_name"] == "Lê Văn Tâm"
    assert longer == short


def test_a_courier_with_no_round_today_gets_an_empty_day(db, office, client, auth):
    lone = factories.user(office, "courier")
    db.session.commit()
    auth.login(lone.username)
    body = client.get("/api/v1/courier/round").json
    assert body["round"] is None and body["stops"] == []


def _look_up(client, code):
    return client.get("/api/v1/courier/lookup", query_string={"code": code}).json


def test_lookup_says_a_shipment_is_on_another_round_without_naming_its_courier(db, office, users, client, auth,
                                                                             day):
    other = factories.user(office, "courier", username="buuta-khac")
    elsewhere = factories.shipment(office)
    round_ = Round(courier=other, post_office=office, round_date=local_today())
    round_.stops.append(RoundStop(shipment=elsewhere, position=0))
    db.session.add(round_)
    db.session.commit()
    auth.login(users["courier"].username)
    response = client.get("/api/v1/courier/lookup", query_string={"code": elsewhere.dossier.code})
    assert response.json == {"found": True, "on_your_round": False, "where": "other_courier",
                             "dossier_code": elsewhere.dossier.code}
    said = response.get_data(as_text=True)
    assert other.full_name not in said and other.username not in said
    mine = _look_up(client, f"http://x/t/{day['token']}")
    assert mine["on_your_round"] is True and mine["where"] == "your_round"
    unknown = _look_up(client, "000.00.17.H47-000000-0000")
    assert unknown == {"found": False, "on_your_round": False, "where": None, "dossier_code": None}


def test_lookup_tells_the_courier_what_to_do_with_an_envelope_that_is_not_theirs(db, office, users, client, auth):
    """At the office, taken out by a colleague, or closed: where it stands, and no one's name."""
    colleague = factories.user(office, "courier", username="buuta-dong-nghiep")
    at_office, taken_out, delivered = (factories.shipment(office) for _ in range(3))
    for shipment in (at_office, taken_out, delivered):
        custody.apply(shipment, Action.RECEIVE, max_attempts=3)
    for shipment in (taken_out, delivered):
        custody.apply(shipment, Action.ASSIGN, max_attempts=3)
        custody.apply(shipment, Action.DISPATCH, max_attempts=3, courier=colleague)
    custody.apply(delivered, Action.DELIVER, max_attempts=3, actor=colleague)
    db.session.commit()
    auth.login(users["courier"].username)
    where = {name: _look_up(client, shipment.dossier.code)["where"]
             for name, shipment in (("at_office", at_office), ("taken_out", taken_out), ("delivered", delivered))}
    assert where == {"at_office": "post_office", "taken_out": "other_courier", "delivered": "closed"}
    page = client.get("/courier/").get_data(as_text=True)  # the phone's words for each answer
    strings = json.loads(re.search(r'id="courier-strings">(.*?)</script>', page, re.S).group(1))
    for answer in where.values():
        assert "quầy điều phối" in strings[f"lookup_{answer}"]
    assert "held_by" not in strings


def test_lookup_names_the_dossier_a_scanned_label_link_belongs_to(db, office, users, client, auth):
    """The phone refuses a label by its dossier code, which only the server can tell from a link."""
    other = factories.user(office, "courier", username="buuta-ben-canh")
    elsewhere = factories.shipment(office)
    token, hashed = new_token()
    elsewhere.add_citizen_link(hashed, "label")
    db.session.add(Round(courier=other, post_office=office, round_date=local_today(),
                         stops=[RoundStop(shipment=elsewhere, position=0)]))
    db.session.commit()
    auth.login(users["courier"].username)
    answer = _look_up(client, f"https://buudien.vn/t/{token}")
    assert answer == {"found": True, "on_your_round": False, "where": "other_courier",
                      "dossier_code": elsewhere.dossier.code}


def test_lookup_does_not_reach_into_another_post_office(db, users, client, auth):
    far = factories.post_office()
    foreign = factories.shipment(far)
    db.session.commit()
    auth.login(users["courier"].username)
    assert client.get("/api/v1/courier/lookup", query_string={"code": foreign.dossier.code}).json["found"] is False


def test_the_courier_reorders_the_round(db, users, client, auth, day):
    auth.login(users["courier"].username)
    token = csrf_token_from(client.get("/courier/").get_data(as_text=True))
    ids = [str(s.public_id) for s in reversed(day["shipments"])]
    response = client.post("/api/v1/courier/round/order", json={"round_id": str(day["round"].public_id),
                                                                "shipment_ids": ids},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 200 and response.json["version"] == 2
    body = client.get("/api/v1/courier/round").json
    assert [stop["shipment_id"] for stop in body["stops"]] == ids


def test_an_order_that_drops_a_stop_is_refused(db, users, client, auth, day):
    auth.login(users["courier"].username)
    token = csrf_token_from(client.get("/courier/").get_data(as_text=True))
    response = client.post("/api/v1/courier/round/order", json={
        "round_id": str(day["round"].public_id), "shipment_ids": [str(day["shipments"][0].public_id)]},
        headers={"X-CSRFToken": token})
    assert response.status_code == 422 and "đúng các điểm phát" in response.json["message"]


class TestTransferQr:
    @pytest.fixture
    def app_settings(self):
        return {"VIETQR_BANK_BIN": "970436", "VIETQR_ACCOUNT": "0011001234567"}

    def test_each_stop_with_fees_carries_a_vietqr_prepared_online(self, client, auth, users, day):
        auth.login(users["courier"].username)
        stop = client.get("/api/v1/courier/round").json["stops"][0]
        assert stop["vietqr"].startswith("000201010212") and "5406225000" in stop["vietqr"]


def test_without_a_bank_account_there_is_no_transfer_qr(client, auth, users, day):
    auth.login(users["courier"].username)
    assert client.get("/api/v1/courier/round").json["stops"][0]["vietqr"] is None


def test_a_courier_cannot_reorder_another_couriers_round(db, office, users, client, auth, day):
    other = factories.user(office, "courier", username="buuta-khac")
    db.session.commit()
    auth.login(other.username)
    token = csrf_token_from(client.get("/courier/").get_data(as_text=True))
    ids = [str(s.public_id) for s in reversed(day["shipments"])]
    response = client.post("/api/v1/courier/round/order", json={"round_id": str(day["round"].public_id),
                                                                "shipment_ids": ids},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 422 and "Không tìm thấy tuyến phát" in response.json["message"]
    db.session.expire_all()
    assert [s.shipment_id for s in db.session.get(Round, day["round"].id).stops] == [s.id for s in day["shipments"]]
