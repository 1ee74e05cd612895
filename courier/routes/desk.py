"""The agency's one-stop desk: the dossiers the post office brings, acknowledged or sent back.

A desk user belongs to one agency and sees that agency's dossiers only: any other is
"not found", as an unknown one is. The rules are the agency API's (services/agency_desk.py).
"""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth import blueprint_roles
from ..domain.acknowledgement import AcknowledgementInvalid, check_acknowledgement, check_reason, promise_after
from ..domain.formatting import local_today
from ..extensions import db
from ..media import media_store
from ..forms import AcknowledgeForm, ScanForm, SendBackForm
from ..models import Agency, Role
from ..services import agency_desk
from ..vocabulary import ACKNOWLEDGEMENT_ERRORS

bp = blueprint_roles(Blueprint("desk", __name__), Role.AGENCY_DESK)


def _agency() -> Agency:
    agency = db.session.get(Agency, current_user.agency_id) if current_user.agency_id else None
    if agency is None:
        abort(403)  # a desk account not yet tied to an agency sees nothing
    return agency


@bp.route("/")
def incoming():
    agency = _agency()
    return render_template("desk/incoming.html", agency=agency, scan=ScanForm(formdata=None),
                           incoming=agency_desk.incoming(agency.id),
                           acknowledged=agency_desk.recently_acknowledged(agency.id))


@bp.route("/find", methods=["POST"])
def find():
    agency, form = _agency(), ScanForm()
    found = agency_desk.find(agency.id, form.code.data[:200]) if form.validate_on_submit() else None
    if found is None:
        flash(_("Không có hồ sơ nào của cơ quan mang mã này."), "error")
        return redirect(url_for("desk.incoming"))
    return redirect(url_for("desk.dossier", public_id=found.public_id))


@bp.route("/<uuid:public_id>")
def dossier(public_id):
    return _page(_dossier(public_id), AcknowledgeForm(formdata=None), SendBackForm(formdata=None))


@bp.route("/<uuid:public_id>/acknowledge", methods=["POST"])
def acknowledge(public_id):
    agency, shipment, form = _agency(), _dossier(public_id), AcknowledgeForm()
    if not form.validate_on_submit():
        return _page(shipment, form, SendBackForm(formdata=None), 422)
    try:
        checked = check_acknowledgement(form.data, agency_code=agency.code,
                                        agency_pattern=agency.dossier_code_pattern, today=local_today())
        agency_desk.acknowledge(shipment, checked, max_attempts=current_app.config["MAX_DELIVERY_ATTEMPTS"],
                                store=media_store(), actor=current_user)
    except AcknowledgementInvalid as invalid:
        _show(form, invalid.errors)
        return _page(shipment, form, SendBackForm(formdata=None), 422)
    except agency_desk.DeskRefused as refused:
        db.session.rollback()
        return _refused(shipment, form, SendBackForm(formdata=None), refused)
    db.session.commit()
    flash(_("Đã tiếp nhận hồ sơ %(code)s, hẹn trả ngày %(day)s.", code=checked.official_code,
            day=checked.promised_date.strftime("%d/%m/%Y")), "info")
    return redirect(url_for("desk.incoming"))


@bp.route("/<uuid:public_id>/return", methods=["POST"])
def send_back(public_id):
    shipment, form = _dossier(public_id), SendBackForm()
    if not form.validate_on_submit():
        return _page(shipment, AcknowledgeForm(formdata=None), form, 422)
    try:
        reason = check_reason(form.data)
        agency_desk.send_back(shipment, reason, max_attempts=current_app.config["MAX_DELIVERY_ATTEMPTS"],
                              actor=current_user)
    except AcknowledgementInvalid as invalid:
        _show(form, invalid.errors)
        return _page(shipment, AcknowledgeForm(formdata=None), form, 422)
    except agency_desk.DeskRefused as refused:
        db.session.rollback()
        return _refused(shipment, AcknowledgeForm(formdata=None), form, refused)
    db.session.commit()
    flash(_("Đã trả hồ sơ %(code)s để người dân bổ sung; bưu điện sẽ mang trả lại.", code=shipment.dossier.code),
          "info")
    return redirect(url_for("desk.incoming"))


def _dossier(public_id):
    found = agency_desk.find(_agency().id, str(public_id))
    if found is None:
        abort(404)
    return found


def _show(form, errors: dict[str, str]) -> None:
    for name, code in errors.items():
        getattr(form, name).errors = [str(ACKNOWLEDGEMENT_ERRORS.get(code, code))]


def _refused(shipment, acknowledge_form, send_back_form, refused: agency_desk.DeskRefused):
    if refused.code == "official_code_taken":
        acknowledge_form.official_code.errors = [str(ACKNOWLEDGEMENT_ERRORS[refused.code])]
    else:
        flash(str(ACKNOWLEDGEMENT_ERRORS[refused.code]), "error")
    return _page(shipment, acknowledge_form, send_back_form, 409)


def _page(shipment, acknowledge_form, send_back_form, status: int = 200):
    if acknowledge_form.promised_date.data is None:
        suggested = promise_after(local_today(), shipment.pickup.procedure.processing_days)
        acknowledge_form.promised_date.data = suggested.strftime("%d/%m/%Y")
    return render_template("desk/dossier.html", shipment=shipment, acknowledge=acknowledge_form,
                           send_back=send_back_form), status
