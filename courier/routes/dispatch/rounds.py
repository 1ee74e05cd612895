"""Planning rounds: a courier and a date, the shipments ready to go, the order of the stops."""
from flask import abort, flash, render_template, request, url_for
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ...domain.formatting import format_date, local_today
from ...domain.states import Direction, IllegalTransition
from ...extensions import db
from ...forms import AddToRoundForm, ConfirmForm, MoveStopForm, RoundPickForm, choices
from ...services import planning, receiving, takeout
from ...services.search import ward_choices
from ...vocabulary import SLOT_LABELS
from .console import back, bp, flash_form_errors, max_attempts, office_id
from .labels import agency_choices

REFUSALS = {
    "not_ready": _l("Bưu gửi %(code)s không ở trạng thái có thể xếp tuyến."),
    "too_many_attempts": _l("Bưu gửi %(code)s đã phát không thành công đủ số lần: hãy chuyển hoàn."),
    "held": _l("Hồ sơ %(code)s đang ở tuyến của %(name)s ngày %(day)s: hãy bỏ khỏi tuyến đó, "
               "hoặc đổi tuyến ở trang của bưu gửi."),
    "not_movable": _l("Bưu gửi %(code)s đã được mang đi phát nên không chuyển tuyến được."),
    "not_on_round": _l("Bưu gửi %(code)s không có trong tuyến này."),
}
# The same refusals for a pickup (a dossier to take in at the door), where they read otherwise.
PICKUP_REFUSALS = {
    "not_ready": _l("Yêu cầu nhận hồ sơ %(code)s không ở trạng thái có thể xếp tuyến."),
    "too_many_attempts": _l("Đã đến nhận hồ sơ %(code)s không thành công đủ số lần: hãy liên hệ người dân "
                            "hoặc hủy yêu cầu."),
    "not_movable": _l("Yêu cầu nhận hồ sơ %(code)s không còn chờ bưu tá đến nhận nên không chuyển tuyến được."),
}


@bp.route("/rounds")
def rounds():
    pick = RoundPickForm(formdata=request.args)
    people = planning.couriers(office_id())
    pick.courier.choices = choices((person.id, person.full_name) for person in people)
    pick.agency.choices = agency_choices()
    pick.commune.choices = choices(ward_choices(current_user.post_office.province_code), _("Tất cả"))
    if not pick.validate():
        abort(400)
    day = pick.day.data or local_today()
    pick.day.data = day
    courier = planning.courier_of_office(office_id(), pick.courier.data) if pick.courier.data else \
        (people[0] if people else None)
    if pick.courier.data and courier is None:
        abort(404)
    pick.courier.data = courier.id if courier else None
    round_ = planning.round_for(courier, day) if courier else None
    ready = planning.ready(office_id(), day, ward_code=pick.commune.data, due=pick.due.data,
                           agency_id=pick.agency.data, max_attempts=max_attempts())
    move = MoveStopForm(formdata=None)
    move.to_courier.choices = choices((p.id, p.full_name) for p in people if courier is None or p.id != courier.id)
    where = planning.positions(round_) if round_ and round_.stops else {}
    measure = planning.measure(round_, current_user.post_office, where) if round_ and round_.stops else None
    return render_template(
        "dispatch/rounds.html", pick=pick, courier=courier, day=day, round=round_, ready=ready,
        add=AddToRoundForm(formdata=None, courier=courier.id if courier else None, day=day),
        confirm=ConfirmForm(formdata=None), move=move, day_rounds=planning.rounds_of_day(office_id(), day),
        measure=measure, length_km=_km(measure.metres) if measure and measure.metres >= 50 else None,
        where=where, waiting=len(takeout.not_taken(round_)) if round_ else 0,
        carried=len(takeout.carried(round_)) if round_ else 0, slots=SLOT_LABELS,
        past=day < local_today(), limit=planning.READY_LIMIT)


@bp.route("/rounds/add", methods=["POST"])
def rounds_add():
    form = AddToRoundForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return back(url_for("dispatch.rounds"))
    courier = planning.courier_of_office(office_id(), form.courier.data)
    shipments = receiving.find_for_office(office_id(), form.shipment.data)
    if courier is None or shipments is None:
        abort(404)
    try:
        planning.add(planning.get_or_create_round(courier, form.day.data), shipments, current_user,
                     max_attempts())
    except planning.PlanningRefused as refused:
        db.session.rollback()
        flash(refusal(refused), "error")
        return back(url_for("dispatch.rounds"))
    db.session.commit()
    flash(ngettext("Đã thêm %(num)s bưu gửi vào tuyến của %(name)s.",
                   "Đã thêm %(num)s bưu gửi vào tuyến của %(name)s.", len(shipments), name=courier.full_name),
          "info")
    return back(url_for("dispatch.rounds", courier=courier.id, day=form.day.data.isoformat()))


