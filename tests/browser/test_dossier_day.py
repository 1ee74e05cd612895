"""Issue #19's whole day: a citizen's dossier taken in at the door and its result brought back.

Nothing between the people is seeded: only the staff, the office, the agency with its API key and
a procedure in the catalogue. The citizen asks on /pickup; the agency pushes two results over HTTP;
the dispatcher receives them and plans them with the pickup; the courier takes the dossier in
offline; the dispatcher hands it in and lists it; the agency acknowledges it over HTTP and later
pushes its result under its own code; the courier delivers that; the citizen's one link follows it all.
"""
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from courier.domain.formatting import format_date, local_today
from courier.services.agency_keys import issue_api_key
from tests import factories
from tests.browser.conftest import camera_jpeg, draw_signature, log_in, open_courier_app, pending_count, screenshot
from tests.browser.test_citizen_journey import types_the_phone_digits
from tests.browser.test_courier_door_pickup import FORM, open_pickup
from tests.browser.test_pickup_request_page import fills_in_the_form
from tests.browser.test_whole_day import AGENCY

pytestmark = pytest.mark.browser

PHONE = "0912345678"
CITIZEN = "Lê Thị Hoa"  # the name fills_in_the_form types
OFFICIAL = f"{AGENCY}-261203-0042"  # the agency's own code for the dossier, given when its desk has it
RESULTS = [(f"{AGENCY}-261203-0401", "Phan Văn Khải"), (f"{AGENCY}-261203-0402", "Võ Thị Sáu")]
PROMISED = local_today() + timedelta(days=14)


@pytest.fixture
def before_the_day(db, office, users):
    """The staff, the office, the agency (no webhook) with its API key, a procedure in the catalogue."""
    users["courier"].full_name = "Nguyễn Văn Hùng"
    agency = factories.agency(AGENCY)
    agency.post_office = office
    procedure = factories.procedure(office)
    key = issue_api_key(agency)
    db.session.commit()
    return users, key, procedure


@pytest.fixture
def agency_api(chromium, live_server, before_the_day):
    """The agency's software: real HTTP to the live server with its API key."""
    playwright, _ = chromium
    api = playwright.request.new_context(base_url=live_server.url,
                                         extra_http_headers={"Authorization": f"Bearer {before_the_day[1]}"})
    yield api
    api.dispose()


@pytest.fixture
def pixel(chromium, live_server):
    """Opens a fresh Pixel 7 (a citizen's phone, the desk's phone) at the live server."""
    playwright, browser = chromium
    contexts = []

    def open_page():
        contexts.append(browser.new_context(**playwright.devices["Pixel 7"], locale="vi-VN",
                                            timezone_id="Asia/Ho_Chi_Minh", base_url=live_server.url))
        return contexts[-1].new_page()
    yield open_page
    for context in contexts:
        context.close()


def push(api, code, name, phone="0905111222"):
    body = {"code": code, "applicant_name": name, "applicant_phone": phone, "street": "45 Trần Cao Vân",
            "procedure_name": "Cấp phiếu lý lịch tư pháp", "ward": "Phường Tam Kỳ", "province": "48",
            "due_date": (local_today() + timedelta(days=20)).isoformat(), "fee_agency": 200000, "fee_postage": 25000}
    response = api.post("/api/v1/dossiers", data=body)
    assert response.status == 201, response.text()


def citizen_asks(page, procedure) -> tuple[str, str]:
    """The citizen's request on /pickup; returns the reference and the tracking link shown."""
    page.goto("/pickup")
    fills_in_the_form(page, procedure, PHONE)
    page.get_by_label("Ngày hẹn bưu tá đến").fill((local_today() + timedelta(days=1)).isoformat())
    page.get_by_label("Tôi đồng ý cho bưu điện dùng các thông tin trên như đã nêu").check()
    page.get_by_role("button", name="Gửi yêu cầu").tap()
    expect(page.get_by_role("heading", name="Đã nhận yêu cầu")).to_be_visible()
    return page.locator(".reference").inner_text(), page.locator("p.link a").inner_text()


def dispatcher_receives_and_plans(page, codes, names) -> None:
    """Scan the results in at /dispatch/receive, then plan the given rows onto Nguyễn Văn Hùng's round."""
    page.goto("/dispatch/receive")
    for code in codes:
        page.get_by_label("Quét hoặc gõ mã hồ sơ").fill(code)
        page.keyboard.press("Enter")  # as a barcode scanner ends a code
        expect(page.locator(".flash").first).to_contain_text(f"Đã nhận {code}")
    page.goto("/dispatch/rounds")
    for name in names:
        page.locator("section.ready tbody tr", has_text=name).locator("input[type=checkbox]").check()
    page.get_by_role("button", name="Thêm vào tuyến của Nguyễn Văn Hùng").click()
    expect(page.locator(".flash")).to_contain_text(f"Đã thêm {len(names)} bưu gửi vào tuyến của Nguyễn Văn Hùng.")


