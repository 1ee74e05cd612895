"""Checking a request to take a dossier in at the citizen's door, before anything is saved.

The same rules serve the citizen's public form and the clerk who types in a request
taken by phone. Every problem is reported at once, as error codes that the interface
turns into words (vocabulary.PICKUP_ERRORS). Nothing here touches the database.
"""
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from . import addresses, validation
from .bounds import MAX_NAME, MAX_STREET
from .dossiers import parse_date

SLOTS = ("morning", "afternoon")
MAX_NOTE = 300
# A pickup is planned into a round the day before at the latest, and no further ahead than
# the office plans its rounds.
BOOK_AHEAD_DAYS = 14
# The reference a pickup carries until the agency gives its official dossier code: "TN" (tiếp
# nhận), the date, and six letters and digits with none that read alike (no 0/O, 1/I/L).
_REFERENCE_LETTERS = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


class PickupInvalid(ValueError):
    """Raised with `errors`: {field name: error code} for every field that is wrong."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__(", ".join(f"{name}: {code}" for name, code in errors.items()))


@dataclass(frozen=True)
class CleanPickup:
    procedure_id: int
    applicant_name: str
    applicant_phone: str
    street: str
    ward_code: int
    province_code: int
    preferred_date: date
    preferred_slot: str
    note: str | None


def earliest_day(today: date) -> date:
    return today + timedelta(days=1)


def latest_day(today: date) -> date:
    return today + timedelta(days=BOOK_AHEAD_DAYS)


def check_request(raw: dict, *, today: date, procedure_ids: set[int], ward_codes: set[int]) -> CleanPickup:
    """Check a pickup request's fields; raise PickupInvalid listing every problem.

    `procedure_ids` are the procedures that may be sent by post now, `ward_codes` the communes
    an office of ours serves; `today` is the local date the request is made on.
    """
    errors: dict[str, str] = {}
    clean = CleanPickup(
        procedure_id=_choice(raw, "procedure", procedure_ids, errors),
        applicant_name=_text(raw, "applicant_name", MAX_NAME, errors),
        applicant_phone=_phone(raw, errors),
        street=_text(raw, "street", MAX_STREET, errors),
        ward_code=_ward(raw, ward_codes, errors),
        province_code=0,
        preferred_date=_day(raw, today, errors),
        preferred_slot=_slot(raw, errors),
        note=_text(raw, "note", MAX_NOTE, errors, required=False) or None,
    )
    if not _ticked(raw.get("consent")):
        errors["consent"] = "consent_required"
    if errors:
        raise PickupInvalid(errors)
    return CleanPickup(**{**clean.__dict__, "province_code": addresses.ward(clean.ward_code).province_code})


def new_reference(today: date, pick=secrets.choice) -> str:
    """A reference for a new pickup, e.g. TN261203-K7QX2M (unique enough; the caller retries a clash)."""
    return "TN" + today.strftime("%y%m%d") + "-" + "".join(pick(_REFERENCE_LETTERS) for _ in range(6))


def _text(raw, name, limit, errors, required=True) -> str:
    value, problem = validation.typed_text(raw.get(name), limit, required)
    if problem:
        errors[name] = problem
    return value


def _phone(raw, errors) -> str:
    value = str(raw.get("applicant_phone") or "").strip()
    if not value:
        errors["applicant_phone"] = "required"
        return ""
    try:
        return validation.normalise_phone(value[:40])
    except ValueError:
        errors["applicant_phone"] = "invalid_phone"
        return ""


def _number(value) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) <= 9 else None


def _choice(raw, name, allowed, errors) -> int:
    value = _number(raw.get(name))
    if value is None and not str(raw.get(name) or "").strip():
        errors[name] = "required"
    elif value not in allowed:
        errors[name] = "unknown_procedure"
    return value or 0


def _ward(raw, served, errors) -> int:
    value = _number(raw.get("ward"))
    if value is None and not str(raw.get("ward") or "").strip():
        errors["ward"] = "required"
        return 0
    try:
        addresses.ward(value)
    except addresses.UnknownDivision:
        errors["ward"] = "unknown_ward"
        return 0
    if value not in served:
        errors["ward"] = "ward_not_served"
    return value


def _day(raw, today, errors) -> date:
    value = raw.get("preferred_date")
    if not str(value or "").strip():
        errors["preferred_date"] = "required"
        return today
    try:
        day = parse_date(str(value)[:20])
    except ValueError:
        errors["preferred_date"] = "invalid_date"
        return today
    if day < earliest_day(today):
        errors["preferred_date"] = "too_soon"
    elif day > latest_day(today):
        errors["preferred_date"] = "too_far"
    return day


def _slot(raw, errors) -> str:
    value = str(raw.get("preferred_slot") or "").strip()
    if value not in SLOTS:
        errors["preferred_slot"] = "required" if not value else "invalid_choice"
    return value


def _ticked(value) -> bool:
    return str(value or "").strip().lower() in {"y", "yes", "on", "true", "1"}
