"""The courier's other views: the scan guard, a failed visit, reordering, the day's tally, logging out."""
import base64
import json

import pytest
from playwright.sync_api import expect

from courier.ledger import custody
from courier.domain.formatting import local_today
from courier.domain.states import Action
from courier.domain.tokens import new_token
from courier.models import Attempt, Round, RoundStop
from tests import factories
from tests.browser.conftest import (SCREENSHOTS, camera_jpeg, collect_console_errors, courier_round, draw_signature,
                                    log_in, open_courier_app, screenshot)

pytestmark = pytest.mark.browser
CCCD_QR = "049087001234|205123456|Lê Văn Tám|01021987|Nam|Thôn 1, Xã Tam Thăng, Thành phố Đà Nẵng|12032021"


@pytest.fixture(scope="session")
def camera_photo(tmp_path_factory):
    return camera_jpeg(tmp_path_factory.mktemp("photos") / "camera.jpg", size=(1600, 1200))


@pytest.fixture
def round_and_another(db, office, users):
    """Two stops on our courier's round (the first with a label link); one on a colleague's."""
    mine = courier_round(db, office, users, [("Trần Thị Bích Ngọc", {}), ("Huỳnh Văn Phúc", {})])
    token, token_hash = new_token()
    mine[0].add_citizen_link(token_hash, "label")
    colleague = factories.user(office, "courier")
    colleague.full_name = "Lê Minh Tuấn"
    theirs = factories.shipment(office, applicant_name="Đặng Thị Mai")
    their_token, their_hash = new_token()
    theirs.add_citizen_link(their_hash, "label")
    for action in (Action.RECEIVE, Action.ASSIGN):
        custody.apply(theirs, action, max_attempts=3)
    custody.apply(theirs, Action.DISPATCH, max_attempts=3, courier=colleague)
    db.session.add(Round(courier=colleague, post_office=office, round_date=local_today(),
                         stops=[RoundStop(shipment=theirs, position=0)]))
    db.session.commit()
    return {"mine": mine, "token": token, "theirs": theirs, "their_token": their_token}


def scan_by_hand(page, text):
    field = page.get_by_label("Hoặc nhập mã hồ sơ")
    field.fill(text)
    page.get_by_role("button", name="Tìm").tap()


def assert_in_sight(page, locator):
    """Whole on screen without scrolling: under the top bar, above the bottom navigation."""
    box = locator.bounding_box()
    top = page.locator(".topbar").bounding_box()
    nav = page.locator(".bottomnav").bounding_box()
    assert box["y"] >= top["y"] + top["height"] and box["y"] + box["height"] <= nav["y"], (box, nav)


def test_the_scan_guard_refuses_what_is_not_on_the_round(phone, live_server, users, round_and_another):
    errors = collect_console_errors(phone)
    open_courier_app(phone, users["courier"].username)
    phone.get_by_role("link", name="Quét mã").tap()
    expect(phone.get_by_role("heading", name="Quét mã trên bì hồ sơ")).to_be_visible()
    # Headless Chromium has no camera: the page says so, and typing still works.
    expect(phone.locator("[data-slot=camera-state]")).to_contain_text("Hãy nhập mã bằng tay.")

    # Their envelope's label: a link, named by its dossier code (the server's answer), at the top.
    their_code = round_and_another["theirs"].dossier.code
    scan_by_hand(phone, f"{live_server.url}/t/{round_and_another['their_token']}")
    refusal = phone.locator(".refusal")
    expect(refusal).to_have_text(f"Mã {their_code} không có trong tuyến phát "
                                 "của bạn. Bưu gửi này đã được xếp cho bưu tá khác. Đừng phát: "
                                 "hãy mang về quầy điều phối của bưu cục.")
    assert_in_sight(phone, refusal)
    expect(refusal).not_to_contain_text("Lê Minh Tuấn")  # whose hands it is in is not the courier's business
    phone.screenshot(path=str(SCREENSHOTS / "courier-scan-refused.png"))  # the screen, as the courier sees it
    scan_by_hand(phone, their_code)
    expect(refusal).to_have_text(f"Mã {their_code} không có trong tuyến phát "
                                 "của bạn. Bưu gửi này đã được xếp cho bưu tá khác. Đừng phát: "
                                 "hãy mang về quầy điều phối của bưu cục.")
    scan_by_hand(phone, CCCD_QR)
    expect(refusal).to_have_text("Đây là mã trên CCCD, không phải mã trên bì hồ sơ.")
    scan_by_hand(phone, "000.00.17.H47-000000-9999")
    expect(refusal).to_contain_text("Hệ thống không có mã này.")

    # The label's QR is the citizen link: matched by the SHA-256 of its token, on the phone.
    scan_by_hand(phone, f"{live_server.url}/t/{round_and_another['token']}")
    expect(phone.get_by_role("heading", name="Trần Thị Bích Ngọc")).to_be_visible()
    phone.go_back()
    scan_by_hand(phone, f"HS {round_and_another['mine'][1].public_id}")  # a UUID anywhere in the text
    expect(phone.get_by_role("heading", name="Huỳnh Văn Phúc")).to_be_visible()
    assert errors == []