def courier_takes_it_in_offline(phone, username) -> None:
    open_courier_app(phone, username)
    phone.context.set_offline(True)
    expect(phone.locator("#net-state")).to_have_text("Mất mạng")
    open_pickup(phone, "Nhận hồ sơ")
    phone.locator(".checklist .check-item").filter(has_text=FORM).locator("input").check()
    phone.get_by_label("Số trang (tờ) đã đếm").fill("12")
    draw_signature(phone)
    phone.get_by_role("button", name="Xác nhận đã nhận hồ sơ").tap()
    expect(phone.get_by_role("heading", name="Biên nhận hồ sơ")).to_be_visible()
    pending_count(phone).to_have_text("Chờ gửi: 1")
    phone.context.set_offline(False)
    pending_count(phone).to_have_text("Chờ gửi: 0", timeout=20_000)


def dispatcher_sends_it_to_the_agency(page, reference) -> None:
    page.goto("/dispatch/dossiers")
    page.get_by_label("Quét nhãn QR trên phong bì, hoặc gõ mã hồ sơ").fill(reference)
    page.get_by_role("button", name="Nhận vào bưu cục").click()
    expect(page.locator(".flash").first).to_contain_text(f"Đã nhận hồ sơ {reference} vào bưu cục.")
    page.get_by_role("button", name="Lập biên bản bàn giao cho cơ quan").click()
    expect(page.locator(".flash")).to_contain_text("Đã lập biên bản bàn giao")


def agency_acknowledges(api, reference) -> None:
    listed = api.get("/api/v1/incoming")
    assert listed.status == 200, listed.text()
    [dossier] = [one for one in listed.json()["dossiers"] if one["reference"] == reference]
    answer = api.post(f"/api/v1/incoming/{dossier['shipment_id']}/acknowledge",
                      data={"official_code": OFFICIAL, "promised_date": PROMISED.isoformat()})
    assert answer.status == 200, answer.text()
    assert answer.json()["state"] == "at_agency"


def citizen_looks(pixel, link):
    """The citizen opens the link from the confirmation on their phone and proves it is them."""
    page = pixel()
    page.goto(urlsplit(link).path)
    types_the_phone_digits(page, PHONE[-4:])
    return page


def courier_delivers_the_result(phone, photo) -> None:
    """Back on the round: take the new result out by its code, then hand it over."""
    phone.goto("/courier/")
    phone.locator(".takeout-banner").tap()
    phone.get_by_label("Hoặc nhập mã hồ sơ").fill(OFFICIAL)
    phone.get_by_role("button", name="Nhận", exact=True).tap()
    expect(phone.locator("ul.waiting li", has_text=CITIZEN)).to_have_count(0)
    pending_count(phone).to_have_text("Chờ gửi: 0", timeout=20_000)
    phone.get_by_role("link", name="Tuyến phát").first.tap()
    # The same name twice: the done pickup is folded away; the result is among the stops to do.
    phone.locator(".round-view > ol.stops > li.stop", has_text=CITIZEN).locator("a.stop-open").tap()
    phone.get_by_role("link", name="Phát cho người nhận").tap()
    draw_signature(phone)
    phone.locator("input[name=photo]").set_input_files(photo)
    expect(phone.locator("img[data-ref=photo-preview]")).to_be_visible(timeout=20_000)
    phone.get_by_role("button", name="Xác nhận đã giao").tap()
    expect(phone.get_by_role("heading", name="Tuyến phát hôm nay")).to_be_visible()
    pending_count(phone).to_have_text("Chờ gửi: 0", timeout=20_000)


def test_a_dossier_taken_in_at_the_door_comes_back_as_a_result(phone, pixel, agency_api, before_the_day, tmp_path):
    users, _, procedure = before_the_day
    reference, link = citizen_asks(pixel(), procedure)
    assert "/t/" in link

    for code, name in RESULTS:
        push(agency_api, code, name)
    desk = pixel()
    log_in(desk, users["dispatcher"].username, factories.PASSWORD)
    dispatcher_receives_and_plans(desk, [code for code, _ in RESULTS], [CITIZEN] + [name for _, name in RESULTS])

    courier_takes_it_in_offline(phone, users["courier"].username)
    dispatcher_sends_it_to_the_agency(desk, reference)
    agency_acknowledges(agency_api, reference)

    citizen = citizen_looks(pixel, link)
    expect(citizen.locator(".status-text")).to_contain_text(
        f"Cơ quan đã nhận hồ sơ, hẹn trả ngày {format_date(PROMISED)}.")
    steps = citizen.locator(".timeline li span")
    expect(steps.first).to_have_text("Chờ bưu tá đến nhận hồ sơ")
    expect(steps).to_contain_text(["Chờ bưu tá đến nhận hồ sơ", "Đang chuyển hồ sơ đến cơ quan"])
    screenshot(citizen, "dossier-day-citizen-at-agency")

    push(agency_api, OFFICIAL, CITIZEN, phone=PHONE)
    dispatcher_receives_and_plans(desk, [OFFICIAL], [CITIZEN])
    courier_delivers_the_result(phone, camera_jpeg(tmp_path / "door.jpg", size=(1600, 1200)))

    citizen.reload()
    expect(citizen.locator(".status-line .chip")).to_have_text("Đã phát")
    expect(citizen.locator(".handed-over img.signature")).to_be_visible()  # the proof of the hand-over
    expect(steps.first).to_have_text("Chờ bưu tá đến nhận hồ sơ")
    expect(steps.last).to_have_text("Đã phát")
    expect(steps).to_contain_text(["Chờ bưu tá đến nhận hồ sơ", "Đang chuyển hồ sơ đến cơ quan", "Đã phát"])
    screenshot(citizen, "dossier-day-citizen-delivered")
