"""Building a courier's attempt as the phone sends it (docs/courier-sync.md)."""
import io
import json
import uuid
from datetime import datetime, timezone

from tests import media


def delivered(shipment, client_id=None, **changes):
    """A delivered visit as the phone sends it: "matched" when the agency gave an ID tail to check
    (the recipient's card ends with it), "not_given" when it gave none (recipient.js's rule)."""
    expected = shipment.dossier.expected_id_tail
    body = {
        "client_id": str(client_id or uuid.uuid4()), "shipment_id": str(shipment.public_id),
        "outcome": "delivered", "captured_at": datetime.now(timezone.utc).isoformat(),
        "location": {"latitude": 15.5731, "longitude": 108.4745, "accuracy_m": 12.0},
        "recipient": {"name": "Trần Thị Bích Ngọc", "relationship": "applicant",
                      "id_tail_masked": "********" + (expected or "1234")[-4:].rjust(4, "0"),
                      "id_check": "matched" if expected else "not_given"},
        "fees": {"agency": 200_000, "postage": 25_000, "method": "cash"},
        "consent_version": "2026-11",
    }
    body.update(changes)
    return body


def post(client, body, **files):
    """Send an attempt with a good signature and photo, unless `files` replaces (or, with None, drops) them."""
    parts = {"signature": media.signature_png(), "photo": media.photo_jpeg()} | files
    data = {"attempt": json.dumps(body)}
    data.update({name: (io.BytesIO(content), f"{name}.bin") for name, content in parts.items()
                 if content is not None})
    return client.post("/api/v1/courier/attempts", data=data, content_type="multipart/form-data")
