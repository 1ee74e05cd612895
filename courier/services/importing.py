"""The intake page's steps: preview an agency's file with its columns mapped, then import it.

Between the two the file waits on the server under the instance folder,
named by a random id that only the uploader's (signed) session knows, so
the confirmation never trusts a file or a result sent back by the browser:
the file is read and checked again when it is imported. Staged files older
than a day are removed whenever a new one is staged.
"""
import io
import os
import re
import secrets
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app

from ..domain.imports import (COLUMNS, CheckedFile, ImportFileError, code_prefix, guess_mapping, header_key,
                              mapped_rows, missing_fields, read_sheet, template_csv)
from ..extensions import db
from ..models import Agency, Dossier, PostOffice
from ..vocabulary import DOSSIER_ERRORS, IMPORT_ERRORS
from . import intake

_STAGED_ID = re.compile(r"^[0-9a-f]{32}$")
EXTENSIONS = (".csv", ".tsv", ".txt", ".xlsx", ".xls")
MAX_AGE_S = 24 * 3600


@dataclass
class Problem:
    row: int
    column: str
    value: str
    message: str


@dataclass
class Column:
    """One of the file's columns and the field it is read as (None: ignored)."""
    header: str
    field: str | None


@dataclass
class Preview:
    rows: int = 0
    valid: int = 0
    error_rows: int = 0
    already_known: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    file_error: str | None = None
    encoding: str | None = None          # a text file's, as read
    header_row: int | None = None
    columns: list[Column] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # required fields no column is mapped to
    asks_mapping: bool = True            # False when the agency's remembered mapping covers every column
    agency: Agency | None = None         # the file's agency, chosen or read from the codes

    @property
    def importable(self) -> int:
        return self.valid - self.already_known

    @property
    def mapping(self) -> list[str | None]:
        return [column.field for column in self.columns]


def check(content: bytes, filename: str, office: PostOffice, *, agency: Agency | None = None,
          encoding: str | None = None, mapping: list[str | None] | None = None
          ) -> tuple[CheckedFile | None, Preview]:
    """Read and check a file for `office`; the preview says what importing it would do.

    `agency` is the dispatcher's choice (else read from the dossier codes), `encoding`
    overrides detection, `mapping` (a field or None per column) overrides the guess.
    """
    try:
        sheet = read_sheet(content, filename, encoding)
    except ImportFileError as refused:
        return None, Preview(file_error=file_error_message(refused))
    agencies = intake.office_agencies(office)
    if mapping is not None and len(mapping) != len(sheet.headers):
        mapping = None  # another file's: read this one afresh
    agency = agency or _agency_from_codes(sheet, agencies, mapping) or _agency_remembering(sheet, agencies)
    remembered = agency.intake_mapping if agency else None
    guessed = guess_mapping(sheet.headers, remembered)
    if mapping is None:
        mapping = guessed
    preview = Preview(rows=len(sheet.rows), encoding=sheet.encoding, header_row=sheet.header_row,
                      columns=[Column(h, name) for h, name in zip(sheet.headers, mapping)],
                      missing=missing_fields(mapping), agency=agency,
                      asks_mapping=not _covers(remembered, sheet.headers) or mapping != guessed)
    if preview.missing:
        return None, preview
    file_agency = agency.code if agency and "agency_code" not in mapping else None
    headers = {name: header for header, name in zip(sheet.headers, mapping) if name}
    checked = intake.check_table(mapped_rows(sheet, mapping), office, headers=headers, agency=file_agency)
    preview.valid, preview.error_rows = len(checked.valid), len(checked.error_rows)
    preview.problems = [_problem(e) for e in sorted(checked.errors, key=lambda e: e.row)]
    preview.warnings = [_problem(w) for w in checked.warnings]
    preview.already_known = _count_known(checked, office)
    return checked, preview


def error_message(code: str) -> str:
    """A row error's code in words, in the user's language."""
    message = DOSSIER_ERRORS.get(code) or IMPORT_ERRORS.get(code)
    return str(message) if message is not None else code


def file_error_message(refused: ImportFileError) -> str:
    message = IMPORT_ERRORS.get(refused.code, IMPORT_ERRORS["unreadable"])
    return str(message) % {"detail": refused.detail} if "%(detail)s" in str(message) else str(message)


def _problem(error) -> Problem:
    message = error_message(error.code)
    if error.repeats:
        message = str(IMPORT_ERRORS["duplicate_of_row"]) % {"row": error.repeats}
    return Problem(error.row, error.column, error.value, message)


