"""A procedure as the catalogue keeps it: the portal's code, its documents, fee and time, every problem named."""
import pytest

from courier.domain.procedures import (CleanDocument, ProcedureInvalid, check_procedure, check_sheet,
                                       column_for, normalise_code, parse_days, parse_fee, parse_original,
                                       parse_required)


def procedure(**changes) -> dict:
    raw = {"code": "1.001193", "name": "Đăng ký khai sinh", "fee_agency": "0", "processing_days": "1",
           "documents": [{"name": "Tờ khai đăng ký khai sinh", "copies": "1", "original": True, "required": True}]}
    raw.update(changes)
    return raw


def errors_of(**changes) -> dict:
    with pytest.raises(ProcedureInvalid) as refused:
        check_procedure(procedure(**changes))
    return refused.value.errors


@pytest.mark.parametrize("written,code", [("1.001193", "1.001193"), (" 2.000908 ", "2.000908"),
                                          (2.00098, "2.000980"), ("2. 000986", "2.000986")])
def test_a_portal_code_is_a_digit_a_dot_and_six_digits_even_after_excel_made_it_a_number(written, code):
    assert normalise_code(written) == code


@pytest.mark.parametrize("written", ["1001193", "1.00119", "1.0011930", "12.001193", "A.001193",
                                     "1.001193.000.00.00.H47", "", None, True, "1,001193"])
def test_anything_else_is_not_a_procedure_code(written):
    with pytest.raises(ValueError):
        normalise_code(written)


def test_a_good_procedure_is_normalised():
    clean = check_procedure(procedure(fee_agency="200.000 đồng", processing_days="10 ngày làm việc",
                                      name="  Cấp  Phiếu lý lịch tư pháp "))
    assert (clean.code, clean.name, clean.fee_agency, clean.processing_days) == \
        ("1.001193", "Cấp Phiếu lý lịch tư pháp", 200_000, 10)
    assert clean.documents == [CleanDocument("Tờ khai đăng ký khai sinh", 1, True, True)]


def test_every_problem_is_named_at_once():
    errors = errors_of(code="1-001193", name="", fee_agency="-5", processing_days="366",
                       documents=[{"name": "x" * 301, "copies": "21"}, {"name": "Bản chụp CCCD", "original": "có lẽ"}])
    assert errors == {"code": "invalid_code", "name": "required", "fee_agency": "invalid_fee",
                      "processing_days": "invalid_days", "documents.0.name": "too_long",
                      "documents.0.copies": "invalid_copies", "documents.1.original": "invalid_original"}


def test_a_procedure_needs_a_document_its_days_and_a_bounded_fee():
    assert errors_of(documents=[]) == {"documents": "no_documents"}
    assert errors_of(processing_days="") == {"processing_days": "required"}
    assert errors_of(processing_days="-1") == {"processing_days": "invalid_days"}
    assert errors_of(fee_agency=100_000_001) == {"fee_agency": "invalid_fee"}
    assert errors_of(fee_agency="1,5") == {"fee_agency": "invalid_fee"}
    assert errors_of(name="x" * 301) == {"name": "too_long"}


@pytest.mark.parametrize("written,fee", [("", 0), ("Không", 0), ("Miễn phí", 0), (50000, 50_000),
                                         (50000.0, 50_000), ("1.250.000", 1_250_000), ("200.000 đ", 200_000)])
def test_fees_as_agencies_write_them(written, fee):
    assert parse_fee(written) == fee


def test_days_copies_and_the_original_flags_as_sheets_write_them():
    assert parse_days(15.0) == 15 and parse_days("0") == 0
    assert parse_original("Bản chính") is True and parse_original("bản sao") is False and parse_original("") is False
    assert parse_required("x") is True and parse_required("Không") is False and parse_required(None) is True
    with pytest.raises(ValueError):
        parse_days(True)


@pytest.mark.parametrize("header,name", [("Mã thủ tục", "code"), ("MA THU TUC", "code"),
                                         ("Thời hạn giải quyết (ngày)", "processing_days"),
                                         ("Phí/lệ phí", "fee_agency"), ("Thanh phan ho so", "document"),
                                         ("Bản chính/bản sao", "original"), ("Ghi chú", None)])
def test_headers_are_read_with_or_without_accents(header, name):
    assert column_for(header) == name


HEADERS = ["Mã thủ tục", "Tên thủ tục", "Phí/lệ phí", "Thời hạn giải quyết (ngày)", "Thành phần hồ sơ",
           "Số bản", "Bản chính/bản sao", "Bắt buộc"]


def test_rows_of_one_code_are_one_procedure_and_blank_codes_continue_the_one_above():
    rows = [(3, ["1.001193", "Đăng ký khai sinh", "0", "1", "Tờ khai", 1, "Bản chính", "x"]),
            (4, ["1.001193", "Đăng ký khai sinh", "", "", "Giấy chứng sinh", 1, "Bản chính", "x"]),
            (5, ["2.000908", "Chứng thực bản sao", "2000", "1", "Bản chính giấy tờ", 1, "Bản chính", "x"]),
            (6, [None, None, None, None, "Bản sao cần chứng thực", 2, "Bản sao", "x"])]
    checked = check_sheet(rows, HEADERS)
    assert checked.errors == []
    assert [(row, p.code, [d.name for d in p.documents]) for row, p in checked.valid] == [
        (3, "1.001193", ["Tờ khai", "Giấy chứng sinh"]),
        (5, "2.000908", ["Bản chính giấy tờ", "Bản sao cần chứng thực"])]


def test_a_sheet_s_errors_name_the_row_the_column_as_written_and_the_value():
    rows = [(2, ["1.001193", "Đăng ký khai sinh", "0", "1", "Tờ khai", "hai", "", ""]),
            (3, ["1.001193", "Đăng ký khai tử", "", "", "Giấy báo tử", 1, "", ""]),
            (4, ["9-1", "Thủ tục lạ", "0", "1", "Đơn", 1, "", ""]),
            (5, ["1.001193", "Đăng ký khai sinh", "0", "1", "Tờ khai", 1, "", ""])]
    checked = check_sheet(rows, HEADERS)
    found = {(e.row, e.column, e.code, e.value) for e in checked.errors}
    assert found == {(2, "Số bản", "invalid_copies", "hai"),
                     (3, "Tên thủ tục", "differs_from_first", "Đăng ký khai tử"),
                     (4, "Mã thủ tục", "invalid_code", "9-1"),
                     (5, "Mã thủ tục", "duplicate_in_file", "1.001193")}
    assert checked.valid == []
