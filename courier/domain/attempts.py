"""Reading an attempt as the courier's phone sends it (see docs/courier-sync.md).

Every field is checked and every problem named at once, as codes the
interface translates; nothing is guessed. Only a masked ID tail is
accepted: a full ID number in the payload is refused, not stored.

A visit either hands a result over (delivered, failed) or takes a dossier in at the
citizen's door (picked_up, pickup_refused); which one a shipment takes depends on the
way it travels, which only the server knows (services/door_pickup.py).
"""
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from enum import StrEnum

from .bounds import LATITUDE, LONGITUDE, MAX_FEE, MAX_NAME, MAX_RELATIONSHIP
from .procedures import MAX_DOCUMENTS  # a list longer than a procedure's is no checklist

MASKED_TAIL = re.compile(r"^\*{5,8}\d{4}$")
MAX_TEXT = 500
# A phone's clock may be wrong; a capture time far in the future is refused, not trusted.
CLOCK_SKEW = timedelta(hours=1)


# The words of a visit, stored as these values (models/attempt.py) and sent by the phone.
class Outcome(StrEnum):
    DELIVERED = "delivered"
    FAILED = "failed"
    # Taking a dossier in at the citizen's door (Direction.COLLECT_DOSSIER):
    PICKED_UP = "picked_up"
    PICKUP_REFUSED = "pickup_refused"


PICKUP_OUTCOMES = frozenset({Outcome.PICKED_UP, Outcome.PICKUP_REFUSED})


class FailureReason(StrEnum):
    """Why a visit did not end as hoped: one column's words for both ways (see the two sets below)."""

    ABSENT = "absent"
    WRONG_ADDRESS = "wrong_address"
    REFUSED = "refused"
    ID_MISMATCH = "id_mismatch"
    NO_AUTHORISATION = "no_authorisation"
    UNSAFE_ACCESS = "unsafe_access"
    OTHER = "other"
    MISSING_DOCUMENT = "missing_document"    # a required paper of the procedure is not there
    CITIZEN_DECLINED = "citizen_declined"    # the citizen no longer wants to file it by post


# A failed delivery says one of these; a refused pickup one of the others (what the phone offers).
DELIVERY_FAILURES = (FailureReason.ABSENT, FailureReason.WRONG_ADDRESS, FailureReason.REFUSED,
                     FailureReason.ID_MISMATCH, FailureReason.NO_AUTHORISATION, FailureReason.UNSAFE_ACCESS,
                     FailureReason.OTHER)
PICKUP_REFUSALS = (FailureReason.MISSING_DOCUMENT, FailureReason.ABSENT, FailureReason.WRONG_ADDRESS,
                   FailureReason.CITIZEN_DECLINED, FailureReason.OTHER)
# A dossier is counted in sheets (the batch list the agency signs says how many).
MAX_PAGES = 500


class RecipientRelationship(StrEnum):
    APPLICANT = "applicant"
    AUTHORISED = "authorised"


class IdCheck(StrEnum):
    """How the recipient's ID was checked against the dossier."""

    MATCHED = "matched"
    NOT_GIVEN = "not_given"          # the agency gave no ID tail to compare
    OVERRIDDEN = "overridden"        # mismatch, handed over anyway with a reason


class AttemptInvalid(ValueError):
    def __init__(self, fields: dict[str, str]):
        self.fields = fields
        super().__init__(str(fields))


@dataclass
class AttemptInput:
    client_id: uuid.UUID
    shipment_id: uuid.UUID
    outcome: Outcome
    captured_at: datetime
    columns: dict
    relationship: str | None

    def attempt_columns(self) -> dict:
        return dict(self.columns, outcome=self.outcome, captured_at=self.captured_at)


