"""Importing the agency's file: every error by row and column, nothing half-imported, no duplicates."""
import csv
import io

import pytest
from openpyxl import Workbook

from courier.domain.imports import COLUMNS, ImportFileError, guess_mapping, mapped_rows, read_sheet, template_csv
from courier.models import Dossier, Event, Shipment
from courier.services import importing, intake
from tests import factories, intake_files

HEADERS = list(COLUMNS)


def row(**changes):
    values = {
        "Mã cơ quan": "000.00.17.H47", "Mã hồ sơ": "000.00.17.H47-261127-0001",
        "Tên thủ tục": "Đăng ký khai sinh", "Họ tên người nhận": "Phan Thị Hạnh",
        "Số điện thoại": "0912345678", "Địa chỉ": "8 Trần Phú", "Phường/Xã": "Phường Tam Kỳ",
        "Tỉnh/Thành phố": "Thành phố Đà Nẵng", "Ngày hẹn trả": "30/11/2026", "Phí lệ phí": "0",
        "Cước phát": "25.000",
    }
    values.update(changes)
    return [values.get(header, "") for header in HEADERS]


def csv_file(*rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return out.getvalue().encode()


def xlsx_file(*rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for r in rows:
        sheet.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def agency(db, office):
    made = factories.agency()
    made.post_office = office
    db.session.commit()
    return made


def read_table(content: bytes, name: str):
    """The file's numbered rows under the columns its headers name."""
    sheet = read_sheet(content, name)
    return mapped_rows(sheet, guess_mapping(sheet.headers))


def check(rows, office=None):
    """Rows checked for `office`, else for the first post office these tests make."""
    from courier.extensions import db
    from courier.models import PostOffice

    return intake.check_table(rows, office or db.session.execute(db.select(PostOffice)).scalars().first())


@pytest.fixture
def in_request(app):
    """Messages are in the user's language, which a request decides."""
    with app.test_request_context():
        yield


def count(db, model):
    return len(db.session.execute(db.select(model)).scalars().all())


@pytest.mark.parametrize("make,name", [(csv_file, "hs.csv"), (xlsx_file, "hs.xlsx")])
def test_a_valid_file_is_taken_in_with_a_registered_shipment_each(db, office, users, agency, make, name):
    content = make(row(), row(**{"Mã hồ sơ": "000.00.17.H47-261127-0002", "Họ tên người nhận": "Lê Văn Tâm"}))
    checked = check(read_table(content, name))
    assert checked.errors == []
    result = intake.take_in(checked, office, users["dispatcher"])
    db.session.commit()
    assert len(result.created) == 2 and count(db, Dossier) == 2
    assert {s.state.value for s in db.session.execute(db.select(Shipment)).scalars()} == {"registered"}
    dossier = db.session.execute(db.select(Dossier).filter_by(applicant_name="Phan Thị Hạnh")).scalar_one()
    assert dossier.fee_postage == 25_000 and dossier.ward_code == 20341


def test_importing_the_same_file_again_creates_no_duplicates(db, office, users, agency):
    content = csv_file(row())
    for _ in range(2):
        result = intake.take_in(check(read_table(content, "hs.csv")), office, users["dispatcher"])
        db.session.commit()
    assert result.created == [] and result.already_known == ["000.00.17.H47-261127-0001"]
    assert count(db, Dossier) == 1 and count(db, Shipment) == 1


@pytest.mark.parametrize("make,name", [(csv_file, "hs.csv"), (xlsx_file, "hs.xlsx")])
def test_a_broken_file_reports_each_error_by_row_and_column_and_imports_nothing(db, office, users, agency,
                                                                                make, name):
    content = make(
        row(),
        row(**{"Mã hồ sơ": "HS-12", "Số điện thoại": "12345"}),
        row(**{"Mã hồ sơ": "000.00.17.H47-261127-0003", "Họ tên người nhận": "", "Phường/Xã": "Xã Không Có"}),
        row(),  # the first row's code again
    )
    checked = check(read_table(content, name))
    found = {(e.row, e.column, e.code) for e in checked.errors}
    assert found == {
        (3, "Mã hồ sơ", "invalid_code"), (3, "Số điện thoại", "invalid_phone"),
        (4, "Họ tên người nhận", "required"), (4, "Phường/Xã", "unknown_ward"),
        (5, "Mã hồ sơ", "duplicate_in_file"),
    }
    with pytest.raises(ValueError):
        intake.take_in(checked, office, users["dispatcher"])
    assert count(db, Dossier) == 0 and count(db, Event) == 0


def test_the_dispatcher_may_take_only_the_valid_rows(db, office, users, agency):
    checked = check(read_table(csv_file(row(), row(**{"Mã hồ sơ": "bad"})), "hs.csv"))
    result = intake.take_in(checked, office, users["dispatcher"], valid_only=True)
    db.session.commit()
    assert len(result.created) == 1 and count(db, Dossier) == 1


def test_an_unknown_agency_is_an_error(db, agency):
    checked = check(read_table(csv_file(row(**{"Mã cơ quan": "000.00.99.H47"})), "hs.csv"))
    assert [(e.column, e.code) for e in checked.errors] == [("Mã cơ quan", "unknown_agency")]


def test_excel_numbers_keep_the_phones_leading_zero(db, agency):
    table = read_table(xlsx_file(row(**{"Số điện thoại": 905123456, "Cước phát": 25000.0})), "hs.xlsx")
    checked = check(table)
    assert checked.errors == [] and checked.valid[0][2].applicant_phone == "0905123456"


@pytest.mark.parametrize("content,name,code", [
    (b"\xff\xfe\x00garbage", "hs.csv", "no_header"),
    (b"PK\x03\x04 not really a zip", "hs.xlsx", "unreadable"),
    (b"just a note", "hs.doc", "unreadable"),
    (b"just a note", "hs.txt", "no_header"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 cut short", "hs.xls", "unreadable"),
    (b"<html><body><table><tr><td>Ma</td></tr></table>", "hs.xls", "xls_not_excel"),
    (",".join(HEADERS).encode(), "hs.csv", "no_rows"),
    (b"Ma,Ten\n1,2\n", "hs.csv", "no_header"),
])
def test_an_unreadable_file_is_refused_whole(content, name, code):
    with pytest.raises(ImportFileError) as refused:
        read_sheet(content, name)
    assert refused.value.code == code


def test_the_template_reads_back_cleanly(db, agency):
    checked = check(read_table(template_csv(), "mau.csv"))
    assert checked.errors == [] and len(checked.valid) == 1


# The one-stop-shop export, in every format agencies send.

needs_request = pytest.mark.usefixtures("in_request")

@pytest.mark.parametrize("make,name,encoding", intake_files.FORMATS)
@needs_request
def test_the_one_stop_shop_export_is_read_by_meaning_with_spreadsheet_row_numbers(db, office, users, agency,
                                                                                 make, name, encoding):
    checked, preview = importing.check(make(), name, office)
    assert preview.file_error is None and preview.missing == []
    assert preview.header_row == 3 and preview.encoding == encoding and preview.agency == agency
    assert [(p.row, p.column, p.value) for p in preview.problems] == [
        (row, column, value) for row, (column, value) in intake_files.BROKEN.items()]
    assert "trùng với dòng 5" in preview.problems[-1].message
    assert [(w.row, w.column) for w in preview.warnings] == [(11, "Số hồ sơ"), (12, "Tỉnh/Thành phố")]
    result = intake.take_in(checked, office, users["dispatcher"], valid_only=True)
    db.session.commit()
    assert sorted(s.dossier.code for s in result.created) == sorted(intake_files.VALID_CODES)
    dossier = db.session.execute(db.select(Dossier).filter_by(applicant_name="Đặng Thị Mai")).scalar_one()
    assert dossier.applicant_phone == "0935456789" and dossier.legacy_district == "Thành phố Tam Kỳ"


@needs_request
def test_the_remembered_mapping_reads_the_next_file_without_asking(db, office, users, agency):
    content = intake_files.export_csv()
    _checked, first = importing.check(content, "hs.csv", office)
    assert first.asks_mapping
    intake.remember_mapping(agency, [c.header for c in first.columns], first.mapping)
    db.session.commit()
    _checked, second = importing.check(content, "hs.csv", office)
    assert not second.asks_mapping and second.mapping == first.mapping


@pytest.mark.parametrize("make,name,message", [
    (intake_files.dimension_bomb, "hs.xlsx", "Tệp không có dòng hồ sơ nào"),
    (intake_files.zip_bomb, "hs.xlsx", "giải nén ra quá lớn"),
    (intake_files.entity_bomb, "hs.xlsx", "DOCTYPE/ENTITY"),
    (intake_files.long_field, "hs.csv", "Dòng 5 có ô quá dài"),
])
@needs_request
def test_a_hostile_file_is_refused_quickly_with_a_clear_message(db, office, agency, make, name, message):
    import time

    content = make()
    started = time.perf_counter()
    checked, preview = importing.check(content, name, office)
    assert time.perf_counter() - started < 1.0
    assert checked is None and message in preview.file_error


@needs_request
def test_a_formula_cell_is_read_as_its_text_not_as_empty(db, office, agency):
    _checked, preview = importing.check(intake_files.formula_cell(), "hs.xlsx", office)
    assert [(p.row, p.column, p.value) for p in preview.problems] == [
        (5, "Số hồ sơ", '="000.00.17.H47-261127-"&"0003"')]


@needs_request
def test_another_offices_agency_and_its_codes_stay_unseen(db, office, users, agency):
    elsewhere = factories.post_office()
    theirs = factories.agency("000.00.30.H47")
    theirs.post_office = elsewhere
    db.session.commit()
    code = "000.00.30.H47-261127-0001"
    intake.take_in(check(read_table(csv_file(row(**{"Mã cơ quan": theirs.code, "Mã hồ sơ": code})),
                                    "hs.csv"), elsewhere), elsewhere, users["dispatcher"], valid_only=True)
    db.session.commit()
    assert count(db, Dossier) == 1  # imported by their own office
    content = csv_file(row(**{"Mã cơ quan": theirs.code, "Mã hồ sơ": code}))
    checked, preview = importing.check(content, "hs.csv", office)
    assert [(p.column, p.value) for p in preview.problems] == [("Mã cơ quan", theirs.code)]
    assert preview.already_known == 0 and checked.valid == []


def test_an_address_outside_the_offices_communes_warns_and_still_imports(app, db, office, agency):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["office-area", office.code, "Phường Tam Kỳ", "Phường Bàn Thạch"])
    assert result.exit_code == 0, result.output
    assert "2 phường, xã" in result.output
    checked = check(read_table(csv_file(
        row(),
        row(**{"Mã hồ sơ": "000.00.17.H47-261127-0002", "Phường/Xã": "Phường Hương Trà"}),  # a neighbour's
    ), "hs.csv"))
    assert checked.errors == [] and len(checked.valid) == 2
    assert [(w.row, w.column, w.code, w.value) for w in checked.warnings] == [
        (3, "Phường/Xã", "outside_communes", "Phường Hương Trà")]

    # Said back to the whole province: no warning.
    assert runner.invoke(args=["office-area", office.code]).exit_code == 0
    assert check(read_table(csv_file(row(**{"Phường/Xã": "Phường Hương Trà"})), "hs.csv")).warnings == []


def test_office_area_names_a_ward_it_cannot_find(app, office):
    result = app.test_cli_runner().invoke(args=["office-area", office.code, "Phường Không Có"])
    assert result.exit_code != 0 and "Phường Không Có" in result.output
