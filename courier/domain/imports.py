"""Reading the agency's dossier list from CSV, TSV or Excel, and checking every row.

Agencies send their own one-stop-shop system's export, not our template: a
title row or two above the header, their own header words in their own
order, any of the encodings Excel writes. So the header is looked for (the
row naming the most dossier fields), columns are matched by meaning (accents,
case, spacing and punctuation ignored, several words per field), and the
dispatcher confirms the mapping before anything is saved.

A file is hostile until read: rows and columns are bounded while parsing
(an XLSX's declared dimension is never trusted), an XLSX's zip is measured
before it is opened and its XML may not declare entities, and a CSV field
over the csv module's limit is an error, not a crash.

Rows keep the number the spreadsheet shows (blank rows counted), and each
problem names its column (as the agency wrote it) and the value found.
"""
import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from .dossiers import CleanDossier, DossierInvalid, check_dossier
from .folding import fold

# The template's header for each dossier field, in the template's order.
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
FIELDS = tuple(COLUMNS.values())
# The agency comes from the page or the dossier code's prefix, so its column is optional.
REQUIRED = ("code", "procedure_name", "applicant_name", "street", "ward", "province")

# Other words one-stop-shop exports use for the same field (folded before matching).
SYNONYMS = {
    "agency_code": ("Mã đơn vị", "Mã cơ quan tiếp nhận", "Mã đơn vị tiếp nhận", "Mã cơ quan giải quyết"),
    "code": ("Số hồ sơ", "Mã số hồ sơ", "Mã HS", "Số biên nhận", "Mã biên nhận", "Mã hồ sơ một cửa"),
    "procedure_name": ("Tên thủ tục hành chính", "Thủ tục", "Thủ tục hành chính", "Tên TTHC", "TTHC",
                       "Tên dịch vụ công"),
    "applicant_name": ("Họ và tên người nhận", "Tên người nhận", "Người nhận", "Họ tên", "Họ và tên",
                       "Chủ hồ sơ", "Tên chủ hồ sơ", "Người nộp hồ sơ", "Họ tên người nộp", "Tên công dân"),
    "applicant_phone": ("Điện thoại", "SĐT", "Số ĐT", "Điện thoại người nhận", "Số điện thoại người nhận",
                        "Điện thoại liên hệ", "Số điện thoại liên hệ", "Di động"),
    "street": ("Địa chỉ nhận kết quả", "Địa chỉ nhận", "Địa chỉ người nhận", "Địa chỉ trả kết quả",
               "Số nhà, đường", "Số nhà đường phố", "Địa chỉ chi tiết", "Địa chỉ liên hệ"),
    "ward": ("Phường, xã", "Xã/Phường", "Phường/Xã/Đặc khu", "Phường", "Xã", "Xã, phường"),
    "province": ("Tỉnh", "Tỉnh/TP", "Tỉnh, thành phố", "Tỉnh thành", "Thành phố"),
    "legacy_district": ("Quận/Huyện", "Quận, huyện", "Huyện", "Quận", "Huyện (cũ)", "Quận/Huyện/Thị xã"),
    "latitude": ("Vĩ độ (lat)", "Lat", "Latitude"),
    "longitude": ("Kinh độ (lng)", "Lng", "Lon", "Longitude"),
    "due_date": ("Ngày hẹn trả kết quả", "Hẹn trả", "Ngày trả kết quả", "Ngày hẹn", "Hẹn trả kết quả"),
    "fee_agency": ("Lệ phí", "Lệ phí (đồng)", "Phí, lệ phí", "Phí", "Phí và lệ phí", "Số tiền phí, lệ phí"),
    "fee_postage": ("Cước", "Cước bưu chính", "Cước phí", "Cước phát (đồng)", "Phí chuyển phát",
                    "Cước chuyển phát"),
    "expected_id_tail": ("Số cuối giấy tờ", "Đuôi số giấy tờ", "4 số cuối CCCD"),
    "authorised_name": ("Người nhận thay", "Người được ủy quyền nhận", "Ủy quyền cho"),
    "authorised_relationship": ("Quan hệ", "Quan hệ với người nhận"),
}

