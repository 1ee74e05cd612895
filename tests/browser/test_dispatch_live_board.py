"""The dispatcher's board stays live: a hand-over and a citizen's report appear without a reload.

The board is open on a desktop (and on a phone, for the screenshots); a courier's phone sends a
hand-over to the real sync endpoint, a citizen says through the QR link that it never came, and
the dispatcher marks that handled with a note. A value set on `window` survives throughout,
which a reload would wipe.
"""
import pytest
from playwright.sync_api import expect

from courier.ledger import custody
from courier.domain.formatting import local_today
from courier.domain.states import Action
from courier.domain.tokens import new_token
from courier.models import Round, RoundStop
from tests import factories
from tests.browser.conftest import collect_console_errors, log_in, screenshot
from tests.browser.test_citizen_journey import AGENCY_PHONE, hand_over_through_the_api, types_the_phone_digits
from tests.browser.test_dispatch_console import desktop, log_in_at_desk  # noqa: F401  (desktop: a fixture)

pytestmark = pytest.mark.browser

LIVE = 5000   # ms: the board polls every 2 s


@pytest.fixture
def round_out(db, office, users):
    """Two shipments out with the courier; the first has a citizen link."""
    users["courier"].full_name = "Nguyễn Văn Hùng"
    round_ = Round(courier=users["courier"], post_office=office, round_date=local_today())
    shipments = []
    for position, name in enumerate(("Nguyễn Văn An", "Lê Thị Thu")):
        shipment = factories.shipment(office, applicant_name=name, due_date=local_today(), applicant_phone=AGENCY_PHONE)
        for action in (Action.RECEIVE, Action.ASSIGN):
            custody.apply(shipment, action, max_attempts=3, actor=users["dispatcher"])
        custody.apply(shipment, Action.DISPATCH, max_attempts=3, courier=users["courier"])
        round_.stops.append(RoundStop(shipment=shipment, position=position))
        shipments.append(shipment)
    token, hash_ = new_token()
    shipments[0].add_citizen_link(hash_, "label")
    db.session.add(round_)
    db.session.commit()
    return shipments, token


def open_board(page, users, at_desk=True):
    if at_desk:
        log_in_at_desk(page, users["dispatcher"].username)
    else:
        log_in(page, users["dispatcher"].username, factories.PASSWORD)
    page.goto("/dispatch/")
    page.evaluate("window.boardNeverReloaded = true")


def test_a_hand_over_and_a_citizens_report_appear_live_and_the_report_is_handled(
        desktop, phone, chromium, live_server, users, round_out):  # noqa: F811
    shipments, token = round_out
    errors = collect_console_errors(desktop)
    open_board(desktop, users)
    open_board(phone, users, at_desk=False)
    card = desktop.locator(".courier-day", has_text="Nguyễn Văn Hùng")
    expect(card.locator(".progress-text")).to_contain_text("Đã phát 0/2")
    screenshot(desktop, "board-live-desktop-before")
    screenshot(phone, "board-live-phone-before")

    hand_over_through_the_api(chromium, live_server, shipments[0], users["courier"])

    expect(card.locator(".progress-text")).to_contain_text("Đã phát 1/2", timeout=LIVE)
    expect(desktop.locator(".count.chip-delivered .n")).to_have_text("1")
    expect(phone.locator(".courier-day .progress-text")).to_contain_text("Đã phát 1/2", timeout=LIVE)
    screenshot(desktop, "board-live-desktop-after")
    screenshot(phone, "board-live-phone-after")

    citizen = chromium[1].new_context(base_url=live_server.url).new_page()
    citizen.goto(f"/t/{token}")
    types_the_phone_digits(citizen, AGENCY_PHONE[-4:])
    citizen.locator("form.dispute textarea").fill("Tôi không nhận được gì cả")
    citizen.get_by_role("button", name="Tôi chưa nhận được").click()
    expect(citizen.get_by_role("button", name="Tôi chưa nhận được")).to_have_count(0)
    citizen.context.close()

    report = desktop.locator("tr.concern-citizen_disputed")
    expect(report).to_contain_text("Tôi không nhận được gì cả", timeout=LIVE)
    assert desktop.evaluate("window.boardNeverReloaded") is True
    expect(phone.locator("tr.concern-citizen_disputed")).to_be_visible(timeout=LIVE)
    phone.locator("tr.concern-citizen_disputed summary").click()
    screenshot(phone, "board-live-phone-concern")
    report.get_by_text("Đã xử lý", exact=True).click()
    report.get_by_label("Đã xử lý thế nào").fill("Đã gọi người dân: người nhà đã ký nhận")
    screenshot(desktop, "board-live-desktop-resolving")
    report.get_by_role("button", name="Lưu: đã xử lý").click()
    expect(desktop.get_by_text("Đã ghi nhận việc đã xử lý")).to_be_visible()
    expect(desktop.locator("tr.concern-citizen_disputed")).to_have_count(0)
    expect(desktop.get_by_text("Không có việc cần xử lý.")).to_be_visible()
    # The phone's "Đã xử lý" form was left open: the live part holds still rather than close it under one's
    # fingers, and shows the change once reloaded.
    phone.wait_for_timeout(3000)
    expect(phone.locator("tr.concern-citizen_disputed details[open]")).to_have_count(1)
    phone.reload()
    expect(phone.locator("tr.concern-citizen_disputed")).to_have_count(0)

    desktop.goto(f"/dispatch/shipments/{shipments[0].public_id}")
    expect(desktop.get_by_text("Điều phối viên đánh dấu đã xử lý")).to_be_visible()
    expect(desktop.get_by_text("Đã gọi người dân: người nhà đã ký nhận")).to_be_visible()
    assert errors == []


def test_an_unreadable_filter_is_a_notice_on_the_list_not_an_error_page(phone, users, round_out):
    log_in(phone, users["dispatcher"].username, factories.PASSWORD)
    phone.goto("/dispatch/shipments?state=lost&due=2026-13-45")
    expect(phone.get_by_text("Bộ lọc không hợp lệ: Trạng thái “lost”")).to_be_visible()
    expect(phone.get_by_text("Bộ lọc không hợp lệ: Hẹn trả “2026-13-45”")).to_be_visible()
    expect(phone.locator("a.code")).to_have_count(2)
    screenshot(phone, "shipments-unreadable-filter-phone")
