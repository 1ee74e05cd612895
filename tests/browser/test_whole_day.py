"""One post office's whole day through the UI, each person starting from what the one before left.

Nothing between the people is seeded: the agency pushes three dossiers through the API and
the dispatcher imports three from the agency system's own export (title row, its own headers); the dispatcher receives them by scanning, prints
their labels (read back from the PDF as a printer would print them), plans a round; the
courier (a Pixel 7 whose camera films the labels) takes the round out by scanning, hands
two over with signature and photo, fails one, goes offline for the rest and comes back;
citizens answer from the labels' links; the dispatcher sees a dispute arrive and handles
it; the agency hears every step, signed, once, and the day's signed checkpoint; the report
counts the day and prints the checkpoint.
"""
import base64
import json
import subprocess
import sys
import time
from urllib.parse import urlsplit

import pytest
import zxingcpp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from PIL import Image
from playwright.sync_api import expect

from courier.domain import webhooks
from courier.domain.tokens import token_hash
from courier.models import Shipment
from courier.services.agency_keys import issue_api_key
from tests import factories, intake_files
from tests.browser.camera import launch_with_camera, phone_context_options, qr_frame, y4m_header, yuv420_planes
from tests.browser.conftest import (ROOT, SCREENSHOTS, camera_jpeg, collect_console_errors,
                                    open_courier_app, screenshot)
from tests.browser.test_citizen_journey import types_the_phone_digits
from tests.browser.test_courier_offline import fail_visit, hand_over
from tests.browser.test_dispatch_console import DESKTOP, log_in_at_desk
from tests.integration.agency_endpoint import AgencyEndpoint

pytestmark = pytest.mark.browser

AGENCY = "000.00.17.H47"
PUSHED = [  # what the agency's one-stop-shop software sends
    {"code": f"{AGENCY}-261203-0301", "applicant_name": "Đỗ Thị Lan", "street": "3 Lê Lợi"},
    {"code": f"{AGENCY}-261203-0302", "applicant_name": "Phan Văn Khải", "street": "18 Trần Cao Vân"},
    {"code": f"{AGENCY}-261203-0303", "applicant_name": "Võ Thị Sáu", "street": "7 Huỳnh Thúc Kháng"},
]
PUSHED_PHONE = "0905111222"  # the applicant's phone in each pushed dossier: the citizen knows it, a finder does not
IMPORTED = (  # (code, name, ward), on rows 4, 6 and 8 of the agency's export
    (f"{AGENCY}-261203-0311", "Trần Thị Bích Ngọc", "Phường Bàn Thạch"),
    (f"{AGENCY}-261203-0312", "Huỳnh Văn Phúc", "Phường Tam Kỳ"),
    (f"{AGENCY}-261203-0313", "Lê Thị Thu", "Phường Tam Kỳ"),
)


def agency_export() -> bytes:
    """The export as the agency's system writes it: a title row, its own header words, phones and
    dates its own way, a blank row (5), and a broken row (7: no such date)."""
    phones = ("0905 123 456", "+84 935 222 111", "0935.456.789")
    dues = ("31/12/2026", "2026-12-31", "31/12/2026")
    records = {row: intake_files.record(row - 3, code, name, phone, due, ward=ward, fee="200.000")
               for row, (code, name, ward), phone, due in zip((4, 6, 8), IMPORTED, phones, dues)}
    records[7] = intake_files.record(4, f"{AGENCY}-261203-0399", "Phạm Thị Hoa", "0905111222", "31/02/2026")
    return intake_files.export_xlsx(records)


CODES = [dossier["code"] for dossier in PUSHED] + [row[0] for row in IMPORTED]


@pytest.fixture
def post_office_day(db, office, users):
    """What exists before the day: the office, its staff, the agency and the agency's API key."""
    office.latitude, office.longitude, office.hotline = 15.5731, 108.4745, "02353851234"
    users["courier"].full_name = "Nguyễn Văn Hùng"
    agency = factories.agency(AGENCY)
    agency.post_office = office
    key = issue_api_key(agency)
    db.session.commit()
    return users, key


