"""A dispatcher, on a phone, takes in an older one-stop-shop system's Excel 97 export.

The file is the agency's own (tests/intake_files.py): a title row, its own header words, rows
4, 7 and 9 broken, rows 11 and 12 importable with warnings. One column's header is a word we
do not know, so the mapping step asks; the dispatcher maps it, imports the valid rows, and the
agency's next file is read with the remembered mapping, asking nothing and adding nothing.
"""
import pytest
from playwright.sync_api import expect

from tests import factories, intake_files
from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser
UNKNOWN_HEADER = "Mã tra cứu HS"  # the export's own word for the dossier code


@pytest.fixture
def agency_of_the_office(db, office):
    factories.agency(intake_files.AGENCY).post_office = office
    db.session.commit()


def export_with_unknown_code_header() -> bytes:
    headers = list(intake_files.HEADERS)
    headers[1] = UNKNOWN_HEADER
    original, intake_files.HEADERS = intake_files.HEADERS, headers
    try:
        return intake_files.export_xls()
    finally:
        intake_files.HEADERS = original


def upload(page, content: bytes) -> None:
    page.set_input_files("input[type=file]", files=[{
        "name": "DS_HS_tra_qua_BCCI.xls", "mimeType": "application/vnd.ms-excel", "buffer": content}])
    page.get_by_role("button", name="Kiểm tra tệp").tap()


def test_an_old_excel_export_is_mapped_once_then_read_alike(phone, users, agency_of_the_office):
    page = phone
    log_in(page, users["dispatcher"].username, factories.PASSWORD)
    page.goto("/dispatch/intake")
    content = export_with_unknown_code_header()
    upload(page, content)

    mapping = page.locator("details.mapping")
    expect(mapping).to_have_attribute("open", "")
    expect(mapping).to_contain_text("Dòng tiêu đề: dòng 3.")
    expect(page.get_by_role("alert")).to_contain_text("Chưa có cột nào được đọc là: Mã hồ sơ")
    page.get_by_label(UNKNOWN_HEADER).select_option(label="Mã hồ sơ")
    screenshot(page, "intake-mapping-step")
    page.get_by_role("button", name="Kiểm tra lại với cách đọc này").tap()

    errors = page.locator("table.errors tbody tr")
    expect(errors).to_have_count(3)
    for row, (number, (header, shown)) in zip(errors.all(), intake_files.BROKEN.items()):
        expect(row.locator("td").nth(0)).to_have_text(str(number))  # as the spreadsheet numbers it
        expect(row.locator("td").nth(1)).to_have_text(UNKNOWN_HEADER if header == "Số hồ sơ" else header)
        expect(row.locator("td").nth(2)).to_have_text(shown)
    expect(errors.nth(2)).to_contain_text("trùng với dòng 5")
    warnings = page.locator("table.warnings tbody tr")
    expect(warnings).to_have_count(2)
    expect(warnings.nth(0).locator("td").nth(1)).to_have_text(UNKNOWN_HEADER)  # named as the agency wrote it
    expect(warnings.nth(1)).to_contain_text("ngoài tỉnh")
    screenshot(page, "intake-preview-errors-warnings")
    page.get_by_role("button", name="Chỉ nhập các dòng hợp lệ (6)").tap()
    expect(page.locator(".flash").first).to_have_text("Đã nhập 6 hồ sơ.")

    # The agency's next export, same shape: the remembered mapping reads it, nothing is asked.
    upload(page, content)
    expect(page.locator("details.mapping")).not_to_have_attribute("open", "")
    expect(page.locator("details.mapping summary")).to_contain_text("dùng cách ghép cột đã nhớ")
    expect(page.locator(".stats")).to_contain_text("6 đã có từ trước")
    expect(page.locator(".confirm-bar")).to_contain_text("không có hồ sơ mới để nhập")
    expect(page.locator(".confirm-bar button")).to_have_count(0)
