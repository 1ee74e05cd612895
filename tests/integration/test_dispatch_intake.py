"""The intake page: preview every error by row and column, import all or only the valid rows, once."""
import io
import re

import pytest
from openpyxl import load_workbook

from courier.models import Agency, Dossier, Event, Shipment
from tests import factories, intake_files
from tests.integration.dispatch_support import flashes, post
from tests.integration.test_intake import csv_file, read_table, row, xlsx_file


def problem_row(page: str, line: int, column: str, value: str | None = None):
    """The preview's row for a problem: its spreadsheet row, its column and, if given, its value."""
    cells = [rf'<td class="num"[^>]*>{line}</td>', rf"<td[^>]*>{re.escape(column)}</td>"]
    if value is not None:
        cells.append(rf'<td class="value"[^>]*>{re.escape(value)}</td>')
    return re.search("".join(cells), page)


@pytest.fixture
def app_settings(tmp_path):
    return {"INSTANCE_DIR": str(tmp_path / "instance")}  # staged uploads go here


@pytest.fixture
def dispatcher(db, users, auth):
    factories.agency().post_office = users["dispatcher"].post_office
    db.session.commit()
    auth.login(users["dispatcher"].username)
    return users["dispatcher"]


def upload(client, content: bytes, name: str):
    return post(client, "/dispatch/intake", {"file": (io.BytesIO(content), name)},
                content_type="multipart/form-data")


def confirm(client, html: str, button: str = "import_all", **changes):
    """Post the mapping step as the page shows it (its selects' chosen values), with `changes`."""
    staged = html.split('name="upload_id" type="hidden" value="')[1].split('"')[0]
    form = {"upload_id": staged, button: "1"}
    for select in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        if select[0] != "agency" or "upload_id" in html:
            chosen = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', select[1])
            form[select[0]] = next((g for g in chosen.groups() if g is not None), "") if chosen else ""
    form.update(changes)
    return post(client, "/dispatch/intake/confirm", form, follow_redirects=True)


def count(db, model) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(model)).scalar()


BROKEN = (row(), row(**{"Mã hồ sơ": "HS-12", "Số điện thoại": "12345"}),
          row(**{"Mã hồ sơ": "000.00.17.H47-261127-0003", "Họ tên người nhận": ""}), row())


@pytest.mark.parametrize("make,name", [(csv_file, "hs.csv"), (xlsx_file, "hs.xlsx")])
def test_a_valid_file_is_previewed_then_imported(db, client, dispatcher, make, name):
    content = make(row(), row(**{"Mã hồ sơ": "000.00.17.H47-261127-0002"}))
    page = upload(client, content, name).get_data(as_text=True)
    assert "Kết quả kiểm tra: " + name in page
    assert '<span class="n">2</span> dòng hợp lệ' in page and '<span class="n">0</span> dòng có lỗi' in page
    assert count(db, Dossier) == 0  # the preview saves nothing
    done = confirm(client, page)
    assert "Đã nhập 2 hồ sơ." in flashes(done.get_data(as_text=True))
    shipments = db.session.execute(db.select(Shipment)).scalars().all()
    assert len(shipments) == 2 and {s.state.value for s in shipments} == {"registered"}
    assert {s.post_office_id for s in shipments} == {dispatcher.post_office_id}


@pytest.mark.parametrize("make,name", [(csv_file, "hs.csv"), (xlsx_file, "hs.xlsx")])
def test_a_broken_file_shows_every_error_by_row_and_column_and_imports_nothing(db, client, dispatcher,
                                                                               make, name):
    page = upload(client, make(*BROKEN), name).get_data(as_text=True)
    for line, column, message in (
            (3, "Mã hồ sơ", "Mã hồ sơ không đúng dạng"), (3, "Số điện thoại", "Số điện thoại không đúng"),
            (4, "Họ tên người nhận", "Bắt buộc phải có."), (5, "Mã hồ sơ", "Mã hồ sơ trùng với dòng 2.")):
        assert problem_row(page, line, column) and re.search(rf"<td[^>]*>{re.escape(message)}", page)
    assert '<span class="n">3</span> dòng có lỗi' in page
    assert 'name="import_all"' not in page and 'name="import_valid"' in page
    refused = confirm(client, page, "import_all")  # posted anyway
    assert refused.status_code == 422
    assert "Tệp còn lỗi nên chưa nhập gì." in refused.get_data(as_text=True)
    assert count(db, Dossier) == 0 and count(db, Event) == 0


