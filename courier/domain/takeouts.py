"""Reading a take-out scan as the courier's phone sends it (docs/courier-sync.md).

Taking the round out (nhận bưu gửi đi phát) is the morning's custody step: each
item the office hands the courier is scanned, and moves to "out for delivery".
The phone sends one small JSON per scan, with its own id as the idempotency key.
"""
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

from .attempts import AttemptInvalid, _time, _uuid


@dataclass(frozen=True)
class TakeOutInput:
    client_id: uuid.UUID
    shipment_id: uuid.UUID
    taken_at: datetime


def parse_take_out(payload, now: datetime | None = None) -> TakeOutInput:
    """Check a take-out payload; raise AttemptInvalid({field: code}) naming every problem."""
    if not isinstance(payload, dict):
        raise AttemptInvalid({"take_out": "not_an_object"})
    errors: dict[str, str] = {}
    client_id = _uuid(payload.get("client_id"), "client_id", errors)
    shipment_id = _uuid(payload.get("shipment_id"), "shipment_id", errors)
    # The same clock rules as a hand-over: a time far in the future is refused, not trusted.
    taken_at = _time(payload.get("taken_at"), now or datetime.now(timezone.utc), errors, "taken_at")
    if errors:
        raise AttemptInvalid(errors)
    return TakeOutInput(client_id, shipment_id, taken_at)