@pytest.fixture
def receiver():
    endpoint = AgencyEndpoint()
    yield endpoint
    endpoint.close()


@pytest.fixture
def worker(live_server):
    """The queue's worker, as `make run` starts it beside the web server."""
    log = open(live_server.log.with_name("worker.log"), "ab")
    process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "courier", "worker"], cwd=ROOT,
                               env=live_server.env, stdout=log, stderr=subprocess.STDOUT)
    yield process
    process.terminate()
    process.wait(timeout=15)
    log.close()


@pytest.fixture
def desk(chromium, live_server):
    playwright, browser = chromium
    context = browser.new_context(viewport=DESKTOP, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                  base_url=live_server.url, accept_downloads=True)
    yield context.new_page()
    context.close()


def agency_pushes(playwright, base_url, key, receiver_url) -> tuple[str, dict[str, str]]:
    """The agency registers its webhook and pushes its three dossiers; returns the signing secret
    and, by dossier code, the link the agency prints on its appointment slip."""
    api = playwright.request.new_context(base_url=base_url, extra_http_headers={"Authorization": f"Bearer {key}"})
    try:
        slips = {}
        registered = api.put("/api/v1/webhook", data={"url": receiver_url})
        assert registered.status == 200, registered.text()
        for dossier in PUSHED:
            body = {"procedure_name": "Cấp phiếu lý lịch tư pháp", "applicant_phone": PUSHED_PHONE,
                    "ward": "Phường Tam Kỳ", "province": "48", "due_date": "2026-12-31",
                    "fee_agency": 200000, "fee_postage": 25000} | dossier
            response = api.post("/api/v1/dossiers", data=body)
            assert response.status == 201, response.text()
            slips[dossier["code"]] = response.json()["citizen_link"]
        return registered.json()["secret"], slips
    finally:
        api.dispose()


def dispatcher_prepares(page, tmp_path) -> dict[str, str]:
    """Import, receive by scanning, print labels, plan the round; returns {dossier code: label link}."""
    page.get_by_role("link", name="Nhập hồ sơ", exact=True).click()
    page.set_input_files("input[type=file]", files=[{
        "name": "DS_tra_ket_qua_BCCI.xlsx", "buffer": agency_export(),
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    page.get_by_role("button", name="Kiểm tra tệp").click()
    expect(page.locator("details.mapping")).to_contain_text("Dòng tiêu đề: dòng 3.")
    errors = page.locator("table.errors tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.first).to_contain_text("31/02/2026")
    expect(errors.first.locator("td").first).to_have_text("7")  # the row as the spreadsheet numbers it
    screenshot(page, "day-intake-export-preview")
    page.get_by_role("button", name="Chỉ nhập các dòng hợp lệ (3)").click()
    expect(page.locator(".flash")).to_have_text(["Đã nhập 3 hồ sơ.", "1 dòng có lỗi đã được bỏ qua."])

    page.get_by_role("link", name="Nhận bưu gửi", exact=True).click()
    for code in CODES:
        page.get_by_label("Quét hoặc gõ mã hồ sơ").fill(code)
        page.keyboard.press("Enter")  # as a barcode scanner ends a code
        expect(page.locator(".flash").first).to_contain_text(f"Đã nhận {code}")
    expect(page.get_by_text("Không còn bưu gửi nào chờ nhận.")).to_be_visible()

    page.get_by_role("link", name="In nhãn", exact=True).click()
    for code in CODES:
        page.get_by_label(f"Chọn {code}").check()
    with page.expect_download() as download:
        page.get_by_role("button", name="In nhãn các bưu gửi đã chọn").click()
    links = read_labels(download.value.path(), tmp_path)

    page.get_by_role("link", name="Tuyến phát", exact=True).click()
    for code in CODES:
        page.locator("section.ready").get_by_label(f"Chọn {code}").check()
    page.get_by_role("button", name="Thêm vào tuyến của Nguyễn Văn Hùng").click()
    expect(page.locator("ol.stops li.stop")).to_have_count(6)
    print_delivery_list(page, tmp_path)
    return links


def print_delivery_list(page, tmp_path) -> None:
    """The bảng kê the courier signs in the morning, printed to PDF and looked at as a page."""
    with page.expect_popup() as popup:
        page.get_by_role("link", name="In bảng kê giao bưu tá").click()
    sheet = popup.value
    expect(sheet.get_by_role("heading", name="BẢNG KÊ GIAO BƯU GỬI CHO BƯU TÁ")).to_be_visible()
    expect(sheet.locator("tbody tr")).to_have_count(6)
    # To collect: 3 × (200.000 + 25.000) pushed, 3 × 200.000 imported (the export has no postage).
    expect(sheet.locator("tfoot")).to_contain_text("1.275.000")
    pdf = SCREENSHOTS / "day-delivery-list.pdf"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    sheet.pdf(path=str(pdf), format="A4", landscape=True, print_background=True)
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-singlefile", str(pdf), str(SCREENSHOTS / "day-delivery-list")],
                   check=True)
    sheet.close()
    page.get_by_role("link", name="Giao bưu gửi cho bưu tá").click()
    expect(page.get_by_text("Chưa nhận: 6/6")).to_be_visible()
    screenshot(page, "day-desk-takeout")


def read_labels(pdf_path, tmp_path) -> dict[str, str]:
    """The printed sheet rendered as a printer would (poppler), each label's QR read back."""
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf_path), str(tmp_path / "labels")], check=True)
    texts = []
    for page in sorted(tmp_path.glob("labels*.png")):
        texts += [result.text for result in zxingcpp.read_barcodes(Image.open(page))]
    assert len(texts) == 6, texts
    by_hash = {token_hash(urlsplit(text).path.rsplit("/t/", 1)[1]): text for text in texts}
    from courier.extensions import db

    shipments = db.session.execute(db.select(Shipment)).scalars().all()
    return {shipment.dossier.code: next(by_hash[h] for h in shipment.citizen_token_hashes if h in by_hash)
            for shipment in shipments}


