"""The agency API's incoming dossiers: what the post office took in for the agency, and its answers.

An agency lists the dossiers on their way to its desk, acknowledges each with its own dossier
code and the promised date, or returns one to the citizen to be completed. Only its own:
another agency's dossier is "not found", as an unknown id is.
"""
import uuid

from flask import current_app, g, jsonify, request
from spectree import Response

from ...auth import agency_key_required
from ...domain.acknowledgement import AcknowledgementInvalid, check_acknowledgement, check_reason
from ...domain.formatting import local_today
from ...extensions import csrf, db
from ...media import media_store
from ...services import agency_desk
from ...vocabulary import ACKNOWLEDGEMENT_ERRORS
from . import problems
from .blueprint import bp
from .schemas import AcknowledgeIn, IncomingListOut, IncomingOut, ProblemOut, ReturnIn, api_spec


@bp.route("/incoming", methods=["GET"])
@agency_key_required
@api_spec.validate(resp=Response(HTTP_200=IncomingListOut, HTTP_401=ProblemOut), tags=["incoming"])
def incoming():
    """The dossiers the post office is bringing to the agency's desk (sent on a batch list), oldest first."""
    return jsonify(dossiers=[agency_desk.describe(shipment) for shipment in agency_desk.incoming(g.agency.id)])


@bp.route("/incoming/<shipment_id>/acknowledge", methods=["POST"])
@agency_key_required
@csrf.exempt
@api_spec.validate(json=AcknowledgeIn, skip_validation=True, tags=["incoming"], resp=Response(
    HTTP_200=IncomingOut, HTTP_401=ProblemOut, HTTP_404=ProblemOut, HTTP_409=ProblemOut, HTTP_422=ProblemOut))
def acknowledge(shipment_id: str):
    """The desk has the dossier: give its official code and the promised date. Once: a second
    acknowledgement answers 409 (not_incoming); a code already given to another dossier, 409."""
    shipment = _own(shipment_id)
    if shipment is None:
        return problems.problem(404, "not_found")
    body = request.get_json(silent=True)
    found = problems.schema_errors(AcknowledgeIn, body)
    try:
        acknowledgement = check_acknowledgement(
            problems.fitting(AcknowledgeIn, body, found), agency_code=g.agency.code,
            agency_pattern=g.agency.dossier_code_pattern, today=local_today())
    except AcknowledgementInvalid as invalid:
        found += problems.rule_errors(invalid.errors, already=found, words=ACKNOWLEDGEMENT_ERRORS)
    if found:
        return problems.invalid(found)
    return _answer(lambda: agency_desk.acknowledge(
        shipment, acknowledgement, max_attempts=current_app.config["MAX_DELIVERY_ATTEMPTS"], store=media_store(),
        actor_label=f"agency:{g.agency.code}"), shipment)


@bp.route("/incoming/<shipment_id>/return", methods=["POST"])
@agency_key_required
@csrf.exempt
@api_spec.validate(json=ReturnIn, skip_validation=True, tags=["incoming"], resp=Response(
    HTTP_200=IncomingOut, HTTP_401=ProblemOut, HTTP_404=ProblemOut, HTTP_409=ProblemOut, HTTP_422=ProblemOut))
def send_back(shipment_id: str):
    """Return the dossier to the citizen to be completed (yêu cầu bổ sung), with the reason they will
    read; the post office carries the papers back."""
    shipment = _own(shipment_id)
    if shipment is None:
        return problems.problem(404, "not_found")
    body = request.get_json(silent=True)
    found = problems.schema_errors(ReturnIn, body)
    reason = None
    try:
        reason = check_reason(problems.fitting(ReturnIn, body, found))
    except AcknowledgementInvalid as invalid:
        found += problems.rule_errors(invalid.errors, already=found, words=ACKNOWLEDGEMENT_ERRORS)
    if found:
        return problems.invalid(found)
    return _answer(lambda: agency_desk.send_back(
        shipment, reason, max_attempts=current_app.config["MAX_DELIVERY_ATTEMPTS"],
        actor_label=f"agency:{g.agency.code}"), shipment)


def _own(shipment_id: str):
    try:
        public_id = uuid.UUID(shipment_id[:64])
    except ValueError:
        return None
    return agency_desk.find(g.agency.id, str(public_id))


def _answer(change, shipment):
    try:
        change()
    except agency_desk.DeskRefused as refused:
        db.session.rollback()
        return problems.problem(409, refused.code)
    described = agency_desk.describe(shipment)
    db.session.commit()
    return jsonify(described)
