"""A pickup on a round of deliveries: planned at the dispatcher's page, seen on the courier's phone."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from courier.domain.formatting import format_date, local_today
from courier.domain.states import State
from tests import factories
from tests.browser.conftest import collect_console_errors, log_in, open_courier_app, screenshot
from tests.integration.dispatch_support import on_round, received

pytestmark = pytest.mark.browser
APPOINTMENT = f"{format_date(local_today() + timedelta(days=1))} · Buổi sáng (8:00–11:30)"
DOCUMENTS = ["Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp 2 bản chính · bắt buộc",
             "Bản chụp CCCD 1 bản sao · không bắt buộc"]


def asked(office, name, code):
    """A pickup asked for tomorrow morning under procedure `code`, whose form is an original in two copies."""
    procedure = factories.procedure(office, code=code)
    procedure.documents[0].original, procedure.documents[0].copies = True, 2
    return factories.pickup_request(office, procedure, applicant_name=name, note="Nhà trong hẻm 12").shipment


@pytest.fixture
def mixed_round(db, office, users):
    """Today's round: a result, a pickup, a result, all planned and none taken out yet."""
    users["courier"].full_name = "Nguyễn Văn Hùng"
    first = received(office, users["dispatcher"], applicant_name="Trần Thị Bích Ngọc")
    pickup = asked(office, "Lê Thị Hoa", "1.001193")
    second = received(office, users["dispatcher"], applicant_name="Huỳnh Văn Phúc")
    on_round(office, users["courier"], users["dispatcher"], [first, pickup, second])
    db.session.commit()
    return {"first": first, "pickup": pickup, "second": second}


def test_the_courier_sees_the_pickup_with_its_documents_and_its_door_not_a_hand_over(phone, users, mixed_round):
    errors = collect_console_errors(phone)
    open_courier_app(phone, users["courier"].username)
    pickup = phone.locator("li.stop", has_text="Lê Thị Hoa")
    expect(pickup.locator(".kind")).to_have_text("Nhận hồ sơ")
    expect(pickup).to_contain_text(f"Hẹn nhận {APPOINTMENT}")
    expect(pickup.locator(".fee")).to_be_hidden()  # its fees are settled by the door checklist
    result = phone.locator("li.stop", has_text="Huỳnh Văn Phúc")
    expect(result.locator(".kind")).to_be_hidden()
    expect(result.locator(".fee")).to_be_visible()
    # Only the two results wait at the office: the pickup carries nothing out.
    expect(phone.locator(".takeout-banner")).to_have_text("Nhận bưu gửi đi phát: còn 2 bưu gửi chưa nhận")
    screenshot(phone, "courier-round-with-pickup")

    pickup.locator("a.stop-open").tap()
    expect(phone.get_by_role("heading", name="Nhận hồ sơ tại nhà: danh sách giấy tờ cần kiểm")).to_be_visible()
    expect(phone.locator(".stop-view .kind")).to_have_text("Nhận hồ sơ")
    expect(phone.locator("ol.documents li")).to_have_text(DOCUMENTS)
    expect(phone.locator(".pickup-box")).to_contain_text(f"Hẹn nhận: {APPOINTMENT}")
    expect(phone.locator(".pickup-box")).to_contain_text("Người dân dặn: Nhà trong hẻm 12")
    expect(phone.get_by_role("link", name="Phát cho người nhận")).to_have_count(0)
    expect(phone.get_by_role("link", name="Không phát được")).to_have_count(0)
    # Instead of a hand-over: the door's checklist, or its refusal.
    expect(phone.get_by_role("link", name="Nhận hồ sơ", exact=True)).to_have_attribute(
        "href", f"#/pickup/{mixed_round['pickup'].public_id}")
    expect(phone.get_by_role("link", name="Không nhận được")).to_be_visible()
    expect(phone.locator(".facts dt", has_text="Cần thu")).to_be_hidden()  # the checklist collects the fee
    screenshot(phone, "courier-pickup-stop")

    # A hand-over's address typed for it leads back to the stop.
    stop_url = phone.url
    phone.evaluate(f"window.location.hash = '#/handover/{mixed_round['pickup'].public_id}'")
    expect(phone).to_have_url(stop_url)
    expect(phone.get_by_role("heading", name="Nhận hồ sơ tại nhà: danh sách giấy tờ cần kiểm")).to_be_visible()
    expect(phone.locator("form.handover-view")).to_have_count(0)
    # …and the door's checklist typed for a result leads back to its stop too.
    phone.evaluate(f"window.location.hash = '#/pickup/{mixed_round['first'].public_id}'")
    result_url = stop_url.replace(str(mixed_round["pickup"].public_id), str(mixed_round["first"].public_id))
    expect(phone).to_have_url(result_url)
    expect(phone.locator("form.door-view")).to_have_count(0)
    assert errors == []


