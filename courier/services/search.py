"""Finding shipments: by dossier code, name or phone, with filters, a page at a time.

Pages are cut by keyset (newest first, `id < the last one seen`), never by
OFFSET, so page 2 000 costs what page 1 does. The common path (the office's
list, filtered by state, commune, agency or due date) uses only indexed
predicates; a name or a code fragment scans within the office, bounded by
the page size. Names match ignoring case and Vietnamese accents, against
Dossier.applicant_name_folded (trigram-indexed on PostgreSQL).
"""
import re
import sqlite3
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import String, event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import contains_eager
from sqlalchemy.sql.functions import FunctionElement

from ..domain.folding import FOLD_FROM, FOLD_TO, fold
from ..domain.states import State
from ..domain.validation import NATIONAL_DOSSIER_CODE, InvalidCode, normalise_phone
from ..extensions import db
from ..models import Dossier, Shipment

PAGE_SIZE = 50


class folded(FunctionElement):
    """SQL for fold(column): translate() on PostgreSQL, the Python function on SQLite.

    Searches read the stored Dossier.applicant_name_folded instead (indexed); this
    stays to check that the database folds as Python does.
    """

    type = String()
    inherit_cache = True


@compiles(folded)
def _folded_default(element, compiler, **kw):
    column = compiler.process(element.clauses, **kw)
    return f"lower(translate({column}, '{FOLD_FROM}', '{FOLD_TO}'))"


@compiles(folded, "sqlite")
def _folded_sqlite(element, compiler, **kw):
    return f"courier_fold({compiler.process(element.clauses, **kw)})"


@event.listens_for(Engine, "connect")
def _register_sqlite_fold(dbapi_connection, _record):
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function("courier_fold", 1, fold, deterministic=True)


@dataclass
class Filters:
    q: str = ""
    state: State | None = None
    agency_id: int | None = None
    ward_code: int | None = None
    due: date | None = None


@dataclass
class Page:
    shipments: list[Shipment] = field(default_factory=list)
    next_after: uuid.UUID | None = None   # the cursor of the next page, if there is one


class UnknownCursor(LookupError):
    """Raised when `after` names no shipment of the office."""


def search(post_office_id: int, filters: Filters, after: uuid.UUID | None = None,
           size: int = PAGE_SIZE) -> Page:
    """One page of the office's shipments matching `filters`, newest first, after the cursor.

    The cursor is a shipment's public id (the integer id stays on the server).
    Raises UnknownCursor if it is not one of the office's shipments.
    """
    query = (
        db.select(Shipment).join(Shipment.dossier)
        .options(contains_eager(Shipment.dossier).joinedload(Dossier.agency))
    )
    if after is not None:
        query = query.where(Shipment.id < _cursor_id(post_office_id, after))
    query, exact = _filtered(query, filters)
    # A phone number or a whole code names a few dossiers: start from them (their index), not
    # from the office's shipments. `+ 0` keeps SQLite, which has no statistics, from walking the
    # whole office newest first looking for them (a second per search at a million shipments).
    office = Shipment.post_office_id + 0 if exact else Shipment.post_office_id
    query = query.where(office == post_office_id)
    rows = list(db.session.execute(query.order_by(Shipment.id.desc()).limit(size + 1)).scalars())
    more = len(rows) > size
    rows = rows[:size]
    return Page(shipments=rows, next_after=rows[-1].public_id if more else None)


def _cursor_id(post_office_id: int, after: uuid.UUID) -> int:
    found = db.session.execute(
        db.select(Shipment.id).filter_by(public_id=after, post_office_id=post_office_id)).scalar()
    if found is None:
        raise UnknownCursor(str(after))
    return found


def _filtered(query, filters: Filters):
    if filters.state is not None:
        query = query.where(Shipment.state == filters.state)
    if filters.agency_id:
        query = query.where(Dossier.agency_id == filters.agency_id)
    if filters.ward_code:
        query = query.where(Dossier.ward_code == filters.ward_code)
    if filters.due:
        query = query.where(Dossier.due_date == filters.due)
    return _matching(query, unicodedata.normalize("NFC", filters.q or "").strip())


def _matching(query, q: str):
    """The search box: a phone number, a whole dossier code, a fragment of one, or a name.

    Returns the query and whether it is an exact lookup (a phone number or a whole code).
    """
    if not q:
        return query, False
    try:
        return query.where(Dossier.applicant_phone == normalise_phone(q)), True
    except InvalidCode:
        pass
    if NATIONAL_DOSSIER_CODE.match(q):
        return query.where(Dossier.code == q), True
    if re.search(r"\d", q) and " " not in q:
        # Part of a code or of a phone number, as people read them out over the phone.
        digits = re.sub(r"[\s.\-()]", "", q)
        return query.where(Dossier.code.contains(q, autoescape=True)
                           | Dossier.applicant_phone.contains(digits, autoescape=True)), False
    # The stored folded name: on PostgreSQL its trigram index answers this infix LIKE.
    return query.where(Dossier.applicant_name_folded.contains(fold(q), autoescape=True)), False


def ward_choices(province_code: int | None) -> list[tuple[int, str]]:
    """The wards and communes of the office's province, by name, for filter menus."""
    from vietnam_provinces import Ward

    if not province_code:
        return []
    wards = sorted(Ward.iter_by_province(province_code), key=lambda w: fold(w.name))
    return [(int(w.code), w.name) for w in wards]