def test_a_failed_visit_needs_a_reason_and_a_note_for_other(phone, db, users, round_and_another):
    errors = collect_console_errors(phone)
    open_courier_app(phone, users["courier"].username)
    phone.locator("li.stop", has_text="Huỳnh Văn Phúc").locator("a.stop-open").tap()
    phone.get_by_role("link", name="Không phát được").tap()
    expect(phone.get_by_text("Lần phát thứ 1/3")).to_be_visible()
    submit = phone.get_by_role("button", name="Ghi nhận không phát được")
    submit.tap()
    expect(phone.get_by_role("alert")).to_have_text("Hãy chọn lý do.")
    phone.get_by_text("Lý do khác").tap()
    submit.tap()
    expect(phone.get_by_role("alert")).to_have_text("Khi chọn lý do khác, hãy ghi chú cụ thể.")
    phone.get_by_label("Ghi chú").fill("Cổng khóa, chó dữ")
    screenshot(phone, "courier-fail")
    submit.tap()
    expect(phone.locator("#notice")).to_have_text("Đã gửi 1 bản ghi lên máy chủ.")
    expect(phone.locator("li.stop", has_text="Huỳnh Văn Phúc")).to_contain_text("Phát không thành công")
    db.session.expire_all()
    [attempt] = db.session.execute(db.select(Attempt)).scalars().all()
    assert (attempt.outcome.value, attempt.failure_reason.value, attempt.note) == ("failed", "other", "Cổng khóa, chó dữ")
    assert errors == []


def test_the_courier_reorders_the_round_and_the_server_keeps_it(phone, db, users, round_and_another):
    open_courier_app(phone, users["courier"].username)
    names = phone.locator("li.stop .name")
    expect(names).to_have_text(["Trần Thị Bích Ngọc", "Huỳnh Văn Phúc"])
    phone.locator("li.stop").nth(0).get_by_role("button", name="Chuyển xuống dưới").tap()
    expect(names).to_have_text(["Huỳnh Văn Phúc", "Trần Thị Bích Ngọc"])
    mine = round_and_another["mine"]

    def server_order():
        db.session.expire_all()
        stops = db.session.execute(db.select(RoundStop).join(Round)
                                   .where(Round.courier_id == users["courier"].id)).scalars().all()
        return [stop.shipment_id for stop in sorted(stops, key=lambda stop: stop.position)]

    for _ in range(50):  # the order goes to the server in the background
        if server_order() == [mine[1].id, mine[0].id]:
            break
        phone.wait_for_timeout(100)
    assert server_order() == [mine[1].id, mine[0].id]
    phone.reload()
    expect(names).to_have_text(["Huỳnh Văn Phúc", "Trần Thị Bích Ngọc"])
    phone.wait_for_load_state("networkidle")  # the page's round download ends before the tables are emptied


def test_the_day_tally_export_and_a_guarded_logout(phone, db, users, round_and_another, camera_photo):
    open_courier_app(phone, users["courier"].username)
    phone.context.set_offline(True)
    phone.locator("li.stop", has_text="Trần Thị Bích Ngọc").locator("a.stop-open").tap()
    phone.get_by_role("link", name="Phát cho người nhận").tap()
    draw_signature(phone)
    phone.locator("input[name=photo]").set_input_files(camera_photo)
    expect(phone.locator("img[data-ref=photo-preview]")).to_be_visible(timeout=20_000)
    phone.get_by_role("button", name="Xác nhận đã giao").tap()
    expect(phone.locator("#notice")).to_have_text("Đã lưu trên máy. Ứng dụng tự gửi lên máy chủ khi có mạng.")

    phone.get_by_role("link", name="Cuối ngày").tap()
    counts = {label: phone.locator(".count", has_text=label).locator(".n")
              for label in ("Đã phát", "Không phát được", "Chưa phát", "Chờ gửi lên máy chủ")}
    expect(counts["Đã phát"]).to_have_text("1")
    expect(counts["Không phát được"]).to_have_text("0")
    expect(counts["Chưa phát"]).to_have_text("1")
    expect(counts["Chờ gửi lên máy chủ"]).to_have_text("1")
    expect(phone.locator("[data-slot=cash-agency]")).to_have_text("200.000 ₫")
    expect(phone.locator("[data-slot=cash-postage]")).to_have_text("25.000 ₫")
    expect(phone.locator("[data-slot=cash-total]")).to_have_text("225.000 ₫")
    screenshot(phone, "courier-day")

    with phone.expect_download() as download:
        phone.get_by_role("button", name="Xuất bản ghi chưa gửi ra tệp").tap()
    exported = json.loads(download.value.path().read_text())
    [entry] = exported["entries"]
    assert exported["courier"] == users["courier"].username
    assert entry["attempt"]["shipment_id"] == str(round_and_another["mine"][0].public_id)
    assert base64.b64decode(entry["media"]["signature"]["base64"]).startswith(b"\x89PNG")
    photo = base64.b64decode(entry["media"]["photo"]["base64"])  # as the phone's canvas made it: WebP here
    assert entry["media"]["photo"]["content_type"] == "image/webp" and photo[:4] == b"RIFF" and photo[8:12] == b"WEBP"

    # Logging out would lose the hand-over: refused, with the reason.
    phone.get_by_role("button", name="Đăng xuất").tap()
    expect(phone.locator("#notice")).to_have_text(
        "Còn 1 bản ghi chưa gửi lên máy chủ. Hãy kết nối mạng, bấm “Gửi ngay” rồi mới đăng xuất.")
    assert phone.url.endswith("/courier/#/day")

    phone.context.set_offline(False)
    expect(phone.locator("#pending")).to_have_text("Chờ gửi: 0", timeout=20_000)
    phone.get_by_role("button", name="Đăng xuất").tap()
    expect(phone.get_by_text("Bạn đã đăng xuất.")).to_be_visible()
    left = phone.evaluate("""async () => {
        const db = await new Promise((resolve) => { const r = indexedDB.open('courier'); r.onsuccess = () => resolve(r.result); });
        const count = (name) => new Promise((resolve) => {
            const r = db.transaction(name).objectStore(name).count(); r.onsuccess = () => resolve(r.result); });
        const counts = {};
        for (const name of ['meta', 'round', 'outbox', 'journal']) counts[name] = await count(name);
        return {counts, shell: Boolean(await caches.match('/courier/'))};
    }""")
    assert left == {"counts": {"meta": 0, "round": 0, "outbox": 0, "journal": 0}, "shell": False}