def test_the_take_out_on_the_phone_refuses_the_pickup_and_counts_the_results(phone, db, users, mixed_round):
    errors = collect_console_errors(phone)
    open_courier_app(phone, users["courier"].username)
    phone.locator(".takeout-banner").tap()
    expect(phone.locator(".takeout-view [data-slot=progress]")).to_have_text("Đã nhận 0/2 bưu gửi")
    expect(phone.locator("ul.waiting li")).to_have_count(2)
    code = phone.get_by_label("Hoặc nhập mã hồ sơ")
    pickup_code = mixed_round["pickup"].dossier.code
    code.fill(pickup_code)
    phone.get_by_role("button", name="Nhận", exact=True).tap()
    expect(phone.locator(".scan-result")).to_have_text(
        f"Lê Thị Hoa · {pickup_code}: nhận hồ sơ tại nhà, không có gì để nhận đi phát.")
    expect(phone.locator("#pending")).to_have_attribute("data-count", "0")  # nothing queued for the server
    code.fill(mixed_round["first"].dossier.code)
    phone.get_by_role("button", name="Nhận", exact=True).tap()
    expect(phone.locator(".takeout-view [data-slot=progress]")).to_have_text("Đã nhận 1/2 bưu gửi")
    expect(phone.locator("ul.waiting li")).to_have_text([f"Huỳnh Văn Phúc {mixed_round['second'].dossier.code}"])
    expect(phone.locator("#notice")).to_have_text("Đã gửi 1 bản ghi lên máy chủ.")  # the one scan: not the pickup
    db.session.expire_all()
    assert (mixed_round["first"].state, mixed_round["pickup"].state) == (State.OUT_FOR_DELIVERY, State.ASSIGNED)
    assert errors == []


@pytest.fixture
def desktop(chromium, live_server, app):
    playwright, browser = chromium
    context = browser.new_context(viewport={"width": 1280, "height": 900}, has_touch=True, locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh", base_url=live_server.url)
    yield context.new_page()
    context.close()


@pytest.fixture
def to_plan(db, office, users, mixed_round):
    """Besides today's round: one more result and one more pickup ready to plan."""
    waiting = {"result": received(office, users["dispatcher"], applicant_name="Đặng Thị Mai"),
               "pickup": asked(office, "Võ Văn Kiệt Anh", "1.001194")}
    db.session.commit()
    return waiting


def test_the_dispatcher_plans_a_pickup_and_tells_it_apart(phone, desktop, users, mixed_round, to_plan):
    # On a phone: the round (a pickup between two results) and the ready list, each way marked.
    log_in(phone, users["dispatcher"].username, factories.PASSWORD)
    phone.goto("/dispatch/rounds")
    expect(phone.locator("li.stop.pickup .kind")).to_have_text("Nhận hồ sơ")
    expect(phone.locator("section.ready tr.pickup .kind")).to_have_text("Nhận hồ sơ")
    screenshot(phone, "dispatch-rounds-with-pickup")

    log_in(desktop, users["dispatcher"].username, factories.PASSWORD)
    desktop.goto("/dispatch/rounds")
    ready = desktop.locator("section.ready tbody tr")
    expect(ready).to_have_count(2)
    row = ready.filter(has_text="Võ Văn Kiệt Anh")
    expect(row.locator(".kind")).to_have_text("Nhận hồ sơ")
    expect(row).to_contain_text(f"Hẹn nhận {APPOINTMENT}")
    expect(row).to_contain_text("Cấp Phiếu lý lịch tư pháp cho công dân")
    expect(ready.filter(has_text="Đặng Thị Mai").locator(".kind")).to_have_text("Phát kết quả")
    row.locator("input[type=checkbox]").check()
    desktop.get_by_role("button", name="Thêm vào tuyến của Nguyễn Văn Hùng").click()
    expect(desktop.locator(".flash")).to_contain_text("Đã thêm 1 bưu gửi vào tuyến của Nguyễn Văn Hùng.")
    stops = desktop.locator("ol.stops.plan > li")
    expect(stops).to_have_count(4)
    expect(stops.locator(".kind")).to_have_text(["Phát kết quả", "Nhận hồ sơ", "Phát kết quả", "Nhận hồ sơ"])
    expect(desktop.get_by_text("4 điểm phát (2 điểm nhận hồ sơ)")).to_be_visible()
    expect(desktop.locator(".takeout-links .badge")).to_have_text("Chưa nhận: 2/2")
    screenshot(desktop, "dispatch-rounds-with-pickup-desktop")
