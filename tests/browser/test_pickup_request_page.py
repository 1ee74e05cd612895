"""A citizen asks for a pickup of their dossier from a phone, and follows it by the link they are given."""
import io
from datetime import timedelta

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from courier.domain.formatting import format_date, local_today
from courier.models import Pickup, Shipment
from tests import factories
from tests.browser.conftest import collect_console_errors, log_in, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def procedure(db, office):
    record = factories.procedure(office)
    db.session.commit()
    return record


def fills_in_the_form(page, procedure, phone_number: str) -> None:
    page.get_by_label("Thủ tục", exact=True).select_option(str(procedure.id))
    page.get_by_label("Họ và tên người nộp hồ sơ").fill("Lê Thị Hoa")
    page.get_by_label("Số điện thoại").fill(phone_number)
    page.get_by_label("Số nhà, đường, thôn, tổ").fill("45 Trần Cao Vân")
    page.get_by_label("Phường, xã").select_option(label="Phường Tam Kỳ")
    page.get_by_label("Ngày hẹn bưu tá đến").fill((local_today() + timedelta(days=3)).isoformat())
    page.get_by_label("Buổi sáng (8:00–11:30)").check()
    page.get_by_label("Lời nhắn cho bưu tá (không bắt buộc)").fill("Nhà trong hẻm, gọi trước 15 phút")


def test_a_citizen_asks_for_a_pickup_and_opens_the_tracking_link(phone, db, procedure):
    problems = collect_console_errors(phone)
    phone.goto("/pickup")
    documents = phone.locator(f'.procedure-info[data-procedure="{procedure.id}"]')
    expect(documents).to_be_hidden()
    fills_in_the_form(phone, procedure, "0912 345")
    expect(documents).to_be_visible()  # as soon as the procedure is chosen
    expect(documents).to_contain_text("Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp")
    expect(documents).to_contain_text("200.000 ₫")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 412
    screenshot(phone, "pickup-request")

    phone.get_by_role("button", name="Gửi yêu cầu").tap()
    expect(phone.get_by_text("Có 2 chỗ cần sửa")).to_be_visible()
    expect(phone.get_by_text("Số điện thoại không đúng (ví dụ 0905123456).")).to_be_visible()
    expect(phone.get_by_text("Cần đồng ý để bưu điện dùng thông tin này")).to_be_visible()
    expect(phone.get_by_label("Họ và tên người nộp hồ sơ")).to_have_value("Lê Thị Hoa")
    expect(phone.get_by_label("Buổi sáng (8:00–11:30)")).to_be_checked()
    expect(documents).to_be_visible()
    screenshot(phone, "pickup-request-errors")

    phone.get_by_label("Số điện thoại").fill("0912 345 678")
    phone.get_by_label("Tôi đồng ý cho bưu điện dùng các thông tin trên như đã nêu").check()
    phone.get_by_role("button", name="Gửi yêu cầu").tap()
    expect(phone.get_by_role("heading", name="Đã nhận yêu cầu")).to_be_visible()
    assert phone.url.endswith("/pickup/requested")
    reference = db.session.execute(db.select(Shipment)).scalar_one().dossier.code
    expect(phone.locator(".reference")).to_have_text(reference)
    expect(phone.get_by_text(format_date(local_today() + timedelta(days=3)))).to_be_visible()
    link = phone.locator("p.link a").inner_text()
    assert "/t/" in link and "/t/" not in phone.url
    # What a second phone's camera reads from the QR code on screen is that same link.
    [read] = zxingcpp.read_barcodes(Image.open(io.BytesIO(phone.locator("img.qr").screenshot())))
    assert read.text == link
    assert phone.evaluate("document.documentElement.scrollWidth") <= 412
    screenshot(phone, "pickup-requested")

    phone.reload()  # shows the confirmation again, sends nothing
    expect(phone.get_by_role("heading", name="Đã nhận yêu cầu")).to_be_visible()
    db.session.expire_all()
    assert len(db.session.execute(db.select(Pickup)).scalars().all()) == 1

    phone.get_by_role("link", name="Mở trang theo dõi").tap()
    expect(phone.get_by_role("heading", name="Cấp Phiếu lý lịch tư pháp cho công dân")).to_be_visible()
    expect(phone.get_by_role("button", name="Xác minh")).to_have_count(0)  # the requester is not asked
    assert [problem for problem in problems if "status of 422" not in problem] == []  # the form sent back


def test_a_clerk_types_in_a_request_taken_by_phone(phone, db, users, procedure):
    log_in(phone, users["dispatcher"].username, factories.PASSWORD)
    phone.get_by_role("link", name="Hẹn nhận hồ sơ").tap()
    fills_in_the_form(phone, procedure, "0935 111 222")
    phone.get_by_label("Người dân đã đồng ý qua điện thoại").check()
    screenshot(phone, "dispatch-pickup-new")
    phone.get_by_role("button", name="Lưu yêu cầu").tap()
    phone.wait_for_url("**/dispatch/shipments/*")
    shipment = db.session.execute(db.select(Shipment)).scalar_one()
    assert phone.url.endswith(f"/dispatch/shipments/{shipment.public_id}")
    said = phone.get_by_text(f"Đã ghi yêu cầu {shipment.dossier.code}")
    expect(said).to_be_visible()
    expect(said).to_contain_text("/t/")  # the link, to read out or text
    screenshot(phone, "dispatch-pickup-saved")
