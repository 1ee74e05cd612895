"""The courier's stop order goes through the outbox: in line with the visits, the newest one only."""
import pytest
from playwright.sync_api import expect

from courier.models import Round, RoundStop
from tests.browser.conftest import courier_round, open_courier_app, pending_count, screenshot

pytestmark = pytest.mark.browser
OUTBOX = """async () => (await (await import('/static/js/courier/db.js')).outboxEntries())
    .map((entry) => [entry.kind || 'attempt', entry.status, entry.order ? entry.order.shipment_ids : null])"""


def server_order(db, courier):
    db.session.expire_all()
    stops = db.session.execute(db.select(RoundStop).join(Round).where(Round.courier_id == courier.id)).scalars().all()
    return [stop.shipment_id for stop in sorted(stops, key=lambda stop: stop.position)]


def test_moves_made_offline_wait_in_the_outbox_as_one_order_and_go_when_back_online(phone, db, users, office):
    stops = courier_round(db, office, users, [("Trần Thị Bích Ngọc", {}), ("Huỳnh Văn Phúc", {}), ("Lê Văn Tám", {})])
    ids = [str(stop.public_id) for stop in stops]
    open_courier_app(phone, users["courier"].username)
    names = phone.locator("li.stop .name")
    phone.context.set_offline(True)
    phone.locator("li.stop").nth(0).get_by_role("button", name="Chuyển xuống dưới").tap()
    expect(names).to_have_text(["Huỳnh Văn Phúc", "Trần Thị Bích Ngọc", "Lê Văn Tám"])
    phone.locator("li.stop").nth(1).get_by_role("button", name="Chuyển xuống dưới").tap()
    expect(names).to_have_text(["Huỳnh Văn Phúc", "Lê Văn Tám", "Trần Thị Bích Ngọc"])
    # Two moves, one entry: the newest order replaced the first, and waits like a hand-over.
    assert phone.evaluate(OUTBOX) == [["order", "pending", [ids[1], ids[2], ids[0]]]]
    pending_count(phone).to_have_text("Chờ gửi: 1")
    assert server_order(db, users["courier"]) == [stop.id for stop in stops]

    phone.context.set_offline(False)
    pending_count(phone).to_have_text("Chờ gửi: 0", timeout=20_000)
    assert server_order(db, users["courier"]) == [stops[1].id, stops[2].id, stops[0].id]
    phone.reload()
    expect(names).to_have_text(["Huỳnh Văn Phúc", "Lê Văn Tám", "Trần Thị Bích Ngọc"])
    phone.wait_for_load_state("networkidle")


def test_a_refused_order_is_held_and_the_next_move_replaces_it(phone, db, users, office):
    stops = courier_round(db, office, users, [("Trần Thị Bích Ngọc", {}), ("Huỳnh Văn Phúc", {}), ("Lê Văn Tám", {})])
    open_courier_app(phone, users["courier"].username)
    # The server refuses the first order (as when a dispatcher changed the stops meanwhile).
    refused = []

    def refuse_once(route):
        if refused:
            route.continue_()
            return
        refused.append(True)
        route.fulfill(status=422, content_type="application/json",
                      body='{"error": "invalid", "message": "Thứ tự mới phải gồm đúng các điểm phát của tuyến."}')

    phone.context.route("**/api/v1/courier/round/order", refuse_once)  # the page's and the worker's
    names = phone.locator("li.stop .name")
    phone.locator("li.stop").nth(0).get_by_role("button", name="Chuyển xuống dưới").tap()
    expect(names).to_have_text(["Huỳnh Văn Phúc", "Trần Thị Bích Ngọc", "Lê Văn Tám"])
    pending_count(phone).to_have_text("Chờ gửi: 1")
    assert [entry[:2] for entry in phone.evaluate(OUTBOX)] == [["order", "held"]]
    phone.goto("/courier/#/day")
    expect(phone.locator("ul.held li")).to_contain_text(
        "Thứ tự các điểm phát: Máy chủ từ chối: Thứ tự mới phải gồm đúng các điểm phát của tuyến.")
    screenshot(phone, "courier-day-held-order")

    phone.goto("/courier/#/")
    phone.locator("li.stop").nth(1).get_by_role("button", name="Chuyển xuống dưới").tap()
    expect(names).to_have_text(["Huỳnh Văn Phúc", "Lê Văn Tám", "Trần Thị Bích Ngọc"])
    pending_count(phone).to_have_text("Chờ gửi: 0", timeout=20_000)
    assert phone.evaluate(OUTBOX) == []
    assert server_order(db, users["courier"]) == [stops[1].id, stops[2].id, stops[0].id]
