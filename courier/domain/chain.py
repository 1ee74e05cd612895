"""The links of the tamper-evidence chains: what a record's hash is made of. Pure.

Each record stores `seq` (its place), `prev_hash` (the previous record's
hash) and `hash` = SHA-256(prev_hash + seq + canonical content). Editing a
record breaks its hash; deleting one leaves a gap in `seq`; swapping two
breaks the links. Sealing and verifying, which read and write the database,
are in courier/ledger/chain.py.

Four chains: custody events, proofs, attempts (the hand-over record, every field a
receipt, a report, the cash reconciliation or the dispatcher shows) and cash hand-ins.

An attempt's personal data may be erased (Decree 13/2023), which must not read as
tampering. So its chained content holds, instead of the personal values themselves, a
digest of them salted with a random per-attempt salt (`personal_digest`, chained;
`personal_salt`, not chained). While the values exist, verify recomputes the digest from
the salt and the values: an edit is caught. An erasure (`erase_personal`) replaces the
values by their erased form and deletes the salt with them: what remains cannot be
matched against a guessed name or ID tail (the salt is gone), and verify accepts it only
in its erased form and only after a chained custody event ERASURE_EVENT on the
attempt's shipment, so an erasure cannot be faked without breaking the event chain.
"""
import hashlib
import json
from datetime import datetime, timezone
from enum import Enum

GENESIS = "0" * 64
EVENT_FIELDS = ("id", "shipment_id", "actor_id", "actor_label", "action", "from_state", "to_state",
                "created_at", "details")
# Every field the citizen's receipt shows is here (kind, sha256) or in the attempt's.
PROOF_FIELDS = ("id", "attempt_id", "kind", "sha256", "content_type", "size_bytes", "width", "height",
                "created_at")
# The hand-over record, personal values by their digest (below).
ATTEMPT_FIELDS = ("id", "client_id", "shipment_id", "courier_id", "outcome", "failure_reason", "captured_at",
                  "received_at", "recipient_relationship", "authorised_relationship", "id_check",
                  "fee_agency_collected", "fee_postage_collected", "payment_method", "flagged_reason",
                  "consent_version", "content_digest", "personal_digest")
# Added with the pickups at the door (issue #19): the pages counted and the documents ticked, or
# named missing. A delivery's attempt has none, and every attempt sealed before they existed was
# hashed without them; so each is part of the content only when it is not None (canonical_values'
# `optional`). No hash sealed before changes, and an edit still breaks one: a value set on an
# attempt that had none, or cleared on one that had it, changes its content as any edit does.
# (ATTEMPT_FIELDS stays as it was: migration 0022 seals with it, against a schema without these.)
ATTEMPT_OPTIONAL_FIELDS = ("pages", "documents", "missing_documents")
# What an erasure under Decree 13 removes from an attempt, chained through `personal_digest`.
PERSONAL_FIELDS = ("recipient_name", "id_tail_masked", "note", "override_reason", "latitude", "longitude",
                   "gps_accuracy_m")
CASH_FIELDS = ("id", "post_office_id", "courier_id", "handed_on", "amount", "note", "received_by_id",
               "created_at")

ERASED = "(đã xóa)"
ERASURE_EVENT = "citizen_data_erased"


def canonical(record, fields, optional=()) -> bytes:
    """The record's content as bytes that do not depend on the database or the driver."""
    return canonical_values(fields, [getattr(record, name) for name in fields], optional)


def canonical_values(fields, values, optional=()) -> bytes:
    """As canonical(), from the values in `fields` order (rows read for verification).

    A field named in `optional` is left out while its value is None (ATTEMPT_OPTIONAL_FIELDS).
    """
    plain = {}
    for name, raw in zip(fields, values):
        if raw is None and name in optional:
            continue
        if isinstance(raw, datetime):
            # The database keeps UTC: a time given in Vietnam's zone must hash as it will read back.
            raw = (raw.astimezone(timezone.utc) if raw.tzinfo else raw).isoformat()
        elif isinstance(raw, Enum):
            raw = raw.value
        elif isinstance(raw, float) and raw.is_integer():
            raw = int(raw)  # a float column given 10 reads back 10.0: both hash as 10
        plain[name] = raw
    return _ENCODE(plain).encode()


_ENCODE = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode


def link_hash(prev_hash: str, seq: int, content: bytes) -> str:
    """The hash of the record at `seq` after the one whose hash is `prev_hash`."""
    return hashlib.sha256(f"{prev_hash}|{seq}|".encode() + content).hexdigest()


def personal_digest(salt: str, values) -> str:
    """The digest of an attempt's personal values (PERSONAL_FIELDS order) under its salt."""
    return hashlib.sha256(f"{salt}|".encode() + canonical_values(PERSONAL_FIELDS, values)).hexdigest()


def erased_values(values) -> tuple:
    """The erased form of personal values (PERSONAL_FIELDS order): a name is marked erased, the rest go."""
    return tuple(ERASED if name == "recipient_name" and value else None
                 for name, value in zip(PERSONAL_FIELDS, values))


def erase_personal(attempt) -> None:
    """Put an attempt's personal values in their erased form and drop its salt (a Decree 13 erasure)."""
    current = [getattr(attempt, name) for name in PERSONAL_FIELDS]
    for name, value in zip(PERSONAL_FIELDS, erased_values(current)):
        setattr(attempt, name, value)
    attempt.personal_salt = None
