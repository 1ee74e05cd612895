"""The courier's hand-over on a phone, online: proof captured, checked on the phone, stored once."""
import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from courier.domain.images import ink_ratio
from courier.domain.storage import MediaStore
from courier.models import Attempt, ProofKind
from tests.browser.conftest import (SCREENSHOTS, camera_jpeg, collect_console_errors, courier_round,
                                    draw_signature, open_courier_app, screenshot)

pytestmark = pytest.mark.browser
METRICS = Path(__file__).resolve().parents[2] / "build" / "metrics"

# Taps on anything but the signature pad, counted by the page itself.
COUNT_TAPS = """() => { window.taps = 0; document.addEventListener('pointerdown', (event) => {
  if (event.isTrusted && !event.target.closest('canvas')) window.taps += 1; }, true); }"""


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

    # The stop is opened by the code on its label, typed in (the camera's fallback).
    phone.get_by_role("link", name="Quét mã").tap()
    phone.get_by_label("Hoặc nhập mã hồ sơ").fill(two_stops[0].dossier.code)
    phone.get_by_role("button", name="Tìm").tap()
    expect(phone.get_by_role("heading", name="Trần Thị Bích Ngọc")).to_be_visible()
    screenshot(phone, "courier-stop")

    phone.evaluate(COUNT_TAPS)
    phone.get_by_role("link", name="Phát cho người nhận").tap()
    expect(phone.get_by_role("heading", name="Phát kết quả")).to_be_visible()
    expect(phone.get_by_label("Họ tên người nhận (ghi rõ)")).to_have_value("Trần Thị Bích Ngọc")
    expect(phone.get_by_label("Phí, lệ phí hồ sơ")).to_have_value("200000")
    draw_signature(phone)
    with phone.expect_file_chooser() as chooser:
        phone.locator("label.photo-button", has_text="Chụp ảnh").tap()
    chooser.value.set_files(camera_photo)
    expect(phone.locator("img[data-ref=photo-preview]")).to_be_visible(timeout=20_000)
    screenshot(phone, "courier-handover")
    phone.get_by_role("button", name="Xác nhận đã giao").tap()
    expect(phone.locator("#notice")).to_have_text("Đã gửi 1 bản ghi lên máy chủ.")
    taps = phone.evaluate("window.taps")
    assert taps <= 6, f"a standard hand-over took {taps} taps"

    expect(phone.locator("#pending")).to_have_text("Chờ gửi: 0")
    expect(phone.locator("li.stop").nth(0)).to_contain_text("Đã phát")
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
        "taps": taps, "photo_bytes": photo.size_bytes, "photo_px": [photo.width, photo.height],
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
    assert phone.evaluate("async () => (await CourierDB.outboxEntries()).length") == 0
    assert attempts(db) == []


def test_an_id_mismatch_needs_a_reason_and_only_the_masked_tail_is_kept(
        phone, db, office, users, camera_photo):
    [shipment] = courier_round(db, office, users, [("Lê Văn Tám", {"expected_id_tail": "1234"})])
    open_courier_app(phone, users["courier"].username)
    phone.goto(f"/courier/#/handover/{shipment.public_id}")
    tail = phone.get_by_label("Hoặc nhập các số cuối CCCD")
    tail.fill("049087005678")  # the whole card number, typed: it must not be kept
    phone.get_by_label("Họ tên người nhận (ghi rõ)").fill("LE VAN TAM")  # same name, no diacritics
    draw_signature(phone)
    phone.locator("input[name=photo]").set_input_files(camera_photo)
    expect(phone.locator("img[data-ref=photo-preview]")).to_be_visible(timeout=20_000)
    phone.get_by_role("button", name="Xác nhận đã giao").tap()
    expect(phone.locator("form .error[role=alert]")).to_have_text(
        "Thông tin không khớp: hãy ghi lý do vẫn giao, hoặc không giao.")
    expect(phone.locator(".override")).to_contain_text("Số CCCD không khớp với hồ sơ.")
    expect(phone.locator(".override")).not_to_contain_text("Họ tên không khớp")

    tail.fill("049087001234")
    expect(phone.locator(".check")).to_have_text("Số CCCD khớp với hồ sơ (********1234).")
    expect(phone.locator(".override")).to_be_hidden()
    phone.get_by_role("button", name="Xác nhận đã giao").tap()
    expect(phone.locator("#notice")).to_have_text("Đã gửi 1 bản ghi lên máy chủ.")
    [attempt] = attempts(db)
    assert attempt.id_check.value == "matched" and attempt.id_tail_masked == "********1234"
    assert attempt.recipient_name == "LE VAN TAM"
    stored = phone.evaluate("""async () => JSON.stringify([await CourierDB.journal(),
        await CourierDB.outboxEntries(), await CourierDB.getRound()])""")
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