def labels_video(path, links) -> None:
    """The courier's camera films the six labels one after another, a second each, looping."""
    with open(path, "wb") as video:
        video.write(y4m_header((640, 480)))
        for link in links:
            planes = yuv420_planes(qr_frame(link))
            for _ in range(10):
                video.write(b"FRAME\n" + planes)


def courier_works_the_round(playwright, live_server, links, username, tmp_path):
    """Take the round out with the camera, two hand-overs and a failure online, the rest offline."""
    video = tmp_path / "labels.y4m"
    labels_video(video, [links[code] for code in CODES])
    photo = camera_jpeg(tmp_path / "door.jpg")
    browser = launch_with_camera(playwright, video)
    context = browser.new_context(**phone_context_options(playwright, live_server.url))
    try:
        page = context.new_page()
        errors = collect_console_errors(page)
        open_courier_app(page, username)
        banner = page.get_by_role("link", name="Nhận bưu gửi đi phát: còn 6 bưu gửi chưa nhận")
        expect(banner).to_be_visible()
        screenshot(page, "day-courier-round-before-takeout")
        banner.tap()
        expect(page.locator(".takeout-view [data-slot=progress]")).to_have_text("Đã nhận 6/6 bưu gửi",
                                                                             timeout=40_000)
        expect(page.get_by_text("Đã nhận đủ các bưu gửi của tuyến.")).to_be_visible()
        expect(page.locator("#pending")).to_have_text("Chờ gửi: 0", timeout=20_000)
        screenshot(page, "day-courier-takeout")
        page.get_by_role("link", name="Tuyến phát").first.tap()
        expect(page.locator("li.stop").first).to_contain_text("Đang phát")

        hand_over(page, PUSHED[0]["applicant_name"], photo)
        hand_over(page, PUSHED[1]["applicant_name"], photo)
        fail_visit(page, IMPORTED[0][1])
        expect(page.locator("#pending")).to_have_text("Chờ gửi: 0", timeout=20_000)

        context.set_offline(True)  # the rest of the round has no signal
        for name in (PUSHED[2]["applicant_name"], IMPORTED[1][1], IMPORTED[2][1]):
            hand_over(page, name, photo)
        expect(page.locator("#pending")).to_have_text("Chờ gửi: 3")
        context.set_offline(False)
        expect(page.locator("#pending")).to_have_text("Chờ gửi: 0", timeout=30_000)
        assert [error for error in errors if "ERR_INTERNET_DISCONNECTED" not in error] == []
    finally:
        context.close()
        browser.close()


