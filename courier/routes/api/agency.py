"""The agency API: dossiers in, status out, webhook registration. Authenticated by API key.

Every error is problem details (see problems.py). The dossier push checks the
body itself, so that the schema's and the rules' problems come back together.
"""
from flask import current_app, g, jsonify, render_template, request
from flask_babel import gettext as _
from spectree import Response

from ...auth import agency_key_required, public
from ...domain.dossiers import DossierInvalid
from ...domain.webhook_targets import TargetRefused
from ...extensions import csrf, db
from ...services import agency_keys, dossier_push, webhook_outbox, webhook_targets
from . import problems
from .blueprint import bp
from .schemas import DossierIn, ProblemOut, ShipmentOut, WebhookIn, WebhookOut, api_spec, document


@bp.route("/dossiers", methods=["POST"])
@agency_key_required
@csrf.exempt
@api_spec.validate(json=DossierIn, skip_validation=True, tags=["dossiers"], resp=Response(
    HTTP_200=ShipmentOut, HTTP_201=ShipmentOut, HTTP_401=ProblemOut, HTTP_409=ProblemOut, HTTP_422=ProblemOut))
def push_dossier():
    """Hand a dossier's result over; the same code again with the same data changes nothing (200),
    with other data it is refused (409) naming each field that differs."""
    body = request.get_json(silent=True)
    found = problems.schema_errors(DossierIn, body)
    try:
        clean = dossier_push.check(g.agency, problems.fitting(DossierIn, body, found))
    except DossierInvalid as invalid:
        found += problems.rule_errors(invalid.errors, already=found)
    if found:
        return problems.invalid(found)
    try:
        outcome = dossier_push.push(g.agency, clean)
    except dossier_push.Differs as differs:
        return problems.problem(409, "conflict", _(
            "Mã hồ sơ %(code)s đã được gửi với nội dung khác; không thay đổi gì. "
            "Muốn sửa hồ sơ đã bàn giao, hãy liên hệ bưu cục.", code=clean.code),
            [problems.entry((name,), "differs", _("Khác với lần gửi trước.")) for name in differs.fields])
    except dossier_push.NoPostOffice:
        return problems.problem(422, "no_post_office")
    db.session.commit()
    return jsonify(dossier_push.describe(outcome.shipment)), 201 if outcome.created else 200


@bp.route("/dossiers/<path:code>", methods=["GET"])
@agency_key_required
@api_spec.validate(resp=Response(HTTP_200=ShipmentOut, HTTP_401=ProblemOut, HTTP_404=ProblemOut), tags=["dossiers"])
def dossier_status(code: str):
    """Where the result of one of this agency's dossiers is, its custody events and its citizen link."""
    shipment = dossier_push.find(g.agency, code)
    if shipment is None:
        return problems.problem(404, "not_found")
    return jsonify(dossier_push.describe(shipment, with_events=True))


@bp.route("/webhook", methods=["PUT"])
@agency_key_required
@csrf.exempt
@api_spec.validate(json=WebhookIn, skip_validation=True, tags=["webhook"],
                   resp=Response(HTTP_200=WebhookOut, HTTP_401=ProblemOut, HTTP_422=ProblemOut))
def put_webhook():
    """Register where to POST events; the answer carries the signing secret, once."""
    body = request.get_json(silent=True)
    found = problems.schema_errors(WebhookIn, body)
    if found:
        return problems.problem(422, "invalid_webhook", errors=found)
    url = str(WebhookIn.model_validate(body).url)
    try:
        webhook_targets.check(url)
    except TargetRefused as refused:
        return problems.problem(422, "invalid_webhook", errors=[
            problems.entry(("url",), refused.code, str(problems.WEBHOOK_REFUSALS[refused.code]))])
    secret = agency_keys.set_webhook(g.agency, url)
    db.session.commit()
    return jsonify(url=url, secret=secret, example_event=webhook_outbox.example_event())


@bp.route("/openapi.json")
@public
def openapi():
    """The OpenAPI 3 document, generated from the schemas the views validate with."""
    return jsonify(document(api_spec.spec))


@bp.route("/docs")
@public
def docs():
    """A readable page of the same document, with nothing loaded from elsewhere."""
    return render_template("api/docs.html", spec=document(api_spec.spec),
                           base=current_app.config["PUBLIC_BASE_URL"])
