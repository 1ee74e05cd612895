"""Importing an agency's catalogue of procedures: preview by row and column, nothing saved until "Nhập"."""
import csv
import html as html_lib
import io
import re

import pytest
from openpyxl import Workbook

from courier.models import Procedure
from tests import factories
from tests.integration.dispatch_support import post
from tests.intake_files import _rewritten, cp1258

TITLE = ["DANH MỤC THỦ TỤC HÀNH CHÍNH TIẾP NHẬN QUA DỊCH VỤ BƯU CHÍNH CÔNG ÍCH"]
HEADERS = ["STT", "Mã thủ tục", "Tên thủ tục", "Phí/lệ phí", "Thời hạn giải quyết (ngày)", "Thành phần hồ sơ",
           "Số bản", "Bản chính/bản sao", "Bắt buộc"]
ROWS = [
    ["1", "2.001417", "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam", "200.000", "10",
     "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", "1", "Bản chính", "Có"],
    ["", "", "", "", "", "Bản chụp Căn cước công dân", "1", "Bản sao", "Có"],
    ["2", "1.001193", "Đăng ký khai sinh", "Miễn phí", "1", "Tờ khai đăng ký khai sinh", "1", "Bản chính", "Có"],
    ["", "1.001193", "Đăng ký khai sinh", "", "", "Giấy chứng sinh", "1", "Bản chính", "Có"],
]


@pytest.fixture
def app_settings(tmp_path):
    return {"INSTANCE_DIR": str(tmp_path / "instance")}  # staged uploads go here


@pytest.fixture
def agency(db, users, auth):
    found = factories.agency()
    found.post_office = users["admin"].post_office
    db.session.commit()
    auth.login(users["admin"].username)
    return found


def csv_bytes(rows=ROWS, encoding="utf-8-sig", delimiter=",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerows([TITLE, [], HEADERS, *rows])
    text = out.getvalue()
    return cp1258(text) if encoding == "cp1258" else text.encode(encoding)


def xlsx_bytes(rows=ROWS) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in (TITLE, [], HEADERS, *rows):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, agency, content: bytes, name: str):
    return post(client, "/admin/procedures/import",
                {"agency": str(agency.id), "file": (io.BytesIO(content), name)}, content_type="multipart/form-data")


def confirm(client, page: str):
    staged = re.search(r'name="upload_id" type="hidden" value="([^"]+)"', page).group(1)
    agency = re.search(r'name="agency" type="hidden" value="([^"]+)"', page).group(1)
    return post(client, "/admin/procedures/import/confirm", {"upload_id": staged, "agency": agency},
                follow_redirects=True)


def saved(db) -> dict[str, list[str]]:
    db.session.expire_all()
    return {p.code: [d.name for d in p.documents]
            for p in db.session.execute(db.select(Procedure).order_by(Procedure.code)).scalars()}


@pytest.mark.parametrize("content,name,encoding", [
    (lambda: csv_bytes(encoding="cp1258", delimiter=";"), "danh-muc.csv", "cp1258"),
    (lambda: csv_bytes(), "danh-muc.csv", "utf-8"),
    (lambda: xlsx_bytes(), "danh-muc.xlsx", None),
])
def test_a_catalogue_is_previewed_then_imported_on_confirm(db, client, agency, content, name, encoding):
    page = upload(client, agency, content(), name).get_data(as_text=True)
    assert "Dòng tiêu đề: dòng 3." in page and "Nhập</button>" not in page  # the title row is skipped
    assert re.search(r'<span class="n">2</span> thủ tục hợp lệ', page)
    if encoding:
        assert f"Bảng mã nhận ra: {encoding}." in page
    assert saved(db) == {}  # nothing is saved before the dispatcher confirms
    done = confirm(client, page).get_data(as_text=True)
    assert "Đã nhập 2 thủ tục." in done
    assert saved(db) == {"1.001193": ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"],
                         "2.001417": ["Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", "Bản chụp Căn cước công dân"]}
    fee = db.session.execute(db.select(Procedure.fee_agency).filter_by(code="2.001417")).scalar()
    assert fee == 200_000


def test_importing_again_updates_known_codes(db, client, agency):
    confirm(client, upload(client, agency, csv_bytes(), "a.csv").get_data(as_text=True))
    changed = [ROWS[2][:5] + ["Tờ khai (mẫu 2026)", "1", "Bản chính", "Có"]]
    page = upload(client, agency, csv_bytes(changed), "b.csv").get_data(as_text=True)
    assert re.search(r'<span class="n">1</span> thủ tục cập nhật', page)
    confirm(client, page)
    assert saved(db)["1.001193"] == ["Tờ khai (mẫu 2026)"]


def test_every_error_names_its_row_column_and_value_and_nothing_can_be_imported(db, client, agency):
    rows = [ROWS[0][:6] + ["hai", "Bản chính", "Có"], ["3", "1.001.193", "Đăng ký kết hôn", "0", "5", "Tờ khai",
                                                       "1", "Bản chính", "Có"]]
    page = html_lib.unescape(upload(client, agency, csv_bytes(rows), "loi.csv").get_data(as_text=True))
    assert re.search(r'<td class="num"[^>]*>4</td><td[^>]*>Số bản</td><td class="value"[^>]*>hai</td>'
                     r'<td[^>]*>Số bản phải từ 1 đến 20.</td>', page)
    assert re.search(r'<td class="num"[^>]*>5</td><td[^>]*>Mã thủ tục</td><td class="value"[^>]*>1.001.193</td>',
                     page)
    assert "upload_id" not in page and "Nhập</button>" not in page
    assert saved(db) == {}


def test_hostile_files_are_refused_in_words_and_a_formula_stays_text(db, client, agency):
    bomb = _rewritten(xlsx_bytes(), {"xl/media/padding.bin": b"\0" * (8 * 1024 * 1024)})
    assert "giải nén ra quá lớn" in upload(client, agency, bomb, "bom.xlsx").get_data(as_text=True)
    wrong = upload(client, agency, b"%PDF-1.4 not a sheet", "danh-muc.pdf")
    assert wrong.status_code == 400 and "Chỉ nhận tệp .xlsx" in wrong.get_data(as_text=True)
    no_header = upload(client, agency, b"a,b,c\n1,2,3\n", "x.csv").get_data(as_text=True)
    assert "Không tìm thấy dòng tiêu đề" in no_header
    formula = '=HYPERLINK("http://example.invalid","Bấm vào đây")'
    page = upload(client, agency, xlsx_bytes([ROWS[2][:5] + [formula, 1, "Bản chính", "Có"]]), "f.xlsx")
    confirm(client, page.get_data(as_text=True))
    assert saved(db) == {"1.001193": [formula]}  # kept as the text typed, never evaluated


def test_a_file_over_the_upload_limit_is_refused(app, db, client, agency):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    response = upload(client, agency, csv_bytes() + b"x" * (80 * 1024), "lon.csv")
    assert response.status_code == 413 and "Tệp gửi lên quá lớn." in response.get_data(as_text=True)
    assert saved(db) == {}


def test_the_agency_must_be_the_office_s(db, client, agency):
    elsewhere = factories.agency("000.00.99.H01")
    elsewhere.post_office = factories.post_office()
    db.session.commit()
    response = upload(client, elsewhere, csv_bytes(), "a.csv")
    assert response.status_code == 400 and "Hãy chọn cơ quan." in response.get_data(as_text=True)
    assert saved(db) == {}
