"""The courier's hand-over on a phone, online: proof captured, checked on the phone, stored once."""
import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from courier.ledger import custody
from courier.domain.images import ink_ratio
from courier.domain.storage import MediaStore
from courier.models import Attempt, ProofKind
from courier.domain.tokens import new_token
from tests import factories
from tests.browser.camera import camera_browsers, phone_context_options  # noqa: F401  (the fixture)
from tests.browser.conftest import (SCREENSHOTS, camera_jpeg, collect_console_errors, courier_round,
                                    draw_signature, log_in, open_courier_app, screenshot)

pytestmark = pytest.mark.browser
METRICS = Path(__file__).resolve().parents[2] / "build" / "metrics"

# Taps on anything but the signature pad, counted by the page itself.
COUNT_TAPS = """() => { window.taps = 0; document.addEventListener('pointerdown', (event) => {
  if (event.isTrusted && !event.target.closest('canvas')) window.taps += 1; }, true); }"""
# Whether an element is whole in the part of the screen the courier sees: under the sticky top
# bar, above the bottom navigation and the hand-over's action bar (unless it is in that bar).
IN_SIGHT = """(element) => {
  const box = element.getBoundingClientRect();
  const top = document.querySelector('.topbar').getBoundingClientRect().bottom;
  const bars = [...document.querySelectorAll('.bottomnav, .action-bar')].filter((bar) => !bar.contains(element));
  const bottom = Math.min(window.innerHeight, ...bars.map((bar) => bar.getBoundingClientRect().top));
  return box.top >= top && box.bottom <= bottom;
}"""
NOTE = "Tôi ở nhà sau 17 giờ, gọi trước khi đến"


class Courier:
    """The courier's gestures on the phone: taps (counted by the page, plus the camera's shutter)
    and the scrolls needed to bring what comes next into sight."""

    def __init__(self, page):
        self.page = page
        self.scrolls = 0
        self.shutters = 0
        page.evaluate(COUNT_TAPS)

    def reach(self, locator):
        if not locator.evaluate(IN_SIGHT):
            self.scrolls += 1
            locator.evaluate("(element) => element.scrollIntoView({block: 'center'})")
        return locator

    def tap(self, locator):
        self.reach(locator).tap()

    def photo(self, label, picture):
        with self.page.expect_file_chooser() as chooser:
            self.tap(label)
        chooser.value.set_files(picture)
        self.shutters += 1  # the camera app's own button

    @property
    def taps(self):
        return self.page.evaluate("window.taps") + self.shutters


@pytest.fixture(scope="session")
def camera_photo(tmp_path_factory):
    return camera_jpeg(tmp_path_factory.mktemp("photos") / "camera.jpg")


@pytest.fixture
def two_stops(db, office, users):
    return courier_round(db, office, users, [
        ("Trần Thị Bích Ngọc", {"latitude": 15.5731, "longitude": 108.4745}),
        ("Huỳnh Văn Phúc", {"fee_agency": 1_250_000}),
    ])


def attempts(db):
    db.session.expire_all()
    return db.session.execute(db.select(Attempt)).scalars().all()