def parse_attempt(payload, now: datetime | None = None) -> AttemptInput:
    """Check an attempt payload; raise AttemptInvalid({field: code}) listing every problem."""
    if not isinstance(payload, dict):
        raise AttemptInvalid({"attempt": "not_an_object"})
    errors: dict[str, str] = {}
    client_id = _uuid(payload.get("client_id"), "client_id", errors)
    shipment_id = _uuid(payload.get("shipment_id"), "shipment_id", errors)
    outcome = _choice(Outcome, payload.get("outcome"), "outcome", errors)
    captured_at = _time(payload.get("captured_at"), now or datetime.now(timezone.utc), errors)
    columns = _location(payload.get("location"), errors)
    relationship = None
    if outcome is Outcome.DELIVERED:
        recipient = _recipient(payload.get("recipient"), errors)
        relationship = recipient.get("recipient_relationship")
        columns.update(recipient, **_fees(payload.get("fees"), errors))
        # The recipient signs under a consent text (Decree 13/2023); which one is part of the proof.
        columns["consent_version"] = _text(payload.get("consent_version"), "consent_version", errors,
                                           required=True, limit=16)
    elif outcome is Outcome.FAILED:
        columns.update(_failure(payload, errors))
    elif outcome is Outcome.PICKED_UP:
        columns.update(_picked_up(payload, errors))
    elif outcome is Outcome.PICKUP_REFUSED:
        columns.update(_pickup_refused(payload, errors))
    if errors:
        raise AttemptInvalid(errors)
    return AttemptInput(client_id, shipment_id, outcome, captured_at, columns,
                        str(relationship) if relationship else None)


def _uuid(value, name, errors):
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError):
        errors[name] = "invalid"


def _choice(enum, value, name, errors, required=True):
    if value in (None, "") and not required:
        return None
    try:
        return enum(value)
    except ValueError:
        errors[name] = "required" if value in (None, "") else "invalid"


def _text(value, name, errors, required=False, limit=MAX_TEXT):
    text = value.strip() if isinstance(value, str) else ""
    if (value is not None and not isinstance(value, str)) or "\x00" in text:
        errors[name] = "invalid"  # a NUL: no keyboard types it, and PostgreSQL cannot store it
    elif required and not text:
        errors[name] = "required"
    elif len(text) > limit:
        errors[name] = "too_long"
    return text or None


def _time(value, now, errors, name="captured_at"):
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        errors[name] = "invalid"
        return None
    if moment.tzinfo is None:
        errors[name] = "invalid"
        return None
    if moment > now + CLOCK_SKEW:
        errors[name] = "in_the_future"
    return moment.astimezone(timezone.utc)


def _location(location, errors) -> dict:
    if location in (None, {}):
        return {}
    try:
        latitude, longitude = float(location["latitude"]), float(location["longitude"])
        accuracy = location.get("accuracy_m")
        accuracy = None if accuracy is None else float(accuracy)
    except (KeyError, TypeError, ValueError):
        errors["location"] = "invalid"
        return {}
    if not (LATITUDE[0] <= latitude <= LATITUDE[1] and LONGITUDE[0] <= longitude <= LONGITUDE[1]) or (accuracy is not None and accuracy < 0):
        errors["location"] = "invalid"
        return {}
    return {"latitude": latitude, "longitude": longitude, "gps_accuracy_m": accuracy}


def _recipient(recipient, errors) -> dict:
    if not isinstance(recipient, dict):
        errors["recipient"] = "required"
        return {}
    relationship = _choice(RecipientRelationship, recipient.get("relationship"), "recipient.relationship", errors)
    id_check = _choice(IdCheck, recipient.get("id_check"), "recipient.id_check", errors)
    tail = recipient.get("id_tail_masked")
    if tail not in (None, "") and not (isinstance(tail, str) and MASKED_TAIL.match(tail)):
        # A full or partly masked number must not reach the database.
        errors["recipient.id_tail_masked"] = "not_masked"
        tail = None
    reason = _text(recipient.get("override_reason"), "recipient.override_reason", errors,
                   required=id_check is IdCheck.OVERRIDDEN)
    columns = {
        "recipient_name": _text(recipient.get("name"), "recipient.name", errors, required=True, limit=MAX_NAME),
        "recipient_relationship": relationship, "id_check": id_check, "id_tail_masked": tail or None,
        "override_reason": reason,
    }
    kinship = _text(recipient.get("authorised_relationship"), "recipient.authorised_relationship",
                    errors, limit=MAX_RELATIONSHIP)
    if relationship is RecipientRelationship.AUTHORISED:
        columns["authorised_relationship"] = kinship
    return columns


