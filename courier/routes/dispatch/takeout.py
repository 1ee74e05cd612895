"""The morning take-out at the desk, and the delivery list the courier signs for it."""
import uuid

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...extensions import db
from ...forms import ScanForm
from ...models import Round
from ...models.types import utcnow
from ...services import door_pickup, planning, receiving, rounds, takeout
from ...vocabulary import STATE_LABELS, take_out_error_message
from .console import bp, flash_form_errors, max_attempts, office_id


@bp.route("/rounds/<uuid:public_id>/takeout")
def takeout_page(public_id):
    round_ = _round(public_id)
    return render_template("dispatch/takeout.html", round=round_, scan=ScanForm(formdata=None),
                           waiting=takeout.not_taken(round_), carried=takeout.carried(round_),
                           stops=planning.ordered(round_))


@bp.route("/rounds/<uuid:public_id>/takeout", methods=["POST"])
def takeout_scan(public_id):
    """Scan items over to the round's courier: each becomes out for delivery, handed by this dispatcher."""
    round_ = _round(public_id)
    form = ScanForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("dispatch.takeout_page", public_id=public_id))
    on_round = {stop.shipment_id for stop in round_.stops}
    for code in receiving.split_codes(form.code.data):
        _scan_one(round_, code[:500], on_round)
    return redirect(url_for("dispatch.takeout_page", public_id=public_id))


@bp.route("/rounds/<uuid:public_id>/list")
def delivery_list(public_id):
    """The bảng kê giao bưu tá: the round in order, with the sums to collect and two signature lines.

    It lists what the office hands the courier: a pickup on the round (nothing handed, nothing
    yet to collect) is left out.
    """
    round_ = _round(public_id)
    stops = takeout.carried(round_)
    # A result whose agency fee the citizen paid when the dossier was taken in at the door: not again.
    paid = door_pickup.collected_for_dossiers([stop.shipment.dossier_id for stop in stops])
    agency = {stop.shipment.dossier_id: max(0, stop.shipment.dossier.fee_agency - paid.get(stop.shipment.dossier_id, 0))
              for stop in stops}
    totals = {"agency": sum(agency.values()),
              "postage": sum(stop.shipment.dossier.fee_postage for stop in stops)}
    return render_template("dispatch/delivery_list.html", round=round_, stops=stops, totals=totals,
                           agency_due=agency, waiting=takeout.not_taken(round_), printed_at=utcnow())


def _scan_one(round_: Round, code: str, on_round: set[int]) -> None:
    # Each scan is its own transaction: one refused code must not undo the ones before it.
    shipment = rounds.shipment_by_code(office_id(), code)
    if shipment is None or shipment.id not in on_round:
        flash(_("%(code)s không có trong tuyến này.", code=code), "error")
        return
    try:
        result = takeout.take_out(round_.courier, uuid.uuid4(), shipment, taken_at=utcnow(),
                                  max_attempts=max_attempts(), handed_by=current_user)
    except takeout.TakeOutRefused as refused:
        db.session.rollback()
        if not takeout.is_carried(shipment):
            flash(_("%(code)s là yêu cầu nhận hồ sơ tại nhà: không có gì để giao cho bưu tá mang đi.",
                    code=shipment.dossier.code), "error")
            return
        state = STATE_LABELS.get(shipment.state, shipment.state)
        flash(f"{shipment.dossier.code}: {take_out_error_message(refused.code)} ({state})", "error")
        return
    db.session.commit()
    if result.result == takeout.ALREADY_OUT:
        flash(_("%(code)s đã được nhận trước đó.", code=shipment.dossier.code), "info")
    else:
        flash(_("Đã giao %(code)s cho %(courier)s.", code=shipment.dossier.code,
                courier=round_.courier.full_name), "info")


def _round(public_id) -> Round:
    round_ = planning.round_of_office(office_id(), public_id)
    if round_ is None:
        abort(404)
    return round_