def test_a_standard_hand_over_takes_few_taps_and_stores_proof_once(
        phone, db, app, live_server, users, two_stops, camera_photo):
    custody.note(two_stops[0], "citizen_note", actor_label="citizen", details={"note": NOTE})
    db.session.commit()
    errors = collect_console_errors(phone)
    phone.context.grant_permissions(["geolocation"])
    phone.context.set_geolocation({"latitude": 15.5735, "longitude": 108.4741, "accuracy": 8})
    open_courier_app(phone, users["courier"].username)
    stops = phone.locator("li.stop")
    expect(stops).to_have_count(2)
    expect(stops.nth(0)).to_contain_text("Trần Thị Bích Ngọc")
    expect(stops.nth(0)).to_contain_text("Đang phát")
    expect(stops.nth(0)).to_contain_text("225.000 ₫")
    expect(stops.nth(1)).to_contain_text("1.275.000 ₫")
    expect(stops.nth(0).locator("a[href^='tel:0905123456']")).to_be_visible()
    expect(stops.nth(0).locator("a[href^='geo:15.5731,108.4745']")).to_be_visible()
    expect(stops.nth(1).get_by_role("link", name="Chỉ đường")).to_have_attribute(
        "href", "https://www.google.com/maps/search/?api=1&query=12%20Phan%20Ch%C3%A2u%20Trinh%2C%20Ph%C6%B0%E1%BB%9Dng%20Tam%20K%E1%BB%B3")
    expect(phone.locator("#net-state")).to_have_text("Có mạng")
    expect(phone.locator("#pending")).to_have_text("Chờ gửi: 0")
    screenshot(phone, "courier-round")

    # The courier at the door: the stop from the list, the hand-over, the recipient signs, the
    # photo, confirm. Every gesture counts, scrolling to find the next thing included.
    courier = Courier(phone)
    courier.tap(stops.nth(0).locator("a.stop-open"))
    expect(phone.get_by_role("heading", name="Trần Thị Bích Ngọc")).to_be_visible()
    expect(phone.locator(".citizen-note")).to_have_text(f"Lời nhắn của người dân {NOTE}")
    expect(phone.locator(".citizen-note")).to_be_in_viewport()
    screenshot(phone, "courier-stop-citizen-note")
    courier.tap(phone.get_by_role("link", name="Phát cho người nhận"))
    expect(phone.get_by_role("heading", name="Phát kết quả")).to_be_visible()
    expect(phone.get_by_label("Họ tên người nhận (ghi rõ)")).to_have_value("Trần Thị Bích Ngọc")
    expect(phone.get_by_label("Phí, lệ phí hồ sơ")).to_have_value("200000")
    expect(phone.locator(".citizen-note")).to_contain_text(NOTE)  # the citizen asked: read at the door
    expect(phone.locator(".citizen-note")).to_be_visible()
    courier.reach(phone.locator("canvas.signature"))
    confirm = phone.get_by_role("button", name="Xác nhận đã giao")
    assert confirm.evaluate(IN_SIGHT), "the confirm button is in sight while the pad is"
    phone.screenshot(path=str(SCREENSHOTS / "courier-handover-top.png"))  # what the courier sees first
    draw_signature(phone)
    courier.photo(phone.locator("label.photo-button", has_text="Chụp ảnh"), camera_photo)
    expect(phone.locator("img[data-ref=photo-preview]")).to_be_visible(timeout=20_000)
    screenshot(phone, "courier-handover")
    courier.tap(phone.get_by_role("button", name="Xác nhận đã giao"))
    expect(phone.locator("#notice")).to_have_text("Đã gửi 1 bản ghi lên máy chủ.")
    taps, scrolls = courier.taps, courier.scrolls
    assert (taps, scrolls) == (5, 0), f"a standard hand-over took {taps} taps and {scrolls} scrolls"

    expect(phone.locator("#pending")).to_have_text("Chờ gửi: 0")
    # The finished stop folds away at the end of the list; what is left to do comes first.
    expect(phone.locator("li.stop").nth(0)).to_contain_text("Huỳnh Văn Phúc")
    expect(phone.locator("summary", has_text="Đã xong (1)")).to_be_visible()
    expect(phone.locator("li.stop", has_text="Trần Thị Bích Ngọc")).to_be_hidden()
    phone.locator("summary", has_text="Đã xong (1)").tap()
    expect(phone.locator("li.stop", has_text="Trần Thị Bích Ngọc")).to_contain_text("Đã phát")
    [attempt] = attempts(db)
    assert attempt.outcome.value == "delivered" and attempt.shipment_id == two_stops[0].id
    assert attempt.recipient_name == "Trần Thị Bích Ngọc" and attempt.id_check.value == "not_given"
    assert (attempt.fee_agency_collected, attempt.fee_postage_collected, attempt.payment_method) == \
        (200_000, 25_000, "cash")
    assert attempt.latitude == pytest.approx(15.5735) and attempt.gps_accuracy_m == 8
    assert attempt.consent_version == "2026-11"  # the text shown beside the signature pad
    proofs = {proof.kind: proof for proof in attempt.proofs}
    assert set(proofs) == {ProofKind.SIGNATURE, ProofKind.PHOTO}
    photo = proofs[ProofKind.PHOTO]
    assert photo.size_bytes < 150 * 1024 and max(photo.width, photo.height) <= 1280
    assert max(photo.width, photo.height) >= 600, "downscaled, not destroyed"
    # The pad is about 1000 px wide on this phone; the proof is kept at 600, a clear signature.
    signature = proofs[ProofKind.SIGNATURE]
    assert signature.width == 600 and 250 <= signature.height <= 400, (signature.width, signature.height)
    stored = MediaStore(live_server.env["MEDIA_DIR"]).get(signature.sha256)
    assert ink_ratio(stored) > 0.005
    (SCREENSHOTS / "courier-signature-proof.png").write_bytes(stored)  # the proof as kept, to look at
    assert errors == []
    # `make bench` reports these figures from the latest run of this test.
    METRICS.mkdir(parents=True, exist_ok=True)
    (METRICS / "handover.json").write_text(json.dumps({
        "taps": taps, "scrolls": scrolls, "photo_bytes": photo.size_bytes, "photo_px": [photo.width, photo.height],
        "signature_bytes": signature.size_bytes, "signature_px": [signature.width, signature.height]}))