def _covers(remembered: dict | None, headers: list[str]) -> bool:
    """Whether a remembered mapping knows every named column of this file."""
    return bool(remembered) and all(header_key(h) in remembered for h in headers if header_key(h))


def _agency_remembering(sheet, agencies: dict[str, Agency]) -> Agency | None:
    """The agency whose remembered mapping reads this file's columns and finds its codes: an export
    whose code column has a word of its own is known again by the mapping a dispatcher confirmed."""
    for candidate in agencies.values():
        if _covers(candidate.intake_mapping, sheet.headers):
            found = _agency_from_codes(sheet, agencies, guess_mapping(sheet.headers, candidate.intake_mapping))
            if found is not None:
                return found
    return None


def _agency_from_codes(sheet, agencies: dict[str, Agency], mapping=None) -> Agency | None:
    """The office's agency most of the file's dossier codes start with, if any; the codes are in the
    column the dispatcher mapped (else the one the headers' words name)."""
    columns = [i for i, name in enumerate(mapping or guess_mapping(sheet.headers)) if name == "code"]
    if not columns:
        return None
    prefixes = Counter(code_prefix(cells[columns[0]]) for _n, cells in sheet.rows[:500]
                       if columns[0] < len(cells))
    for prefix, _count in prefixes.most_common():
        if prefix in agencies:
            return agencies[prefix]
    return None


def _count_known(checked: CheckedFile, office: PostOffice) -> int:
    """How many valid rows name a dossier this office's agencies already have (they would be skipped).

    Only the office's agencies are looked in: a code known elsewhere is not revealed.
    """
    by_agency: dict[str, list[str]] = {}
    for _row, agency_code, clean in checked.valid:
        by_agency.setdefault(agency_code, []).append(clean.code)
    known = 0
    for agency_code, codes in by_agency.items():
        for start in range(0, len(codes), 500):
            known += db.session.execute(
                db.select(db.func.count(Dossier.id)).join(Agency)
                .where(Agency.code == agency_code, Agency.post_office_id == office.id,
                       Dossier.code.in_(codes[start:start + 500]))).scalar()
    return known


def stage(content: bytes, filename: str) -> str:
    """Keep an uploaded file for its confirmation; returns its random id."""
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    _sweep(folder)
    staged_id = secrets.token_hex(16)
    fd = os.open(folder / f"{staged_id}{_extension(filename)}", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(content)
    return staged_id


def load(staged_id: str, filename: str) -> bytes | None:
    """The staged file's bytes, or None if the id is malformed or the file is gone."""
    path = _path(staged_id, filename)
    try:
        return path.read_bytes() if path else None
    except FileNotFoundError:
        return None


def discard(staged_id: str, filename: str) -> None:
    path = _path(staged_id, filename)
    if path:
        path.unlink(missing_ok=True)


def template_xlsx() -> bytes:
    """The import template as an Excel workbook: the headers, the example row, text-typed codes."""
    import csv

    from openpyxl import Workbook
    from openpyxl.styles import Font

    headers, example = list(csv.reader(io.StringIO(template_csv().decode("utf-8-sig"))))
    book = Workbook()
    sheet = book.active
    sheet.title = "Ho so"
    sheet.append(headers)
    sheet.append(example)
    for index, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = max(14, len(header) + 4, len(example[index - 1]) + 2)
        if COLUMNS[header] in ("code", "applicant_phone", "expected_id_tail", "agency_code", "due_date"):
            # Text, so Excel keeps a phone's leading zero and leaves codes and dates as typed.
            for row in range(2, 1002):
                sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _folder() -> Path:
    return Path(current_app.config["INSTANCE_DIR"]) / "intake"


def _extension(filename: str) -> str:
    extension = os.path.splitext(filename or "")[1].lower()
    if extension not in EXTENSIONS:
        raise ValueError("only .csv, .tsv, .txt, .xlsx and .xls files are staged")
    return extension


def _path(staged_id: str, filename: str) -> Path | None:
    if not isinstance(staged_id, str) or not _STAGED_ID.match(staged_id):
        return None
    try:
        return _folder() / f"{staged_id}{_extension(filename)}"
    except ValueError:
        return None


def _sweep(folder: Path) -> None:
    cutoff = time.time() - MAX_AGE_S
    for old in folder.iterdir():
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except FileNotFoundError:
            pass  # another worker swept it first
