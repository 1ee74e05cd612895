"""The courier's camera at work: the label's QR opens its stop, the CCCD's QR checks the recipient.

Chromium films a QR code through its fake camera (tests/browser/camera.py). Service
workers are blocked here: that browser is launched without the phone's user agent for
workers, and the offline side is tested elsewhere.
"""
import io

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from courier.domain.tokens import new_token
from courier.models import Attempt
from tests import factories
from tests.browser.camera import camera_browsers, phone_context_options  # noqa: F401  (the fixture)
from tests.browser.conftest import camera_jpeg, courier_round, draw_signature, log_in, screenshot

pytestmark = pytest.mark.browser
CCCD_QR = "049087001234||Lê Văn Tám|01021987|Nam|Thôn 1, Xã Tam Thăng, Thành phố Đà Nẵng|12032021"
# An agency's own slip, in the Shift_JIS bytes a Japanese reader makes (no ECI says so).
SLIP = "受付番号 第１２３号"


@pytest.fixture
def camera_page(chromium, live_server, camera_browsers):  # noqa: F811
    """camera_page(text, inverted=False) -> a logged-out Pixel 7 page whose rear camera films
    the QR code of `text` (see camera.qr_frame)."""
    playwright, _ = chromium
    contexts = []

    def open_page(text, inverted=False):
        context = camera_browsers(text, inverted=inverted).new_context(**phone_context_options(playwright, live_server.url),
                                                    service_workers="block")
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def test_the_label_qr_opens_its_stop(camera_page, live_server, db, office, users):
    stops = courier_round(db, office, users, [("Trần Thị Bích Ngọc", {}), ("Huỳnh Văn Phúc", {})])
    token, token_hash = new_token()
    stops[1].add_citizen_link(token_hash, "label")
    db.session.commit()
    link = f"{live_server.url}/t/{token}"
    page = camera_page(link)
    log_in(page, users["courier"].username, factories.PASSWORD)
    page.get_by_role("link", name="Quét mã").tap()
    expect(page.get_by_role("heading", name="Huỳnh Văn Phúc")).to_be_visible(timeout=15_000)
    expect(page.locator("video")).to_have_count(0)  # the camera is closed on leaving the scan view

    # At the door, the courier shows the citizen their link to confirm on their own phone.
    page.goto(f"/courier/#/handover/{stops[1].public_id}")
    page.get_by_role("button", name="Hiện mã QR cho người nhận").tap()
    qr = page.locator("img[data-ref=qr-image]")
    expect(qr).to_be_visible()
    screenshot(page, "courier-handover-citizen-qr")
    [read] = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.screenshot())))
    assert read.text == link


def test_a_light_on_dark_label_opens_its_stop(camera_page, live_server, db, office, users):
    """A label shown white on black (on a phone in dark mode, or printed so) reads like any other."""
    stops = courier_round(db, office, users, [("Trần Thị Bích Ngọc", {}), ("Huỳnh Văn Phúc", {})])
    token, token_hash = new_token()
    stops[0].add_citizen_link(token_hash, "label")
    db.session.commit()
    page = camera_page(f"{live_server.url}/t/{token}", inverted=True)
    # The decoder is loaded while the courier looks at the round, before the camera is wanted.
    with page.expect_request(lambda request: request.url.endswith("/zxing_reader.wasm"), timeout=15_000):
        log_in(page, users["courier"].username, factories.PASSWORD)
        expect(page.locator(".round-view:not([aria-busy])")).to_be_visible()  # the round drawn
    page.get_by_role("link", name="Quét mã").tap()
    expect(page.get_by_role("heading", level=1, name="Trần Thị Bích Ngọc")).to_be_visible(timeout=15_000)


def test_a_shift_jis_code_is_read_as_its_own_text(camera_page, db, office, users):
    """Not garbled into Latin-1: the refusal names the code as it was written."""
    courier_round(db, office, users, [("Trần Thị Bích Ngọc", {})])
    page = camera_page(SLIP.encode("shift_jis"))
    log_in(page, users["courier"].username, factories.PASSWORD)
    page.get_by_role("link", name="Quét mã").tap()
    refusal = page.locator(".scan-view [data-slot=refusal]")
    expect(refusal).to_contain_text(f"Mã {SLIP} không có trong tuyến phát của bạn.", timeout=15_000)
    screenshot(page, "courier-scan-shift-jis")


def test_the_cccd_qr_fills_the_recipient_and_only_its_tail_is_kept(camera_page, db, office, users, tmp_path):
    [shipment] = courier_round(db, office, users, [("Lê Văn Tám", {"expected_id_tail": "1234"})])
    page = camera_page(CCCD_QR)
    log_in(page, users["courier"].username, factories.PASSWORD)
    page.goto(f"/courier/#/handover/{shipment.public_id}")
    page.get_by_role("button", name="Quét CCCD").tap()
    expect(page.locator(".check")).to_have_text("Số CCCD khớp với hồ sơ (********1234).", timeout=15_000)
    expect(page.get_by_label("Họ tên người nhận (ghi rõ)")).to_have_value("Lê Văn Tám")
    expect(page.locator(".override")).to_be_hidden()
    draw_signature(page)
    page.locator("input[name=photo]").set_input_files(camera_jpeg(tmp_path / "photo.jpg", size=(1600, 1200)))
    expect(page.locator("img[data-ref=photo-preview]")).to_be_visible(timeout=20_000)
    screenshot(page, "courier-handover-cccd")
    page.get_by_role("button", name="Xác nhận đã giao").tap()
    expect(page.locator("#notice")).to_have_text("Đã gửi 1 bản ghi lên máy chủ.")
    db.session.expire_all()
    [attempt] = db.session.execute(db.select(Attempt)).scalars().all()
    assert (attempt.id_check.value, attempt.id_tail_masked, attempt.recipient_name) == \
        ("matched", "********1234", "Lê Văn Tám")
    stored = page.evaluate("""async () => { const db = await import('/static/js/courier/db.js');
        return JSON.stringify([await db.journal(),
        await db.outboxEntries(), await db.getRound(), await db.getMeta('order')]); }""")
    assert "049087001234" not in stored
