"""Taking a dossier in at the citizen's door, recorded as the hand-over records a visit.

A pickup's outcome (picked_up, pickup_refused) comes from the courier's outbox through the same
endpoint and the same steps as a delivery (services/handover.py): parsed and checked before
anything is written, applied once per client_id, sealed into the same chains. What only a
pickup has is here: the way a shipment travels decides which outcomes it takes; the documents
ticked are checked against its procedure's list; and it moves by the COLLECT_DOSSIER table.
Nothing here commits, and nothing raises SyncRejected: the hand-over turns what these
functions return into its answer (so the two modules do not import each other).
"""
from datetime import datetime

from sqlalchemy import func, or_

from ..domain.attempts import PICKUP_OUTCOMES, AttemptInput, Outcome
from ..domain.states import Action, Direction, IllegalTransition, State
from ..extensions import db
from ..ledger import custody
from ..models import Attempt, Pickup, ProcedureDocument, Shipment, User


def problems(entry: AttemptInput, shipment: Shipment) -> dict[str, str]:
    """Why this outcome cannot be recorded on this shipment, as {field: code}; empty if it can.

    A delivery's outcome only on a result, a pickup's only on a dossier to take in
    ("outcome": "wrong_direction"). Picked up: every required document of the procedure ticked
    ("documents": "missing_required", and "documents.<id>" for each one missing), none ticked
    that the procedure does not list ("unknown_document"); refused as missing a document: the
    ids named are the procedure's. Reads the procedure's documents (one query, pickups only).
    """
    is_pickup = (shipment.direction or Direction.DELIVER_RESULT) is Direction.COLLECT_DOSSIER
    if (entry.outcome in PICKUP_OUTCOMES) != is_pickup:
        return {"outcome": "wrong_direction"}
    if not is_pickup:
        return {}
    listed = _documents(shipment.id)
    if entry.outcome is Outcome.PICKED_UP:
        ticked = entry.columns.get("documents") or []
        missing = [id_ for id_, required in listed.items() if required and id_ not in ticked]
        return _named("documents", _unknown(ticked, listed), missing)
    return _named("missing_documents", _unknown(entry.columns.get("missing_documents") or [], listed), [])


def _documents(shipment_id: int) -> dict[int, bool]:
    """The pickup's procedure's documents, {id: required}, in the procedure's order."""
    return dict(db.session.execute(
        db.select(ProcedureDocument.id, ProcedureDocument.required)
        .join(Pickup, Pickup.procedure_id == ProcedureDocument.procedure_id)
        .where(Pickup.shipment_id == shipment_id).order_by(ProcedureDocument.position, ProcedureDocument.id)).all())


def _unknown(ids: list[int], listed: dict[int, bool]) -> list[int]:
    return [id_ for id_ in ids if id_ not in listed]


def _named(field: str, unknown: list[int], missing: list[int]) -> dict[str, str]:
    # Each document by its id, so that the phone marks the very line of its checklist.
    fields = {f"{field}.{id_}": "unknown_document" for id_ in unknown}
    fields |= {f"{field}.{id_}": "missing_required" for id_ in missing}
    if fields:
        fields[field] = "missing_required" if missing else "unknown_document"
    return fields


def move(attempt: Attempt, courier: User, planned_courier_id: int | None, max_attempts: int,
         at: datetime | None = None) -> None:
    """Move the pickup as the door's outcome says, or flag the attempt when it no longer can.

    Picked up: PICK_UP (the courier holds the dossier, its stop closes) and the pages counted
    noted on the pickup. Refused: REFUSE_PICKUP (a visit counted; the pickup waits to be offered
    again). A pickup taken off the round (requested again) or refused earlier today is put back
    on it first, as the visit implies; past the limit of visits, or picked up, handed in or
    cancelled meanwhile, nothing moves and the attempt is kept, flagged, for a dispatcher.
    """
    shipment, details = attempt.shipment, {"attempt": str(attempt.client_id)}
    if shipment.holder_courier_id not in (None, courier.id) or planned_courier_id not in (None, courier.id):
        attempt.flagged_reason = "reassigned"  # planned for another courier while this one was offline
    if not _back_on_the_round(attempt, courier, max_attempts, details, at):
        attempt.flagged_reason = f"shipment_{shipment.state}"
        custody.note(shipment, "attempt_flagged", actor=courier,
                     details=details | {"reason": attempt.flagged_reason}, at=at)
        return
    if attempt.outcome is Outcome.PICKED_UP:
        custody.apply(shipment, Action.PICK_UP, max_attempts=max_attempts, actor=courier, courier=courier,
                      details=details, at=at)
        shipment.pickup.pages = attempt.pages
        return
    custody.apply(shipment, Action.REFUSE_PICKUP, max_attempts=max_attempts, actor=courier,
                  details=details | {"reason": str(attempt.failure_reason)}, at=at)


def _back_on_the_round(attempt: Attempt, courier: User, max_attempts: int, details: dict,
                       at: datetime | None) -> bool:
    """True once the pickup is assigned, moved there first if the visit implies it (ASSIGN from
    requested, REATTEMPT from refused); False if it cannot be."""
    shipment = attempt.shipment
    if shipment.state is State.ASSIGNED:
        return True
    implied = {State.REQUESTED: Action.ASSIGN, State.PICKUP_REFUSED: Action.REATTEMPT}.get(shipment.state)
    if implied is None:
        return False
    try:
        custody.apply(shipment, implied, max_attempts=max_attempts, actor=courier,
                      details=details | {"implied": True}, at=at)
    except IllegalTransition:  # refused as often as visits are allowed: a dispatcher decides
        return False
    if implied is Action.ASSIGN and attempt.flagged_reason is None:
        attempt.flagged_reason = "reassigned"  # taken off the round while the courier was offline
    return True


def collected_for_dossier(dossier_id: int) -> int:
    """The agency's fee already collected at the door for a dossier, in đồng (0 if none).

    Counts the pickups of the dossier itself and those whose result the agency pushed as this
    dossier (Pickup.result_dossier_id): a delivery of that result must not ask for it again.
    """
    return collected_for_dossiers([dossier_id]).get(dossier_id, 0)


def collected_for_dossiers(dossier_ids: list[int]) -> dict[int, int]:
    """As collected_for_dossier, for many dossiers in one query (a round's stops): {dossier id: đồng},
    dossiers with nothing collected left out."""
    if not dossier_ids:
        return {}
    ids = sorted(set(dossier_ids))
    # Whatever flag a visit carries, what it says was paid was paid.
    rows = db.session.execute(
        db.select(Shipment.dossier_id, Pickup.result_dossier_id, func.sum(Attempt.fee_agency_collected))
        .join(Shipment, Attempt.shipment_id == Shipment.id).join(Pickup, Pickup.shipment_id == Shipment.id)
        .where(or_(Shipment.dossier_id.in_(ids), Pickup.result_dossier_id.in_(ids)),
               Attempt.outcome == Outcome.PICKED_UP)
        .group_by(Shipment.dossier_id, Pickup.result_dossier_id)).all()
    collected: dict[int, int] = {}
    for own, result, amount in rows:
        for dossier_id in {own, result} & set(ids):
            collected[dossier_id] = collected.get(dossier_id, 0) + int(amount or 0)
    return {dossier_id: amount for dossier_id, amount in collected.items() if amount}
