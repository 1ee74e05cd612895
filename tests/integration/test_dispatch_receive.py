"""Custody scan-in: tick or scan what the agencies announced; unexpected and missing codes are shown."""
import pytest

from courier.domain.states import State
from courier.models import Event
from tests import factories
from tests.integration.dispatch_support import elsewhere, flashes, post


@pytest.fixture
def announced(db, office, users, auth):
    shipments = [factories.shipment(office, applicant_name=name)
                 for name in ("Trần Thị Bích Ngọc", "Huỳnh Văn Phúc", "Lê Thị Thu")]
    db.session.commit()
    auth.login(users["dispatcher"].username)
    return shipments


def test_the_page_lists_what_awaits_receipt_by_agency(client, announced):
    page = client.get("/dispatch/receive").get_data(as_text=True)
    assert "Còn thiếu" in page and page.count('name="shipment"') == 3
    for shipment in announced:
        assert shipment.dossier.code in page
    assert "Trung tâm Phục vụ hành chính công thử" in page  # the agency chip


def test_ticked_shipments_are_received_with_a_custody_event(db, client, users, announced):
    first, second, third = announced
    response = post(client, "/dispatch/receive", {"shipment": [str(first.public_id), str(second.public_id)]},
                    follow_redirects=True)
    assert "Đã nhận 2 bưu gửi." in flashes(response.get_data(as_text=True))
    db.session.expire_all()
    assert [s.state for s in announced] == [State.RECEIVED, State.RECEIVED, State.REGISTERED]
    event = db.session.execute(db.select(Event).filter_by(shipment_id=first.id, action="receive")).scalar_one()
    assert event.actor_id == users["dispatcher"].id
    page = response.get_data(as_text=True)
    assert page.count('name="shipment"') == 1 and third.dossier.code in page  # still missing


def test_scanning_codes_receives_them_and_lists_the_unexpected_ones(db, client, announced):
    first, second, third = announced
    response = post(client, "/dispatch/receive/scan",
                    {"code": f"{first.dossier.code} 000.00.17.H47-991231-9999"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    messages = flashes(page)
    assert f"Đã nhận {first.dossier.code} · Trần Thị Bích Ngọc" in messages
    assert "Không có trong danh sách chờ nhận: 000.00.17.H47-991231-9999" in messages
    missing = page.split("Còn thiếu")[1].split("Mã không có trong danh sách")[0]
    assert second.dossier.code in missing and third.dossier.code in missing and first.dossier.code not in missing
    unexpected = page.split("Mã không có trong danh sách")[1].split("Đã nhận hôm nay")[0]
    assert "000.00.17.H47-991231-9999" in unexpected
    db.session.expire_all()
    assert first.state is State.RECEIVED


def test_scanning_the_same_code_twice_says_it_was_already_received(db, client, announced):
    code = announced[0].dossier.code
    post(client, "/dispatch/receive/scan", {"code": code})
    again = flashes(post(client, "/dispatch/receive/scan", {"code": code}, follow_redirects=True)
                    .get_data(as_text=True))
    assert f"{code} đã được nhận trước đó (Đã nhận tại bưu cục)." in again
    assert len(db.session.execute(db.select(Event).filter_by(action="receive")).scalars().all()) == 1


def test_the_unexpected_list_can_be_cleared(client, announced):
    post(client, "/dispatch/receive/scan", {"code": "KHONG-CO-MA-NAY"})
    assert "KHONG-CO-MA-NAY" in client.get("/dispatch/receive").get_data(as_text=True)
    post(client, "/dispatch/receive/clear")
    assert "KHONG-CO-MA-NAY" not in client.get("/dispatch/receive").get_data(as_text=True)


def test_filtering_by_agency_shows_only_its_shipments(db, office, client, announced):
    other = factories.agency("000.30.20.H47")
    theirs = factories.shipment(office, agency=other, code="000.30.20.H47-261127-0001")
    db.session.commit()
    page = client.get(f"/dispatch/receive?agency={other.id}").get_data(as_text=True)
    assert theirs.dossier.code in page and announced[0].dossier.code not in page.split("Còn thiếu")[1]


def test_another_offices_shipments_are_neither_listed_nor_receivable(db, client, announced):
    other = elsewhere(db)
    registered = factories.shipment(other["office"], applicant_name="Người Chờ Nhận Khác")
    db.session.commit()
    assert "Người Chờ Nhận Khác" not in client.get("/dispatch/receive").get_data(as_text=True)
    ticked = post(client, "/dispatch/receive", {"shipment": [str(announced[0].public_id),
                                                            str(registered.public_id)]})
    assert ticked.status_code == 404
    scanned = flashes(post(client, "/dispatch/receive/scan", {"code": registered.dossier.code},
                           follow_redirects=True).get_data(as_text=True))
    assert f"Không có trong danh sách chờ nhận: {registered.dossier.code}" in scanned
    db.session.expire_all()
    assert registered.state is State.REGISTERED and announced[0].state is State.REGISTERED


def test_a_malformed_tick_is_refused(client, announced):
    assert post(client, "/dispatch/receive", {"shipment": ["not-a-uuid"]}).status_code == 302
    assert post(client, "/dispatch/receive", {}, follow_redirects=True).status_code == 200
