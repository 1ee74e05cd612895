"""The courier app's calls (docs/courier-sync.md): the round, look-ups, attempts, the order."""
from flask import current_app, jsonify, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from ...auth import roles_allowed
from ...domain.attempts import AttemptInvalid
from ...domain.takeouts import parse_take_out
from ...extensions import db
from ...media import media_store
from ...models import Role
from ...services import rounds, takeout
from ...services.handover import SyncRejected, submit_attempt
from ...vocabulary import sync_error_message, sync_field_messages, take_out_error_message
from .blueprint import bp

courier_only = roles_allowed(Role.COURIER)
# A refused take-out's reason, as HTTP says it (docs/courier-sync.md: the phone holds any of them).
TAKE_OUT_STATUS = {"unknown_shipment": 404, "not_on_your_round": 403, "conflict": 409, "not_takeable": 422}
# A refused hand-over's reason, likewise.
SYNC_STATUS = {"invalid": 422, "quota_exceeded": 422, "conflict": 409, "unknown_shipment": 404,
               "not_on_your_round": 403}


@bp.route("/courier/round")
@courier_only
def courier_round():
    payload = rounds.round_payload(current_user, current_app.config["MAX_DELIVERY_ATTEMPTS"],
                                   (current_app.config["VIETQR_BANK_BIN"], current_app.config["VIETQR_ACCOUNT"]))
    response = jsonify(payload)
    # A fresh token for the outbox: replays may come long after the page was loaded.
    response.headers["X-CSRFToken"] = generate_csrf()
    return response


@bp.route("/courier/lookup")
@courier_only
def courier_lookup():
    return jsonify(rounds.lookup(current_user, request.args.get("code", "")[:500]))


@bp.route("/courier/attempts", methods=["POST"])
@courier_only
def courier_attempt():
    uploads = {name: upload.read() for name, upload in request.files.items()}
    try:
        result = submit_attempt(current_user, request.form.get("attempt", ""), uploads,
                                media_store(),
                                max_attempts=current_app.config["MAX_DELIVERY_ATTEMPTS"],
                                daily_quota=current_app.config["UPLOAD_QUOTA_BYTES_PER_DAY"])
    except SyncRejected as rejected:
        db.session.rollback()
        return jsonify(error=rejected.code, message=sync_error_message(rejected.code),
                       fields=sync_field_messages(rejected.fields)), SYNC_STATUS[rejected.code]
    # Read before the commit, which expires the objects: after it each would be loaded again.
    answer = dict(status=result.status, client_id=str(result.attempt.client_id),
                  shipment_state=result.shipment_state, flagged=result.attempt.flagged_reason)
    db.session.commit()
    return jsonify(answer), 201 if result.status == "created" else 200


@bp.route("/courier/round/order", methods=["POST"])
@courier_only
def courier_round_order():
    body = request.get_json(silent=True)
    shipment_ids = body.get("shipment_ids") if isinstance(body, dict) else None
    if not isinstance(shipment_ids, list):
        return jsonify(error="invalid", message=sync_error_message("invalid"), fields={}), 422
    try:
        round_ = rounds.reorder(current_user, str(body.get("round_id", "")), shipment_ids)
    except rounds.OrderRejected as rejected:
        return jsonify(error="invalid", message=str(rejected), fields={}), 422
    db.session.commit()
    return jsonify(version=round_.version)


@bp.route("/courier/takeouts", methods=["POST"])
@courier_only
def courier_take_out():
    """One scan of the morning's take-out, from the phone's outbox (docs/courier-sync.md)."""
    try:
        scan = parse_take_out(request.get_json(silent=True))
    except AttemptInvalid as invalid:
        return jsonify(error="invalid", message=take_out_error_message("invalid"),
                       fields=sync_field_messages(invalid.fields)), 422
    shipment = takeout.office_shipment(current_user.post_office_id, scan.shipment_id)
    try:
        result = takeout.take_out(current_user, scan.client_id, shipment, taken_at=scan.taken_at,
                                  max_attempts=current_app.config["MAX_DELIVERY_ATTEMPTS"])
    except takeout.TakeOutRefused as refused:
        db.session.rollback()
        return jsonify(error=refused.code, message=take_out_error_message(refused.code),
                       dossier_code=refused.dossier_code or None, fields={}), TAKE_OUT_STATUS[refused.code]
    answer = dict(status=result.status, result=result.result, shipment_state=result.state)
    db.session.commit()
    return jsonify(answer), 201 if result.status == "created" else 200
