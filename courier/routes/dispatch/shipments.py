"""Finding shipments, and one shipment's page: its record, custody trail, visits and actions."""
import uuid

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...domain.formatting import local_today
from ...domain.states import IllegalTransition, State
from ...domain.storage import MediaStore, StorageError
from ...extensions import db
from ...forms import NoteForm, ReasonForm, ReassignForm, ShipmentSearchForm, choices
from ...services import casework, planning, search
from ...vocabulary import STATE_LABELS
from . import bp, flash_form_errors, max_attempts, office_id
from .labels import agency_choices
from .rounds import refusal


@bp.route("/shipments")
def shipments():
    form = ShipmentSearchForm(formdata=request.args)
    form.state.choices = choices(STATE_LABELS.items(), _("Tất cả"))
    form.agency.choices = agency_choices()
    form.commune.choices = choices(search.ward_choices(current_user.post_office.province_code), _("Tất cả"))
    if not form.validate() or (form.state.data and form.state.data not in {str(s) for s in State}):
        abort(400)
    filters = search.Filters(q=form.q.data or "", state=State(form.state.data) if form.state.data else None,
                             agency_id=form.agency.data, ward_code=form.commune.data, due=form.due.data)
    try:
        after = uuid.UUID(request.args["after"]) if request.args.get("after") else None
        page = search.search(office_id(), filters, after)
    except ValueError:
        abort(400)
    except search.UnknownCursor:
        abort(404)
    args = {key: value for key, value in request.args.items() if key != "after" and value}
    next_url = url_for("dispatch.shipments", **args, after=page.next_after) if page.next_after else None
    return render_template("dispatch/shipments.html", form=form, page=page, next_url=next_url,
                           first_url=url_for("dispatch.shipments", **args) if after else None)


@bp.route("/shipments/<uuid:public_id>")
def shipment(public_id):
    found = _shipment(public_id)
    people = planning.couriers(office_id())
    reassign = ReassignForm(formdata=None, day=local_today())
    reassign.courier.choices = choices((person.id, person.full_name) for person in people)
    return render_template(
        "dispatch/shipment.html", shipment=found, events=casework.timeline(found),
        attempts=casework.attempts(found), stop=casework.current_stop(found),
        offer=casework.offer(found, max_attempts()), reassign=reassign,
        reason=ReasonForm(formdata=None), note=NoteForm(formdata=None), max_attempts=max_attempts(),
        names=casework.staff_names(office_id()), distance=casework.distance_from_address, today=local_today())


@bp.route("/shipments/<uuid:public_id>/reschedule", methods=["POST"])
def shipment_reschedule(public_id):
    found, form = _shipment(public_id), NoteForm()
    return _act(found, form, lambda: casework.reschedule(found, current_user, max_attempts(), form.note.data),
                _("Đã đưa bưu gửi về bưu cục để phát vào ngày khác."))


@bp.route("/shipments/<uuid:public_id>/reassign", methods=["POST"])
def shipment_reassign(public_id):
    found, form = _shipment(public_id), ReassignForm()
    courier = planning.courier_of_office(office_id(), form.courier.data)
    if form.courier.data and courier is None:
        abort(404)
    return _act(found, form, lambda: casework.reassign(found, courier, form.day.data, current_user,
                                                       max_attempts()),
                _("Đã xếp bưu gửi vào tuyến của %(name)s.", name=courier.full_name if courier else ""))


@bp.route("/shipments/<uuid:public_id>/cancel", methods=["POST"])
def shipment_cancel(public_id):
    found, form = _shipment(public_id), ReasonForm()
    return _act(found, form, lambda: casework.cancel(found, form.reason.data.strip(), current_user,
                                                     max_attempts()),
                _("Đã hủy bưu gửi."))


@bp.route("/shipments/<uuid:public_id>/return", methods=["POST"])
def shipment_start_return(public_id):
    found, form = _shipment(public_id), NoteForm()
    return _act(found, form, lambda: casework.start_return(found, form.note.data, current_user, max_attempts()),
                _("Bưu gửi đang được chuyển hoàn về cơ quan."))


@bp.route("/shipments/<uuid:public_id>/returned", methods=["POST"])
def shipment_complete_return(public_id):
    found, form = _shipment(public_id), NoteForm()
    return _act(found, form, lambda: casework.complete_return(found, form.note.data, current_user,
                                                              max_attempts()),
                _("Đã ghi nhận bưu gửi đã trả lại cho cơ quan."))


@bp.route("/proofs/<int:proof_id>")
def proof(proof_id):
    found = casework.proof_for_office(office_id(), proof_id)
    if found is None:
        abort(404)
    try:
        path = MediaStore(current_app.config["MEDIA_DIR"]).path_for(found.sha256)
    except StorageError:
        abort(404)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=found.content_type, conditional=False, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _shipment(public_id):
    found = casework.find(office_id(), public_id)
    if found is None:
        abort(404)
    return found


def _act(found, form, change, done: str):
    """Run an action's form: refused cleanly if invalid or no longer allowed, else commit."""
    page = url_for("dispatch.shipment", public_id=found.public_id)
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(page)
    try:
        change()
    except (IllegalTransition, planning.PlanningRefused) as refused:
        db.session.rollback()
        flash(refusal(refused) if isinstance(refused, planning.PlanningRefused) else
              _("Không thể làm thao tác này khi bưu gửi đang ở trạng thái “%(state)s”.",
                state=STATE_LABELS.get(found.state, found.state)), "error")
        return redirect(page)
    db.session.commit()
    flash(done, "info")
    return redirect(page)

