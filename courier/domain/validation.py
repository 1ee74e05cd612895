"""Shapes of the identifiers agencies send: dossier codes and phone numbers."""
import re

# The national shape: agency unit code, then yymmdd, then a sequence number,
# e.g. 000.00.17.H47-231212-0001.
NATIONAL_DOSSIER_CODE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4,6}$")
AGENCY_CODE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")
# Mobile numbers start 03, 05, 07, 08, 09 (10 digits); landlines 02 + 9 digits.
_PHONE = re.compile(r"^0(?:[35789]\d{8}|2\d{9})$")
# What no one types into a form: C0 controls but tab and line breaks, and DEL (NUL breaks PostgreSQL).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def typed_text(value, limit: int, required: bool = True) -> tuple[str, str | None]:
    """A text typed into a form, its runs of spaces made one, and what is wrong with it if anything:
    "invalid_text" (control characters), "required" or "too_long"; None when it is fine."""
    raw = str(value or "")
    text = " ".join(raw.split())
    if _CONTROL.search(raw):
        return text, "invalid_text"
    if not text and required:
        return text, "required"
    if len(text) > limit:
        return text, "too_long"
    return text, None


class InvalidCode(ValueError):
    """Raised for a dossier code, agency code or phone number of the wrong shape."""


def check_dossier_code(code: str, agency_pattern: str | None = None) -> str:
    """Return the trimmed code if it has the national shape or the agency's own.

    Raises InvalidCode otherwise.
    """
    code = (code or "").strip()
    if NATIONAL_DOSSIER_CODE.match(code):
        return code
    if agency_pattern and re.fullmatch(agency_pattern, code):
        return code
    raise InvalidCode(f"{code!r} is not a dossier code (e.g. 000.00.17.H47-231212-0001)")


def check_agency_code(code: str) -> str:
    """Return the trimmed agency unit code; raise InvalidCode if malformed."""
    code = (code or "").strip()
    if not AGENCY_CODE.match(code):
        raise InvalidCode(f"{code!r} is not an agency code (e.g. 000.00.17.H47)")
    return code


def normalise_phone(raw: str) -> str:
    """Return a Vietnamese phone number as 0xxxxxxxxx; accepts +84 and spaces.

    Raises InvalidCode for anything that is not a mobile or landline number.
    """
    digits = re.sub(r"[\s.\-()]", "", raw or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    if not _PHONE.match(digits):
        raise InvalidCode(f"{raw!r} is not a Vietnamese phone number")
    return digits
