"""The procedures an agency accepts by post: their codes, documents, fee and time, checked before saving.

A procedure is known by the code the national public-service portal gives it
(Cơ sở dữ liệu quốc gia về thủ tục hành chính): one digit, a dot, six digits,
as in 1.001193 or 2.000908. Excel reads such a code as a number and drops its
trailing zeros (2.000980 becomes 2.00098), so a number is put back into six
decimals before it is checked.

Agencies keep their catalogue as one row per document to hand in; rows of one
code are one procedure, and a row whose code and name are blank continues the
procedure above it (what a sheet with merged cells reads as). Every problem is
reported at once, as codes the interface turns into words.
"""
import re
from dataclasses import dataclass, field

from .bounds import MAX_FEE
from .folding import fold
from .imports import RowError, header_key

CODE = re.compile(r"^\d\.\d{6}$")
MAX_NAME = 300
MAX_DAYS = 365
MAX_COPIES = 20
MAX_DOCUMENTS = 40

# The columns of the one-row-per-document sheet: the template's header, then other words for it.
COLUMNS = {
    "code": ("Mã thủ tục", "Mã TTHC", "Mã số thủ tục", "Mã thủ tục hành chính", "Mã số TTHC"),
    "name": ("Tên thủ tục", "Tên thủ tục hành chính", "Tên TTHC", "Thủ tục hành chính", "Thủ tục"),
    "fee_agency": ("Phí/lệ phí", "Phí, lệ phí", "Phí lệ phí", "Lệ phí", "Phí", "Mức phí", "Phí và lệ phí"),
    "processing_days": ("Thời hạn giải quyết (ngày)", "Thời hạn giải quyết", "Thời gian giải quyết",
                        "Số ngày giải quyết", "Thời hạn"),
    "document": ("Thành phần hồ sơ", "Tên thành phần hồ sơ", "Tên giấy tờ", "Giấy tờ", "Tài liệu"),
    "copies": ("Số bản", "Số lượng", "Số lượng bản"),
    "original": ("Bản chính/bản sao", "Bản chính hay bản sao", "Loại bản", "Bản chính"),
    "required": ("Bắt buộc", "Bắt buộc nộp"),
}
HEADER_OF = {name: words[0] for name, words in COLUMNS.items()}
REQUIRED_COLUMNS = ("code", "name", "document")
_WORDS = {header_key(word): name for name, words in COLUMNS.items() for word in words}
_YES = {"co", "x", "v", "1", "true", "bat buoc", "yes", "y"}
_NO = {"khong", "0", "false", "khong bat buoc", "tuy chon", "no", "n"}
_ORIGINAL = {"ban chinh", "chinh", "bc", "goc", "ban goc"} | _YES - {"bat buoc"}
_COPY = {"ban sao", "sao", "bs", "ban chup", "ban sao chung thuc", "ban sao hoac ban chup"} | _NO - {"khong bat buoc"}
_FREE = {"", "0", "khong", "mien", "mien phi", "mien le phi", "khong thu", "khong co"}


class ProcedureInvalid(ValueError):
    """Raised with `errors`: {field: error code}; a document's fields are "documents.<i>.<field>"."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__(", ".join(f"{name}: {code}" for name, code in errors.items()))


@dataclass(frozen=True)
class CleanDocument:
    name: str
    copies: int = 1
    original: bool = False
    required: bool = True


@dataclass
class CleanProcedure:
    """The checked, normalised values, ready to become a models.Procedure."""
    code: str
    name: str
    fee_agency: int
    processing_days: int
    documents: list[CleanDocument] = field(default_factory=list)


def normalise_code(value) -> str:
    """The portal's code as text, e.g. 1.001193; Excel's number 2.00098 is 2.000980. Raises ValueError."""
    if isinstance(value, bool):
        raise ValueError("not a procedure code")
    if isinstance(value, (int, float)):
        value = f"{value:.6f}"
    text = re.sub(r"\s+", "", str(value or ""))
    if not CODE.match(text):
        raise ValueError(f"not a procedure code: {value!r}")
    return text


def check_procedure(raw: dict) -> CleanProcedure:
    """Check a procedure with its documents (`raw["documents"]`, a list of dicts); raise ProcedureInvalid."""
    errors: dict[str, str] = {}
    clean = CleanProcedure(
        code=_checked(raw, "code", normalise_code, "invalid_code", errors, required=True),
        name=_text(raw.get("name"), "name", errors),
        fee_agency=_checked(raw, "fee_agency", parse_fee, "invalid_fee", errors),
        processing_days=_checked(raw, "processing_days", parse_days, "invalid_days", errors, required=True),
        documents=_documents(raw.get("documents") or [], errors),
    )
    if errors:
        raise ProcedureInvalid(errors)
    return clean


def check_document(raw: dict) -> CleanDocument:
    """One document to hand in; raise ProcedureInvalid with the fields' errors."""
    errors: dict[str, str] = {}
    document = CleanDocument(
        name=_text(raw.get("name"), "name", errors),
        copies=_checked(raw, "copies", parse_copies, "invalid_copies", errors),
        original=_checked(raw, "original", parse_original, "invalid_original", errors),
        required=_checked(raw, "required", parse_required, "invalid_required", errors))
    if errors:
        raise ProcedureInvalid(errors)
    return document