@bp.route("/rounds/<uuid:round_id>/propose", methods=["POST"])
def rounds_propose(round_id):
    round_ = _round(round_id)
    proposal = planning.propose(round_, current_user.post_office)
    db.session.commit()
    if proposal.located:
        flash(_("Đã sắp xếp lại thứ tự: khoảng %(after)s km cho %(located)s/%(total)s điểm có tọa độ "
                "(trước đó %(before)s km).", after=_km(proposal.after_m), before=_km(proposal.before_m),
                located=proposal.located, total=proposal.total), "info")
    else:
        flash(_("Đã sắp xếp lại thứ tự theo phường, đường và số nhà: chưa điểm nào có tọa độ."), "info")
    return back(_round_url(round_))


@bp.route("/rounds/<uuid:round_id>/stops/<uuid:shipment_id>/shift", methods=["POST"])
def rounds_shift(round_id, shipment_id):
    round_, shipment = _round_and_stop(round_id, shipment_id)
    step = {"up": -1, "down": 1}.get(request.form.get("step"))
    if step is None:
        abort(400)
    planning.shift(round_, shipment, step)
    db.session.commit()
    return back(_round_url(round_))


@bp.route("/rounds/<uuid:round_id>/stops/<uuid:shipment_id>/remove", methods=["POST"])
def rounds_remove(round_id, shipment_id):
    round_, shipment = _round_and_stop(round_id, shipment_id)
    code, pickup = shipment.dossier.code, shipment.direction is Direction.COLLECT_DOSSIER
    try:
        holder = planning.remove(round_, shipment, current_user, max_attempts())
    except IllegalTransition:
        db.session.rollback()
        flash(_("Hồ sơ %(code)s đã được nhận nên không bỏ khỏi tuyến được.", code=code) if pickup else
              _("Bưu gửi %(code)s đã được mang đi phát nên không bỏ khỏi tuyến được.", code=code), "error")
        return back(_round_url(round_))
    db.session.commit()
    if holder is None and pickup:
        flash(_("Đã bỏ %(code)s khỏi tuyến; yêu cầu nhận hồ sơ chờ xếp tuyến lại.", code=code), "info")
    elif holder is None:
        flash(_("Đã bỏ %(code)s khỏi tuyến; bưu gửi trở lại bưu cục.", code=code), "info")
    else:
        flash(_("Đã bỏ %(code)s khỏi tuyến này; hồ sơ vẫn ở tuyến của %(name)s ngày %(day)s.", code=code,
                name=holder.round.courier.full_name, day=format_date(holder.round.round_date)), "info")
    return back(_round_url(round_))


@bp.route("/rounds/<uuid:round_id>/stops/<uuid:shipment_id>/move", methods=["POST"])
def rounds_move(round_id, shipment_id):
    round_, shipment = _round_and_stop(round_id, shipment_id)
    form = MoveStopForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return back(_round_url(round_))
    to_courier = planning.courier_of_office(office_id(), form.to_courier.data)
    if to_courier is None:
        abort(404)
    try:
        planning.transfer(round_, shipment, to_courier, current_user)
    except planning.PlanningRefused as refused:
        db.session.rollback()
        flash(refusal(refused), "error")
        return back(_round_url(round_))
    db.session.commit()
    flash(_("Đã chuyển %(code)s sang tuyến của %(name)s.", code=shipment.dossier.code,
            name=to_courier.full_name), "info")
    return back(_round_url(round_))


def refusal(refused: planning.PlanningRefused) -> str:
    """A planning refusal in words, in the user's language (a held result: whose round, which day)."""
    holder = refused.holder
    words = (PICKUP_REFUSALS if refused.pickup else {}).get(refused.code) or \
        REFUSALS.get(refused.code, REFUSALS["not_ready"])
    return str(words) % {
        "code": refused.dossier_code, "name": holder.round.courier.full_name if holder else "",
        "day": format_date(holder.round.round_date) if holder else ""}


def _round(round_id):
    round_ = planning.round_of_office(office_id(), round_id)
    if round_ is None:
        abort(404)
    return round_


def _round_and_stop(round_id, shipment_id):
    round_ = _round(round_id)
    for stop in round_.stops:
        if stop.shipment.public_id == shipment_id:
            return round_, stop.shipment
    abort(404)


def _round_url(round_) -> str:
    return url_for("dispatch.rounds", courier=round_.courier_id, day=round_.round_date.isoformat())


def _km(metres: float) -> str:
    return format_decimal(metres / 1000, format="#,##0.0")
