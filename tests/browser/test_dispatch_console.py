"""The dispatcher's console in Chromium: a day's work on a desktop, then every page on a phone.

The dispatcher imports the agency's file, receives the envelopes, prints their labels and plans
a round; the courier then opens the app on the phone and finds the stops in that order.
"""
import csv
import io

import pytest
from playwright.sync_api import expect

from courier.ledger import custody
from courier.domain.states import Action
from courier.domain.imports import COLUMNS
from tests import factories
from tests.browser.conftest import log_in, open_courier_app, screenshot
from tests.integration.dispatch_support import on_round, received

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PEOPLE = (  # (code, name, ward, latitude, longitude): far, near, between, from the post office
    ("000.00.17.H47-261127-0101", "Trần Thị Bích Ngọc", "Phường Bàn Thạch", "15.6000", "108.5000"),
    ("000.00.17.H47-261127-0102", "Huỳnh Văn Phúc", "Phường Tam Kỳ", "15.5745", "108.4760"),
    ("000.00.17.H47-261127-0103", "Lê Thị Thu", "Phường Tam Kỳ", "15.5860", "108.4880"),
)


@pytest.fixture
def desktop(chromium, live_server, app):
    """A 1280×800 desktop browser, in Vietnamese and Vietnam's time zone, at the live server."""
    playwright, browser = chromium
    context = browser.new_context(viewport=DESKTOP, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                  base_url=live_server.url, accept_downloads=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def office_day(db, office, users):
    office.latitude, office.longitude = 15.5731, 108.4745
    users["courier"].full_name = "Nguyễn Văn Hùng"
    factories.agency().post_office = office
    db.session.commit()
    return users


def agency_file(people=PEOPLE, phone="0905123456") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(list(COLUMNS))
    for code, name, ward, lat, lon in people:
        values = {"Mã cơ quan": "000.00.17.H47", "Mã hồ sơ": code, "Tên thủ tục": "Cấp phiếu lý lịch tư pháp",
                  "Họ tên người nhận": name, "Số điện thoại": phone, "Địa chỉ": "12 Phan Châu Trinh",
                  "Phường/Xã": ward, "Tỉnh/Thành phố": "Thành phố Đà Nẵng", "Vĩ độ": lat, "Kinh độ": lon,
                  "Ngày hẹn trả": "30/11/2026", "Phí lệ phí": "200000", "Cước phát": "25000"}
        writer.writerow([values.get(header, "") for header in COLUMNS])
    return out.getvalue().encode()


def log_in_at_desk(page, username: str) -> None:
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(factories.PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/login" not in url)


def test_a_dispatchers_day_from_the_agencys_file_to_the_couriers_phone(desktop, chromium, live_server,
                                                                       office_day):
    page, courier = desktop, office_day["courier"]
    log_in_at_desk(page, office_day["dispatcher"].username)
    expect(page.get_by_role("heading", name="Bảng điều phối")).to_be_visible()

    page.get_by_role("link", name="Nhập hồ sơ", exact=True).click()
    broken = agency_file([*PEOPLE[:2], ("HS-3", "", "Xã Không Có", "15.6", "108.5")], phone="090512")
    page.set_input_files("input[type=file]", files=[{"name": "ho-so-loi.csv", "mimeType": "text/csv",
                                                     "buffer": broken}])
    page.get_by_role("button", name="Kiểm tra tệp").click()
    errors = page.locator("table.errors tbody tr")
    expect(errors.filter(has_text="Phường/Xã")).to_contain_text("Không có phường, xã này")
    expect(errors.first).to_contain_text("Số điện thoại")
    expect(page.get_by_role("button", name="Nhập", exact=True)).to_have_count(0)
    screenshot(page, "dispatch-day-intake-errors")
    page.set_input_files("input[type=file]", files=[{"name": "ho-so.csv", "mimeType": "text/csv",
                                                     "buffer": agency_file()}])
    page.get_by_role("button", name="Kiểm tra tệp").click()
    expect(page.locator(".stats")).to_contain_text("3 dòng hợp lệ")
    screenshot(page, "dispatch-day-intake-preview")
    page.get_by_role("button", name="Nhập (3)").click()
    expect(page.locator(".flash")).to_have_text("Đã nhập 3 hồ sơ.")

    page.get_by_role("link", name="Nhận bưu gửi", exact=True).click()
    page.get_by_label("Quét hoặc gõ mã hồ sơ").fill(PEOPLE[0][0])
    page.keyboard.press("Enter")  # as a barcode scanner ends a code
    expect(page.locator(".flash").first).to_contain_text(f"Đã nhận {PEOPLE[0][0]}")
    page.get_by_label("Quét hoặc gõ mã hồ sơ").fill("000.00.17.H47-261127-9999")
    page.keyboard.press("Enter")
    expect(page.locator("ul.codes.bad")).to_contain_text("000.00.17.H47-261127-9999")
    for code, *_ in PEOPLE[1:]:
        page.get_by_label(f"Nhận {code}").check()
    screenshot(page, "dispatch-day-receive")
    page.get_by_role("button", name="Nhận các bưu gửi đã chọn").click()
    expect(page.locator(".flash")).to_have_text("Đã nhận 2 bưu gửi.")
    expect(page.get_by_text("Không còn bưu gửi nào chờ nhận.")).to_be_visible()

    page.get_by_role("link", name="In nhãn", exact=True).click()
    expect(page.get_by_text("không còn dùng được")).to_be_visible()
    for code, *_ in PEOPLE:
        page.get_by_label(f"Chọn {code}").check()
    screenshot(page, "dispatch-day-labels")
    with page.expect_download() as download:
        page.get_by_role("button", name="In nhãn các bưu gửi đã chọn").click()
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    page.get_by_role("link", name="Tuyến phát", exact=True).click()
    expect(page.get_by_label("Bưu tá")).to_have_value(str(courier.id))
    for code, *_ in PEOPLE:
        page.locator("section.ready").get_by_label(f"Chọn {code}").check()
    page.get_by_role("button", name="Thêm vào tuyến của Nguyễn Văn Hùng").click()
    stops = page.locator("ol.stops li.stop")
    expect(stops).to_have_count(3)
    page.get_by_role("button", name="Đề xuất thứ tự").click()
    expect(page.locator(".flash")).to_contain_text("Đã sắp xếp lại thứ tự")
    expect(stops.nth(0)).to_contain_text("Huỳnh Văn Phúc")  # the nearest first
    expect(stops.nth(2)).to_contain_text("Trần Thị Bích Ngọc")
    page.get_by_role("button", name=f"Lên trên: {PEOPLE[0][0]}").click()
    expect(stops.nth(1)).to_contain_text("Trần Thị Bích Ngọc")
    screenshot(page, "dispatch-day-rounds")

    page.get_by_role("link", name="Bảng điều phối", exact=True).click()
    expect(page.locator(".courier-day").filter(has_text="Nguyễn Văn Hùng")).to_contain_text("Đã phát 0/3")
    screenshot(page, "dispatch-day-board")
    page.get_by_role("link", name="Tra cứu", exact=True).click()
    page.get_by_label("Mã hồ sơ, tên hoặc số điện thoại").fill("tran thi bich")
    page.get_by_role("button", name="Tìm").click()
    page.get_by_role("link", name=PEOPLE[0][0]).click()
    expect(page.locator(".timeline")).to_contain_text("In nhãn, cấp đường dẫn mới cho người dân")
    screenshot(page, "dispatch-day-shipment")

    playwright, browser = chromium
    phone = browser.new_context(**playwright.devices["Pixel 7"], locale="vi-VN",
                                timezone_id="Asia/Ho_Chi_Minh", base_url=live_server.url)
    try:
        # The courier opens the app on the phone: the round is there, in the dispatcher's order.
        courier_page = phone.new_page()
        open_courier_app(courier_page, courier.username)
        expect(courier_page.locator("li.stop .name")).to_have_text(
            ["Huỳnh Văn Phúc", "Trần Thị Bích Ngọc", "Lê Thị Thu"])
        screenshot(courier_page, "dispatch-day-courier-phone")
    finally:
        phone.close()


@pytest.fixture
def busy_day(db, office, users, live_server):
    """Something on every page: waiting, received, planned and out shipments, and a flagged hand-over."""
    factories.agency().post_office = office
    for n, name in enumerate(("Phan Thị Hạnh", "Võ Văn Kiệt")):
        factories.shipment(office, applicant_name=name, code=f"000.00.17.H47-261127-02{n:02d}")
    ready = [received(office, users["dispatcher"], applicant_name=name)
             for name in ("Đặng Thị Ánh", "Lê Minh Tuấn", "Nguyễn Thị Mai")]
    planned = [received(office, users["dispatcher"], applicant_name=name, latitude=15.58, longitude=108.48,
                        expected_id_tail="4321")  # the card the hand-over below shows ends so
               for name in ("Trần Thị Bích Ngọc", "Huỳnh Văn Phúc", "Lê Văn Tám")]
    on_round(office, users["courier"], users["dispatcher"], planned)
    custody.apply(planned[0], Action.DISPATCH, max_attempts=3, courier=users["courier"])
    custody.apply(planned[2], Action.DISPATCH, max_attempts=3, courier=users["courier"])
    # Cancelled while the courier was out, then handed over offline: kept, and flagged.
    custody.apply(planned[2], Action.CANCEL, max_attempts=3, actor=users["dispatcher"],
                  details={"reason": "Cơ quan thu hồi để bổ sung"})
    hand_over(users["courier"], planned[2], live_server)
    db.session.commit()
    return {"ready": ready, "planned": planned}


def hand_over(courier, shipment, live_server) -> None:
    """A delivered visit with signature and photo, as the courier's phone syncs it."""
    import json
    import uuid
    from datetime import datetime, timedelta, timezone

    from courier.domain.storage import MediaStore
    from courier.services.handover import submit_attempt
    from tests import media

    body = {"client_id": str(uuid.uuid4()), "shipment_id": str(shipment.public_id), "outcome": "delivered",
            "captured_at": (datetime.now(timezone.utc) - timedelta(minutes=25)).isoformat(),
            "location": {"latitude": 15.5802, "longitude": 108.4795, "accuracy_m": 9.0},
            "recipient": {"name": "Lê Văn Tám", "relationship": "applicant",
                          "id_tail_masked": "********4321", "id_check": "matched"},
            "fees": {"agency": 200_000, "postage": 25_000, "method": "cash"}, "consent_version": "2026-11"}
    submit_attempt(courier, json.dumps(body), {"signature": media.signature_png(), "photo": media.photo_jpeg()},
                   MediaStore(live_server.env["MEDIA_DIR"]), max_attempts=3)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_every_console_page_fits_its_screen(request, size, users, busy_day):
    page = request.getfixturevalue(size)
    if size == "phone":
        log_in(page, users["dispatcher"].username, factories.PASSWORD)
    else:
        log_in_at_desk(page, users["dispatcher"].username)
    width = 412 if size == "phone" else DESKTOP["width"]
    shipment = busy_day["planned"][2]
    for name, path in (("board", "/dispatch/"), ("intake", "/dispatch/intake"),
                       ("receive", "/dispatch/receive"), ("labels", "/dispatch/labels"),
                       ("rounds", "/dispatch/rounds"), ("shipments", "/dispatch/shipments"),
                       ("shipment", f"/dispatch/shipments/{shipment.public_id}"),
                       ("reports", "/dispatch/reports")):
        response = page.goto(path)
        assert response.status == 200, path
        expect(page.locator("h1")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} scrolls sideways"
        if name == "shipment":
            expect(page.locator(".attempt.flagged .flag")).to_contain_text("đã bị hủy")
            for image in page.locator(".proofs img").all():  # served, and decoded by the browser
                expect(image).to_have_js_property("complete", True)
                assert image.evaluate("img => img.naturalWidth") > 0
        if name == "reports":  # the offline hand-over counts, and the vendored Chart.js drew it
            expect(page.locator("#by-courier")).to_contain_text(users["courier"].full_name)
            page.wait_for_function("() => window.Chart && Chart.getChart('chart-days')")
            assert page.evaluate("Chart.getChart('chart-couriers').data.datasets[0].data") == [1]
        screenshot(page, f"dispatch-{size}-{name}")
