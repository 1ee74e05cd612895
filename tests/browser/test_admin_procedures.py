"""The administrator's catalogue of procedures on a Pixel 7: the list and the edit form fit the screen."""
import pytest
from playwright.sync_api import expect

from courier.models import Procedure, ProcedureDocument
from tests import factories
from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser
WIDTH = 412  # the Pixel 7's viewport


@pytest.fixture
def catalogue(db, users):
    agency = factories.agency()
    agency.post_office = users["admin"].post_office
    documents = ("Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp (Mẫu số 03/2013/TT-LLTP)",
                 "Bản chụp Căn cước công dân hoặc Hộ chiếu", "Văn bản ủy quyền (khi ủy quyền làm thủ tục)")
    record = Procedure(agency=agency, code="2.001417", name="Cấp Phiếu lý lịch tư pháp số 1 cho công dân Việt Nam",
                       fee_agency=200_000, processing_days=10,
                       documents=[ProcedureDocument(position=i, name=name, copies=1, original=i == 0, required=i < 2)
                                  for i, name in enumerate(documents)])
    births = Procedure(agency=agency, code="1.001193", name="Đăng ký khai sinh", fee_agency=0, processing_days=1,
                       documents=[ProcedureDocument(position=0, name="Tờ khai đăng ký khai sinh", copies=1,
                                                    original=True, required=True)])
    db.session.add_all([record, births])
    db.session.commit()
    return record


def test_the_list_and_the_edit_form_fit_a_phone(phone, users, catalogue):
    log_in(phone, users["admin"].username, factories.PASSWORD)
    phone.goto("/admin/procedures")
    expect(phone.locator("h1")).to_have_text("Thủ tục nhận qua bưu điện")
    expect(phone.locator("table.procedures")).to_contain_text("200.000 ₫")
    assert phone.evaluate("document.documentElement.scrollWidth") <= WIDTH, "the list scrolls sideways"
    screenshot(phone, "admin-procedures-phone-list")

    phone.get_by_role("link", name="Cấp Phiếu lý lịch tư pháp số 1 cho công dân Việt Nam").tap()
    expect(phone.get_by_label("Tên giấy tờ 1")).to_have_value(catalogue.documents[0].name)
    phone.get_by_role("button", name="Thêm dòng").tap()
    expect(phone.get_by_label("Tên giấy tờ 6")).to_be_visible()  # three documents, two spare rows, one added
    phone.get_by_label("Thời hạn giải quyết (ngày làm việc)").fill("mười")
    phone.get_by_role("button", name="Lưu thủ tục").tap()
    expect(phone.locator(".error").first).to_contain_text("Thời hạn giải quyết phải là số ngày")
    expect(phone.get_by_label("Thời hạn giải quyết (ngày làm việc)")).to_have_value("mười")
    assert phone.evaluate("document.documentElement.scrollWidth") <= WIDTH, "the form scrolls sideways"
    screenshot(phone, "admin-procedures-phone-form")
