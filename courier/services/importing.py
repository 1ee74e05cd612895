"""The intake page's two steps: preview an agency's file, then import it.

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
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app

from ..domain.imports import COLUMNS, CheckedFile, ImportFileError, read_table, template_csv
from ..extensions import db
from ..models import Agency, Dossier
from ..vocabulary import DOSSIER_ERRORS, IMPORT_ERRORS
from . import intake

_STAGED_ID = re.compile(r"^[0-9a-f]{32}$")
EXTENSIONS = (".csv", ".xlsx")
MAX_AGE_S = 24 * 3600


@dataclass
class Problem:
    row: int
    column: str
    message: str


@dataclass
class Preview:
    rows: int = 0
    valid: int = 0
    error_rows: int = 0
    already_known: int = 0
    problems: list[Problem] = field(default_factory=list)
    file_error: str | None = None

    @property
    def importable(self) -> int:
        return self.valid - self.already_known


def check(content: bytes, filename: str) -> tuple[CheckedFile | None, Preview]:
    """Read and check a file; the preview says what importing it would do."""
    try:
        rows = read_table(content, filename)
    except ImportFileError as refused:
        return None, Preview(file_error=file_error_message(refused))
    checked = intake.check_table(rows)
    problems = [Problem(e.row, e.column, error_message(e.code)) for e in sorted(checked.errors,
                                                                                key=lambda e: e.row)]
    return checked, Preview(rows=len(rows), valid=len(checked.valid), error_rows=len(checked.error_rows),
                            already_known=_count_known(checked), problems=problems)


def error_message(code: str) -> str:
    """A row error's code in words, in the user's language."""
    message = DOSSIER_ERRORS.get(code) or IMPORT_ERRORS.get(code)
    return str(message) if message is not None else code


def file_error_message(refused: ImportFileError) -> str:
    message = IMPORT_ERRORS.get(refused.code, IMPORT_ERRORS["unreadable"])
    return str(message) % {"detail": refused.detail} if "%(detail)s" in str(message) else str(message)


def _count_known(checked: CheckedFile) -> int:
    """How many valid rows name a dossier already taken in (they would be skipped)."""
    by_agency: dict[str, list[str]] = {}
    for _row, agency_code, clean in checked.valid:
        by_agency.setdefault(agency_code, []).append(clean.code)
    known = 0
    for agency_code, codes in by_agency.items():
        for start in range(0, len(codes), 500):
            known += db.session.execute(
                db.select(db.func.count(Dossier.id)).join(Agency)
                .where(Agency.code == agency_code, Dossier.code.in_(codes[start:start + 500]))).scalar()
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
        raise ValueError("only .csv and .xlsx files are staged")
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
