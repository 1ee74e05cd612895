"""Labels: a PDF per print, a fresh citizen link each time, and the old label's link stops working."""
import pytest

from courier.ledger import custody
from courier.domain.states import Action
from courier.domain.tokens import token_hash
from courier.models import Event, Shipment
from courier.services import printing
from courier.services.agency_keys import issue_api_key
from tests import factories
from tests.integration.dispatch_support import elsewhere, flashes, on_round, post, received


@pytest.fixture
def issued(monkeypatch):
    """The tokens the labels carry, as printed (the server keeps only their hashes)."""
    tokens = []
    real = printing.new_token

    def remember():
        token, hashed = real()
        tokens.append(token)
        return token, hashed
    monkeypatch.setattr(printing, "new_token", remember)
    return tokens


@pytest.fixture
def ready(db, office, users, auth):
    made = [received(office, users["dispatcher"], applicant_name=name, ward_code=code)
            for name, code in (("Trần Thị Bích Ngọc", 20341), ("Huỳnh Văn Phúc", 20341), ("Lê Thị Thu", 20332))]
    on_round(office, users["courier"], users["dispatcher"], [made[2]])
    db.session.commit()
    auth.login(users["dispatcher"].username)
    return made


def print_labels(client, shipments, layout="a4", **kwargs):
    return post(client, "/dispatch/labels/print",
                {"shipment": [str(s.public_id) for s in shipments], "layout": layout}, **kwargs)


def test_the_page_lists_received_and_assigned_shipments_and_warns_about_reprints(db, office, client, ready):
    waiting = factories.shipment(office, applicant_name="Chưa Nhận Về")
    db.session.commit()
    page = client.get("/dispatch/labels").get_data(as_text=True)
    assert page.count('name="shipment"') == 3 and "Chưa Nhận Về" not in page
    assert "nhãn in trước đó của bưu gửi ấy không còn dùng được" in page
    assert waiting.dossier.code not in page


def test_the_list_filters_by_commune_and_by_not_yet_printed(client, ready, issued):
    page = client.get("/dispatch/labels?commune=20332").get_data(as_text=True)
    assert page.count('name="shipment"') == 1 and "Lê Thị Thu" in page
    print_labels(client, ready[:1])
    page = client.get("/dispatch/labels?unprinted=y").get_data(as_text=True)
    assert page.count('name="shipment"') == 2 and "Trần Thị Bích Ngọc" not in page


def test_printing_returns_an_a4_pdf_and_issues_a_link_per_label(db, client, users, ready, issued):
    response = print_labels(client, ready)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF") and "attachment" in response.headers["Content-Disposition"]
    db.session.expire_all()
    assert [s.citizen_token_hashes for s in ready] == [[token_hash(t)] for t in issued]
    notes = db.session.execute(db.select(Event).filter_by(action="citizen_link_issued")).scalars().all()
    assert len(notes) == 3 and {n.actor_id for n in notes} == {users["dispatcher"].id}
    for token in issued:
        assert client.get(f"/t/{token}").status_code == 200


def test_printing_again_replaces_the_link_and_the_old_label_stops_working(db, client, ready, issued):
    print_labels(client, ready[:1])
    print_labels(client, ready[:1], layout="thermal")
    old, new = issued
    db.session.expire_all()
    assert ready[0].citizen_token_hashes == [token_hash(new)]
    assert [link.source for link in ready[0].citizen_links] == ["label", "reprint"]
    assert client.get(f"/t/{old}").status_code == 404
    assert client.get(f"/t/{new}").status_code == 200
    last = db.session.execute(db.select(Event).filter_by(action="citizen_link_issued")
                              .order_by(Event.id.desc())).scalars().first()
    assert last.details == {"layout": "thermal", "replaced": True}


def test_a_thermal_label_is_printed_one_at_a_time(db, client, ready, issued):
    response = print_labels(client, ready[:1], layout="thermal")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    refused = print_labels(client, ready[:2], layout="thermal", follow_redirects=True)
    assert "Nhãn nhiệt in từng nhãn một: hãy chọn đúng một bưu gửi." in flashes(refused.get_data(as_text=True))
    db.session.expire_all()
    assert not ready[1].citizen_links and len(issued) == 1


def test_a_shipment_not_yet_received_gets_no_label_and_nothing_changes(db, office, client, ready, issued):
    waiting = factories.shipment(office)
    db.session.commit()
    refused = print_labels(client, [ready[0], waiting], follow_redirects=True)
    assert any("Chỉ in nhãn cho bưu gửi đã nhận hoặc đã xếp tuyến" in m
               for m in flashes(refused.get_data(as_text=True)))
    db.session.expire_all()
    assert not ready[0].citizen_links
    assert db.session.execute(db.select(Event).filter_by(action="citizen_link_issued")).first() is None


def test_another_offices_shipment_cannot_be_printed(db, client, ready, issued):
    other = elsewhere(db)
    assert other["shipment"].dossier.applicant_name not in client.get("/dispatch/labels").get_data(as_text=True)
    assert print_labels(client, [ready[0], other["shipment"]]).status_code == 404
    db.session.expire_all()
    assert not other["shipment"].citizen_links and not ready[0].citizen_links


def test_the_agencys_slip_link_still_opens_after_labels_are_printed_and_reprinted(
        db, office, users, client, auth, issued):
    """The agency printed its link on the appointment slip; the post office's labels come and go."""
    agency = factories.agency()
    agency.post_office = office
    key = issue_api_key(agency)
    db.session.commit()
    dossier = {"code": "000.00.17.H47-261127-0077", "procedure_name": "Cấp phiếu lý lịch tư pháp",
               "applicant_name": "Đỗ Thị Lan", "street": "3 Lê Lợi", "ward": "Phường Tam Kỳ", "province": "48"}
    api = {"Authorization": f"Bearer {key}"}
    slip = client.post("/api/v1/dossiers", json=dossier, headers=api).json["citizen_link"].rsplit("/t/", 1)[1]
    custody.apply(db.session.execute(db.select(Shipment)).scalar_one(), Action.RECEIVE, max_attempts=3,
                  actor=users["dispatcher"])  # the paper reached the office
    db.session.commit()
    auth.login(users["dispatcher"].username)
    shipment = db.session.execute(db.select(Shipment)).scalar_one()
    assert print_labels(client, [shipment]).status_code == 200
    assert client.get(f"/t/{slip}").status_code == 200 and client.get(f"/t/{issued[0]}").status_code == 200
    assert print_labels(client, [shipment], layout="thermal").status_code == 200
    first_label, reprint = issued
    assert client.get(f"/t/{first_label}").status_code == 404  # only the replaced label stops working
    assert client.get(f"/t/{slip}").status_code == 200 and client.get(f"/t/{reprint}").status_code == 200
    status = client.get(f"/api/v1/dossiers/{dossier['code']}", headers=api).json
    assert status["citizen_link"].endswith(f"/t/{slip}")


def test_the_filter_menus_name_only_the_offices_agencies(db, client, auth, office, users):
    ours = factories.agency("000.00.17.H47")
    ours.post_office = office
    theirs = factories.agency("000.00.99.H47")
    theirs.name = "UBND xã khác tỉnh"
    theirs.post_office = factories.post_office("BC-HOIAN")
    db.session.commit()
    auth.login(users["dispatcher"].username)
    for page in ("/dispatch/labels", "/dispatch/rounds", "/dispatch/shipments"):
        html = client.get(page).get_data(as_text=True)
        assert ours.name in html, page
        assert "UBND xã khác tỉnh" not in html, page
