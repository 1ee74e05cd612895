"""Checking what an agency's desk gives when it takes a dossier in, or sends one back.

The desk page and the agency API apply the same rules; problems come back as error
codes (vocabulary.ACKNOWLEDGEMENT_ERRORS). Nothing here touches the database.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from . import validation
from .dossiers import parse_date
from .imports import code_prefix

MAX_REASON = 300
# Decision 45's longest processing times are counted in weeks (land papers: up to 30 working days),
# so a promised date past a year is a typing mistake.
LATEST_PROMISE_DAYS = 366


class AcknowledgementInvalid(ValueError):
    """Raised with `errors`: {field name: error code} for every field that is wrong."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__(", ".join(f"{name}: {code}" for name, code in errors.items()))


@dataclass(frozen=True)
class Acknowledgement:
    official_code: str
    promised_date: date


def check_acknowledgement(raw: dict, *, agency_code: str, agency_pattern: str | None,
                          today: date) -> Acknowledgement:
    """The agency's own dossier code (national shape under its unit code, or its own pattern)
    and the date it promises the result (today at the earliest); raises AcknowledgementInvalid."""
    errors: dict[str, str] = {}
    code = str(raw.get("official_code") or "").strip()[:80]
    if not code:
        errors["official_code"] = "required"
    else:
        if validation.NATIONAL_DOSSIER_CODE.match(code.upper()):
            code = code.upper()  # typed in lower case on a phone; national codes are upper case
        try:
            code = validation.check_dossier_code(code, agency_pattern)
        except validation.InvalidCode:
            errors["official_code"] = "invalid_code"
        else:
            if validation.NATIONAL_DOSSIER_CODE.match(code) and code_prefix(code) != agency_code:
                errors["official_code"] = "prefix_not_agency"
    promised = _promised(raw.get("promised_date"), today, errors)
    if errors:
        raise AcknowledgementInvalid(errors)
    return Acknowledgement(code, promised)


def promise_after(today: date, working_days: int) -> date:
    """The date `working_days` working days (Monday to Friday) after today: what the desk page
    suggests from the procedure's processing time. Public holidays are the desk's to add."""
    day, left = today, max(0, working_days)
    while left:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def check_reason(raw: dict) -> str:
    """Why the agency sends a dossier back to be completed: required, one short paragraph."""
    value, problem = validation.typed_text(raw.get("reason"), MAX_REASON)
    if problem:
        raise AcknowledgementInvalid({"reason": problem})
    return value


def _promised(value, today: date, errors: dict) -> date:
    if not str(value or "").strip():
        errors["promised_date"] = "required"
        return today
    try:
        day = parse_date(str(value)[:20])
    except ValueError:
        errors["promised_date"] = "invalid_date"
        return today
    if day < today:
        errors["promised_date"] = "in_the_past"
    elif day > today + timedelta(days=LATEST_PROMISE_DAYS):
        errors["promised_date"] = "too_far"
    return day
