"""A day without signal: the round from IndexedDB, captures in the outbox, each sent exactly once.

The outbox's hard cases are those of Workbox's known bugs: duplicate replay (#1480),
concurrent replay (#600), an entry lost on a failed replay (#1984), reordering (#2640).
"""
from collections import Counter

import pytest
from playwright.sync_api import expect

from courier.models import Attempt
from tests import factories
from tests.browser.conftest import (camera_jpeg, courier_round, draw_signature, launch_phone_profile, log_in,
                                    open_courier_app, screenshot, wait_until)

pytestmark = pytest.mark.browser
PEOPLE = [("Trần Thị Bích Ngọc", {}), ("Huỳnh Văn Phúc", {}), ("Lê Thị Thu", {}), ("Võ Minh Đức", {})]


@pytest.fixture(scope="session")
def camera_photo(tmp_path_factory):
    return camera_jpeg(tmp_path_factory.mktemp("photos") / "camera.jpg", size=(1600, 1200))


@pytest.fixture(scope="session")
def grainy_photo(tmp_path_factory):
    """A 20 MB, 5700×3800 picture so noisy that no JPEG quality gets 1280 px under 150 KB."""
    photo = camera_jpeg(tmp_path_factory.mktemp("photos") / "grainy.jpg", size=(5700, 3800), noise=80)
    assert photo.stat().st_size >= 20_000_000
    return photo


@pytest.fixture
def four_stops(db, office, users):
    return courier_round(db, office, users, PEOPLE)


def server_attempts(db):
    db.session.expire_all()
    return db.session.execute(db.select(Attempt).order_by(Attempt.id)).scalars().all()


def outbox_client_ids(page):
    return page.evaluate("async () => (await (await import('/static/js/courier/db.js')).outboxEntries()).map((e) => e.client_id)")


def hand_over(page, name, photo):
    """From the round: open the stop, hand over to the applicant with signature and photo."""
    page.locator("li.stop", has_text=name).locator("a.stop-open").tap()
    page.get_by_role("link", name="Phát cho người nhận").tap()
    draw_signature(page)
    page.locator("input[name=photo]").set_input_files(photo)
    expect(page.locator("img[data-ref=photo-preview]")).to_be_visible(timeout=20_000)
    page.get_by_role("button", name="Xác nhận đã giao").tap()
    expect(page.get_by_role("heading", name="Tuyến phát hôm nay")).to_be_visible()


def fail_visit(page, name):
    page.locator("li.stop", has_text=name).locator("a.stop-open").tap()
    page.get_by_role("link", name="Không phát được").tap()
    page.get_by_text("Người nhận vắng nhà").tap()
    page.get_by_role("button", name="Ghi nhận không phát được").tap()
    expect(page.get_by_role("heading", name="Tuyến phát hôm nay")).to_be_visible()


# The outbox's ids, read with the plain IndexedDB API (no app code needed on the page).
OUTBOX_IDS_RAW = """() => new Promise((resolve, reject) => {
  const opening = indexedDB.open("courier");
  opening.onerror = () => reject(opening.error);
  opening.onsuccess = () => {
    const read = opening.result.transaction("outbox").objectStore("outbox").getAll();
    read.onsuccess = () => resolve(read.result.map((entry) => entry.client_id));
    read.onerror = () => reject(read.error);
  };
})"""


def assert_each_once(db, client_ids):
    attempts = server_attempts(db)
    counts = Counter(str(attempt.client_id) for attempt in attempts)
    assert counts == Counter(client_ids), counts


def test_a_day_offline_is_sent_once_when_the_network_returns(
        phone, db, users, four_stops, camera_photo, grainy_photo):
    open_courier_app(phone, users["courier"].username)
    phone.context.set_offline(True)
    phone.reload()
    expect(phone.locator("#net-state")).to_have_text("Mất mạng")
    expect(phone.locator("li.stop")).to_have_count(4)
    expect(phone.locator("li.stop").nth(3)).to_contain_text("Võ Minh Đức")

    for (name, _), photo in zip(PEOPLE[:3], (grainy_photo, camera_photo, camera_photo)):
        hand_over(phone, name, photo)
    fail_visit(phone, PEOPLE[3][0])
    expect(phone.locator("#pending")).to_have_text("Chờ gửi: 4")
    expect(phone.locator("li.stop").nth(0)).to_contain_text("Đã phát · chờ gửi")
    expect(phone.locator("li.stop").nth(3)).to_contain_text("Phát không thành công · chờ gửi")
    screenshot(phone, "courier-offline-pending")
    client_ids = outbox_client_ids(phone)
    assert len(client_ids) == 4 and server_attempts(db) == []
    # What the phone kept of the 20 MB picture: small enough for a weak signal, still a photo.
    kept = phone.evaluate("""async () => { const [first] = await (await import('/static/js/courier/db.js')).outboxEntries();
        const bitmap = await createImageBitmap(first.media.photo);
        return {type: first.media.photo.type, size: first.media.photo.size, width: bitmap.width, height: bitmap.height}; }""")
    assert kept["type"] == "image/webp" and kept["size"] <= 90 * 1000, kept  # images.js: WebP where the canvas makes it
    assert kept["width"] <= 1280 and kept["width"] / kept["height"] == pytest.approx(1.5, rel=0.01), kept

    phone.context.set_offline(False)
    expect(phone.locator("#pending")).to_have_text("Chờ gửi: 0", timeout=20_000)
    assert_each_once(db, client_ids)
    outcomes = [(attempt.shipment_id, attempt.outcome.value) for attempt in server_attempts(db)]
    assert outcomes == [(four_stops[0].id, "delivered"), (four_stops[1].id, "delivered"),
                        (four_stops[2].id, "delivered"), (four_stops[3].id, "failed")]  # creation order
    expect(phone.locator("li.stop").nth(0)).to_contain_text("Đã phát")
    expect(phone.locator("li.stop").nth(0)).not_to_contain_text("chờ gửi")