MAX_ROWS = 20_000           # dossier rows in one file
MAX_SHEET_ROWS = MAX_ROWS + 500  # spreadsheet rows read at most (blank and title rows included)
MAX_COLUMNS = 40            # columns read; anything further right is never looked at
HEADER_SCAN = 30            # the header must be among the first rows
MIN_HEADER_FIELDS = 3       # a row naming fewer fields is not the header
MAX_UNZIPPED = 40 * 1024 * 1024   # an XLSX's parts, uncompressed, together
MAX_RATIO = 100             # uncompressed / compressed, for any part over 1 MB
MAX_PARTS = 500
ENCODINGS = ("utf-8", "utf-16", "cp1258", "cp1252")
TEXT_EXTENSIONS = (".csv", ".tsv", ".txt")
_DELIMITERS = (",", ";", "\t")
_DTD = [marker.encode(codec) for marker in ("<!DOCTYPE", "<!ENTITY", "<!doctype", "<!entity")
        for codec in ("utf-8", "utf-16-le", "utf-16-be")]


class ImportFileError(ValueError):
    """The file as a whole cannot be read: `code` says why, `detail` what was found."""

    def __init__(self, code: str, detail: str = ""):
        self.code, self.detail = code, detail
        super().__init__(f"{code}: {detail}")


@dataclass
class Sheet:
    """A file's rows as the spreadsheet numbers them, with its header found."""
    header_row: int                    # the header's spreadsheet row number
    headers: list[str]
    rows: list[tuple[int, list]]       # (spreadsheet row number, cells), blank rows left out
    encoding: str | None = None        # a text file's encoding, as read


@dataclass
class RowError:
    row: int          # as the spreadsheet numbers it
    column: str       # the header as the agency wrote it
    code: str
    value: str = ""   # what the cell held
    repeats: int | None = None  # a duplicate: the row it repeats


@dataclass
class CheckedFile:
    valid: list[tuple[int, str, CleanDossier]] = field(default_factory=list)  # (row, agency code, dossier)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)  # shown, but they block nothing

    @property
    def error_rows(self) -> set[int]:
        return {error.row for error in self.errors}


def header_key(text) -> str:
    """A header's words without accents, case or punctuation: "Họ và tên (*)" → "ho va ten"."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(str(text or ""))).split())


def _words_of() -> dict[str, str]:
    words = {header_key(header): name for header, name in COLUMNS.items()}
    for name, synonyms in SYNONYMS.items():
        words.update({header_key(synonym): name for synonym in synonyms})
    return words


WORDS = _words_of()


def field_for(header) -> str | None:
    """The dossier field a header names, if any; a unit in brackets or a trailing "(*)" does not matter."""
    folded = header_key(header)
    for candidate in (folded, re.sub(r" (dong|vnd|d|cu)$", "", folded)):
        if candidate in WORDS:
            return WORDS[candidate]
    return None


def read_sheet(content: bytes, filename: str, encoding: str | None = None, *, names=None) -> Sheet:
    """The file's rows, bounded, with its header row found; `encoding` overrides detection.

    `names` gives the field a header names (None: none), for files of another kind than
    dossier lists; the header is the row naming the most of them.
    """
    names = names or field_for
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        rows, encoding = _xlsx_rows(content), None
    elif name.endswith(TEXT_EXTENSIONS):
        text, encoding = decode(content, encoding)
        rows = _text_rows(text, names)
    elif name.endswith(".xls"):
        rows, encoding = _xls_rows(content), None
    else:
        raise ImportFileError("unreadable")
    return _with_header(rows, encoding, names)


def decode(content: bytes, encoding: str | None = None) -> tuple[str, str]:
    """The text and the encoding it was read with: the one asked for, a BOM's, UTF-8, or the likeliest."""
    if encoding not in ENCODINGS:
        encoding = detect_encoding(content)
    codec = {"utf-8": "utf-8-sig"}.get(encoding, encoding)
    try:
        text = content.decode(codec)
    except UnicodeDecodeError as error:
        raise ImportFileError("bad_encoding", encoding) from error
    # Windows-1258 writes a tone as its own combining mark; the rest of the app compares composed text.
    return unicodedata.normalize("NFC", text), encoding