def test_finished_stops_fold_away_and_overdue_ones_stand_out(phone, db, office, users):
    from datetime import timedelta

    today = local_today()
    late, due, done = courier_round(db, office, users, [
        ("Trần Thị Bích Ngọc", {"due_date": today - timedelta(days=2)}),
        ("Huỳnh Văn Phúc", {"due_date": today}),
        ("Lê Thị Thu", {"due_date": today - timedelta(days=5)}),
    ])
    custody.apply(done, Action.DELIVER, max_attempts=3, actor=users["courier"])
    db.session.commit()
    open_courier_app(phone, users["courier"].username)
    stops = phone.locator("li.stop:visible")
    expect(stops).to_have_count(2)  # what is left to do; the finished one is folded
    expect(stops.nth(0)).to_contain_text("Trần Thị Bích Ngọc")
    expect(stops.nth(0).get_by_text("Quá hẹn")).to_be_visible()
    expect(stops.nth(1).get_by_text("Quá hẹn")).to_be_hidden()  # due today is not late
    folded = phone.locator("summary", has_text="Đã xong (1)")
    expect(folded).to_be_visible()
    screenshot(phone, "courier-round-folded")
    folded.tap()
    finished = phone.locator("li.stop", has_text="Lê Thị Thu")
    expect(finished).to_be_visible()
    expect(finished).to_contain_text("Đã phát")
    expect(finished.get_by_text("Quá hẹn")).to_be_hidden()  # delivered, however late
    screenshot(phone, "courier-round-unfolded")


@pytest.fixture
def phone_without_worker(chromium, live_server):
    """A Pixel 7 page whose every request page.route() sees: no service worker sending on its own."""
    playwright, browser = chromium
    context = browser.new_context(**playwright.devices["Pixel 7"], locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                  base_url=live_server.url, service_workers="block")
    yield context.new_page()
    context.close()


def test_a_server_that_does_not_answer_is_not_called_a_working_network(
        phone_without_worker, db, users, round_and_another):
    phone = phone_without_worker
    log_in(phone, users["courier"].username, factories.PASSWORD)
    expect(phone.locator("li.stop")).to_have_count(2)
    net = phone.locator("#net-state")
    expect(net).to_have_text("Có mạng")
    # The phone has a network; our server answers nothing.
    phone.route("**/api/v1/**", lambda route: route.abort("connectionrefused"))
    phone.locator("li.stop", has_text="Huỳnh Văn Phúc").locator("a.stop-open").tap()
    phone.get_by_role("link", name="Không phát được").tap()
    phone.get_by_text("Người nhận vắng nhà").tap()
    phone.get_by_role("button", name="Ghi nhận không phát được").tap()
    expect(net).to_have_text("Không kết nối được máy chủ")
    assert phone.evaluate("navigator.onLine") is True
    expect(phone.locator("#pending")).to_have_text("Chờ gửi: 1")
    expect(phone.locator("#notice")).not_to_contain_text("Đã gửi")
    screenshot(phone, "courier-server-unreachable")
    # The server answers again: what waited goes at the next retry, and the pill says so.
    phone.unroute("**/api/v1/**")
    expect(phone.locator("#pending")).to_have_text("Chờ gửi: 0", timeout=20_000)
    expect(net).to_have_text("Có mạng")
    expect(phone.locator("#notice")).to_have_text("Đã gửi 1 bản ghi lên máy chủ.")
