"""Finding shipments: by dossier code, name or phone, with filters, a page at a time.

Pages are cut by keyset (newest first, `id < the last one seen`), never by
OFFSET, so page 2 000 costs what page 1 does. The common path (the office's
list, filtered by state, commune, agency or due date) uses only indexed
predicates. Names match ignoring case and Vietnamese accents, against
Dossier.applicant_name_folded. A name or a fragment of a code or phone number
is a trigram index's to find (migration 0010): on PostgreSQL pg_trgm's GIN
indexes, which the planner weighs against walking the office; on SQLite an
FTS5 table, read when the office's newest shipments did not fill the page
(see _infix_on_sqlite).
"""
import re
import sqlite3
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import String, event, text
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
# A name or fragment on SQLite (see _infix_on_sqlite): how many of the office's newest shipments
# are read in order first, and up to how many dossiers found in the FTS5 table are then looked up
# one by one. Measured at a million shipments: the walk 17 ms; the FTS5 table 33 ms for a name of
# common syllables ("nguyen van an", 3,800 dossiers, which then cost 22 ms more), 2 ms for a rare
# one, 6 ms for a fragment of a code; a walk fills the page sooner than 5,000 dossiers are read.
WALK = 20_000
CANDIDATES = 5000
TRIGRAM = 3   # a trigram index cannot look up a shorter text


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
    before = None if after is None else _cursor_id(post_office_id, after)
    if before is not None:
        query = query.where(Shipment.id < before)
    query = _filtered(query, filters)
    match, exact, texts = _matching(unicodedata.normalize("NFC", filters.q or "").strip())
    if match is not None:
        query = query.where(match)
    if exact:
        # A phone number or a whole code names a few dossiers: start from them (their index), not
        # from the office's shipments. `+ 0` keeps SQLite, which has no statistics, from walking the
        # whole office newest first looking for them (a second per search at a million shipments).
        rows = _newest(query.where(Shipment.post_office_id + 0 == post_office_id), size + 1)
    elif texts and db.engine.dialect.name == "sqlite":
        rows = _infix_on_sqlite(query, post_office_id, before, texts, size + 1)
    else:
        # PostgreSQL keeps statistics: its planner chooses between the trigram indexes and the walk.
        rows = _newest(query.where(Shipment.post_office_id == post_office_id), size + 1)
    more = len(rows) > size
    rows = rows[:size]
    return Page(shipments=rows, next_after=rows[-1].public_id if more else None)


def _newest(query, n: int) -> list[Shipment]:
    return list(db.session.execute(query.order_by(Shipment.id.desc()).limit(n)).scalars())


def _infix_on_sqlite(query, post_office_id: int, before: int | None, texts: dict[str, str], n: int):
    """A name or fragment on SQLite, which cannot weigh a walk against an index (no statistics).

    First the office's WALK newest shipments, read in order: a common text ("nguyễn", "văn an")
    fills the page there. If it does not, the text is rare among them, and for the older ones
    the FTS5 table names the dossiers to look at (if few), else the walk goes on.
    """
    office = Shipment.post_office_id == post_office_id
    bound = _walk_bound(post_office_id, before)
    if bound is None:   # the office has fewer: walking it all is the bounded walk
        return _newest(query.where(office), n)
    rows = _newest(query.where(office, Shipment.id > bound), n)
    if len(rows) == n:
        return rows
    older = query.where(Shipment.id <= bound)
    ids = _few_ids(texts)
    if ids is None:
        older = older.where(office)
    else:
        # `+ 0`: start from these dossiers, not from the office (see search()).
        older = older.where(Shipment.post_office_id + 0 == post_office_id, Dossier.id.in_(ids))
    return rows + _newest(older, n - len(rows))


def _walk_bound(post_office_id: int, before: int | None) -> int | None:
    """The id below the office's WALK newest shipments (before the cursor), read off
    ix_shipment_office_id alone; None if there are not that many. (The OFFSET skips index
    entries to find where the walk ends; no page is ever cut by one.)"""
    query = db.select(Shipment.id).where(Shipment.post_office_id == post_office_id)
    if before is not None:
        query = query.where(Shipment.id < before)
    return db.session.execute(query.order_by(Shipment.id.desc()).offset(WALK).limit(1)).scalar()


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
    return query


def _matching(q: str):
    """The search box: a phone number, a whole dossier code, a fragment of one, or a name.

    Returns the condition (None for an empty box), whether it is an exact lookup (a phone
    number or a whole code), and for an infix match the texts sought in each column (named
    as in SQLite's dossier_search).
    """
    if not q:
        return None, False, {}
    try:
        return Dossier.applicant_phone == normalise_phone(q), True, {}
    except InvalidCode:
        pass
    if NATIONAL_DOSSIER_CODE.match(q):
        return Dossier.code == q, True, {}
    if re.search(r"\d", q) and " " not in q:
        # Part of a code or of a phone number, as people read them out over the phone.
        digits = re.sub(r"[\s.\-()]", "", q)
        return (Dossier.code.contains(q, autoescape=True) | Dossier.applicant_phone.contains(digits, autoescape=True),
                False, {"code": q, "applicant_phone": digits})
    # The stored folded name, so that accents and case do not matter.
    name = fold(q)
    return Dossier.applicant_name_folded.contains(name, autoescape=True), False, {"applicant_name_folded": name}


def _few_ids(texts: dict[str, str]) -> list[int] | None:
    """The dossiers whose columns contain `texts` (any of them), from SQLite's FTS5 table (0010);
    None if more than CANDIDATES, or if a text is too short for trigrams.

    The trigrams ignore case beyond ASCII and SQLite's LIKE does not: the LIKE stays beside these.
    """
    if any(len(t) < TRIGRAM for t in texts.values()):
        return None
    # A quoted phrase of the trigram tokenizer matches a substring; quotes inside are doubled.
    terms = " OR ".join(f'{column} : "{t.replace(chr(34), chr(34) * 2)}"' for column, t in texts.items())
    found = db.session.execute(text("SELECT rowid FROM dossier_search WHERE dossier_search MATCH :terms LIMIT :n"),
                               {"terms": terms, "n": CANDIDATES + 1}).scalars().all()
    return None if len(found) > CANDIDATES else found


def ward_choices(province_code: int | None) -> list[tuple[int, str]]:
    """The wards and communes of the office's province, by name, for filter menus."""
    from vietnam_provinces import Ward

    if not province_code:
        return []
    wards = sorted(Ward.iter_by_province(province_code), key=lambda w: fold(w.name))
    return [(int(w.code), w.name) for w in wards]