def detect_encoding(content: bytes) -> str:
    """UTF-8 or UTF-16 when a BOM or the bytes say so, else what charset-normalizer finds likeliest."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        content.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # only text imports need it

    best = from_bytes(content[:64 * 1024], cp_isolation=["utf_16", "cp1258", "cp1252"]).best()
    found = (best.encoding if best else "cp1258").replace("_", "-")
    return found if found in ENCODINGS else "cp1258"


def guess_mapping(headers: list[str], remembered: dict | None = None) -> list[str | None]:
    """Each column's field: as remembered for the agency, else by its words; a field is taken once."""
    remembered = remembered or {}
    mapping, taken = [], set()
    for header in headers:
        key = header_key(header)
        name = remembered[key] if key in remembered else field_for(header)
        if name in taken or name not in FIELDS:
            name = None
        taken.add(name)
        mapping.append(name)
    return mapping


def missing_fields(mapping: list[str | None]) -> list[str]:
    """The required fields no column is mapped to, by the template's header."""
    return [HEADER_OF[name] for name in REQUIRED if name not in mapping]


def mapped_rows(sheet: Sheet, mapping: list[str | None]) -> list[tuple[int, dict]]:
    """Each row as {field: value}, under its spreadsheet number."""
    table = []
    for number, cells in sheet.rows:
        row = {name: cells[i] if i < len(cells) else None for i, name in enumerate(mapping) if name}
        # Excel turns 0905123456 into the number 905123456; put the leading zero back.
        if isinstance(row.get("applicant_phone"), (int, float)):
            row["applicant_phone"] = f"0{int(row['applicant_phone'])}"
        table.append((number, row))
    return table


def check_rows(rows: list[tuple[int, dict]], agency_patterns: dict[str, str | None], *,
               headers: dict[str, str] | None = None, agency: str | None = None,
               province_code: int | None = None, ward_codes: frozenset[int] = frozenset()) -> CheckedFile:
    """Check every row.

    `agency_patterns` maps the agencies one may import for to their own code pattern;
    `agency` is the one chosen for the whole file (else each row's column or code prefix);
    `headers` names each field's column as the file wrote it; `province_code` is the
    office's, an address elsewhere is a warning; so is one in the province but outside
    `ward_codes`, the communes the office delivers to (when it has said which).
    """
    checked, seen = CheckedFile(), {}
    headers = {**HEADER_OF, **(headers or {})}
    for number, row in rows:
        agency_code = _agency_of(row, agency, agency_patterns)
        errors = _check_row(number, row, agency_code, agency_patterns, headers, checked)
        code = _text(row.get("code"))
        if code and (agency_code, code) in seen:
            errors.append(RowError(number, headers["code"], "duplicate_in_file", code,
                                   repeats=seen[(agency_code, code)]))
        seen.setdefault((agency_code, code), number)
        checked.errors += errors
        if not errors:
            area = (province_code, ward_codes)
            checked.warnings += _warnings(number, row, agency_code, area, headers, checked)
    checked.valid = [entry for entry in checked.valid if entry[0] not in checked.error_rows]
    return checked


def code_prefix(code) -> str:
    """The unit code a national dossier code starts with: 000.00.17.H47-261127-0001 → 000.00.17.H47."""
    return _text(code).split("-", 1)[0]


def _agency_of(row, chosen, agency_patterns) -> str:
    if chosen:
        return chosen
    written = _text(row.get("agency_code"))
    if written:
        return written
    prefix = code_prefix(row.get("code"))
    return prefix if prefix in agency_patterns else ""


