"""What a scanned or typed text names: one rule for the server and the phone.

What our envelopes carry (domain/labels.py, services/printing.py): a QR code holding the
citizen link `<base>/t/<token>`, and the dossier code in print for people to type. Shipment
UUIDs appear in the office's own pages and exports. So a text is, first match wins:

    citizen_link  …/t/<token>, the token as tokens.new_token makes it (letters, digits, - and _),
                  optionally followed by a slash, a query or a fragment
    cccd          the QR on the back of a chip ID card (12-digit number|old number|name|
                  birth DDMMYYYY|gender|address|issue DDMMYYYY): the card, not a label
    uuid          the first shipment UUID (8-4-4-4-12 hex digits) anywhere in the text (a shipment
                  page's address, urn:uuid:…, SHIP:<uuid>;v=1), lowercased
    dossier_code  anything else, trimmed; a code of the national shape typed in lower case
                  (phone keyboards) is upper-cased, since national codes are upper case

static/js/courier/codes.js (classifyCode) applies the same rule on the phone; both are checked
against tests/vectors/scanned_codes.json.
"""
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

CITIZEN_LINK = re.compile(r"^[^\s?#]*/t/([A-Za-z0-9_-]+)/?(?:[?#]\S*)?$")
UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
NATIONAL_DOSSIER_CODE = re.compile(r"^[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}-[0-9]{6}-[0-9]{4,6}$")
_CCCD_NUMBER = re.compile(r"^[0-9]{12}$")
_OLD_ID_NUMBER = re.compile(r"^([0-9]{9}|[0-9]{12})$")
# [0-9], not \d: Python's \d takes any script's digits, JavaScript's only ASCII ones.
_DDMMYYYY = re.compile(r"^([0-9]{2})([0-9]{2})([0-9]{4})$")


@dataclass(frozen=True)
class ScannedCode:
    kind: str   # citizen_link, cccd, uuid or dossier_code
    value: str  # the token, the card's ID number, the lowercased UUID or the dossier code


def classify_code(text: str | None) -> ScannedCode | None:
    """What a scanned or typed text names (see the module's rule); None for an empty text."""
    trimmed = (text or "").strip()
    if not trimmed:
        return None
    if link := CITIZEN_LINK.match(trimmed):
        return ScannedCode("citizen_link", link[1])
    if card_number := cccd_number(trimmed):
        return ScannedCode("cccd", card_number)
    if found := UUID.search(trimmed):
        return ScannedCode("uuid", found[0].lower())
    if NATIONAL_DOSSIER_CODE.match(trimmed.upper()):
        return ScannedCode("dossier_code", trimmed.upper())
    return ScannedCode("dossier_code", trimmed)


def cccd_number(text: str) -> str | None:
    """The 12-digit number of a chip ID card's QR text, checked as codes.js's parseCccd checks it;
    None if the text is not such a QR."""
    fields = [unicodedata.normalize("NFC", field.strip()) for field in text.strip().split("|")]
    if len(fields) != 7:
        return None
    number, old_number, name, birth, gender, _address, issue = fields
    if not _CCCD_NUMBER.match(number) or (old_number and not _OLD_ID_NUMBER.match(old_number)):
        return None
    if not name or not gender:
        return None
    born, issued = _date(birth), _date(issue)
    if born is None or issued is None or issued < born:
        return None
    return number


def _date(ddmmyyyy: str) -> date | None:
    match = _DDMMYYYY.match(ddmmyyyy)
    if not match:
        return None
    day, month, year = int(match[1]), int(match[2]), int(match[3])
    if not 1900 <= year <= 2199:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None
