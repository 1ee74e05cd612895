"""Importing the agency's file: every error by row and column, nothing half-imported, no duplicates."""
import csv
import io

import pytest
from openpyxl import Workbook

from courier.domain.imports import COLUMNS, ImportFileError, read_table, template_csv
from courier.models import Dossier, Event, Shipment
from courier.services import intake
from tests import factories

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
def agency(db):
    made = factories.agency()
    db.session.commit()
    return made


def count(db, model):
    return len(db.session.execute(db.select(model)).scalars().all())


@pytest.mark.parametrize("make,name", [(csv_file, "hs.csv"), (xlsx_file, "hs.xlsx")])
def test_a_valid_file_is_taken_in_with_a_registered_shipment_each(db, office, users, agency, make, name):
    content = make(row(), row(**{"Mã hồ sơ": "000.00.17.H47-261127-0002", "Họ tên người nhận": "Lê Văn Tâm"}))
    checked = intake.check_table(read_table(content, name))
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
        result = intake.take_in(intake.check_table(read_table(content, "hs.csv")), office, users["dispatcher"])
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
    checked = intake.check_table(read_table(content, name))
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
    checked = intake.check_table(read_table(csv_file(row(), row(**{"Mã hồ sơ": "bad"})), "hs.csv"))
    result = intake.take_in(checked, office, users["dispatcher"], valid_only=True)
    db.session.commit()
    assert len(result.created) == 1 and count(db, Dossier) == 1


def test_an_unknown_agency_is_an_error(db, agency):
    checked = intake.check_table(read_table(csv_file(row(**{"Mã cơ quan": "000.00.99.H47"})), "hs.csv"))
    assert [(e.column, e.code) for e in checked.errors] == [("Mã cơ quan", "unknown_agency")]


def test_excel_numbers_keep_the_phones_leading_zero(db, agency):
    table = read_table(xlsx_file(row(**{"Số điện thoại": 905123456, "Cước phát": 25000.0})), "hs.xlsx")
    checked = intake.check_table(table)
    assert checked.errors == [] and checked.valid[0][2].applicant_phone == "0905123456"


@pytest.mark.parametrize("content,name,code", [
    (b"\xff\xfe\x00garbage", "hs.csv", "unreadable"),
    (b"PK\x03\x04 not really a zip", "hs.xlsx", "unreadable"),
    (b"just a note", "hs.txt", "unreadable"),
    (",".join(HEADERS).encode(), "hs.csv", "no_rows"),
    (b"Ma,Ten\n1,2\n", "hs.csv", "missing_columns"),
])
def test_an_unreadable_file_is_refused_whole(content, name, code):
    with pytest.raises(ImportFileError) as refused:
        read_table(content, name)
    assert refused.value.code == code


def test_the_template_reads_back_cleanly(db, agency):
    checked = intake.check_table(read_table(template_csv(), "mau.csv"))
    assert checked.errors == [] and len(checked.valid) == 1