def citizen_answers(browser, playwright, base_url, link, answer):
    context = browser.new_context(**playwright.devices["Pixel 7"], locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh", base_url=base_url)
    try:
        page = context.new_page()
        page.goto(urlsplit(link).path)  # the label's link, on this test's server
        expect(page.locator(".status-line .chip")).to_have_text("Đã phát")
        types_the_phone_digits(page, PUSHED_PHONE[-4:])  # the proof and the answers wait for this
        expect(page.locator(".handed-over img.signature")).to_be_visible()  # the proof, now shown
        if answer == "confirm":
            page.locator("label.star", has_text="5").tap()
            page.get_by_role("button", name="Tôi đã nhận được kết quả").tap()
            expect(page.get_by_text("Cảm ơn bạn đã xác nhận đã nhận kết quả.")).to_be_visible()
        else:
            page.locator("form.dispute textarea").fill("Tôi chưa nhận được giấy tờ nào")
            page.get_by_role("button", name="Tôi chưa nhận được").tap()
            expect(page.get_by_text("Bưu cục sẽ liên hệ với bạn")).to_be_visible()
    finally:
        context.close()


def test_a_whole_day_from_the_agency_to_the_report(chromium, live_server, worker, desk, receiver,
                                                   post_office_day, tmp_path):
    playwright, browser = chromium
    users, key = post_office_day
    secret, slips = agency_pushes(playwright, live_server.url, key, receiver.url)

    log_in_at_desk(desk, users["dispatcher"].username)
    links = dispatcher_prepares(desk, tmp_path)
    courier_works_the_round(playwright, live_server, links, users["courier"].username, tmp_path)

    desk.get_by_role("link", name="Bảng điều phối", exact=True).click()
    courier_card = desk.locator(".courier-day").filter(has_text="Nguyễn Văn Hùng")
    expect(courier_card).to_contain_text("Đã phát 5/6")
    expect(courier_card.locator(".takeout-waiting")).to_have_count(0)  # everything was taken out
    citizen_answers(browser, playwright, live_server.url, links[PUSHED[0]["code"]], "confirm")
    citizen_answers(browser, playwright, live_server.url, links[PUSHED[1]["code"]], "dispute")
    # The board was not reloaded: the dispute arrives by itself.
    concern = desk.locator("tr.concern-citizen_disputed").filter(has_text=PUSHED[1]["code"])
    expect(concern).to_be_visible(timeout=10_000)
    screenshot(desk, "day-board-dispute")
    concern.get_by_text("Đã xử lý", exact=True).click()
    concern.get_by_label("Đã xử lý thế nào").fill("Đã gọi cho người dân: người nhà đã ký nhận thay.")
    concern.get_by_role("button", name="Lưu: đã xử lý").click()
    expect(desk.locator("tr.concern-citizen_disputed")).to_have_count(0)

    expected = 6 + 6 + 5 + 1  # received, out for delivery, delivered, failed
    deadline = time.monotonic() + 30
    while receiver.count() < expected and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)  # a repeat would come now
    for headers, body in receiver.received:
        assert webhooks.verify(body, headers["X-Courier-Signature"], secret)
    received = [(headers, json.loads(body)) for headers, body in receiver.received]
    # The worker's hourly checkpoint may fall inside the day (see below): counted apart.
    events = [(headers, event) for headers, event in received if event["type"] != "chain.checkpoint"]
    assert len(events) == expected
    assert len({headers[webhooks.EVENT_ID_HEADER] for headers, _ in events}) == expected
    kinds = sorted((event["dossier_code"], event["type"]) for _, event in events)
    assert kinds == sorted([(code, "shipment.received") for code in CODES]
                           + [(code, "shipment.out_for_delivery") for code in CODES]
                           + [(code, "shipment.delivered") for code in CODES if code != IMPORTED[0][0]]
                           + [(IMPORTED[0][0], "shipment.failed")])

    heard = the_agency_witnesses_the_day(live_server, receiver, at_least=expected)

    desk.get_by_role("link", name="Báo cáo", exact=True).click()
    # The report keeps the day's signed heads on paper: the same the agency was sent.
    expect(desk.locator("#checkpoint-table tr", has_text="Giao nhận")).to_contain_text(heard["event"]["hash"][:16])
    stats = desk.locator(".report-stats")
    expect(stats.locator("li", has_text="tiếp nhận từ cơ quan").locator(".n")).to_have_text("6")
    expect(stats.locator("li", has_text="đã trả kết quả").locator(".n")).to_have_text("5")
    expect(stats.locator("li", has_text="lượt phát không thành công").locator(".n")).to_have_text("1")
    screenshot(desk, "day-report")

    dispatcher_revokes_a_leaked_label(desk, PUSHED[2]["code"])
    assert opens(playwright, live_server.url, links[PUSHED[2]["code"]]) == 404  # the leaked label
    assert opens(playwright, live_server.url, slips[PUSHED[2]["code"]]) == 200  # the agency's slip