def _fees(fees, errors) -> dict:
    fees = fees if isinstance(fees, dict) else {}
    columns = {}
    for key, column in (("agency", "fee_agency_collected"), ("postage", "fee_postage_collected")):
        amount = fees.get(key, 0)
        if isinstance(amount, bool) or not isinstance(amount, int) or not 0 <= amount <= MAX_FEE:
            errors[f"fees.{key}"] = "invalid_amount"
        else:
            columns[column] = amount
    method = fees.get("method")
    if method not in (None, "cash", "transfer"):
        errors["fees.method"] = "invalid"
    if columns.get("fee_agency_collected") or columns.get("fee_postage_collected"):
        columns["payment_method"] = method or "cash"
    return columns


def _failure(payload, errors) -> dict:
    reason = _reason(payload.get("failure_reason"), DELIVERY_FAILURES, "failure_reason", errors)
    note = _text(payload.get("note"), "note", errors, required=reason is FailureReason.OTHER)
    return {"failure_reason": reason, "note": note}


def _reason(value, allowed, name, errors) -> FailureReason | None:
    reason = _choice(FailureReason, value, name, errors)
    if reason is not None and reason not in allowed:
        errors[name] = "invalid"  # a word of the other way's list
        return None
    return reason


def _picked_up(payload, errors) -> dict:
    """The dossier taken in: who handed it over, what was ticked and counted, what was paid.

    The person handing the papers over is kept in recipient_name (a personal value, chained and
    erased as a recipient's is); there is no ID check: the citizen gives, the courier takes.
    """
    columns = {
        "recipient_name": _text(payload.get("handed_by"), "handed_by", errors, required=True, limit=MAX_NAME),
        "documents": _ids(payload.get("documents"), "documents", errors, required=True),
        "pages": _pages(payload.get("pages"), errors),
        "note": _text(payload.get("note"), "note", errors),
        # The citizen signs for the papers handed over under a consent text, as a recipient does.
        "consent_version": _text(payload.get("consent_version"), "consent_version", errors,
                                 required=True, limit=16),
    }
    columns.update(_fees(payload.get("fees"), errors))
    return columns


def _pickup_refused(payload, errors) -> dict:
    reason = _reason(payload.get("refusal_reason"), PICKUP_REFUSALS, "refusal_reason", errors)
    missing = _ids(payload.get("missing_documents"), "missing_documents", errors, required=False)
    if reason is FailureReason.MISSING_DOCUMENT:
        if not missing and "missing_documents" not in errors:
            errors["missing_documents"] = "required"  # "a paper is missing" names which
    elif missing and reason is not None:
        errors["missing_documents"] = "invalid"  # papers named missing, yet another reason given
    note = _text(payload.get("note"), "note", errors, required=reason is FailureReason.OTHER)
    return {"failure_reason": reason, "missing_documents": missing or None, "note": note}


def _ids(value, name, errors, required: bool) -> list[int] | None:
    """A list of document ids, each once, in ascending order (the order they were ticked means nothing)."""
    if value is None:
        if required:
            errors[name] = "required"
        return None
    if not isinstance(value, list) or len(value) > MAX_DOCUMENTS or \
            not all(isinstance(item, int) and not isinstance(item, bool) and item > 0 for item in value) or \
            len(set(value)) != len(value):
        errors[name] = "invalid"
        return None
    return sorted(value)


def _pages(value, errors) -> int | None:
    if value is None:
        errors["pages"] = "required"
    elif isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_PAGES:
        errors["pages"] = "invalid_pages"
    else:
        return value
    return None
