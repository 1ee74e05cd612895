"""A fee paid by bank transfer: the courier shows a VietQR code with the amount and the dossier code."""
import io

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import courier_round, open_courier_app, screenshot

pytestmark = pytest.mark.browser


def test_choosing_transfer_shows_a_vietqr_for_the_amount_and_dossier(phone, db, office, users):
    [shipment] = courier_round(db, office, users, [("Trần Thị Bích Ngọc", {})])
    open_courier_app(phone, users["courier"].username)
    phone.goto(f"/courier/#/handover/{shipment.public_id}")
    expect(phone.locator("[data-ref=transfer-qr]")).to_be_hidden()
    phone.get_by_text("Chuyển khoản", exact=True).tap()
    image = phone.locator("[data-ref=transfer-qr-image]")
    expect(image).to_be_visible()
    screenshot(phone, "courier-handover-transfer")
    [read] = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.screenshot())))
    assert "A000000727" in read.text and "970436" in read.text and "0011001234567" in read.text
    assert "5406225000" in read.text  # 225.000 đ: the agency fee and the postage
    assert shipment.dossier.code in read.text