def _check_row(number, row, agency_code, agency_patterns, headers, checked) -> list[RowError]:
    errors = []
    if agency_code not in agency_patterns:
        errors.append(RowError(number, headers["agency_code"], "unknown_agency" if agency_code else
                               "no_agency", agency_code))
    raw = dict(row)
    if row.get("authorised_name"):
        raw["authorised_persons"] = [{"full_name": row["authorised_name"],
                                      "relationship": row.get("authorised_relationship")}]
    try:
        dossier = check_dossier(raw, agency_patterns.get(agency_code))
    except DossierInvalid as invalid:
        errors += [RowError(number, _header(name, headers), code, _shown(row.get(_field(name))))
                   for name, code in invalid.errors.items()]
    else:
        checked.valid.append((number, agency_code, dossier))
    return errors


def _warnings(number, row, agency_code, area, headers, checked) -> list[RowError]:
    warnings, (province_code, ward_codes) = [], area
    prefix = code_prefix(row.get("code"))
    if agency_code and "." in prefix and prefix != agency_code:
        warnings.append(RowError(number, headers["code"], "prefix_not_agency", _text(row.get("code"))))
    dossier = checked.valid[-1][2]
    if province_code and dossier.province_code != province_code:
        warnings.append(RowError(number, headers["province"], "outside_province", _text(row.get("province"))))
    elif ward_codes and dossier.ward_code not in ward_codes:
        warnings.append(RowError(number, headers["ward"], "outside_communes", _text(row.get("ward"))))
    return warnings


def _field(name: str) -> str:
    return "authorised_name" if name.startswith("authorised_persons") else name


def _header(name: str, headers: dict[str, str]) -> str:
    return headers.get(_field(name), name)


def _text(value) -> str:
    return str(value if value is not None else "").strip()


def _shown(value) -> str:
    text = _text(value)
    return text if len(text) <= 80 else text[:77] + "…"


def _with_header(rows, encoding, names=field_for) -> Sheet:
    """Find the header among the first rows: the one naming the most fields."""
    best, best_score = None, 0
    for index, (_number, cells) in enumerate(rows[:HEADER_SCAN]):
        score = len({names(cell) for cell in cells if cell not in (None, "")} - {None})
        if score > best_score:
            best, best_score = index, score
    if best is None or best_score < MIN_HEADER_FIELDS:
        if not rows:
            raise ImportFileError("no_rows")
        raise ImportFileError("no_header")
    header_row, cells = rows[best]
    data = rows[best + 1:]
    if not data:
        raise ImportFileError("no_rows")
    if len(data) > MAX_ROWS:
        raise ImportFileError("too_many_rows", str(MAX_ROWS))
    headers = [_text(cell) for cell in cells]
    while headers and not headers[-1]:
        headers.pop()  # a merged title or a padded row is wider than the header
    return Sheet(header_row, headers, data, encoding)


def _kept(number: int, cells) -> tuple[int, list] | None:
    """A row's first columns under its number, or None for a blank row (it still counts)."""
    cells = list(cells[:MAX_COLUMNS])
    if not any(_text(cell) for cell in cells):
        return None
    if number > MAX_SHEET_ROWS:
        raise ImportFileError("too_many_rows", str(MAX_ROWS))
    return number, cells


def _text_rows(text: str, names=field_for) -> list[tuple[int, list]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text, names))
    rows = []
    try:
        # Numbered by record, as Excel shows the file: a blank line is a row, a quoted cell
        # spanning lines is not several.
        for number, cells in enumerate(reader, start=1):
            kept = _kept(number, cells)
            if kept:
                rows.append(kept)
    except csv.Error as error:
        # Over the csv module's field limit (128 KB), or an unclosed quote that swallowed the rest.
        raise ImportFileError("field_too_long", str(reader.line_num)) from error
    return rows


