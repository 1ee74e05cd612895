"""QR labels: pick shipments, print an A4 sheet or one thermal label; each print issues a new link."""
from flask import Response, abort, current_app, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...domain.formatting import local_today
from ...extensions import db
from ...forms import LabelFilterForm, PrintLabelsForm, choices
from ...models import Agency, Dossier, Shipment
from ...services import printing, receiving
from ...services.search import ward_choices
from .console import back, bp, flash_form_errors, office_id


@bp.route("/labels")
def labels():
    filters = LabelFilterForm(formdata=request.args)
    filters.agency.choices = agency_choices()
    filters.commune.choices = choices(ward_choices(current_user.post_office.province_code), _("Tất cả"))
    if not filters.validate():
        abort(400)
    shipments = printing.printable(office_id(), agency_id=filters.agency.data, ward_code=filters.commune.data,
                                   due=filters.due.data, unprinted_only=filters.unprinted.data)
    return render_template("dispatch/labels.html", filters=filters, shipments=shipments,
                           form=PrintLabelsForm(formdata=None), limit=printing.LIST_LIMIT)


@bp.route("/labels/print", methods=["POST"])
def labels_print():
    form = PrintLabelsForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return back(url_for("dispatch.labels"))
    shipments = receiving.find_for_office(office_id(), form.shipment.data)
    if shipments is None:
        abort(404)
    if form.layout.data == "thermal" and len(shipments) != 1:
        flash(_("Nhãn nhiệt in từng nhãn một: hãy chọn đúng một bưu gửi."), "error")
        return back(url_for("dispatch.labels"))
    try:
        made = printing.issue(shipments, current_user, current_app.config["PUBLIC_BASE_URL"], form.layout.data)
    except ValueError as refused:
        db.session.rollback()
        flash(_("Chỉ in nhãn cho bưu gửi đã nhận hoặc đã xếp tuyến: %(codes)s", codes=str(refused)), "error")
        return back(url_for("dispatch.labels"))
    content = printing.pdf(made, form.layout.data)
    db.session.commit()  # only once the PDF is made: no link is replaced without its label
    name = f"nhan-{'nhiet' if form.layout.data == 'thermal' else 'a4'}-{local_today():%Y%m%d}.pdf"
    return Response(content, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def agency_choices() -> list:
    """The filter menus' agencies: the office's own, and any whose results it holds; never the
    other offices' (a menu would tell a dispatcher whom another office serves)."""
    holds = db.select(Shipment.id).join(Dossier).where(Dossier.agency_id == Agency.id,
                                                        Shipment.post_office_id == office_id())
    agencies = db.session.execute(
        db.select(Agency).where((Agency.post_office_id == office_id()) | holds.exists())
        .order_by(Agency.name)).scalars()
    return choices(((agency.id, agency.name) for agency in agencies), _("Tất cả"))
