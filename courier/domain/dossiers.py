"""Checking a dossier as an agency sends it, before anything is saved.

Every field is checked and every problem reported at once (an import shows
them all by row and column), as error codes that the interface turns into
words in the user's language. Nothing here touches the database.
"""
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from . import addresses, validation
from .bounds import (ID_TAIL, MAX_CODE, MAX_DISTRICT, MAX_FEE, MAX_NAME, MAX_PROCEDURE, MAX_STREET,
                     VIETNAM_LATITUDE, VIETNAM_LONGITUDE)


class DossierInvalid(ValueError):
    """Raised with `errors`: {field name: error code} for every field that is wrong."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__(", ".join(f"{name}: {code}" for name, code in errors.items()))


@dataclass
class CleanDossier:
    """The checked, normalised values, ready to become a models.Dossier."""

    code: str
    procedure_name: str
    applicant_name: str
    applicant_phone: str | None
    street: str
    ward_code: int
    province_code: int
    due_date: date | None
    fee_agency: int
    fee_postage: int
    legacy_district: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    expected_id_tail: str | None = None
    authorised_persons: list[dict] = field(default_factory=list)


def check_dossier(raw: dict, agency_pattern: str | None = None) -> CleanDossier:
    """Check and normalise a dossier's fields; raise DossierInvalid listing every problem."""
    errors: dict[str, str] = {}

    def text(name, required=True, limit=MAX_PROCEDURE):
        value = str(raw.get(name) or "").strip()
        if not value and required:
            errors[name] = "required"
        elif len(value) > limit:
            errors[name] = "too_long"
        return value or None

    def attempt(name, check, code):
        value = raw.get(name)
        if value in (None, ""):
            return None
        try:
            return check(value)
        except (ValueError, TypeError):
            errors[name] = code
            return None

    code = text("code", limit=MAX_CODE)
    if code:
        code = attempt("code", lambda v: validation.check_dossier_code(v, agency_pattern), "invalid_code")
    phone = attempt("applicant_phone", validation.normalise_phone, "invalid_phone")
    province_code = _province(raw.get("province"), errors)
    ward_code = _ward(raw.get("ward"), province_code, errors)
    latitude = attempt("latitude", lambda v: _coordinate(v, *VIETNAM_LATITUDE), "invalid_coordinates")
    longitude = attempt("longitude", lambda v: _coordinate(v, *VIETNAM_LONGITUDE), "invalid_coordinates")
    if (latitude is None) != (longitude is None) and "latitude" not in errors and "longitude" not in errors:
        errors["latitude"] = "invalid_coordinates"
    clean = CleanDossier(
        code=code, procedure_name=text("procedure_name"), applicant_name=text("applicant_name", limit=MAX_NAME),
        applicant_phone=phone, street=text("street", limit=MAX_STREET), ward_code=ward_code,
        province_code=province_code, due_date=attempt("due_date", parse_date, "invalid_date"),
        fee_agency=attempt("fee_agency", _amount, "invalid_amount") or 0,
        fee_postage=attempt("fee_postage", _amount, "invalid_amount") or 0,
        legacy_district=text("legacy_district", required=False, limit=MAX_DISTRICT),
        latitude=latitude, longitude=longitude,
        expected_id_tail=attempt("expected_id_tail", _id_tail, "invalid_id_tail"),
        authorised_persons=_authorised(raw.get("authorised_persons") or [], errors),
    )
    if errors:
        raise DossierInvalid(errors)
    return clean


def parse_date(value) -> date:
    """Accept a date, dd/mm/yyyy (as Vietnamese forms write it) or ISO yyyy-mm-dd."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    value = str(value).strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {value!r}")


def _amount(value) -> int:
    """Whole đồng from 1250000, 1250000.0 (Excel), "1.250.000", "1,250,000" or "1.250.000 ₫"."""
    if isinstance(value, bool):
        raise ValueError("not an amount")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("đồng have no fractions")
        value = int(value)
    text = re.sub(r"\s|₫|đ|VND", "", str(value), flags=re.IGNORECASE)
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", text):
        text = re.sub(r"[.,]", "", text)
    if not text.isdigit() or int(text) > MAX_FEE:
        raise ValueError(f"not an amount: {value!r}")
    return int(text)


def _coordinate(value, low: float, high: float) -> float:
    number = float(value)
    if not low <= number <= high:  # Vietnam's bounding box, islands included
        raise ValueError("outside Vietnam")
    return number


def _id_tail(value) -> str:
    digits = str(value).strip()
    if not re.fullmatch(ID_TAIL, digits):
        raise ValueError("an ID tail is the last 3 to 6 digits")
    return digits


def _province(value, errors) -> int | None:
    if value in (None, ""):
        errors["province"] = "required"
        return None
    try:
        found = addresses.province(value) if str(value).strip().isdigit() else addresses.find_province(str(value))
        return int(found.code)
    except addresses.UnknownDivision:
        errors["province"] = "unknown_province"
        return None


def _ward(value, province_code, errors) -> int | None:
    if value in (None, ""):
        errors["ward"] = "required"
        return None
    if province_code is None:
        return None
    try:
        if str(value).strip().isdigit():
            return int(addresses.check_ward_in_province(int(value), province_code).code)
        return int(addresses.find_ward(str(value), province_code).code)
    except addresses.UnknownDivision:
        errors["ward"] = "unknown_ward"
        return None


def _authorised(persons, errors) -> list[dict]:
    clean = []
    for index, person in enumerate(persons):
        name = str(person.get("full_name") or "").strip()
        tail = str(person.get("expected_id_tail") or "").strip() or None
        if not name or len(name) > MAX_NAME:
            errors[f"authorised_persons[{index}].full_name"] = "required"
        if tail and not re.fullmatch(ID_TAIL, tail):
            errors[f"authorised_persons[{index}].expected_id_tail"] = "invalid_id_tail"
        clean.append({"full_name": name, "expected_id_tail": tail,
                      "relationship_to_applicant": str(person.get("relationship") or "").strip() or None})
    return clean
