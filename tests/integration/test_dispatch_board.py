"""The day's board: each courier's round and progress, their phone's last sync, what is due and not out."""
import pytest

from courier.domain import custody
from courier.domain.formatting import format_datetime, local_today
from courier.domain.states import Action
from courier.models import Attempt
from tests import factories
from tests.conftest import AuthActions, csrf_token_from
from tests.integration.dispatch_support import elsewhere, on_round, received
from tests.integration.test_sync_api import delivered, post as send_attempt


@pytest.fixture
def day(db, office, users, auth, app):
    idle = factories.user(office, "courier")
    idle.full_name = "Phạm Quốc Bảo"
    stops = [received(office, users["dispatcher"], applicant_name=f"Điểm {n}") for n in range(3)]
    on_round(office, users["courier"], users["dispatcher"], stops)
    for shipment in stops:
        custody.apply(shipment, Action.DISPATCH, max_attempts=3, courier=users["courier"])
    due_registered = factories.shipment(office, due_date=local_today(), applicant_name="Chờ Nhận Đến Hạn")
    due_received = received(office, users["dispatcher"], due_date=local_today(), applicant_name="Đến Hạn Ở Bưu Cục")
    db.session.commit()
    phone = app.test_client()
    AuthActions(phone).login(users["courier"].username)
    phone.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token_from(phone.get("/courier/").get_data(as_text=True))
    assert send_attempt(phone, delivered(stops[0])).status_code == 201
    auth.login(users["dispatcher"].username)
    return {"stops": stops, "idle": idle, "due": [due_registered, due_received]}


def card(html: str, name: str) -> str:
    """The part of the board about one courier."""
    return html.split(f"<strong>{name}</strong>", 1)[1].split('class="card courier-day"')[0].split("<h2>")[0]


def test_each_courier_shows_progress_and_last_sync(db, client, users, day):
    html = client.get("/dispatch/").get_data(as_text=True)
    courier = card(html, users["courier"].full_name)
    assert '<progress max="3" value="1"' in courier and "Đã phát 1/3" in courier and "33%" in courier
    attempt = db.session.execute(db.select(Attempt)).scalar_one()
    assert format_datetime(attempt.received_at) in courier
    idle = card(html, "Phạm Quốc Bảo")
    assert "Chưa có tuyến phát hôm nay." in idle and "chưa có" in idle


def test_due_today_lists_only_what_has_not_gone_out(client, day):
    html = client.get("/dispatch/").get_data(as_text=True)
    due = html.split("Đến hạn trả hôm nay hoặc quá hạn")[1]
    assert "Chờ Nhận Đến Hạn" in due and "Đến Hạn Ở Bưu Cục" in due
    assert "Điểm 1" not in due  # out for delivery


def test_the_board_refreshes_itself_without_script(client, day):
    assert '<meta http-equiv="refresh" content="30">' in client.get("/dispatch/").get_data(as_text=True)


def test_another_offices_couriers_and_shipments_are_not_on_the_board(db, client, day):
    other = elsewhere(db)
    html = client.get("/dispatch/").get_data(as_text=True)
    assert other["courier"].username not in html and "Người Bưu Cục Khác" not in html


@pytest.mark.parametrize("path,english", [
    ("/dispatch/", "Couriers today"), ("/dispatch/intake", "Import dossiers from an agency"),
    ("/dispatch/receive", "Receive shipments from agencies"), ("/dispatch/labels", "Print QR labels"),
    ("/dispatch/rounds", "Ready for delivery"), ("/dispatch/shipments", "Find shipments"),
])
def test_every_console_page_reads_in_english_after_switching(client, day, path, english):
    client.get("/language/en")
    html = client.get(path).get_data(as_text=True)
    assert english in html
    for vietnamese in ("Bảng điều phối", "Nhập hồ sơ", "Tuyến phát", "Tra cứu", "Tất cả", "Trạng thái"):
        assert f">{vietnamese}<" not in html, vietnamese


def test_a_shipment_page_reads_in_english_after_switching(client, day):
    client.get("/language/en")
    html = client.get(f"/dispatch/shipments/{day['stops'][0].public_id}").get_data(as_text=True)
    for text in ("Custody history", "Received at the post office", "Delivered to the recipient", "Visits",
                 "Time on the courier's phone", "Cash"):
        assert text in html, text
