"""The envelopes a courier brought back go to the agency: handed in, listed, acknowledged at the desk.

Starts where the door left off (dossiers picked up, held by the courier); the whole day's test
walks the door itself.
"""
import subprocess
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from courier.domain.formatting import local_today
from tests import factories
from tests.browser.conftest import SCREENSHOTS, log_in, screenshot
from tests.integration.pickup_support import picked_up

pytestmark = pytest.mark.browser
WIDTH = 412


@pytest.fixture
def brought_back(db, office, users):
    requested = [factories.pickup_request(office, applicant_name=name) for name in ("Lê Thị Hoa", "Trần Văn Bình")]
    shipments = [picked_up(db, office, users["courier"], one) for one in requested]
    db.session.commit()
    return shipments, requested[0].token


def test_handed_in_listed_and_acknowledged_with_the_citizen_told(phone, db, users, brought_back):
    (first, second), token = brought_back
    log_in(phone, users["dispatcher"].username, factories.PASSWORD)
    phone.goto(f"/dispatch/shipments/{first.public_id}")
    card = phone.locator(".pickup-request")
    expect(card).to_contain_text("Cấp Phiếu lý lịch tư pháp cho công dân")
    expect(card).to_contain_text("Người dân đăng ký trên mạng")
    expect(card.locator(".documents")).to_contain_text("Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp")
    expect(phone.locator(".timeline")).to_contain_text("Hình thức: Người dân đăng ký trên mạng")
    screenshot(phone, "dispatch-shipment-pickup")
    phone.goto("/dispatch/dossiers")
    expect(phone.locator("aside")).to_contain_text(first.dossier.code)
    for shipment in (first, second):
        phone.get_by_label("Quét nhãn QR trên phong bì, hoặc gõ mã hồ sơ").fill(shipment.dossier.code)
        phone.get_by_role("button", name="Nhận vào bưu cục").tap()
        expect(phone.locator(".flash").first).to_contain_text(f"Đã nhận hồ sơ {shipment.dossier.code} vào bưu cục.")
    phone.get_by_label("Quét nhãn QR trên phong bì, hoặc gõ mã hồ sơ").fill("TN000000-XXXXXX")
    phone.get_by_role("button", name="Nhận vào bưu cục").tap()
    expect(phone.locator(".flash")).to_contain_text("Không có hồ sơ nào chờ nhận mang mã TN000000-XXXXXX.")
    assert phone.evaluate("document.documentElement.scrollWidth") <= WIDTH, "the page scrolls sideways"
    screenshot(phone, "dispatch-dossiers-handed-in")

    phone.get_by_role("button", name="Lập biên bản bàn giao cho cơ quan").tap()
    expect(phone.locator(".flash")).to_contain_text("Đã lập biên bản bàn giao")
    pdf = phone.request.get(phone.get_by_role("link", name="Tải biên bản (PDF)").first.get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "batch-list.pdf").write_bytes(pdf.body())
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", str(SCREENSHOTS / "batch-list.pdf"),
                    str(SCREENSHOTS / "batch-list")], check=True)
    phone.context.clear_cookies()

    log_in(phone, users["agency_desk"].username, factories.PASSWORD)
    expect(phone.locator("h1")).to_have_text("Hồ sơ bưu điện chuyển đến")
    expect(phone.locator(".desk-list")).to_contain_text(first.dossier.code)
    screenshot(phone, "desk-incoming")
    phone.get_by_label("Quét nhãn QR trên phong bì, hoặc gõ mã").fill(first.dossier.code)
    phone.get_by_role("button", name="Mở hồ sơ").tap()
    expect(phone.locator(".documents")).to_contain_text("Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp")
    phone.get_by_label("Mã hồ sơ của cơ quan").fill("000.00.99.H47-261203-0042")
    phone.get_by_role("button", name="Tiếp nhận", exact=True).tap()
    expect(phone.locator(".error")).to_contain_text("Mã hồ sơ không bắt đầu bằng mã của cơ quan.")
    assert phone.evaluate("document.documentElement.scrollWidth") <= WIDTH, "the page scrolls sideways"
    screenshot(phone, "desk-dossier-error")
    promised = local_today() + timedelta(days=14)
    phone.get_by_label("Mã hồ sơ của cơ quan").fill("000.00.17.H47-261203-0042")
    phone.get_by_label("Ngày hẹn trả kết quả").fill(promised.strftime("%d/%m/%Y"))
    phone.get_by_role("button", name="Tiếp nhận", exact=True).tap()
    expect(phone.locator(".flash")).to_contain_text("Đã tiếp nhận hồ sơ 000.00.17.H47-261203-0042")
    phone.context.clear_cookies()

    phone.goto(f"/t/{token}")
    phone.get_by_label("Nhập 4 số cuối số điện thoại đã đăng ký với cơ quan").fill("5678")
    phone.get_by_role("button", name="Xác minh").tap()
    expect(phone.locator(".status-text")).to_contain_text(
        f"Cơ quan đã nhận hồ sơ, hẹn trả ngày {promised.strftime('%d/%m/%Y')}.")
    expect(phone.locator(".timeline")).to_contain_text("Đang chuyển hồ sơ đến cơ quan")
    screenshot(phone, "citizen-pickup-at-agency")
