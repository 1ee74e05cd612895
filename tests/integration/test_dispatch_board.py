"""The day's board: each courier's round and progress, their phone's last sync, what is due and not out."""
import pytest

from courier.ledger import custody
from courier.domain.formatting import format_datetime, local_today
from courier.domain.states import Action
from courier.models import Attempt
from tests import factories
from tests.conftest import AuthActions, csrf_token_from
from tests.databases import statements_sent
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


def test_the_board_no_longer_reloads_itself_but_loads_its_live_script(client, day):
    html = client.get("/dispatch/").get_data(as_text=True)
    assert 'http-equiv="refresh"' not in html
    assert '<script src="/static/js/dispatch/board.js" defer></script>' in html
    assert 'data-live-url="/dispatch/board/live"' in html


def live(client, since: str | None = None) -> dict:
    response = client.get("/dispatch/board/live", query_string={"since": since} if since else {},
                          headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    return response.json


def test_the_live_board_answers_only_its_fingerprint_until_a_hand_over_changes_it(app, client, users, day):
    page = client.get("/dispatch/").get_data(as_text=True)
    shown = page.split('data-version="', 1)[1].split('"', 1)[0]
    assert live(client, shown) == {"version": shown}   # nothing new since the page was drawn
    phone = app.test_client()
    AuthActions(phone).login(users["courier"].username)
    phone.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token_from(phone.get("/courier/").get_data(as_text=True))
    assert send_attempt(phone, delivered(day["stops"][1])).status_code == 201
    answer = live(client, shown)
    assert answer["version"] != shown
    courier = card(answer["html"], users["courier"].full_name)
    assert "Đã phát 2/3" in courier and '<progress max="3" value="2"' in courier
    assert live(client, answer["version"]) == {"version": answer["version"]}


def test_a_citizen_report_and_its_resolution_each_change_the_fingerprint(db, client, day):
    before = live(client)["version"]
    report = custody.note(day["stops"][0], "citizen_disputed", actor_label="citizen", details={"comment": "Chưa nhận kết quả"})
    db.session.commit()
    reported = live(client, before)
    assert reported["version"] != before and "Chưa nhận kết quả" in reported["html"]
    response = client.post(f"/dispatch/concerns/disputes/{report.id}/resolve",
                           data={"csrf_token": csrf_token_from(reported["html"]), "note": "Đã gọi, hẹn phát lại"})
    assert response.status_code == 302
    resolved = live(client, reported["version"])
    assert resolved["version"] != reported["version"] and "Chưa nhận kết quả" not in resolved["html"]


def test_an_unchanged_board_costs_two_statements_beyond_the_login(db, client, day):
    version = live(client)["version"]
    with statements_sent(db.engine) as sent:
        live(client, version)
    board = [sql for sql, _ in sent if "user_session.token_hash" not in sql]
    assert len(board) == 2, board


@pytest.mark.parametrize("who", ["courier", None])
def test_the_live_board_is_the_dispatchers_alone(client, users, auth, who):
    if who:
        auth.login(users[who].username)
    response = client.get("/dispatch/board/live", headers={"Accept": "application/json"})
    assert response.status_code == (403 if who else 401)
    assert "html" not in (response.json or {})


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
