"""The citizen's pages, reached from the QR code's link, with no account.

Every response is kept out of search engines and caches and sends no
referrer, so the capability in the URL does not leak; requests are
rate-limited per IP. GET never changes anything: answers are POSTs with CSRF.
"""
from flask import (Blueprint, abort, current_app, flash, make_response, redirect, render_template,
                   send_file, url_for)
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ..auth import public
from ..domain.states import TERMINAL
from ..extensions import db, limiter
from ..forms import CitizenNoteForm, ConfirmReceiptForm, DisputeForm
from ..media import media_store
from ..models import ProofKind
from ..services import tracking

bp = Blueprint("citizen", __name__)
limiter.limit(lambda: current_app.config["CITIZEN_RATE_LIMIT"])(bp)


@bp.after_request
def _private(response):
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "no-store"
    return response


def _open(token: str) -> tracking.Tracking:
    try:
        found = tracking.open_link(token, current_app.config["CITIZEN_LINK_DAYS"])
    except tracking.LinkExpired as expired:
        abort(make_response(render_template("citizen/expired.html", hotline=expired.hotline), 410))
    if found is None:
        abort(make_response(render_template("citizen/unknown.html"), 404))
    return found


@bp.route("/<token>")
@public
def track(token: str):
    view = _open(token)
    return render_template("citizen/track.html", view=view, token=token, confirm_form=ConfirmReceiptForm(),
                           dispute_form=DisputeForm(), note_form=CitizenNoteForm())


@bp.route("/<token>/confirm", methods=["POST"])
@public
def confirm(token: str):
    form = ConfirmReceiptForm()  # the rating is read only once the form has validated
    return _answer(token, form, lambda view: tracking.confirm(
        view, int(form.rating.data) if form.rating.data else None, form.comment.data),
                   _("Cảm ơn bạn đã xác nhận đã nhận kết quả."))


@bp.route("/<token>/dispute", methods=["POST"])
@public
def dispute(token: str):
    form = DisputeForm()
    return _answer(token, form, lambda view: tracking.dispute(view, form.comment.data),
                   _("Bưu cục đã nhận được báo cáo của bạn và sẽ liên hệ lại sớm."))


def _answer(token: str, form, record, thanks: str):
    """Record the citizen's one answer (confirmed or disputed), then show the page again."""
    view = _open(token)
    if form.validate_on_submit():
        try:
            record(view)
            db.session.commit()
        except (tracking.AlreadyDone, IntegrityError):  # the latter: another answer won the race
            db.session.rollback()
            flash(_("Bạn đã trả lời cho kết quả này rồi."), "error")
        else:
            flash(thanks, "info")
    return redirect(url_for("citizen.track", token=token))


@bp.route("/<token>/note", methods=["POST"])
@public
def note(token: str):
    view, form = _open(token), CitizenNoteForm()
    if view.shipment.state in TERMINAL:
        flash(_("Kết quả đã được xử lý xong; không gửi thêm lời nhắn được."), "error")
    elif form.validate_on_submit():
        try:
            tracking.leave_note(view, form.note.data)
        except tracking.TooManyNotes:
            flash(_("Hôm nay đã có %(count)s lời nhắn cho bưu gửi này. Nếu cần thêm, hãy gọi bưu cục.",
                    count=tracking.NOTES_A_DAY), "error")
        else:
            db.session.commit()
            flash(_("Đã gửi lời nhắn cho bưu tá."), "info")
    else:
        flash(" ".join(form.note.errors) or _("Không gửi được lời nhắn."), "error")
    return redirect(url_for("citizen.track", token=token))


@bp.route("/<token>/receipt")
@public
def receipt(token: str):
    view = _open(token)
    if view.delivery is None:
        abort(404)
    checks = tracking.check_proofs(view.delivery, media_store())
    return render_template("citizen/receipt.html", view=view, token=token, checks=checks)


@bp.route("/<token>/signature.png")
@public
def signature(token: str):
    view = _open(token)
    proof = next((p for p in (view.delivery.proofs if view.delivery else []) if p.kind is ProofKind.SIGNATURE), None)
    if proof is None:
        abort(404)
    path = media_store().path_for(proof.sha256)
    if not path.exists():
        abort(404)
    return send_file(path, mimetype=proof.content_type, max_age=0)