def _delimiter(text: str, names=field_for) -> str:
    """The delimiter under which some early row reads as the best header (comma, semicolon or tab)."""
    sample = "\n".join(text[:64 * 1024].splitlines()[:HEADER_SCAN])

    def score(delimiter):
        try:
            rows = list(csv.reader(io.StringIO(sample), delimiter=delimiter))
        except csv.Error:
            return 0
        return max((len({names(cell) for cell in row[:MAX_COLUMNS]} - {None}) for row in rows), default=0)

    return max(_DELIMITERS, key=score)


def _xlsx_rows(content: bytes) -> list[tuple[int, list]]:
    _check_zip(content)
    from openpyxl import load_workbook  # only imports need it

    try:
        # Not data_only: a formula cell is read as its formula text, never silently as empty.
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise ImportFileError("unreadable") from error
    try:
        sheet = book.worksheets[0]
        rows = []
        # Bounds given here, since read-only mode pads every row to the declared dimension.
        for number, cells in enumerate(sheet.iter_rows(min_row=1, max_row=MAX_SHEET_ROWS + 1,
                                                       max_col=MAX_COLUMNS, values_only=True), start=1):
            kept = _kept(number, cells)
            if kept:
                rows.append(kept)
        return rows
    except ImportFileError:
        raise
    except Exception as error:
        raise ImportFileError("unreadable") from error
    finally:
        book.close()


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file Excel 97-2003 writes


def _xls_rows(content: bytes) -> list[tuple[int, list]]:
    """An Excel 97-2003 workbook's first sheet; an .xlsx saved under the old name is read as one.

    A formula cell gives the value Excel last computed (the old format keeps no formula text
    xlrd reads). Some systems write an HTML page and call it .xls: that is named, not guessed at.
    """
    if content.startswith(b"PK"):
        return _xlsx_rows(content)
    if not content.startswith(_OLE2):
        raise ImportFileError("xls_not_excel" if content.lstrip()[:1] == b"<" else "unreadable")
    import xlrd  # only .xls imports need it

    try:
        # ragged_rows: a row is as long as its cells, never padded to the widest row.
        book = xlrd.open_workbook(file_contents=content, on_demand=True, ragged_rows=True)
        sheet = book.sheet_by_index(0)
    except Exception as error:  # xlrd raises many kinds for a broken file
        raise ImportFileError("unreadable") from error
    try:
        rows = []
        for index in range(min(sheet.nrows, MAX_SHEET_ROWS + 1)):
            width = min(sheet.row_len(index), MAX_COLUMNS)
            kept = _kept(index + 1, [_xls_value(cell, book.datemode) for cell in sheet.row_slice(index, 0, width)])
            if kept:
                rows.append(kept)
        return rows
    finally:
        book.release_resources()


def _xls_value(cell, datemode):
    """A cell as openpyxl would give it: dates as datetimes, whole numbers as ints, errors as text."""
    import xlrd

    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(cell.value, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return cell.value
    if cell.ctype == xlrd.XL_CELL_NUMBER and float(cell.value).is_integer():
        return int(cell.value)
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERR")
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    return cell.value


def _check_zip(content: bytes) -> None:
    """Refuse a zip bomb and XML that declares entities before openpyxl parses anything."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as error:
        raise ImportFileError("unreadable") from error
    total = sum(part.file_size for part in parts)
    if len(parts) > MAX_PARTS or total > MAX_UNZIPPED or any(
            part.file_size > 1024 * 1024 and part.file_size > MAX_RATIO * max(part.compress_size, 1)
            for part in parts):
        raise ImportFileError("too_big")
    for part in parts:
        if part.filename.endswith((".xml", ".rels")) and _declares_entities(archive, part):
            raise ImportFileError("entities")


def _declares_entities(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> bool:
    """Whether the part has a DTD (none of Excel's parts does); read in chunks, sizes already bounded."""
    tail = b""
    try:
        with archive.open(part) as stream:
            while chunk := stream.read(256 * 1024):
                window = tail + chunk
                if any(marker in window for marker in _DTD):
                    return True
                tail = window[-32:]
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as error:
        raise ImportFileError("unreadable") from error
    return False


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
