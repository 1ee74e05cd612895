"""A pickup's outcome as the phone sends it: picked up with its checklist, or refused with a reason."""
import uuid
from datetime import datetime, timezone

import pytest

from courier.domain.attempts import (AttemptInvalid, FailureReason, Outcome, PICKUP_REFUSALS, parse_attempt)

NOW = datetime(2026, 12, 4, 3, 0, tzinfo=timezone.utc)


def picked_up(**changes):
    body = {"client_id": str(uuid.uuid4()), "shipment_id": str(uuid.uuid4()), "outcome": "picked_up",
            "captured_at": "2026-12-04T02:41:10.123Z", "location": None, "handed_by": "Lê Thị Hoa",
            "documents": [12, 7], "pages": 14, "fees": {"agency": 200_000, "postage": 0, "method": "cash"},
            "consent_version": "2026-12"}
    return body | changes


def refused(**changes):
    body = {"client_id": str(uuid.uuid4()), "shipment_id": str(uuid.uuid4()), "outcome": "pickup_refused",
            "captured_at": "2026-12-04T02:41:10.123Z", "refusal_reason": "missing_document",
            "missing_documents": [12], "note": None}
    return body | changes


def errors_of(body) -> dict:
    with pytest.raises(AttemptInvalid) as invalid:
        parse_attempt(body, now=NOW)
    return invalid.value.fields


def test_a_dossier_picked_up_keeps_who_handed_it_over_what_was_ticked_counted_and_paid():
    entry = parse_attempt(picked_up(), now=NOW)
    assert entry.outcome is Outcome.PICKED_UP and entry.relationship is None
    columns = entry.attempt_columns()
    assert columns["recipient_name"] == "Lê Thị Hoa"  # the person handing over, kept as a recipient's name
    assert columns["documents"] == [7, 12] and columns["pages"] == 14  # ids in order, whatever the ticking
    assert (columns["fee_agency_collected"], columns["fee_postage_collected"]) == (200_000, 0)
    assert columns["payment_method"] == "cash" and columns["consent_version"] == "2026-12"
    assert "id_check" not in columns and "id_tail_masked" not in columns  # no ID check at a pickup


def test_a_pickup_with_nothing_ticked_is_read_the_server_decides_if_that_is_enough():
    assert parse_attempt(picked_up(documents=[]), now=NOW).columns["documents"] == []


@pytest.mark.parametrize("field, value, code", [
    ("handed_by", None, "required"), ("handed_by", "   ", "required"), ("handed_by", "x" * 121, "too_long"),
    ("handed_by", 5, "invalid"), ("handed_by", "Lê\x00", "invalid"),
    ("documents", None, "required"), ("documents", "12,7", "invalid"), ("documents", [12, 12], "invalid"),
    ("documents", [12, "7"], "invalid"), ("documents", [True], "invalid"), ("documents", [0], "invalid"),
    ("documents", [-3], "invalid"), ("documents", [1.5], "invalid"), ("documents", list(range(1, 42)), "invalid"),
    ("documents", {"12": True}, "invalid"), ("documents", [[12]], "invalid"),
    ("pages", None, "required"), ("pages", 0, "invalid_pages"), ("pages", 501, "invalid_pages"),
    ("pages", "14", "invalid_pages"), ("pages", 14.0, "invalid_pages"), ("pages", True, "invalid_pages"),
    ("consent_version", None, "required"), ("consent_version", "x" * 17, "too_long"),
    ("note", "x" * 501, "too_long"),
])
def test_each_bad_field_of_a_pickup_is_named(field, value, code):
    assert errors_of(picked_up(**{field: value})) == {field: code}


@pytest.mark.parametrize("fees, field, code", [
    ({"agency": -1}, "fees.agency", "invalid_amount"), ({"agency": "200000"}, "fees.agency", "invalid_amount"),
    ({"postage": True}, "fees.postage", "invalid_amount"), ({"agency": 1, "method": "card"}, "fees.method", "invalid"),
])
def test_the_fees_are_checked_as_for_a_delivery(fees, field, code):
    assert errors_of(picked_up(fees=fees)) == {field: code}


def test_every_problem_of_a_pickup_is_named_at_once():
    body = picked_up(handed_by="", documents=None, pages=0, consent_version=None, fees={"agency": -5})
    assert errors_of(body) == {"handed_by": "required", "documents": "required", "pages": "invalid_pages",
                               "consent_version": "required", "fees.agency": "invalid_amount"}


def test_a_refusal_for_a_missing_document_names_which():
    entry = parse_attempt(refused(missing_documents=[12, 3]), now=NOW)
    assert entry.outcome is Outcome.PICKUP_REFUSED
    assert entry.columns["failure_reason"] is FailureReason.MISSING_DOCUMENT
    assert entry.columns["missing_documents"] == [3, 12] and entry.columns["note"] is None
    assert "recipient_name" not in entry.columns and "pages" not in entry.columns


@pytest.mark.parametrize("reason", [reason.value for reason in PICKUP_REFUSALS if reason != "missing_document"])
def test_any_other_refusal_needs_no_list_and_other_needs_a_note(reason):
    body = refused(refusal_reason=reason, missing_documents=None, note="Hẹn tuần sau" if reason == "other" else None)
    entry = parse_attempt(body, now=NOW)
    assert entry.columns["failure_reason"] == reason and entry.columns["missing_documents"] is None


@pytest.mark.parametrize("changes, errors", [
    ({"refusal_reason": None}, {"refusal_reason": "required"}),
    ({"refusal_reason": "lost"}, {"refusal_reason": "invalid"}),
    # A delivery's words are not a pickup's, and the other way round.
    ({"refusal_reason": "id_mismatch"}, {"refusal_reason": "invalid"}),
    ({"missing_documents": None}, {"missing_documents": "required"}),
    ({"missing_documents": []}, {"missing_documents": "required"}),
    ({"missing_documents": ["12"]}, {"missing_documents": "invalid"}),
    ({"refusal_reason": "absent"}, {"missing_documents": "invalid"}),  # papers missing, yet "absent"?
    ({"refusal_reason": "other", "missing_documents": None}, {"note": "required"}),
    ({"note": "x" * 501}, {"note": "too_long"}),
])
def test_each_bad_field_of_a_refusal_is_named(changes, errors):
    assert errors_of(refused(**changes)) == errors


@pytest.mark.parametrize("reason", ["missing_document", "citizen_declined"])
def test_a_failed_delivery_cannot_give_a_pickup_s_reason(reason):
    body = refused(outcome="failed", failure_reason=reason)
    assert errors_of(body) == {"failure_reason": "invalid"}


def test_an_unknown_outcome_is_refused_and_the_old_ones_are_unchanged():
    assert errors_of(picked_up(outcome="taken")) == {"outcome": "invalid"}
    assert [outcome.value for outcome in Outcome][:2] == ["delivered", "failed"]
