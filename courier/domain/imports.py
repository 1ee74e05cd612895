"""Reading the agency's dossier list from CSV or Excel, and checking every row.

The file is checked whole before anything is saved: each problem is reported
by row and column (the header the agency used), so the dispatcher can fix
the file, or choose to take only the valid rows.
"""
import csv
import io
from dataclasses import dataclass, field

from .dossiers import CleanDossier, DossierInvalid, check_dossier

# Template headers (Vietnamese, as agencies write them) → dossier fields.
COLUMNS = {
    "Mã cơ quan": "agency_code",
    "Mã hồ sơ": "code",
    "Tên thủ tục": "procedure_name",
    "Họ tên người nhận": "applicant_name",
    "Số điện thoại": "applicant_phone",
    "Địa chỉ": "street",
    "Phường/Xã": "ward",
    "Tỉnh/Thành phố": "province",
    "Quận/Huyện (cũ)": "legacy_district",
    "Vĩ độ": "latitude",
    "Kinh độ": "longitude",
    "Ngày hẹn trả": "due_date",
    "Phí lệ phí": "fee_agency",
    "Cước phát": "fee_postage",
    "4 số cuối giấy tờ": "expected_id_tail",
    "Người được ủy quyền": "authorised_name",
    "Quan hệ với người nộp": "authorised_relationship",
}
HEADER_OF = {name: header for header, name in COLUMNS.items()}
REQUIRED = ("agency_code", "code", "procedure_name", "applicant_name", "street", "ward", "province")
MAX_ROWS = 20_000


class ImportFileError(ValueError):
    """The file as a whole cannot be read: `code` says why (unreadable, no_rows, missing_columns)."""

    def __init__(self, code: str, detail: str = ""):
        self.code, self.detail = code, detail
        super().__init__(f"{code}: {detail}")


@dataclass
class RowError:
    row: int          # as the spreadsheet numbers it (the header is row 1)
    column: str       # the header
    code: str


@dataclass
class CheckedFile:
    valid: list[tuple[int, str, CleanDossier]] = field(default_factory=list)  # (row, agency code, dossier)
    errors: list[RowError] = field(default_factory=list)

    @property
    def error_rows(self) -> set[int]:
        return {error.row for error in self.errors}


def read_table(content: bytes, filename: str) -> list[dict]:
    """Rows of a CSV (UTF-8, comma or semicolon) or XLSX file as {field: value}, header mapped."""
    if filename.lower().endswith(".xlsx"):
        rows = _xlsx_rows(content)
    elif filename.lower().endswith(".csv"):
        rows = _csv_rows(content)
    else:
        raise ImportFileError("unreadable", "only .csv and .xlsx files")
    rows = [row for row in rows if any(str(cell or "").strip() for cell in row)]
    if len(rows) < 2:
        raise ImportFileError("no_rows")
    if len(rows) > MAX_ROWS + 1:
        raise ImportFileError("too_many_rows", str(MAX_ROWS))
    headers = [str(cell or "").strip() for cell in rows[0]]
    fields = [COLUMNS.get(header, header if header in HEADER_OF else None) for header in headers]
    missing = [HEADER_OF[name] for name in REQUIRED if name not in fields]
    if missing:
        raise ImportFileError("missing_columns", ", ".join(missing))
    table = [{name: cells[i] if i < len(cells) else None for i, name in enumerate(fields) if name}
             for cells in rows[1:]]
    for row in table:
        # Excel turns 0905123456 into the number 905123456; put the leading zero back.
        if isinstance(row.get("applicant_phone"), (int, float)):
            row["applicant_phone"] = f"0{int(row['applicant_phone'])}"
    return table


def check_rows(rows: list[dict], agency_patterns: dict[str, str | None]) -> CheckedFile:
    """Check every row; `agency_patterns` maps known agency codes to their own dossier-code pattern."""
    checked, seen = CheckedFile(), {}
    for number, row in enumerate(rows, start=2):
        errors = _check_row(row, agency_patterns, checked, number)
        key = (str(row.get("agency_code") or "").strip(), str(row.get("code") or "").strip())
        if key[1] and key in seen:
            errors.append(RowError(number, HEADER_OF["code"], "duplicate_in_file"))
        seen.setdefault(key, number)
        checked.errors += errors
    checked.valid = [entry for entry in checked.valid if entry[0] not in checked.error_rows]
    return checked


def _check_row(row, agency_patterns, checked, number) -> list[RowError]:
    agency = str(row.get("agency_code") or "").strip()
    errors = []
    if agency not in agency_patterns:
        errors.append(RowError(number, HEADER_OF["agency_code"], "unknown_agency" if agency else "required"))
    raw = dict(row)
    if row.get("authorised_name"):
        raw["authorised_persons"] = [{"full_name": row["authorised_name"],
                                      "relationship": row.get("authorised_relationship")}]
    try:
        dossier = check_dossier(raw, agency_patterns.get(agency))
    except DossierInvalid as invalid:
        errors += [RowError(number, _header(name), code) for name, code in invalid.errors.items()]
    else:
        checked.valid.append((number, agency, dossier))
    return errors


def _header(name: str) -> str:
    if name.startswith("authorised_persons"):
        return HEADER_OF["authorised_name"]
    return HEADER_OF.get(name, name)


def _csv_rows(content: bytes) -> list[list]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError("unreadable", "CSV files must be UTF-8") from error
    dialect = csv.excel
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        pass
    return list(csv.reader(io.StringIO(text), dialect))


def _xlsx_rows(content: bytes) -> list[list]:
    from openpyxl import load_workbook  # only imports need it

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise ImportFileError("unreadable", "not an Excel .xlsx file") from error
    try:
        return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def template_csv() -> bytes:
    """The import template: the headers and one example row, UTF-8 with BOM for Excel."""
    example = ["000.00.17.H47", "000.00.17.H47-261127-0001", "Cấp phiếu lý lịch tư pháp",
               "Nguyễn Văn An", "0905123456", "12 Phan Châu Trinh", "Phường Tam Kỳ",
               "Thành phố Đà Nẵng", "", "15.5731", "108.4745", "30/11/2026", "200000", "25000",
               "1234", "", ""]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(list(COLUMNS))
    writer.writerow(example)
    return ("\ufeff" + out.getvalue()).encode()
