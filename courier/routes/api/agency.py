"""The agency API: dossiers in, status out, webhook registration. Authenticated by API key."""
from flask import current_app, g, jsonify, render_template
from flask_babel import gettext as _
from spectree import Response

from ...auth import agency_key_required, public
from ...domain.dossiers import DossierInvalid
from ...extensions import csrf, db
from ...services import agency_api, handover_api
from ...vocabulary import DOSSIER_ERRORS
from . import bp
from .schemas import DossierIn, ErrorOut, ShipmentOut, WebhookIn, WebhookOut, api_spec


@bp.route("/dossiers", methods=["POST"])
@agency_key_required
@csrf.exempt
@api_spec.validate(json=DossierIn, resp=Response(HTTP_200=ShipmentOut, HTTP_201=ShipmentOut,
                                                 HTTP_401=ErrorOut, HTTP_422=ErrorOut), tags=["dossiers"])
def push_dossier(json: DossierIn):
    """Hand a dossier's result over; pushing the same code again changes nothing."""
    try:
        outcome = handover_api.push(g.agency, json.model_dump(mode="json"))
    except DossierInvalid as invalid:
        fields = {name: str(DOSSIER_ERRORS.get(code, code)) for name, code in invalid.errors.items()}
        return jsonify(error="invalid", message=_("Hồ sơ không hợp lệ."), fields=fields), 422
    except handover_api.NoPostOffice:
        return jsonify(error="invalid", message=_("Cơ quan chưa được gắn với bưu cục nào."), fields={}), 422
    db.session.commit()
    return jsonify(handover_api.describe(outcome.shipment, outcome.citizen_link)), \
        201 if outcome.created else 200


@bp.route("/dossiers/<path:code>", methods=["GET"])
@agency_key_required
@api_spec.validate(resp=Response(HTTP_200=ShipmentOut, HTTP_401=ErrorOut, HTTP_404=ErrorOut), tags=["dossiers"])
def dossier_status(code: str):
    """Where the result of one of this agency's dossiers is, with its custody events."""
    shipment = handover_api.find(g.agency, code)
    if shipment is None:
        return jsonify(error="not_found", message=_("Không có hồ sơ này."), fields={}), 404
    return jsonify(handover_api.describe(shipment, None, with_events=True))


@bp.route("/webhook", methods=["PUT"])
@agency_key_required
@csrf.exempt
@api_spec.validate(json=WebhookIn, resp=Response(HTTP_200=WebhookOut, HTTP_401=ErrorOut), tags=["webhook"])
def put_webhook(json: WebhookIn):
    """Register where to POST events; the answer carries the signing secret, once."""
    secret = agency_api.set_webhook(g.agency, str(json.url))
    db.session.commit()
    return jsonify(url=str(json.url), secret=secret, example_event=agency_api.example_event())


@bp.route("/openapi.json")
@public
def openapi():
    """The OpenAPI 3 document, generated from the schemas the views validate with."""
    return jsonify(api_spec.spec)


@bp.route("/docs")
@public
def docs():
    """A readable page of the same document, with nothing loaded from elsewhere."""
    return render_template("api/docs.html", spec=api_spec.spec,
                           base=current_app.config["PUBLIC_BASE_URL"])