def the_agency_witnesses_the_day(live_server, receiver, at_least: int) -> dict[str, dict]:
    """The checkpoint the worker makes every hour, made now by hand: each chain's head, signed, goes to
    the agency, which checks it with the public key alone. Returns the newest one heard per chain."""
    made = subprocess.run([sys.executable, "-m", "flask", "--app", "courier", "checkpoint"], cwd=ROOT,
                          env=live_server.env, capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    public_key = made.stdout.split("public key: ")[1].split()[0]
    deadline, heard = time.monotonic() + 30, {}
    while "event" not in heard and time.monotonic() < deadline:
        time.sleep(0.2)
        for _, body in receiver.received:
            checkpoint = json.loads(body)
            if checkpoint["type"] == "chain.checkpoint":
                heard[checkpoint["chain"]] = max(heard.get(checkpoint["chain"], checkpoint), checkpoint,
                                                 key=lambda each: each["seq"])
    assert {"attempt", "event", "proof"} <= set(heard), heard.keys()
    for checkpoint in heard.values():
        signed = f"{checkpoint['chain']}|{checkpoint['seq']}|{checkpoint['hash']}|{checkpoint['created_at']}"
        assert checkpoint["public_key"] == public_key and checkpoint["signed_text"] == signed
        Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key)).verify(
            base64.b64decode(checkpoint["signature"]), signed.encode())  # raises if forged
    assert heard["event"]["seq"] >= at_least  # every event the agency heard of is under the signed head
    return heard


def dispatcher_revokes_a_leaked_label(page, code) -> None:
    """A photo of an envelope was posted online: its label's link is revoked, nothing else."""
    page.get_by_role("link", name="Tra cứu", exact=True).click()
    page.get_by_label("Mã hồ sơ, tên hoặc số điện thoại").fill(code)
    page.keyboard.press("Enter")
    page.get_by_role("link", name=code).first.click()
    links = page.locator(".citizen-links li")
    expect(links.filter(has_text="Đang dùng")).to_have_count(2)  # the agency's slip, the post office's label
    label = links.filter(has_text="Nhãn QR của bưu cục")
    label.get_by_text("Thu hồi đường dẫn này").click()
    label.get_by_label("Lý do").fill("Ảnh phong bì bị đăng lên mạng xã hội")
    label.get_by_role("button", name="Thu hồi").click()
    expect(page.locator(".flash").first).to_contain_text("Đã thu hồi đường dẫn.")
    expect(links.filter(has_text="Phiếu hẹn của cơ quan")).to_contain_text("Đang dùng")
    expect(links.filter(has_text="Nhãn QR của bưu cục")).to_contain_text("Đã thu hồi lúc")


def opens(playwright, base_url, link) -> int:
    """The status a citizen's phone gets for the link's page, on this test's server."""
    api = playwright.request.new_context(base_url=base_url)
    try:
        return api.get(urlsplit(link).path).status
    finally:
        api.dispose()
