"""Labels scan back to their link, even printed small and a little blurred."""
import re

import pytest
import zxingcpp
from PIL import Image, ImageFilter

from courier.domain.labels import (
    LabelData, a4_sheet_pdf, draw_label, qr_image, sheet_pages, thermal_label_pdf,
)

LINK = "http://localhost:8000/t/i3ibYPXZFo2vEEeYOzyMuhI6"
LABEL = LabelData(LINK, "000.30.20.H47-261125-1500", "Huỳnh Thị Phương Thảo", "Phường Bàn Thạch",
                  "29/11/2026", "Hẹn trả")
PX_PER_MM_AT_300_DPI = 300 / 25.4


def decoded(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


def test_the_qr_code_uses_error_correction_m_or_higher():
    [result] = zxingcpp.read_barcodes(qr_image(LINK, 400))
    assert result.text == LINK
    assert result.ec_level in ("M", "Q", "H")


def test_a_label_decodes_to_its_link():
    assert decoded(draw_label(LABEL, (1240, 501), 300)) == [LINK]


def test_a_label_printed_with_a_2_cm_code_and_slightly_blurred_still_scans():
    qr = qr_image(LINK, 600)
    side = round(20 * PX_PER_MM_AT_300_DPI)  # 2 cm at 300 dpi, quiet zone included
    small = qr.resize((side, side), Image.BILINEAR).filter(ImageFilter.GaussianBlur(1.2))
    on_paper = Image.new("L", (side + 80, side + 80), 235)  # off-white paper around it
    on_paper.paste(small, (40, 40))
    assert decoded(on_paper) == [LINK]


def test_a_sheet_puts_fourteen_labels_on_each_a4_page():
    pages = sheet_pages([LABEL] * 15)
    assert len(pages) == 2
    assert pages[0].size == (2480, 3508)  # A4 at 300 dpi
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", a4_sheet_pdf([LABEL] * 15))) == 2


def test_every_label_on_a_sheet_page_decodes_to_its_own_link():
    labels = [LabelData(f"{LINK[:-4]}{n:04d}", f"000.30.20.H47-261125-{n:04d}", "Lê Văn Tám",
                        "Xã Tam Xuân", "29/11/2026") for n in range(14)]
    [page] = sheet_pages(labels)
    assert sorted(decoded(page.convert("L"))) == sorted(label.link for label in labels)


def test_a_thermal_label_is_a_one_page_pdf():
    pdf = thermal_label_pdf(LABEL)
    assert pdf.startswith(b"%PDF")


def test_no_labels_is_an_error():
    with pytest.raises(ValueError):
        a4_sheet_pdf([])