def parse_fee(value) -> int:
    """Whole đồng: 200000, "200.000", "200.000 đồng", or none ("Không", "Miễn phí", blank) as 0."""
    if isinstance(value, bool):
        raise ValueError("not a fee")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("đồng have no fractions")
        value = int(value)
    if isinstance(value, int):
        amount = value
    else:
        folded = header_key(value)
        if folded in _FREE:
            return 0
        text = re.sub(r"\s|₫|đồng|đ|vnd", "", str(value), flags=re.IGNORECASE)
        if re.fullmatch(r"\d{1,3}([.,]\d{3})+", text):
            text = re.sub(r"[.,]", "", text)
        if not text.isdigit():
            raise ValueError(f"not a fee: {value!r}")
        amount = int(text)
    if not 0 <= amount <= MAX_FEE:
        raise ValueError(f"fee out of bounds: {value!r}")
    return amount


def parse_days(value) -> int:
    """Working days, 0 to 365: 15, 15.0 or "15 ngày làm việc"."""
    if isinstance(value, bool):
        raise ValueError("not a number of days")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    words = " ".join(fold(str(value)).split()) if not isinstance(value, int) else ""
    match = re.fullmatch(r"(\d{1,4})( ngay( lam viec)?)?", words)
    days = value if isinstance(value, int) else int(match.group(1)) if match else -1
    if not 0 <= days <= MAX_DAYS:
        raise ValueError(f"not a number of days: {value!r}")
    return days


def parse_copies(value) -> int:
    """How many copies to hand in, 1 to 20; blank is one."""
    if value in (None, ""):
        return 1
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or not 1 <= int(text) <= MAX_COPIES:
        raise ValueError(f"not a number of copies: {value!r}")
    return int(text)


def parse_original(value) -> bool:
    """Whether the original is handed in: True/False, "bản chính", "bản sao", "x"; blank is a copy."""
    if isinstance(value, bool) or value is None:
        return bool(value)
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    folded = header_key(value)
    if folded in _ORIGINAL:
        return True
    if folded in _COPY or folded == "":
        return False
    raise ValueError(f"neither original nor copy: {value!r}")


def parse_required(value) -> bool:
    """Whether the document must be handed in: True/False, "có", "không", "x"; blank is required."""
    if isinstance(value, bool) or value is None:
        return True if value is None else value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    folded = header_key(value)
    if folded in _YES or folded == "":
        return True
    if folded in _NO:
        return False
    raise ValueError(f"neither yes nor no: {value!r}")


def column_for(header) -> str | None:
    """The procedure field a sheet's header names, if any; a unit in brackets does not matter."""
    folded = header_key(header)
    for candidate in (folded, re.sub(r" (ngay|ngay lam viec|dong|vnd|d|ban)$", "", folded)):
        if candidate in _WORDS:
            return _WORDS[candidate]
    return None


def _checked(raw, name, parse, code, errors, required=False):
    value = raw.get(name)
    if required and (value is None or (isinstance(value, str) and not value.strip())):
        errors[name] = "required"
        return None
    try:
        return parse(value)
    except (ValueError, TypeError):
        errors[name] = code
        return None


def _text(value, name, errors) -> str:
    text = " ".join(str(value if value is not None else "").split())
    if not text:
        errors[name] = "required"
    elif len(text) > MAX_NAME:
        errors[name] = "too_long"
    return text