def test_a_blank_signature_is_refused_and_nothing_is_queued(phone, db, users, two_stops, camera_photo):
    open_courier_app(phone, users["courier"].username)
    phone.goto(f"/courier/#/handover/{two_stops[0].public_id}")
    phone.locator("input[name=photo]").set_input_files(camera_photo)
    expect(phone.locator("img[data-ref=photo-preview]")).to_be_visible(timeout=20_000)
    phone.get_by_role("button", name="Xác nhận đã giao").tap()
    expect(phone.get_by_role("alert")).to_have_text(
        "Chữ ký quá ngắn hoặc chưa ký. Mời người nhận ký lại rõ hơn.")
    # A short scratch is no better than nothing.
    box = phone.locator("canvas.signature").bounding_box()
    phone.mouse.move(box["x"] + 50, box["y"] + 50)
    phone.mouse.down()
    phone.mouse.move(box["x"] + 70, box["y"] + 55, steps=3)
    phone.mouse.up()
    phone.get_by_role("button", name="Xác nhận đã giao").tap()
    expect(phone.get_by_role("alert")).to_contain_text("Chữ ký quá ngắn")
    expect(phone.locator("#pending")).to_have_text("Chờ gửi: 0")
    assert phone.evaluate("async () => (await (await import('/static/js/courier/db.js')).outboxEntries()).length") == 0
    assert attempts(db) == []


def test_an_id_mismatch_needs_a_reason_and_only_the_masked_tail_is_kept(
        phone, db, office, users, camera_photo):
    [shipment] = courier_round(db, office, users, [("Lê Văn Tám", {"expected_id_tail": "1234"})])
    open_courier_app(phone, users["courier"].username)
    phone.goto(f"/courier/#/handover/{shipment.public_id}")
    tail = phone.get_by_label("Hoặc nhập các số cuối CCCD")
    phone.get_by_label("Họ tên người nhận (ghi rõ)").fill("LE VAN TAM")  # same name, no diacritics
    draw_signature(phone)
    phone.locator("input[name=photo]").set_input_files(camera_photo)
    expect(phone.locator("img[data-ref=photo-preview]")).to_be_visible(timeout=20_000)
    # No ID given: asked for, not taken for a mismatch to excuse.
    phone.get_by_role("button", name="Xác nhận đã giao").tap()
    error = phone.locator("form .error[role=alert]")
    expect(error).to_have_text("Hồ sơ yêu cầu đối chiếu CCCD: hãy quét CCCD hoặc nhập các số cuối.")
    expect(error).to_be_in_viewport()
    expect(phone.locator(".override")).to_be_hidden()
    screenshot(phone, "courier-handover-id-missing")
    tail.fill("049087005678")  # the whole card number, typed: it must not be kept
    expect(error).to_be_hidden()  # the digits are there now: the request is answered
    phone.get_by_role("button", name="Xác nhận đã giao").tap()
    expect(phone.locator("form .error[role=alert]")).to_have_text(
        "Thông tin không khớp: hãy ghi lý do vẫn giao, hoặc không giao.")
    expect(phone.locator(".override")).to_contain_text("Số CCCD không khớp với hồ sơ.")
    expect(phone.locator(".override")).not_to_contain_text("Họ tên không khớp")

    tail.fill("049087001234")
    expect(phone.locator(".check")).to_have_text("Số CCCD khớp với hồ sơ (********1234).")
    expect(phone.locator(".override")).to_be_hidden()
    expect(error).to_be_hidden()  # the right digits: no stale "Thông tin không khớp"
    phone.get_by_role("button", name="Xác nhận đã giao").tap()
    expect(phone.locator("#notice")).to_have_text("Đã gửi 1 bản ghi lên máy chủ.")
    [attempt] = attempts(db)
    assert attempt.id_check.value == "matched" and attempt.id_tail_masked == "********1234"
    assert attempt.recipient_name == "LE VAN TAM"
    stored = phone.evaluate("""async () => { const db = await import('/static/js/courier/db.js');
        return JSON.stringify([await db.journal(),
        await db.outboxEntries(), await db.getRound()]); }""")
    assert "049087001234" not in stored and "049087005678" not in stored


