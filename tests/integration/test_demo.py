"""The demo (`flask seed-demo`) is one consistent working day, as a trainer or reviewer sees it.

Seeded into the test database by the real command; looked at through the pages a dispatcher
and a citizen open.
"""
import re
from datetime import datetime, time, timedelta, timezone

import pytest

from courier.domain.formatting import VIETNAM, local_today
from courier.domain.states import State
from courier.domain.storage import MediaStore
from courier.models import Attempt, Dossier, Event, Outcome, PostOffice, ProofKind, Round, Shipment
from courier.services import demo, demo_history
from courier.services.demo import DEMO_PASSWORDS
from courier.services.reports import office_report
from tests.conftest import AuthActions, csrf_token_from

LINK = re.compile(r"citizen link (\S+): \S+/t/([\w-]+)  4 số cuối điện thoại / phone's last 4 digits: (\d{4})")


@pytest.fixture
def seeded(app, db):
    """The demo day; returns the citizen links the command printed, as (dossier code, token, the
    phone's last digits the page asks for)."""
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    links = LINK.findall(result.output)
    assert len(links) >= 5, result.output
    return links


def _shipment(db, code: str) -> Shipment:
    return db.session.execute(db.select(Shipment).join(Dossier).where(Dossier.code == code)).scalar_one()


def test_every_delivered_result_has_its_hand_over_and_every_printed_link_opens(app, db, client, seeded):
    store = MediaStore(app.config["MEDIA_DIR"])
    delivered = db.session.execute(db.select(Shipment).filter_by(state=State.DELIVERED)).scalars().all()
    assert delivered
    for shipment in delivered:
        attempts = db.session.execute(db.select(Attempt).filter_by(
            shipment_id=shipment.id, outcome=Outcome.DELIVERED)).scalars().all()
        assert attempts, f"{shipment.dossier.code} is delivered with no hand-over on record"
        kinds = {proof.kind for proof in attempts[-1].proofs}
        assert {ProofKind.SIGNATURE, ProofKind.PHOTO} <= kinds, shipment.dossier.code
        assert all(store.path_for(proof.sha256).exists() for proof in attempts[-1].proofs)

    opened_receipts = 0
    for code, token, digits in seeded:
        page = client.get(f"/t/{token}")
        assert page.status_code == 200, code
        checked = client.post(f"/t/{token}/check", data={"digits": digits,
                                                         "csrf_token": csrf_token_from(page.get_data(as_text=True))},
                              follow_redirects=True)
        assert "Đã xác minh." in checked.get_data(as_text=True), code  # the printed digits open the proof
        if _shipment(db, code).state is State.DELIVERED:
            receipt = client.get(f"/t/{token}/receipt")
            assert receipt.status_code == 200, f"the receipt of {code}"
            with client.get(f"/t/{token}/signature.png") as signature:
                assert signature.status_code == 200 and signature.data.startswith(b"\x89PNG")
            opened_receipts += 1
    assert opened_receipts >= 1  # the demo shows a citizen a finished hand-over


def test_the_board_and_the_report_count_the_same_deliveries_today_and_the_chains_verify(
        app, client, seeded):
    AuthActions(client).login("dieuphoi", DEMO_PASSWORDS["dieuphoi"])
    board = client.get("/dispatch/").get_data(as_text=True)
    on_board = {}
    for card in board.split('class="card courier-day"')[1:]:
        name = re.search(r"<strong>([^<]+)</strong>", card).group(1).strip()
        done = re.search(r"Đã phát (\d+)/(\d+)", card)
        on_board[name] = int(done.group(1)) if done else 0
    assert sum(on_board.values()) >= 2  # the morning's hand-overs are on the board

    today = local_today().isoformat()
    report = client.get("/dispatch/reports", query_string={"start": today, "end": today})
    assert report.status_code == 200
    assert _delivered_by_courier(report.get_data(as_text=True)) == \
        {name: n for name, n in on_board.items() if n}

    assert app.test_cli_runner().invoke(args=["verify"]).exit_code == 0


def _delivered_by_courier(html: str) -> dict[str, int]:
    """The report's "Đã trả" (delivered) column of its by-courier table, by name."""
    table = html.split('id="by-courier"', 1)[1].split("</table>", 1)[0]
    counts = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = [re.sub(r"<[^>]+>|\s+", " ", cell).strip()
                 for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        if len(cells) > 1 and cells[1].isdigit() and int(cells[1]):
            counts[cells[0]] = int(cells[1])
    return counts


def test_every_couriers_round_today_still_has_items_to_take_out(db, seeded):
    rounds = db.session.execute(db.select(Round).filter_by(round_date=local_today())).scalars().all()
    assert len(rounds) == 3
    for round_ in rounds:
        states = [(stop.shipment.state, stop.shipment.holder_courier_id) for stop in round_.stops]
        assert (State.ASSIGNED, None) in states, f"{round_.courier.username} has taken everything out"
    states = {stop.shipment.state for round_ in rounds for stop in round_.stops}
    assert {State.ASSIGNED, State.OUT_FOR_DELIVERY, State.DELIVERED} <= states


def test_seeded_just_after_midnight_the_morning_still_happens_today_and_not_in_the_future(
        app, db, monkeypatch):
    midnight = datetime.combine(local_today(), time(), VIETNAM)
    now = (midnight + timedelta(minutes=20)).astimezone(timezone.utc)
    for module in (demo, demo_history):
        monkeypatch.setattr(module, "utcnow", lambda: now)
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    office = db.session.execute(db.select(PostOffice)).scalar_one()
    today = local_today()
    assert office_report(office.id, today, today).total.delivered == 3  # this morning's hand-overs
    stamps = db.session.execute(db.select(Event.created_at).where(Event.created_at >= midnight)).scalars().all()
    stamps += db.session.execute(db.select(Attempt.received_at).where(Attempt.captured_at >= midnight)).scalars().all()
    assert stamps and max(stamps) <= now


def test_the_demo_admin_finds_the_common_procedures_with_their_documents(client, seeded):
    AuthActions(client).login("quantri", DEMO_PASSWORDS["quantri"])
    page = client.get("/admin/procedures").get_data(as_text=True)
    for name in ("Cấp Phiếu lý lịch tư pháp số 1", "Đăng ký khai sinh", "Đổi giấy phép lái xe",
                 "Chứng thực bản sao từ bản chính", "Cấp đổi Giấy chứng nhận quyền sử dụng đất",
                 "Đăng ký kết hôn", "Cấp bản sao trích lục hộ tịch", "Đăng ký thường trú",
                 "Cấp giấy phép xây dựng nhà ở riêng lẻ", "Đăng ký thành lập hộ kinh doanh"):
        assert name in page, name
    assert "200.000 ₫" in page and "Không thu" in page
    birth = re.search(r'href="(/admin/procedures/\d+)">Đăng ký khai sinh<', page).group(1)
    form = client.get(birth).get_data(as_text=True)
    assert "Tờ khai đăng ký khai sinh</textarea>" in form and "Giấy chứng sinh</textarea>" in form