def _documents(raws: list[dict], errors: dict) -> list[CleanDocument]:
    if not raws:
        errors["documents"] = "no_documents"
    elif len(raws) > MAX_DOCUMENTS:
        errors["documents"] = "too_many_documents"
    documents = []
    for index, raw in enumerate(raws[:MAX_DOCUMENTS]):
        try:
            documents.append(check_document(raw))
        except ProcedureInvalid as invalid:
            errors.update({f"documents.{index}.{name}": code for name, code in invalid.errors.items()})
    return documents


# -- A sheet of one row per document ---------------------------------------------------------------

@dataclass
class CheckedCatalogue:
    valid: list[tuple[int, CleanProcedure]] = field(default_factory=list)  # (first row, procedure)
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0

    @property
    def error_rows(self) -> set[int]:
        return {error.row for error in self.errors}


def mapping_of(headers: list[str]) -> list[str | None]:
    """Each column's field by its words; a field is taken by its first column only."""
    mapping, taken = [], set()
    for header in headers:
        name = column_for(header)
        mapping.append(name if name not in taken else None)
        taken.add(name)
    return mapping


def missing_columns(mapping: list[str | None]) -> list[str]:
    return [HEADER_OF[name] for name in REQUIRED_COLUMNS if name not in mapping]


def check_sheet(rows: list[tuple[int, list]], headers: list[str]) -> CheckedCatalogue:
    """Group a sheet's rows (spreadsheet number, cells) into procedures and check each.

    Errors name the row, the column as the file wrote it and the value found: a
    procedure's own fields on its first row, a document's on its own row.
    """
    mapping = mapping_of(headers)
    written = {name: header for header, name in zip(headers, mapping) if name}
    checked, groups = CheckedCatalogue(rows=len(rows)), []
    for number, cells in rows:
        row = {name: cells[i] if i < len(cells) else None for i, name in enumerate(mapping) if name}
        _group(number, row, groups, written, checked)
    seen: dict[str, int] = {}
    for group in groups:
        _check_group(group, written, seen, checked)
    checked.errors.sort(key=lambda error: error.row)
    return checked


def _group(number, row, groups, written, checked) -> None:
    """Start a procedure at a row with a code or a name, or continue the one above."""
    blank = all(_shown(row.get(name)) == "" for name in ("code", "name"))
    if blank and groups:
        groups[-1]["documents"].append((number, row))
        return
    code = row.get("code")
    try:
        key = normalise_code(code)
    except ValueError:
        key = _shown(code)
    same = next((g for g in groups if g["key"] == key and key), None)
    if same is not None and groups[-1] is same:
        for name in ("name", "fee_agency", "processing_days"):
            if _shown(row.get(name)) not in ("", _shown(same["row"].get(name))):
                checked.errors.append(RowError(number, written.get(name, HEADER_OF[name]), "differs_from_first",
                                               _shown(row.get(name)), repeats=same["number"]))
        same["documents"].append((number, row))
        return
    groups.append({"key": key, "number": number, "row": row, "documents": [(number, row)]})


def _check_group(group, written, seen, checked) -> None:
    number, row = group["number"], group["row"]
    raw = {name: row.get(name) for name in ("code", "name", "fee_agency", "processing_days")}
    raw["documents"] = [{"name": cells.get("document"), "copies": cells.get("copies"),
                         "original": cells.get("original"), "required": cells.get("required")}
                        for _n, cells in group["documents"]]
    errors = []
    if group["key"] and group["key"] in seen:
        errors.append(RowError(number, written.get("code", HEADER_OF["code"]), "duplicate_in_file",
                               _shown(row.get("code")), repeats=seen[group["key"]]))
    seen.setdefault(group["key"], number)
    try:
        clean = check_procedure(raw)
    except ProcedureInvalid as invalid:
        for key, code in invalid.errors.items():
            errors.append(_row_error(key, code, group, written))
    else:
        if not errors:
            checked.valid.append((number, clean))
    checked.errors += errors


def _row_error(key: str, code: str, group, written) -> RowError:
    if key.startswith("documents."):
        _, index, name = key.split(".")
        number, cells = group["documents"][int(index)]
        column = {"name": "document"}.get(name, name)
        return RowError(number, written.get(column, HEADER_OF[column]), code, _shown(cells.get(column)))
    column = {"documents": "document"}.get(key, key)
    return RowError(group["number"], written.get(column, HEADER_OF[column]), code,
                    _shown(group["row"].get(column)))


def _shown(value) -> str:
    text = str(value if value is not None else "").strip()
    return text if len(text) <= 80 else text[:77] + "…"