def test_the_dispatcher_may_import_only_the_valid_rows(db, client, dispatcher):
    page = upload(client, csv_file(*BROKEN), "hs.csv").get_data(as_text=True)
    done = flashes(confirm(client, page, "import_valid").get_data(as_text=True))
    assert "Đã nhập 1 hồ sơ." in done and "3 dòng có lỗi đã được bỏ qua." in done
    assert [d.code for d in db.session.execute(db.select(Dossier)).scalars()] == ["000.00.17.H47-261127-0001"]


def test_importing_the_same_file_again_creates_nothing_and_says_so(db, client, dispatcher):
    content = csv_file(row(), row(**{"Mã hồ sơ": "000.00.17.H47-261127-0002"}))
    confirm(client, upload(client, content, "hs.csv").get_data(as_text=True))
    again = upload(client, content, "hs.csv").get_data(as_text=True)
    assert '<span class="n">2</span> đã có từ trước (sẽ bỏ qua)' in again
    done = flashes(confirm(client, again).get_data(as_text=True))
    assert "Đã nhập 0 hồ sơ." in done and "2 hồ sơ đã có từ trước nên không nhập lại." in done
    assert count(db, Dossier) == 2 and count(db, Shipment) == 2


@pytest.mark.parametrize("content,name,message", [
    (b"\xff\xfe\x00garbage", "hs.csv", "Không tìm thấy dòng tiêu đề"),
    (b"Ma,Ten\n1,2\n", "hs.csv", "Không tìm thấy dòng tiêu đề"),
    (intake_files.zip_bomb(), "hs.xlsx", "giải nén ra quá lớn"),
    (intake_files.dimension_bomb(), "hs.xlsx", "Tệp không có dòng hồ sơ nào"),
])
def test_a_file_that_cannot_be_read_is_refused_whole(db, client, dispatcher, content, name, message):
    page = upload(client, content, name).get_data(as_text=True)
    assert message in page and "upload_id" not in page


def test_only_spreadsheets_and_text_files_are_accepted(client, dispatcher):
    response = upload(client, b"hello", "notes.pdf")
    assert response.status_code == 400 and "Chỉ nhận tệp .xlsx, .xls, .csv, .tsv hoặc .txt." in response.get_data(as_text=True)


def test_a_confirmation_needs_the_file_this_session_staged(db, client, dispatcher, users, auth):
    page = upload(client, csv_file(row()), "hs.csv").get_data(as_text=True)
    forged = post(client, "/dispatch/intake/confirm", {"upload_id": "0" * 32, "import_all": "1"},
                  follow_redirects=True)
    assert "Không còn tệp đang chờ nhập. Hãy tải tệp lên lại." in flashes(forged.get_data(as_text=True))
    other = factories.user(users["dispatcher"].post_office, "dispatcher")
    db.session.commit()
    auth.logout()
    auth.login(other.username)  # another person, another session: the staged id means nothing to it
    confirm(client, page)
    assert count(db, Dossier) == 0


def test_the_staged_file_is_gone_after_import(db, client, dispatcher, app):
    from pathlib import Path

    page = upload(client, csv_file(row()), "hs.csv").get_data(as_text=True)
    staged = Path(app.config["INSTANCE_DIR"]) / "intake"
    assert len(list(staged.iterdir())) == 1
    confirm(client, page)
    assert list(staged.iterdir()) == []
    second = confirm(client, page)  # a double click
    assert "Không còn tệp đang chờ nhập." in second.get_data(as_text=True) and count(db, Dossier) == 1


@pytest.mark.parametrize("path,name", [("/dispatch/intake/template.csv", "mau.csv"),
                                       ("/dispatch/intake/template.xlsx", "mau.xlsx")])
