"""A pickup on the courier's round as the phone downloads it: its way, its checklist, the look-up."""
from datetime import timedelta

import pytest

from courier.domain.formatting import format_date, local_today
from courier.domain.states import Action
from courier.ledger import custody
from courier.models import Round, RoundStop
from tests import factories
from tests.databases import statements_sent
from tests.integration.dispatch_support import on_round, received

TOMORROW = local_today() + timedelta(days=1)


@pytest.fixture
def app_settings():
    return {"VIETQR_BANK_BIN": "970436", "VIETQR_ACCOUNT": "0011001234567"}  # a transfer QR for results


@pytest.fixture
def procedure(db, office):
    """A procedure whose first document is an original in two copies, the second optional."""
    record = factories.procedure(office, code="1.000656", name="Đăng ký khai sinh", fee_agency=50_000)
    record.documents[0].original, record.documents[0].copies = True, 2
    db.session.commit()
    return record


@pytest.fixture
def day(db, office, users, procedure):
    """Today's round: a result, a pickup asked for tomorrow afternoon, a result."""
    first = received(office, users["dispatcher"], applicant_name="Trần Thị Bích Ngọc")
    pickup = factories.pickup_request(office, procedure, applicant_name="Lê Thị Hoa", preferred_slot="afternoon",
                                      note="Gọi trước 15 phút").shipment
    second = received(office, users["dispatcher"], applicant_name="Huỳnh Văn Phúc")
    round_ = on_round(office, users["courier"], users["dispatcher"], [first, pickup, second])
    db.session.commit()
    return {"round": round_, "first": first, "pickup": pickup, "second": second}


@pytest.fixture
def phone(day, client, auth, users):
    """The courier's phone, logged in once today's round is planned."""
    auth.login(users["courier"].username)
    return client


def test_each_stop_says_its_way_and_a_pickup_carries_its_checklist(phone, day):
    stops = phone.get("/api/v1/courier/round").json["stops"]
    assert [stop["direction"] for stop in stops] == ["deliver_result", "collect_dossier", "deliver_result"]
    first, pickup, _ = stops
    assert first["pickup"] is None and first["vietqr"] is not None
    assert pickup["applicant_name"] == "Lê Thị Hoa" and pickup["state"] == "assigned"
    assert pickup["dossier_code"] == day["pickup"].dossier.code and pickup["vietqr"] is None
    documents = day["pickup"].pickup.procedure.documents
    assert pickup["pickup"] == {
        "procedure_code": "1.000656", "procedure_name": "Đăng ký khai sinh",
        "documents": [
            {"id": documents[0].id, "name": "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", "copies": 2,
             "original": True, "required": True},
            {"id": documents[1].id, "name": "Bản chụp CCCD", "copies": 1, "original": False, "required": False}],
        "preferred_date": TOMORROW.isoformat(), "preferred_date_label": format_date(TOMORROW),
        "preferred_slot": "afternoon", "preferred_slot_label": "Buổi chiều (13:30–17:00)",
        "note": "Gọi trước 15 phút", "fee_agency": 50_000, "vietqr": pickup["pickup"]["vietqr"],
        "receipt_link": pickup["pickup"]["receipt_link"],
    }
    assert pickup["due_date"] == TOMORROW.isoformat()  # the day asked for, as the list sorts by it
    assert pickup["with_courier"] is False  # nothing was taken out for it


def test_a_round_with_more_pickups_is_read_in_no_more_queries(db, office, users, procedure, phone, day):
    with statements_sent(db.engine) as short:
        assert len(phone.get("/api/v1/courier/round").json["stops"]) == 3
    round_ = db.session.get(Round, day["round"].id)
    for position in range(3, 9):
        pickup = factories.pickup_request(office, procedure, applicant_name=f"Người nộp {position}").shipment
        custody.apply(pickup, Action.ASSIGN, max_attempts=3)
        round_.stops.append(RoundStop(shipment=pickup, position=position, open_shipment_id=pickup.id))
    db.session.commit()
    with statements_sent(db.engine) as longer:
        stops = phone.get("/api/v1/courier/round").json["stops"]
    assert len(stops) == 9 and len(stops[8]["pickup"]["documents"]) == 2
    assert len(longer) == len(short)


def lookup(phone, code):
    return phone.get("/api/v1/courier/lookup", query_string={"code": code}).json


def test_the_look_up_knows_pickups(db, office, users, phone, day):
    assert lookup(phone, day["pickup"].dossier.code)["where"] == "your_round"
    colleague = factories.user(office, "courier")
    theirs = factories.pickup_request(office).shipment
    on_round(office, colleague, users["dispatcher"], [theirs])
    db.session.commit()
    assert lookup(phone, theirs.dossier.code)["where"] == "other_courier"
    custody.apply(theirs, Action.PICK_UP, max_attempts=3, courier=colleague)
    db.session.commit()
    assert lookup(phone, theirs.dossier.code) == {"found": True, "on_your_round": False, "where": "closed",
                                                  "dossier_code": theirs.dossier.code}
    waiting = factories.pickup_request(office).shipment  # asked for, on no round yet
    db.session.commit()
    assert lookup(phone, waiting.dossier.code)["where"] == "post_office"
