"""A citizen follows their result from the envelope's QR code and confirms receipt, at phone size."""
import json
import uuid
from datetime import datetime, timezone
from urllib.parse import urlsplit

import pytest
import zxingcpp
from playwright.sync_api import expect

from courier.ledger import custody
from courier.domain.formatting import local_today
from courier.domain.labels import draw_label
from courier.domain.states import Action
from courier.models import Round, RoundStop
from courier.services import printing
from tests import factories, media
from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser

AGENCY_PHONE = "0935246810"  # what the agency gave for the applicant; the citizen knows their own number


@pytest.fixture
def labelled(app, db, office, users):
    """A received shipment on the courier's round, its label printed by the dispatcher."""
    shipment = factories.shipment(office, applicant_name="Nguyễn Văn An", street="45 Hùng Vương",
                                  applicant_phone=AGENCY_PHONE)
    custody.apply(shipment, Action.RECEIVE, max_attempts=3)
    round_ = Round(courier=users["courier"], post_office=office, round_date=local_today())
    round_.stops.append(RoundStop(shipment=shipment, position=0))
    custody.apply(shipment, Action.ASSIGN, max_attempts=3)
    db.session.add(round_)
    with app.test_request_context():  # the label's caption is translated for the dispatcher
        [label] = printing.issue([shipment], users["dispatcher"], "https://phat.example.vn", "a4")
    db.session.commit()
    # Read the link back from the printed label, as the citizen's phone camera would.
    [result] = zxingcpp.read_barcodes(draw_label(label, (1240, 501), 300))
    return shipment, urlsplit(result.text).path


def hand_over_through_the_api(chromium, live_server, shipment, courier):
    """The courier's phone sends the hand-over to the real sync endpoint."""
    playwright, browser = chromium
    context = browser.new_context(**playwright.devices["Pixel 7"], base_url=live_server.url)
    page = context.new_page()
    log_in(page, courier.username, factories.PASSWORD)
    token = context.request.get("/api/v1/courier/round").headers["x-csrftoken"]
    attempt = {"client_id": str(uuid.uuid4()), "shipment_id": str(shipment.public_id), "outcome": "delivered",
               "captured_at": datetime.now(timezone.utc).isoformat(), "consent_version": "2026-11",
               "recipient": {"name": "Nguyễn Văn An", "relationship": "applicant", "id_check": "not_given"},
               "fees": {"agency": 200000, "postage": 25000, "method": "cash"}}
    response = context.request.post("/api/v1/courier/attempts", headers={"X-CSRFToken": token}, multipart={
        "attempt": json.dumps(attempt),
        "signature": {"name": "signature.png", "mimeType": "image/png", "buffer": media.signature_png()},
        "photo": {"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": media.photo_jpeg()},
    })
    assert response.status == 201, response.text()
    context.close()


def types_the_phone_digits(page, digits: str) -> None:
    """The citizen proves it is them: the last four digits of the phone they gave the agency."""
    page.get_by_label("Nhập 4 số cuối số điện thoại đã đăng ký với cơ quan").fill(digits)
    page.get_by_role("button", name="Xác minh").click()  # tap on a phone; some callers are desktops


def test_a_citizen_follows_the_label_link_and_confirms_after_the_hand_over(phone, chromium, live_server, users,
                                                                         labelled):
    shipment, path = labelled
    assert path.startswith("/t/")
    phone.goto(path)
    # Anyone holding the envelope: the states, the masked name, not the procedure.
    expect(phone.get_by_role("heading", name="Kết quả thủ tục hành chính")).to_be_visible()
    expect(phone.get_by_text("Nguyễn V** A**")).to_be_visible()
    expect(phone.locator(".timeline li")).to_have_count(3)  # registered, received, assigned
    expect(phone.get_by_text("Kết quả chỉ được giao cho chính người nộp hồ sơ")).to_be_visible()
    assert "45 Hùng Vương" not in phone.content() and "Cấp phiếu lý lịch tư pháp" not in phone.content()
    screenshot(phone, "citizen-check-before")

    types_the_phone_digits(phone, "8011")  # a slip of the finger
    expect(phone.get_by_text("Số chưa đúng. Bạn còn 4 lần thử.")).to_be_visible()
    screenshot(phone, "citizen-check-error")
    types_the_phone_digits(phone, AGENCY_PHONE[-4:])
    expect(phone.get_by_text("Đã xác minh.")).to_be_visible()
    expect(phone.get_by_role("heading", name="Cấp phiếu lý lịch tư pháp")).to_be_visible()
    expect(phone.get_by_role("heading", name="Nhắn cho bưu tá")).to_be_visible()
    screenshot(phone, "citizen-check-after")

    hand_over_through_the_api(chromium, live_server, shipment, users["courier"])

    phone.reload()
    expect(phone.locator(".status-line .chip")).to_have_text("Đã phát")
    expect(phone.get_by_text("Đã giao lúc")).to_be_visible()
    handover = phone.locator(".handed-over")
    expect(handover).to_contain_text("Nguyễn Văn An")  # the proof, now that the citizen has shown who they are
    expect(handover).to_contain_text(users["courier"].full_name)
    expect(handover.locator("img.signature")).to_be_visible()
    screenshot(phone, "citizen-after-delivery")
    phone.locator("label.star", has_text="5").tap()
    phone.get_by_role("button", name="Tôi đã nhận được kết quả").tap()
    expect(phone.get_by_text("Cảm ơn bạn đã xác nhận đã nhận kết quả.")).to_be_visible()
    expect(phone.get_by_role("button", name="Tôi chưa nhận được")).to_have_count(0)  # one answer only
    screenshot(phone, "citizen-confirmed")

    phone.get_by_role("link", name="Xem biên bản giao nhận").tap()
    expect(phone.get_by_role("heading", name="Biên bản giao nhận kết quả")).to_be_visible()
    expect(phone.locator(".proofs .chip").first).to_have_text("Hợp lệ")
    expect(phone.locator("img.signature")).to_be_visible()
    assert phone.evaluate("document.querySelector('img.signature').naturalWidth") > 0
    screenshot(phone, "citizen-receipt")


def test_whoever_guesses_five_times_is_told_the_check_is_locked_and_given_the_hotline(phone, labelled):
    _shipment, path = labelled
    phone.goto(path)
    for guess in ("1111", "2222", "3333", "4444", "5555"):
        types_the_phone_digits(phone, guess)
    expect(phone.get_by_role("alert").filter(has_text="tạm khóa đến")).to_be_visible()
    expect(phone.get_by_label("Nhập 4 số cuối số điện thoại đã đăng ký với cơ quan")).to_have_count(0)
    expect(phone.locator(".phone-check a.call")).to_have_attribute("href", "tel:02353851234")
    screenshot(phone, "citizen-check-locked")