def test_the_outbox_waits_for_a_stopped_server(phone, db, users, four_stops, camera_photo, live_server):
    open_courier_app(phone, users["courier"].username)
    live_server.stop()
    try:
        hand_over(phone, PEOPLE[0][0], camera_photo)
        fail_visit(phone, PEOPLE[1][0])
        expect(phone.locator("#pending")).to_have_text("Chờ gửi: 2")
        phone.reload()  # the shell comes from the service worker's cache
        expect(phone.locator("#pending")).to_have_text("Chờ gửi: 2")
        client_ids = outbox_client_ids(phone)
    finally:
        live_server.start()
    # Nobody taps anything: the backoff timer sends them.
    expect(phone.locator("#pending")).to_have_text("Chờ gửi: 0", timeout=30_000)
    assert_each_once(db, client_ids)


def test_a_sync_killed_midway_sends_each_capture_once(chromium, live_server, db, users, four_stops, camera_photo):
    playwright, browser = chromium
    # Without a service worker, every send is the page's, so page.route() sees each one.
    context = browser.new_context(**playwright.devices["Pixel 7"], locale="vi-VN", base_url=live_server.url,
                                  timezone_id="Asia/Ho_Chi_Minh", service_workers="block")
    page = context.new_page()
    try:
        from tests.browser.conftest import log_in

        log_in(page, users["courier"].username, factories.PASSWORD)
        expect(page.locator("li.stop")).to_have_count(4)
        context.set_offline(True)
        for name, _ in PEOPLE[:3]:
            hand_over(page, name, camera_photo)
        client_ids = outbox_client_ids(page)

        answered = []

        def kill_after_the_first_is_stored(route):
            if answered:
                route.abort()  # the server is gone
                return
            response = route.fetch()
            answered.append(response.status)
            # Stored on the server, but the phone never hears it: the worst moment to die.
            live_server.kill()
            route.abort()

        page.route("**/api/v1/courier/attempts", kill_after_the_first_is_stored)
        context.set_offline(False)
        wait_until(page, "async () => ((await (await import('/static/js/courier/db.js')).getMeta('retry')) || {}).stopped === 'offline'")
        expect(page.locator("#pending")).to_have_text("Chờ gửi: 3")
        assert answered == [201]
        assert_each_once(db, client_ids[:1])
        live_server.start()
        page.unroute("**/api/v1/courier/attempts")
        page.get_by_role("button", name="Gửi ngay").tap()
        expect(page.locator("#pending")).to_have_text("Chờ gửi: 0", timeout=20_000)
        assert_each_once(db, client_ids)
    finally:
        context.close()
        if live_server.process.poll() is not None:
            live_server.start()


def test_the_outbox_survives_closing_the_browser(chromium, live_server, db, users, four_stops, camera_photo,
                                                 tmp_path):
    playwright, _ = chromium

    def launch():
        return launch_phone_profile(playwright, live_server.url, tmp_path / "profile")

    context = launch()
    page = context.pages[0]
    open_courier_app(page, users["courier"].username)
    context.set_offline(True)
    hand_over(page, PEOPLE[0][0], camera_photo)
    fail_visit(page, PEOPLE[1][0])
    expect(page.locator("#pending")).to_have_text("Chờ gửi: 2")
    client_ids = outbox_client_ids(page)
    context.close()

    context = launch()
    try:
        page = context.pages[0]
        # The browser's restart ended the session; the outbox is still in the profile's IndexedDB,
        # read here from a public page of the same origin, before anyone logs in again.
        page.goto("/offline")
        kept = page.evaluate(OUTBOX_IDS_RAW)
        assert sorted(kept) == sorted(client_ids) and server_attempts(db) == []
        log_in(page, users["courier"].username, factories.PASSWORD)
        expect(page.locator("#pending")).to_have_text("Chờ gửi: 0", timeout=20_000)
        assert_each_once(db, client_ids)
    finally:
        context.close()


def test_a_refused_hand_over_is_kept_and_sent_again_when_the_courier_asks(
        phone, db, users, four_stops, camera_photo, live_server):
    # The server refuses the photo past the day's upload allowance; the dispatcher raises it
    # (here: the server restarts with the default), and the courier sends the same record again.
    live_server.stop()
    live_server.env["UPLOAD_QUOTA_BYTES_PER_DAY"] = "1000"
    live_server.start()
    try:
        open_courier_app(phone, users["courier"].username)
        hand_over(phone, PEOPLE[0][0], camera_photo)
        phone.get_by_role("link", name="Cuối ngày").tap()
        held = phone.locator("ul.held li")
        expect(held).to_contain_text(PEOPLE[0][0], timeout=20_000)
        expect(held).to_contain_text("Máy chủ từ chối")
        screenshot(phone, "courier-day-held")
        client_ids = outbox_client_ids(phone)
        assert len(client_ids) == 1 and server_attempts(db) == []
    finally:
        live_server.stop()
        del live_server.env["UPLOAD_QUOTA_BYTES_PER_DAY"]
        live_server.start()
    phone.get_by_role("button", name=f"Gửi lại bản ghi của {PEOPLE[0][0]}").tap()
    expect(phone.locator("ul.held li")).to_have_count(0, timeout=20_000)
    expect(phone.locator("#pending")).to_have_text("Chờ gửi: 0")
    assert_each_once(db, client_ids)