def test_an_authorised_person_needs_the_letter(phone, db, office, users, camera_photo):
    from courier.models import AuthorisedPerson

    [shipment] = courier_round(db, office, users, [("Phạm Thị Hoa", {})])
    shipment.dossier.authorised_persons.append(
        AuthorisedPerson(full_name="Phạm Văn Nam", relationship_to_applicant="con trai"))
    db.session.commit()
    open_courier_app(phone, users["courier"].username)
    phone.goto(f"/courier/#/handover/{shipment.public_id}")
    phone.get_by_text("Người được ủy quyền", exact=True).tap()
    phone.get_by_text("Phạm Văn Nam (con trai)").tap()
    expect(phone.get_by_label("Họ tên người nhận (ghi rõ)")).to_have_value("Phạm Văn Nam")
    expect(phone.get_by_label("Quan hệ với người nộp hồ sơ")).to_have_value("con trai")
    draw_signature(phone)
    phone.locator("input[name=photo]").set_input_files(camera_photo)
    expect(phone.locator("img[data-ref=photo-preview]")).to_be_visible(timeout=20_000)
    phone.get_by_role("button", name="Xác nhận đã giao").tap()
    expect(phone.locator("form .error[role=alert]")).to_have_text("Hãy chụp ảnh giấy ủy quyền.")
    phone.locator("input[name=authorisation_letter]").set_input_files(camera_photo)
    expect(phone.locator("img[data-ref=letter-preview]")).to_be_visible(timeout=20_000)
    phone.get_by_role("button", name="Xác nhận đã giao").tap()
    expect(phone.locator("#notice")).to_have_text("Đã gửi 1 bản ghi lên máy chủ.")
    [attempt] = attempts(db)
    assert attempt.recipient_relationship.value == "authorised" and attempt.recipient_name == "Phạm Văn Nam"
    assert {proof.kind for proof in attempt.proofs} == {
        ProofKind.SIGNATURE, ProofKind.PHOTO, ProofKind.AUTHORISATION_LETTER}


def test_the_citizen_qr_is_offered_on_a_stop_opened_from_the_list(chromium, live_server, camera_browsers,  # noqa: F811
                                                                  db, office, users):
    """The link is not on the phone until a label is read: the courier who tapped the stop reads
    the envelope at the door, above the confirm button, and the recipient scans the big code."""
    import io

    import zxingcpp
    from PIL import Image

    playwright, _ = chromium
    stops = courier_round(db, office, users, [("Trần Thị Bích Ngọc", {}), ("Huỳnh Văn Phúc", {})])
    token, token_hash = new_token()
    stops[1].add_citizen_link(token_hash, "label")
    db.session.commit()
    link = f"{live_server.url}/t/{token}"
    context = camera_browsers(link).new_context(**phone_context_options(playwright, live_server.url),
                                                service_workers="block")
    try:
        page = context.new_page()
        log_in(page, users["courier"].username, factories.PASSWORD)
        page.locator("li.stop", has_text="Huỳnh Văn Phúc").locator("a.stop-open").tap()
        page.get_by_role("link", name="Phát cho người nhận").tap()
        show = page.get_by_role("button", name="Hiện mã QR cho người nhận")
        confirm = page.get_by_role("button", name="Xác nhận đã giao")
        show.scroll_into_view_if_needed()
        assert show.bounding_box()["y"] + show.bounding_box()["height"] <= confirm.bounding_box()["y"]
        show.tap()
        qr = page.locator("img[data-ref=qr-image]")
        expect(qr).to_be_visible(timeout=15_000)
        expect(page.locator("video")).to_have_count(0)  # the camera is let go once the label is read
        qr.scroll_into_view_if_needed()
        screenshot(page, "courier-handover-citizen-qr-tapped")
        [read] = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.screenshot())))
        assert read.text == link
    finally:
        context.close()
