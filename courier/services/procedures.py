"""The catalogue of procedures an office's agencies accept by post: list, save, deactivate, import.

An office's administrator sees and changes only the procedures of the agencies their
office serves (intake.office_agencies), as a dispatcher imports only for them. Nothing
here commits: the caller does.
"""
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from ..domain.imports import ImportFileError, read_sheet
from ..domain.procedures import (MAX_COPIES, MAX_DAYS, MAX_DOCUMENTS, MAX_NAME, CheckedCatalogue,
                                 CleanProcedure, check_sheet, column_for, mapping_of, missing_columns)
from ..extensions import db
from ..models import Agency, PostOffice, Procedure, ProcedureDocument
from ..vocabulary import IMPORT_ERRORS
from . import importing
from .importing import Problem  # a file's problem: row, column, value, message
from .intake import office_agencies

# What each of the domain's codes means, said to the administrator.
ERRORS = {
    "required": _l("Bắt buộc phải có."),
    "too_long": _l("Quá dài: tối đa %(count)s ký tự.", count=MAX_NAME),
    "invalid_code": _l("Mã thủ tục không đúng dạng: một chữ số, dấu chấm, sáu chữ số (ví dụ 1.001193)."),
    "invalid_fee": _l("Phí, lệ phí phải là số đồng từ 0 đến 100.000.000 (ví dụ 200.000)."),
    "invalid_days": _l("Thời hạn giải quyết phải là số ngày từ 0 đến %(count)s.", count=MAX_DAYS),
    "invalid_copies": _l("Số bản phải từ 1 đến %(count)s.", count=MAX_COPIES),
    "invalid_original": _l("Ghi “bản chính” hoặc “bản sao”."),
    "invalid_required": _l("Ghi “có” hoặc “không”."),
    "no_documents": _l("Cần ít nhất một thành phần hồ sơ."),
    "too_many_documents": _l("Tối đa %(count)s thành phần hồ sơ.", count=MAX_DOCUMENTS),
    "duplicate_in_file": _l("Mã thủ tục đã có ở dòng %(row)s: các dòng của một thủ tục phải liền nhau."),
    "differs_from_first": _l("Khác với dòng %(row)s của cùng thủ tục."),
    "taken": _l("Cơ quan này đã có thủ tục mang mã này."),
}
FILE_ERRORS = {
    "no_header": _l("Không tìm thấy dòng tiêu đề trong 30 dòng đầu: cần các cột Mã thủ tục, Tên thủ tục "
                    "và Thành phần hồ sơ."),
    "no_rows": _l("Tệp không có dòng thủ tục nào dưới dòng tiêu đề."),
}


class CodeTaken(ValueError):
    """Another procedure of the same agency has this code."""


def office_procedures(office: PostOffice, agency: Agency | None = None) -> list[Procedure]:
    """The procedures of the office's agencies (or of one of them), by agency then code."""
    agencies = [a.id for a in office_agencies(office).values() if agency is None or a.id == agency.id]
    return list(db.session.execute(
        db.select(Procedure).join(Agency).where(Procedure.agency_id.in_(agencies))
        .order_by(Agency.name, Procedure.code)).scalars())


def office_procedure(office: PostOffice, procedure_id: int) -> Procedure | None:
    """One procedure, if it belongs to one of the office's agencies (else None, as if unknown)."""
    procedure = db.session.get(Procedure, procedure_id)
    if procedure is None or procedure.agency.post_office_id != office.id:
        return None
    return procedure


def save(agency: Agency, clean: CleanProcedure, procedure: Procedure | None = None) -> Procedure:
    """Create the agency's procedure, or update `procedure` with its documents replaced; flush.

    Raises CodeTaken when another procedure of the agency has the code.
    """
    other = _by_code(agency, clean.code)
    if other is not None and other is not procedure:
        raise CodeTaken(clean.code)
    if procedure is None:
        procedure = Procedure(agency=agency)
        db.session.add(procedure)
    procedure.agency = agency
    procedure.code, procedure.name = clean.code, clean.name
    procedure.fee_agency, procedure.processing_days = clean.fee_agency, clean.processing_days
    procedure.documents = _documents(procedure, clean.documents)
    db.session.flush()
    return procedure


def _documents(procedure: Procedure, wanted) -> list[ProcedureDocument]:
    """The procedure's documents as `wanted` lists them, keeping the row (and its id) of each document
    whose name is unchanged: a courier's phone ticks documents by id, and a checklist captured
    offline before an edit must still name the same papers when it arrives."""
    kept = {document.name: document for document in procedure.documents}
    rows = []
    for index, document in enumerate(wanted):
        row = kept.pop(document.name, None) or ProcedureDocument(name=document.name)
        row.position, row.copies, row.original, row.required = index, document.copies, document.original, \
            document.required
        rows.append(row)
    return rows


def set_active(procedure: Procedure, active: bool) -> None:
    """Take the procedure off the catalogue, or back on; it is never deleted."""
    procedure.active = active


def _by_code(agency: Agency, code: str) -> Procedure | None:
    if agency.id is None:
        return None
    return db.session.execute(db.select(Procedure).filter_by(agency_id=agency.id, code=code)).scalar_one_or_none()


# -- Import -----------------------------------------------------------------------------------------

@dataclass
class Preview:
    procedures: int = 0
    documents: int = 0
    new: int = 0
    updated: int = 0
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    file_error: str | None = None
    encoding: str | None = None
    header_row: int | None = None


def check_file(content: bytes, filename: str, agency: Agency) -> tuple[CheckedCatalogue | None, Preview]:
    """Read and check a catalogue file for `agency`; the preview says what importing would do."""
    try:
        sheet = read_sheet(content, filename, names=column_for)
    except ImportFileError as refused:
        message = FILE_ERRORS.get(refused.code)
        return None, Preview(file_error=str(message) if message else importing.file_error_message(refused))
    missing = missing_columns(mapping_of(sheet.headers))
    if missing:
        return None, Preview(file_error=str(_l("Thiếu cột: %(columns)s.", columns=", ".join(missing))))
    checked = check_sheet(sheet.rows, sheet.headers)
    known = {p.code for p in db.session.execute(db.select(Procedure).filter_by(agency_id=agency.id)).scalars()}
    codes = [clean.code for _row, clean in checked.valid]
    preview = Preview(procedures=len(codes), documents=sum(len(c.documents) for _r, c in checked.valid),
                      new=len(set(codes) - known), updated=len(set(codes) & known), rows=checked.rows,
                      encoding=sheet.encoding, header_row=sheet.header_row,
                      problems=[_problem(error) for error in checked.errors])
    return checked, preview


def take_in(checked: CheckedCatalogue, agency: Agency) -> int:
    """Save every procedure of a file with no errors: new codes added, known ones updated (and
    made active again); returns how many. Flushes, does not commit."""
    assert not checked.errors, "a file with errors is not imported"
    for _row, clean in checked.valid:
        procedure = _by_code(agency, clean.code)
        save(agency, clean, procedure)
        if procedure is not None:
            procedure.active = True
    return len(checked.valid)


def message(code: str, repeats: int | None = None) -> str:
    """A domain error code in the user's words."""
    text = ERRORS.get(code) or IMPORT_ERRORS.get(code)
    if text is None:
        return code
    return str(text) % {"row": repeats} if repeats else str(text)


def _problem(error) -> Problem:
    return Problem(error.row, error.column, error.value, message(error.code, error.repeats))
