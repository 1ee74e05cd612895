"""At the door (#19): the courier takes a citizen's dossier in on the phone, offline, through the outbox."""
import io

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from courier.domain.attempts import Outcome
from courier.domain.states import State
from courier.models import Attempt
from courier.vocabulary import PICKUP_CONSENT_VERSION
from tests import factories
from tests.browser.conftest import (collect_console_errors, draw_signature, open_courier_app, pending_count,
                                    screenshot)
from tests.integration.dispatch_support import on_round, received

pytestmark = pytest.mark.browser
FORM = "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp"


@pytest.fixture
def door_round(db, office, users):
    """Today's round: a result, then a pickup of a procedure with a required form and an optional copy."""
    result = received(office, users["dispatcher"], applicant_name="Trần Thị Bích Ngọc")
    procedure = factories.procedure(office)
    pickup = factories.pickup_request(office, procedure, applicant_name="Lê Thị Hoa").shipment
    on_round(office, users["courier"], users["dispatcher"], [result, pickup])
    db.session.commit()
    return {"pickup": pickup, "documents": {document.name: document.id for document in procedure.documents}}


def open_pickup(phone, button):
    phone.locator("li.stop", has_text="Lê Thị Hoa").locator("a.stop-open").tap()
    phone.get_by_role("link", name=button, exact=True).tap()


def door_attempt(db, shipment):
    db.session.expire_all()
    return db.session.execute(db.select(Attempt).filter_by(shipment_id=shipment.id)).scalar_one()


def test_the_courier_takes_the_dossier_in_offline_and_shows_a_receipt(phone, db, users, door_round):
    errors = collect_console_errors(phone)
    open_courier_app(phone, users["courier"].username)
    phone.context.set_offline(True)
    expect(phone.locator("#net-state")).to_have_text("Mất mạng")
    open_pickup(phone, "Nhận hồ sơ")
    expect(phone.get_by_role("heading", name="Nhận hồ sơ tại nhà")).to_be_visible()
    boxes = phone.locator(".checklist .check-item")
    expect(boxes).to_have_count(2)
    expect(boxes.first).to_contain_text(f"{FORM} 1 bản sao · bắt buộc")
    expect(phone.get_by_label("Người giao hồ sơ")).to_have_value("Lê Thị Hoa")
    expect(phone.get_by_label("Phí, lệ phí hồ sơ")).to_have_value("200000")
    confirm = phone.get_by_role("button", name="Xác nhận đã nhận hồ sơ")
    blocker = phone.locator(".action-bar [data-slot=blocker]")

    # Each thing the server would refuse keeps the confirm disabled, and says so.
    expect(confirm).to_be_disabled()
    expect(blocker).to_have_text("Chưa đánh dấu đủ giấy tờ bắt buộc: còn thiếu 1.")
    boxes.filter(has_text=FORM).locator("input").check()
    expect(blocker).to_have_text("Hãy ghi số trang đã đếm, từ 1 đến 500.")
    pages = phone.get_by_label("Số trang (tờ) đã đếm")
    pages.fill("501")
    expect(blocker).to_have_text("Hãy ghi số trang đã đếm, từ 1 đến 500.")
    pages.fill("14")
    expect(blocker).to_have_text("Mời người giao hồ sơ ký vào ô ký tên.")
    expect(confirm).to_be_disabled()
    screenshot(phone, "courier-door-checklist")
    draw_signature(phone)
    expect(blocker).to_be_hidden()
    expect(confirm).to_be_enabled()
    confirm.tap()

    # Kept on the phone, the receipt at once: the citizen's link as a QR, what was taken in.
    expect(phone.get_by_role("heading", name="Biên nhận hồ sơ")).to_be_visible()
    code = door_round["pickup"].dossier.code
    expect(phone.locator(".receipt-code")).to_have_text(code)
    expect(phone.locator("img.receipt-qr")).to_be_visible()
    receipt = phone.locator(".receipt-view .facts")
    expect(receipt).to_contain_text(FORM)
    expect(receipt).not_to_contain_text("Bản chụp CCCD")
    expect(receipt.locator("[data-slot=pages]")).to_have_text("14")
    expect(receipt.locator("[data-slot=fee]")).to_have_text("200.000 ₫ · Tiền mặt")
    expect(phone.locator(".receipt-view")).to_contain_text("Người dân quét mã QR này bằng điện thoại")
    [read] = zxingcpp.read_barcodes(Image.open(io.BytesIO(phone.locator("img.receipt-qr").screenshot())))
    assert "/t/" in read.text  # the citizen's link (it opens the dossier's page: test_pickup_service)
    pending_count(phone).to_have_text("Chờ gửi: 1")
    screenshot(phone, "courier-door-receipt")
    phone.get_by_role("link", name="Về tuyến phát").tap()
    phone.locator(".done-group summary").tap()  # the stop is done: folded away with the finished ones
    phone.locator("li.stop", has_text="Lê Thị Hoa").locator("a.stop-open").tap()
    expect(phone.locator(".stop-view [data-slot=done]")).to_have_text("Đã nhận hồ sơ.")
    expect(phone.get_by_role("link", name="Nhận hồ sơ", exact=True)).to_be_hidden()

    phone.context.set_offline(False)
    pending_count(phone).to_have_text("Chờ gửi: 0", timeout=20_000)
    attempt = door_attempt(db, door_round["pickup"])
    assert attempt.outcome is Outcome.PICKED_UP and attempt.pages == 14
    assert attempt.documents == [door_round["documents"][FORM]]
    assert (attempt.recipient_name, attempt.fee_agency_collected) == ("Lê Thị Hoa", 200_000)
    assert attempt.consent_version == PICKUP_CONSENT_VERSION
    assert [str(proof.kind) for proof in attempt.proofs] == ["signature"]
    assert door_round["pickup"].state is State.PICKED_UP and door_round["pickup"].pickup.pages == 14
    assert errors == []


def test_a_missing_document_is_recorded_as_a_refusal(phone, db, users, door_round):
    errors = collect_console_errors(phone)
    open_courier_app(phone, users["courier"].username)
    open_pickup(phone, "Không nhận được")
    expect(phone.get_by_role("heading", name="Không nhận được hồ sơ")).to_be_visible()
    missing = phone.locator("fieldset.checklist")
    expect(missing).to_be_hidden()
    phone.get_by_text("Thiếu giấy tờ bắt buộc").tap()
    expect(missing.locator(".check-item")).to_have_count(1)  # only what is required can be lacking
    submit = phone.get_by_role("button", name="Ghi nhận không nhận được hồ sơ")
    submit.tap()
    expect(phone.locator(".fail-view .error")).to_have_text("Hãy đánh dấu giấy tờ còn thiếu.")
    missing.locator(".check-item", has_text=FORM).locator("input").check()
    screenshot(phone, "courier-door-refusal")
    submit.tap()
    expect(phone.get_by_role("heading", name="Tuyến phát hôm nay")).to_be_visible()
    pending_count(phone).to_have_text("Chờ gửi: 0", timeout=20_000)
    attempt = door_attempt(db, door_round["pickup"])
    assert attempt.outcome is Outcome.PICKUP_REFUSED
    assert attempt.missing_documents == [door_round["documents"][FORM]]
    assert door_round["pickup"].state is State.PICKUP_REFUSED
    assert errors == []
