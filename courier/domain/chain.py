"""The links of the tamper-evidence chains: what a record's hash is made of. Pure.

Each record stores `seq` (its place), `prev_hash` (the previous record's
hash) and `hash` = SHA-256(prev_hash + seq + canonical content). Editing a
record breaks its hash; deleting one leaves a gap in `seq`; swapping two
breaks the links. Sealing and verifying, which read and write the database,
are in courier/ledger/chain.py.
"""
import hashlib
import json
from datetime import datetime, timezone
from enum import Enum

GENESIS = "0" * 64
EVENT_FIELDS = ("id", "shipment_id", "actor_id", "actor_label", "action", "from_state", "to_state",
                "created_at", "details")
PROOF_FIELDS = ("id", "attempt_id", "kind", "sha256", "content_type", "size_bytes", "width", "height",
                "created_at")


def canonical(record, fields) -> bytes:
    """The record's content as bytes that do not depend on the database or the driver."""
    return canonical_values(fields, [getattr(record, name) for name in fields])


def canonical_values(fields, values) -> bytes:
    """As canonical(), from the values in `fields` order (rows read for verification)."""
    plain = {}
    for name, raw in zip(fields, values):
        if isinstance(raw, datetime):
            # The database keeps UTC: a time given in Vietnam's zone must hash as it will read back.
            raw = (raw.astimezone(timezone.utc) if raw.tzinfo else raw).isoformat()
        elif isinstance(raw, Enum):
            raw = raw.value
        plain[name] = raw
    return _ENCODE(plain).encode()


_ENCODE = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode


def link_hash(prev_hash: str, seq: int, content: bytes) -> str:
    """The hash of the record at `seq` after the one whose hash is `prev_hash`."""
    return hashlib.sha256(f"{prev_hash}|{seq}|".encode() + content).hexdigest()
