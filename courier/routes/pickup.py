"""The citizen asks for a pickup of their dossier at home: a public page, phone first, no account.

Every field is text checked by domain/pickups.py, the same rules as the clerk's entry in the
console (routes/dispatch/pickups.py, which shares this module's form and helpers), so a wrong
value comes back as it was typed, with its error in words under it (422).

A request saved is answered with a redirect (POST-redirect-GET): a reload shows the
confirmation again and cannot send the request twice. The confirmation's link is kept in this
browser's session for SHOW_SECONDS, never in a URL (where history, logs and referrers keep it).
The requester typed the phone themselves, so the link opens at once with the details, as after
a right phone check (citizen.remember_proof).
"""
import base64
import io
import time

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectChoice, SelectField, StringField, TelField, TextAreaField

from ..auth import public
from ..domain import addresses
from ..domain.folding import fold
from ..domain.formatting import local_today
from ..domain.labels import qr_image
from ..domain.pickups import SLOTS, PickupInvalid, check_request, earliest_day, latest_day
from ..domain.tokens import citizen_url
from ..extensions import db, limiter
from ..forms import FlaskForm
from ..models import Channel, PostOffice, Procedure, User
from ..services import pickups, tracking
from ..services.pickups import Requested
from ..vocabulary import PICKUP_ERRORS, SLOT_LABELS
from . import citizen

bp = Blueprint("pickup", __name__)

SHOW_SECONDS = 3600  # the confirmation (and its link) can be shown again this long, in this browser
_SHOWN = "pickup_requested"  # in the session: {"token": …, "until": Unix time}


class PickupForm(FlaskForm):
    """A pickup request, the citizen's or the clerk's. No validators: domain/pickups.py checks every
    field at once; the view sets the menus' choices and puts the rules' errors on the fields."""

    procedure = SelectField(_l("Thủ tục"), choices=[], validate_choice=False)
    applicant_name = StringField(_l("Họ và tên người nộp hồ sơ"))
    applicant_phone = TelField(_l("Số điện thoại"))
    street = StringField(_l("Số nhà, đường, thôn, tổ"))
    ward = SelectField(_l("Phường, xã"), choices=[], validate_choice=False)
    preferred_date = StringField(_l("Ngày hẹn bưu tá đến"))
    preferred_slot = RadioField(_l("Buổi"), choices=[SelectChoice(slot, SLOT_LABELS[slot]) for slot in SLOTS],
                                validate_choice=False)
    note = TextAreaField(_l("Lời nhắn cho bưu tá (không bắt buộc)"))
    consent = BooleanField(_l("Tôi đồng ý cho bưu điện dùng các thông tin trên như đã nêu"))


@bp.after_request
def _private(response):
    # The pages carry what was typed (a form sent back) or the citizen's link (the confirmation).
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _limit() -> str:
    return current_app.config["PICKUP_REQUEST_RATE_LIMIT"]


def _saved(response) -> bool:
    return response.status_code == 303


@bp.route("/pickup", methods=["GET", "POST"])
@public
# Per IP, on POST only, and only a request saved counts: a citizen fixing typos is not shut out,
# while one address cannot send couriers to many doors.
@limiter.limit(_limit, methods=["POST"], deduct_when=_saved)
def ask():
    served = pickups.served_wards()
    form = PickupForm()
    procedures = prepare(form, served)
    if request.method == "POST":
        requested = submit(form, procedures, served, Channel.WEB)
        if requested is not None:
            citizen.remember_proof(requested.link)
            session[_SHOWN] = {"token": requested.token, "until": time.time() + SHOW_SECONDS}
            return redirect(url_for("pickup.requested"), 303)
    return page("pickup/request.html", form, procedures)


@bp.route("/pickup/requested")
@public
def requested():
    """The confirmation of the request this browser sent last, within SHOW_SECONDS."""
    shown = session.get(_SHOWN)
    view = None
    if isinstance(shown, dict) and isinstance(shown.get("until"), (int, float)) and shown["until"] > time.time():
        try:
            view = tracking.open_link(str(shown.get("token")), current_app.config["CITIZEN_LINK_DAYS"])
        except tracking.LinkExpired:
            view = None
    if view is None or view.shipment.pickup is None:
        session.pop(_SHOWN, None)
        flash(_("Trang xác nhận chỉ hiện trên máy đã gửi yêu cầu, trong một giờ. "
                "Hãy mở đường dẫn theo dõi bạn đã lưu, hoặc gọi bưu cục."), "info")
        return redirect(url_for("pickup.ask"))
    link = citizen_url(current_app.config["PUBLIC_BASE_URL"], shown["token"])
    return render_template("pickup/requested.html", shipment=view.shipment, pickup=view.shipment.pickup,
                           slot=SLOT_LABELS.get(view.shipment.pickup.preferred_slot, ""), link=link,
                           qr=qr_data_uri(link))


# -- Shared with the clerk's entry (routes/dispatch/pickups.py) -----------------------------------

def prepare(form: PickupForm, served: dict[int, PostOffice]) -> list[Procedure]:
    """Fill the form's menus: the procedures that can be booked, and the communes in `served`
    grouped by province. Returns the procedures (the page lists each one's documents)."""
    procedures = pickups.bookable_procedures()
    form.procedure.choices = [SelectChoice("", _("— Chọn thủ tục —"))] + [
        SelectChoice(str(procedure.id), f"{procedure.name} — {procedure.agency.name}") for procedure in procedures]
    form.ward.choices = [SelectChoice("", _("— Chọn phường, xã —"))] + ward_choices(served)
    return procedures


def ward_choices(codes) -> list[SelectChoice]:
    """The communes, each under its province (an <optgroup>), provinces and communes by name."""
    found = []
    for code in codes:
        try:
            ward = addresses.ward(code)
            province = addresses.province(ward.province_code)
        except addresses.UnknownDivision:  # a code the catalogue dropped: not offered
            continue
        found.append((fold(province.name), fold(ward.name), province.name, code, ward.name))
    return [SelectChoice(str(code), name, optgroup=group) for *_order, group, code, name in sorted(found)]


def submit(form: PickupForm, procedures: list[Procedure], served: dict[int, PostOffice], channel: Channel,
           actor: User | None = None) -> Requested | None:
    """Check the form's request and save it (commits); None, with the errors on the form's fields,
    if anything is wrong. Only `procedures` may be chosen and only the communes in `served`."""
    today = local_today()
    try:
        clean = check_request(request.form, today=today, procedure_ids={procedure.id for procedure in procedures},
                              ward_codes=set(served))
    except PickupInvalid as invalid:
        for name, code in invalid.errors.items():
            form[name].errors = [str(PICKUP_ERRORS.get(code, PICKUP_ERRORS["required"]))]
        return None
    requested = pickups.request_pickup(clean, served[clean.ward_code], channel, today, actor=actor)
    db.session.commit()
    return requested


def page(template: str, form: PickupForm, procedures: list[Procedure], **context):
    """The form's page; 422 when it comes back with errors."""
    today = local_today()
    status = 422 if any(field.errors for field in form) else 200
    return render_template(template, form=form, procedures=procedures, earliest=earliest_day(today),
                           latest=latest_day(today), **context), status


def qr_data_uri(link: str) -> str:
    """The link as a QR code, a PNG inline in the page (the CSP allows data: images)."""
    buffer = io.BytesIO()
    qr_image(link, 264).save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
