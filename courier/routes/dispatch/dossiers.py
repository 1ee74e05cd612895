"""Dossiers taken in, on their way to the agencies: handed in by couriers, sent on batch lists."""
import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ...domain.batch_list import BatchList, Line, batch_list_pdf
from ...domain.formatting import format_datetime
from ...extensions import db
from ...forms import PickShipmentsForm, ScanForm, record_id
from ...services import receiving, to_agency
from ...vocabulary import STATE_LABELS
from .console import bp, flash_form_errors, max_attempts, office_id


@bp.route("/dossiers")
def dossiers():
    at_the_office = to_agency.at_the_office(office_id())
    return render_template(
        "dispatch/dossiers.html", scan=ScanForm(formdata=None), pick=PickShipmentsForm(formdata=None),
        with_couriers=to_agency.with_couriers(office_id()), at_the_office=at_the_office,
        waiting_count=sum(len(waiting) for _, waiting in at_the_office),
        batches=to_agency.recent_batches(office_id()))


@bp.route("/dossiers/hand-in", methods=["POST"])
def dossiers_hand_in():
    form = ScanForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("dispatch.dossiers"))
    scans = [to_agency.hand_in(office_id(), code[:200], current_user, max_attempts())
             for code in receiving.split_codes(form.code.data)]
    db.session.commit()
    for scan in scans:
        _flash_hand_in(scan)
    return redirect(url_for("dispatch.dossiers"))


def _flash_hand_in(scan: to_agency.HandIn) -> None:
    if scan.status == "handed_in":
        flash(_("Đã nhận hồ sơ %(code)s vào bưu cục.", code=scan.shipment.dossier.code), "info")
    elif scan.status == "already":
        flash(_("%(code)s không chờ nhận vào bưu cục (%(state)s).", code=scan.shipment.dossier.code,
                state=STATE_LABELS.get(scan.shipment.state, scan.shipment.state)), "error")
    elif scan.status == "ambiguous":
        flash(_("Có nhiều hồ sơ mang mã %(code)s: hãy quét nhãn QR trên phong bì.", code=scan.code), "error")
    else:
        flash(_("Không có hồ sơ nào chờ nhận mang mã %(code)s.", code=scan.code), "error")


@bp.route("/dossiers/batch", methods=["POST"])
def dossiers_batch():
    form, agency_id = PickShipmentsForm(), request.form.get("agency", type=record_id)
    if not form.validate_on_submit() or agency_id is None:
        flash_form_errors(form)
        return redirect(url_for("dispatch.dossiers"))
    try:
        batch = to_agency.make_batch(office_id(), agency_id, form.shipment.data, current_user, max_attempts())
    except to_agency.BatchRefused as refused:
        db.session.rollback()
        flash(_("Không lập được biên bản: hồ sơ %(code)s không còn chờ chuyển đến cơ quan này. Hãy tải lại trang.",
                code=refused.dossier_code or "?"), "error")
        return redirect(url_for("dispatch.dossiers"))
    count = len(batch.pickups)
    db.session.commit()
    flash(ngettext("Đã lập biên bản bàn giao %(number)s với %(num)s hồ sơ.",
                   "Đã lập biên bản bàn giao %(number)s với %(num)s hồ sơ.", count, number=batch.number), "info")
    return redirect(url_for("dispatch.dossiers", _anchor=f"batch-{batch.public_id}"))


@bp.route("/dossiers/batches/<uuid:public_id>.pdf")
def dossiers_batch_pdf(public_id):
    batch = to_agency.batch_of_office(office_id(), public_id)
    if batch is None:
        abort(404)
    lines = [Line(dossier_code=shipment.dossier.code,
                  procedure=f"{shipment.pickup.procedure.code} {shipment.pickup.procedure.name}",
                  applicant=shipment.dossier.applicant_name, pages=shipment.pickup.pages,
                  fee_collected=collected)
             for shipment, collected in to_agency.batch_lines(batch)]
    pdf = batch_list_pdf(BatchList(number=batch.number, made_at=format_datetime(batch.created_at),
                                   post_office=batch.post_office.name, agency=batch.agency.name, lines=lines))
    return send_file(io.BytesIO(pdf), mimetype="application/pdf", download_name=f"bien-ban-{batch.number}.pdf",
                     max_age=0)
