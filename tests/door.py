"""Building a pickup's outcome at the citizen's door as the phone sends it (docs/courier-sync.md).

Posted as a delivery's attempt is (tests/attempts.py `post`): a picked-up dossier with the
citizen's signature and a photo of the papers, a refusal with neither.
"""
import uuid
from datetime import datetime, timezone


def document_ids(shipment, required=None) -> list[int]:
    """The ids of the pickup's procedure's documents (only the required ones, or only the others)."""
    return [document.id for document in shipment.pickup.procedure.documents
            if required is None or document.required is required]


def picked_up(shipment, client_id=None, **changes) -> dict:
    """Every document of the procedure ticked, 14 pages, the agency's fee paid in cash."""
    body = {
        "client_id": str(client_id or uuid.uuid4()), "shipment_id": str(shipment.public_id),
        "outcome": "picked_up", "captured_at": datetime.now(timezone.utc).isoformat(),
        "location": {"latitude": 15.5731, "longitude": 108.4745, "accuracy_m": 8.0},
        "handed_by": "Lê Thị Hoa", "pages": 14,
        "documents": changes["documents"] if "documents" in changes else document_ids(shipment),
        "fees": {"agency": 200_000, "postage": 0, "method": "cash"}, "consent_version": "2026-12",
    }
    return body | changes


def refused(shipment, reason="missing_document", client_id=None, **changes) -> dict:
    """The courier could not take the dossier; for a missing document, the required ones are named."""
    body = {
        "client_id": str(client_id or uuid.uuid4()), "shipment_id": str(shipment.public_id),
        "outcome": "pickup_refused", "captured_at": datetime.now(timezone.utc).isoformat(),
        "refusal_reason": reason, "note": None, "missing_documents": None,
    }
    if reason == "missing_document" and "missing_documents" not in changes:
        body["missing_documents"] = document_ids(shipment, required=True)
    return body | changes
