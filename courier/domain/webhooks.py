"""Signing what we send to agencies, so they can tell it came from us and was not changed.

The signature header follows the widely used `t=<unix time>,v1=<hex>` form:
HMAC-SHA256 over "<t>.<body>" with the agency's secret. Receivers recompute
it, compare in constant time, and refuse old timestamps to stop replays.
"""
import base64
import hashlib
import hmac
import secrets
import time

from cryptography.fernet import Fernet, InvalidToken

SIGNATURE_HEADER = "X-Courier-Signature"
EVENT_ID_HEADER = "X-Courier-Event-Id"
TOLERANCE_S = 300
# The custody actions an agency hears about, and the event type it receives.
def event_payload(event_id, event_type: str, occurred_at, dossier_code: str, shipment_id,
                  state: str | None, details: dict | None = None) -> dict:
    """The JSON body an agency receives: one shape for real events and the documented example.

    `event_id` is unique per event and agency and the same on every retry, so a
    receiver drops repeats by it; "id" carries the same value for receivers
    written before "event_id" was added.
    """
    return {
        "event_id": str(event_id), "id": str(event_id), "type": event_type,
        "occurred_at": occurred_at.isoformat().replace("+00:00", "Z"),
        "dossier_code": dossier_code, "shipment_id": str(shipment_id), "state": state,
        "details": {k: v for k, v in (details or {}).items() if k in SHARED_DETAILS},
    }


# What of an event's details an agency is told: why (a failure, a refusal), and which batch list
# brought a dossier; never who did it or the personal values.
SHARED_DETAILS = ("reason", "batch")

NOTIFIED_ACTIONS = {
    "receive": "shipment.received",
    "dispatch": "shipment.out_for_delivery",
    "deliver": "shipment.delivered",
    "fail": "shipment.failed",
    "complete_return": "shipment.returned",
    # A dossier taken in for the agency (Decision 45's first half).
    "pick_up": "dossier.picked_up",
    "refuse_pickup": "dossier.pickup_refused",
    "send_to_agency": "dossier.handed_to_agency",
}


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def sign(body: bytes, secret: str, timestamp: int | None = None) -> str:
    """The signature header's value for `body`."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(body: bytes, header: str, secret: str, now: int | None = None) -> bool:
    """What a receiver does: True if the header signs `body` with `secret`, recently."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (ValueError, KeyError):
        return False
    now = int(time.time()) if now is None else now
    if abs(now - timestamp) > TOLERANCE_S:
        return False
    expected = sign(body, secret, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def backoff_seconds(tries: int) -> int:
    """Wait before the next try: 30 s, 1 min, 2 min, … capped at 6 hours."""
    return min(30 * 2 ** max(0, tries - 1), 6 * 3600)


class SecretBox:
    """Encrypts webhook secrets at rest with a key derived from the server's own key."""

    def __init__(self, server_key: str):
        digest = hashlib.sha256(b"courier webhook secrets|" + server_key.encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(digest))

    def seal(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode()).decode()

    def open(self, sealed: str) -> str:
        """Raises ValueError if the sealed text was not made with this key."""
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken as error:
            raise ValueError("webhook secret cannot be decrypted with this key") from error
