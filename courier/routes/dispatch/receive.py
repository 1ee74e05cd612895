"""Custody scan-in: receiving what the agencies announced, by tick or by scanning codes."""
from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ...extensions import db
from ...forms import ConfirmForm, PickShipmentsForm, ScanForm, record_id
from ...services import receiving
from ...vocabulary import STATE_LABELS
from .console import bp, flash_form_errors, max_attempts, office_id

UNEXPECTED = "receive_unexpected"  # session key: the latest codes that matched nothing awaited
KEEP = 30  # the session is a cookie: keep it small


@bp.route("/receive")
def receive():
    agency_id = request.args.get("agency", type=record_id)  # anything else (99999999999999999999999): all
    return render_template(
        "dispatch/receive.html", agency_id=agency_id, scan=ScanForm(formdata=None),
        pick=PickShipmentsForm(formdata=None), clear=ConfirmForm(formdata=None),
        awaiting=receiving.awaiting(office_id(), agency_id),
        agencies=receiving.awaiting_agencies(office_id()),
        received=receiving.received_today(office_id()), unexpected=session.get(UNEXPECTED, []))


@bp.route("/receive/scan", methods=["POST"])
def receive_scan():
    form, agency_id = ScanForm(), request.form.get("agency", type=record_id)
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("dispatch.receive", agency=agency_id))
    scans = [receiving.receive_code(office_id(), code[:64], current_user, max_attempts(), agency_id)
             for code in receiving.split_codes(form.code.data)]
    db.session.commit()
    by_status = {}
    for scan in scans:
        by_status.setdefault(scan.status, []).append(scan)
    for scan in by_status.get("received", []):
        flash(_("Đã nhận %(code)s · %(name)s", code=scan.shipment.dossier.code,
                name=scan.shipment.dossier.applicant_name), "info")
    for scan in by_status.get("already_received", []):
        flash(_("%(code)s đã được nhận trước đó (%(state)s).", code=scan.code,
                state=STATE_LABELS.get(scan.shipment.state, scan.shipment.state)), "info")
    for scan in by_status.get("ambiguous", []):
        flash(_("Có nhiều bưu gửi mang mã %(code)s: hãy chọn đúng bưu gửi trong danh sách.", code=scan.code),
              "error")
    unexpected = [scan.code for scan in by_status.get("unexpected", [])]
    if unexpected:
        flash(_("Không có trong danh sách chờ nhận: %(codes)s", codes=", ".join(unexpected)), "error")
        kept = [code for code in session.get(UNEXPECTED, []) if code not in unexpected]
        session[UNEXPECTED] = (unexpected + kept)[:KEEP]
    return redirect(url_for("dispatch.receive", agency=agency_id))


@bp.route("/receive", methods=["POST"])
def receive_ticked():
    form, agency_id = PickShipmentsForm(), request.form.get("agency", type=record_id)
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("dispatch.receive", agency=agency_id))
    shipments = receiving.find_for_office(office_id(), form.shipment.data)
    if shipments is None:
        abort(404)
    result = receiving.receive(shipments, current_user, max_attempts())
    db.session.commit()
    flash(ngettext("Đã nhận %(num)s bưu gửi.", "Đã nhận %(num)s bưu gửi.", len(result.received)), "info")
    if result.already:
        flash(ngettext("%(num)s bưu gửi đã được nhận trước đó.", "%(num)s bưu gửi đã được nhận trước đó.",
                       len(result.already)), "info")
    return redirect(url_for("dispatch.receive", agency=agency_id))


@bp.route("/receive/clear", methods=["POST"])
def receive_clear():
    form = ConfirmForm()
    if form.validate_on_submit():
        session.pop(UNEXPECTED, None)
    return redirect(url_for("dispatch.receive", agency=request.form.get("agency", type=record_id)))