def test_the_templates_download_and_read_back_cleanly(db, client, dispatcher, path, name):
    from courier.services import intake

    response = client.get(path)
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    checked = intake.check_table(read_table(response.data, name), dispatcher.post_office)
    assert checked.errors == [] and len(checked.valid) == 1


def test_the_excel_template_keeps_phone_numbers_as_text(client, dispatcher):
    sheet = load_workbook(io.BytesIO(client.get("/dispatch/intake/template.xlsx").data)).active
    headers = [cell.value for cell in sheet[1]]
    phone = sheet.cell(row=2, column=headers.index("Số điện thoại") + 1)
    assert phone.value == "0905123456" and phone.number_format == "@"


@pytest.mark.parametrize("make,name,encoding", intake_files.FORMATS)
def test_the_one_stop_shop_export_imports_after_the_mapping_step_and_then_asks_nothing(
        db, client, dispatcher, make, name, encoding):
    content = make()
    page = upload(client, content, name).get_data(as_text=True)
    assert "<details class=\"card mapping\" open>" in page and "Dòng tiêu đề: dòng 3." in page
    assert '<option selected value="applicant_name">' in page  # "Họ và tên người nhận", by meaning
    for line, (column, value) in intake_files.BROKEN.items():
        assert problem_row(page, line, column, value)
    assert "Mã hồ sơ trùng với dòng 5." in page and "2 cảnh báo (vẫn nhập được)" in page
    done = flashes(confirm(client, page, "import_valid").get_data(as_text=True))
    assert "Đã nhập 6 hồ sơ." in done and "3 dòng có lỗi đã được bỏ qua." in done
    assert sorted(d.code for d in db.session.execute(db.select(Dossier)).scalars()) == sorted(intake_files.VALID_CODES)
    again = upload(client, content, name).get_data(as_text=True)
    assert "<details class=\"card mapping\">" in again and "dùng cách ghép cột đã nhớ" in again
    assert '<span class="n">6</span> đã có từ trước (sẽ bỏ qua)' in again
    done = flashes(confirm(client, again, "import_valid").get_data(as_text=True))
    assert "Đã nhập 0 hồ sơ." in done and count(db, Dossier) == 6


def test_the_dispatcher_can_change_a_columns_field_and_the_encoding(db, client, dispatcher):
    page = upload(client, intake_files.export_csv("cp1258", ";"), "hs.csv").get_data(as_text=True)
    assert "Bảng mã nhận ra: cp1258." in page
    wrong = confirm(client, page, "recheck", encoding="cp1252").get_data(as_text=True)
    assert "Chưa có cột nào được đọc là" in wrong or "Họ và tên người nhận" not in wrong
    changed = confirm(client, page, "recheck", **{"mapping-3": ""}).get_data(as_text=True)  # ignore "Điện thoại"
    assert '<span class="n">1</span> dòng có lỗi' not in changed and "12345" not in changed
    assert count(db, Dossier) == 0


def test_a_dispatcher_cannot_import_for_another_offices_agency_nor_learn_its_codes(db, client, dispatcher):
    elsewhere = factories.post_office()
    theirs = factories.agency("000.00.30.H47")
    theirs.post_office, theirs.name = elsewhere, "Trung tâm Hành chính công Hội An"
    factories.dossier(agency=theirs, code="000.00.30.H47-261127-0001")
    db.session.commit()
    assert theirs.name not in client.get("/dispatch/intake").get_data(as_text=True)
    content = csv_file(row(**{"Mã cơ quan": theirs.code, "Mã hồ sơ": "000.00.30.H47-261127-0001"}))
    page = upload(client, content, "hs.csv").get_data(as_text=True)
    assert "Không có cơ quan nào có mã này trong các cơ quan của bưu cục." in page
    assert '<span class="n">0</span> đã có từ trước' in page
    forged = confirm(client, page, "import_all", agency=str(theirs.id))
    assert forged.status_code == 422 or "Không còn tệp" in forged.get_data(as_text=True)
    assert count(db, Dossier) == 1 and count(db, Shipment) == 0
