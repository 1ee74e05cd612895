"""Finding shipments, and one shipment's page: its record, custody trail, visits and actions."""
import uuid

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...domain.formatting import local_today
from ...domain.states import IllegalTransition, State
from ...domain.storage import StorageError
from ...extensions import db
from ...forms import NoteForm, ReasonForm, ReassignForm, ShipmentSearchForm, choices
from ...media import media_store
from ...services import casework, citizen_links, planning, search
from ...vocabulary import STATE_LABELS
from .console import bp, flash_form_errors, max_attempts, office_id
from .labels import agency_choices
from .rounds import refusal


# What people write for a state in a link, besides its own name: "failed" is the failed visit.
STATE_ALIASES = {
    "failed": State.FAILED_ATTEMPT, "fail": State.FAILED_ATTEMPT, "failure": State.FAILED_ATTEMPT,
    "out": State.OUT_FOR_DELIVERY, "out_for_delivery": State.OUT_FOR_DELIVERY, "canceled": State.CANCELLED,
    "return": State.RETURNING, "returned_to_agency": State.RETURNED,
}


@bp.route("/shipments")
def shipments():
    """The office's shipments, filtered: a filter that cannot be read is dropped with a notice, never a 400."""
    form = ShipmentSearchForm(formdata=request.args)
    form.state.choices = choices(STATE_LABELS.items(), _("Tất cả"))
    form.agency.choices = agency_choices()
    form.commune.choices = choices(search.ward_choices(current_user.post_office.province_code), _("Tất cả"))
    notices, dropped = _drop_unreadable(form)
    filters = search.Filters(q=form.q.data or "", state=State(form.state.data) if form.state.data else None,
                             agency_id=form.agency.data, ward_code=form.commune.data, due=form.due.data)
    after = _cursor(request.args.get("after"))
    try:
        page = search.search(office_id(), filters, after)
    except search.UnknownCursor:
        # Another office's shipment, or none: the same answer, so nothing is learnt from it.
        after, page = None, search.search(office_id(), filters)
    if request.args.get("after") and after is None:
        dropped.add("after")
        notices.append(_invalid(_("Trang danh sách"), request.args["after"]))
    args = {key: value for key, value in request.args.items() if key != "after" and value and key not in dropped}
    if form.state.data:
        args["state"] = form.state.data  # "failed" becomes "failed_attempt" in the links onwards
    next_url = url_for("dispatch.shipments", **args, after=page.next_after) if page.next_after else None
    return render_template("dispatch/shipments.html", form=form, page=page, next_url=next_url, notices=notices,
                           first_url=url_for("dispatch.shipments", **args) if after else None)


def _drop_unreadable(form) -> tuple[list[str], set[str]]:
    """Read the state (and its aliases); empty every field that does not validate.

    Returns the notices to show and the names of the parameters dropped.
    """
    form.validate()
    notices, dropped = [], set()
    raw = (form.state.data or "").strip()
    form.state.data = raw or None  # blank, or spaces, is no filter
    if raw:
        state = STATE_ALIASES.get(raw.lower()) or next((s for s in State if s.value == raw.lower()), None)
        form.state.data = str(state) if state else None
        if state is None:
            form.state.errors = [_("Không có trạng thái này.")]
    for field in form:
        if field.errors:
            notices.append(_invalid(field.label.text, (field.raw_data or [""])[0]))
            dropped.add(field.name)
            field.data, field.raw_data, field.errors = None, None, []
    return notices, dropped


def _invalid(name: str, value: str) -> str:
    shown = value if len(value) <= 40 else value[:40] + "…"
    return _("Bộ lọc không hợp lệ: %(name)s “%(value)s”. Danh sách đang hiện không theo bộ lọc này.",
             name=name, value=shown)


def _cursor(value: str | None) -> uuid.UUID | None:
    """The page's cursor (a shipment's public id), or None if there is none or it is not one."""
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


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
        links=citizen_links.links_of(found),
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


@bp.route("/shipments/<uuid:public_id>/links/<int:link_id>/revoke", methods=["POST"])
def shipment_revoke_link(public_id, link_id):
    found, form = _shipment(public_id), ReasonForm()
    if not any(link.id == link_id for link in found.citizen_links):
        abort(404)
    return _act(found, form, lambda: citizen_links.revoke(found, link_id, form.reason.data.strip(), current_user),
                _("Đã thu hồi đường dẫn. Ai giữ đường dẫn ấy không còn xem được bưu gửi; các đường dẫn khác vẫn dùng được."))


@bp.route("/proofs/<int:proof_id>")
def proof(proof_id):
    found = casework.proof_for_office(office_id(), proof_id)
    if found is None:
        abort(404)
    try:
        path = media_store().path_for(found.sha256)
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

