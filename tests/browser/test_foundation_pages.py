"""The first pages at phone size: login, the courier's round, the board, the citizen link."""
import pytest
from playwright.sync_api import expect

from courier.ledger import custody
from courier.domain.formatting import format_date, local_today
from courier.domain.states import Action
from courier.domain.tokens import new_token
from courier.models import Round, RoundStop
from tests import factories
from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def day(db, office, users):
    """Two shipments on the courier's round for today, one more received at the office."""
    stops = [factories.shipment(office, applicant_name=name, fee_agency=fee)
             for name, fee in (("Trần Thị Bích Ngọc", 200_000), ("Huỳnh Văn Phúc", 1_250_000))]
    round_ = Round(courier=users["courier"], post_office=office, round_date=local_today())
    for position, shipment in enumerate(stops):
        custody.apply(shipment, Action.RECEIVE, max_attempts=3, actor=users["dispatcher"])
        custody.apply(shipment, Action.ASSIGN, max_attempts=3, actor=users["dispatcher"])
        round_.stops.append(RoundStop(shipment=shipment, position=position))
    custody.apply(stops[0], Action.DISPATCH, max_attempts=3, courier=users["courier"])
    waiting = factories.shipment(office, due_date=local_today(), applicant_name="Lê Thị Thu")
    custody.apply(waiting, Action.RECEIVE, max_attempts=3)
    token, token_hash = new_token()
    stops[0].add_citizen_link(token_hash, "label")
    db.session.add(round_)
    db.session.commit()
    return {"stops": stops, "token": token, "waiting": waiting}


def test_login_page_is_vietnamese_and_fits_a_phone(phone):
    phone.goto("/")
    assert phone.url.endswith("/login")
    expect(phone.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 412
    screenshot(phone, "login")


def test_a_courier_logs_in_and_sees_todays_round(phone, users, day):
    log_in(phone, users["courier"].username, factories.PASSWORD)
    expect(phone.get_by_role("heading", name="Tuyến phát hôm nay")).to_be_visible()
    stops = phone.locator("li.stop")
    expect(stops).to_have_count(2)
    expect(stops.nth(0)).to_contain_text("Trần Thị Bích Ngọc")
    expect(stops.nth(0)).to_contain_text("Phường Tam Kỳ")
    expect(stops.nth(0)).to_contain_text("Đang phát")
    expect(stops.nth(1)).to_contain_text("1.275.000 ₫")  # agency fee 1.250.000 + postage 25.000
    expect(phone.locator("a[href='tel:0905123456']").first).to_be_visible()
    expect(phone.get_by_text(format_date(local_today()))).to_be_visible()
    screenshot(phone, "courier-today")


def test_a_dispatcher_sees_the_board(phone, users, day):
    log_in(phone, users["dispatcher"].username, factories.PASSWORD)
    expect(phone.get_by_role("heading", name="Bảng điều phối")).to_be_visible()
    expect(phone.locator(".count.chip-assigned .n")).to_have_text("1")
    expect(phone.locator(".count.chip-out_for_delivery .n")).to_have_text("1")
    expect(phone.get_by_text("Lê Thị Thu")).to_be_visible()
    screenshot(phone, "dispatch-board")


def test_a_courier_cannot_open_the_board(phone, users, day):
    log_in(phone, users["courier"].username, factories.PASSWORD)
    response = phone.goto("/dispatch/")
    assert response.status == 403
    expect(phone.get_by_role("heading")).to_contain_text("không có quyền")
    screenshot(phone, "forbidden")


def test_the_citizen_link_shows_the_result_without_private_details(phone, day):
    phone.goto(f"/t/{day['token']}")
    expect(phone.get_by_text("Trần T** B** N**")).to_be_visible()
    expect(phone.locator(".chip").first).to_have_text("Đang phát")
    body = phone.locator("body").inner_text()
    assert "Phan Châu Trinh" not in body and "0905123456" not in body
    screenshot(phone, "citizen-track")
    assert phone.goto("/t/not-a-real-token-at-all").status == 404


def test_logging_out_returns_to_the_login_page(phone, users, day):
    log_in(phone, users["courier"].username, factories.PASSWORD)
    phone.get_by_role("button", name="Đăng xuất").tap()
    expect(phone.get_by_text("Bạn đã đăng xuất.")).to_be_visible()
    assert phone.goto("/courier/").url.endswith("/login?next=/courier/")
