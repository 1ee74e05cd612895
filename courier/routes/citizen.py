"""The citizen's pages, reached from the QR code's link, with no account.

Every response is kept out of search engines and caches and sends no
referrer, so the capability in the URL does not leak; requests are
rate-limited per IP. GET never changes anything: answers are POSTs with CSRF.

Holding the link is not being the citizen (the envelope passes through many
hands): the proof of the hand-over and every answer wait until the holder has
typed the last digits of the phone the agency gave. That is remembered in the
session, per link, for PROOF_HOURS.
"""
import time
from datetime import timedelta

from flask import (Blueprint, abort, current_app, flash, make_response, redirect, render_template,
                   send_file, session, url_for)
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ..auth import public
from ..extensions import db, limiter
from ..forms import CancelPickupForm, CitizenNoteForm, CitizenPhoneCheckForm, ConfirmReceiptForm, DisputeForm
from ..media import media_store
from ..models import ProofKind
from ..services import tracking

bp = Blueprint("citizen", __name__)
limiter.limit(lambda: current_app.config["CITIZEN_RATE_LIMIT"])(bp)

# Long enough to follow a morning's round to the hand-over and answer; short enough that a
# phone lent or left unlocked does not keep the proof open for the day.
PROOF_HOURS = 4
_PROOFS = "citizen_proofs"  # in the session: {link id: expiry, as a Unix time}
_MOST_REMEMBERED = 20       # links, so the cookie stays small


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


def _proven(view: tracking.Tracking) -> bool:
    """Whether this browser has passed the phone check for this very link, lately."""
    until = session.get(_PROOFS, {}).get(str(view.link.id))
    return isinstance(until, (int, float)) and until > time.time()


def _remember_proof(view: tracking.Tracking) -> None:
    now = time.time()
    proofs = {link: until for link, until in session.get(_PROOFS, {}).items()
              if isinstance(until, (int, float)) and until > now}
    proofs[str(view.link.id)] = now + PROOF_HOURS * 3600
    session[_PROOFS] = dict(sorted(proofs.items(), key=lambda item: item[1])[-_MOST_REMEMBERED:])


def _refused(token: str):
    """Where an answer or the proof asked for before the phone check goes: back to the check."""
    flash(_("Hãy nhập 4 số cuối số điện thoại đã đăng ký với cơ quan để tiếp tục."), "error")
    return redirect(url_for("citizen.track", token=token, _anchor="check"))


@bp.route("/<token>")
@public
def track(token: str):
    view = _open(token)
    return render_template("citizen/track.html", view=view, token=token, proven=_proven(view),
                           locked_until=view.locked_until(), check_form=CitizenPhoneCheckForm(),
                           free_checks=tracking.FREE_CHECKS, lock_hours=tracking.LOCK // timedelta(hours=1),
                           confirm_form=ConfirmReceiptForm(), dispute_form=DisputeForm(),
                           note_form=CitizenNoteForm(), cancel_form=CancelPickupForm())


@bp.route("/<token>/check", methods=["POST"])
@public
# CITIZEN_CHECK_RATE_LIMIT per IP, on top of the blueprint's limit and of the per-link lock: one
# address may not sweep many envelopes' links. Loose enough for a family, or a carrier's shared address.
@limiter.limit(lambda: current_app.config["CITIZEN_CHECK_RATE_LIMIT"], override_defaults=False)
def check(token: str):
    """The holder types the phone's last digits; a right answer opens the proof in this browser."""
    view, form = _open(token), CitizenPhoneCheckForm()
    back = redirect(url_for("citizen.track", token=token, _anchor="check"))
    if _proven(view) or not view.can_prove:  # no phone on record: the page says so, and gives the hotline
        return back
    if not form.validate_on_submit():  # not counted: a typo of shape is not a guess
        flash(" ".join(map(str, form.digits.errors)) or _("Không kiểm tra được. Hãy thử lại."), "error")
        return back
    outcome = tracking.check_phone_tail(view, form.digits.data)
    db.session.commit()
    if outcome.proven:
        _remember_proof(view)
        flash(_("Đã xác minh. Bạn có thể xem biên bản giao nhận và trả lời cho bưu cục."), "info")
        return redirect(url_for("citizen.track", token=token))
    if not outcome.locked_until:
        flash(_("Số chưa đúng. Bạn còn %(count)s lần thử.", count=outcome.tries_left), "error")
    return back  # locked: the page says until when, and gives the hotline


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
    if not _proven(view):
        return _refused(token)
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
    if not _proven(view):
        return _refused(token)
    if not view.takes_notes:
        flash(_("Bưu tá không còn đến nhà bạn cho hồ sơ này; không gửi thêm lời nhắn được.") if view.is_pickup
              else _("Kết quả đã được xử lý xong; không gửi thêm lời nhắn được."), "error")
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


@bp.route("/<token>/cancel", methods=["POST"])
@public
def cancel(token: str):
    """The citizen withdraws a pickup request they no longer need (before the courier has the papers)."""
    view, form = _open(token), CancelPickupForm()
    if not _proven(view):
        return _refused(token)
    if not form.validate_on_submit():
        flash(" ".join(map(str, form.sure.errors)) or _("Không hủy được yêu cầu. Hãy thử lại."), "error")
        return redirect(url_for("citizen.track", token=token))
    try:
        tracking.cancel_pickup(view, current_app.config["MAX_DELIVERY_ATTEMPTS"])
    except tracking.NotCancellable:
        flash(_("Không thể hủy nữa: bưu điện đã nhận hồ sơ hoặc yêu cầu đã kết thúc."), "error")
    else:
        db.session.commit()
        flash(_("Đã hủy yêu cầu nhận hồ sơ."), "info")
    return redirect(url_for("citizen.track", token=token))


@bp.route("/<token>/receipt")
@public
def receipt(token: str):
    view = _open(token)
    if view.delivery is None:
        abort(404)
    if not _proven(view):
        return _refused(token)
    checks = tracking.check_proofs(view.delivery, media_store())
    return render_template("citizen/receipt.html", view=view, token=token, checks=checks)


@bp.route("/<token>/signature.png")
@public
def signature(token: str):
    view = _open(token)
    if not _proven(view):
        abort(403)
    proof = next((p for p in (view.delivery.proofs if view.delivery else []) if p.kind is ProofKind.SIGNATURE), None)
    if proof is None:
        abort(404)
    path = media_store().path_for(proof.sha256)
    if not path.exists():
        abort(404)
    return send_file(path, mimetype=proof.content_type, max_age=0)


def remember_proof(link) -> None:
    """Let this browser see `link`'s details for PROOF_HOURS without the phone check, as a right
    answer to it does: for the citizen who has just asked for a pickup with their own phone."""
    from types import SimpleNamespace

    _remember_proof(SimpleNamespace(link=link))  # it reads the link's id only
