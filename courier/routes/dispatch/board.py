"""The day's board, kept live by static/js/dispatch/board.js, and marking its concerns handled."""
from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...extensions import db
from ...forms import ResolveForm
from ...services import board as board_service
from .console import bp, office_id


@bp.route("/")
def board():
    return _page()


@bp.route("/board/live")
def board_live():
    """What the open board asks every few seconds: its fingerprint, and its live part if that changed.

    The live part is the same template the page includes, so a first render and an update
    cannot differ. An unchanged board costs the two statements of `board_service.version`.
    """
    version = board_service.version(office_id())
    if request.args.get("since") == version:
        return jsonify(version=version)
    summary = board_service.office_summary(office_id())
    return jsonify(version=version, html=render_template("dispatch/_board_live.html", summary=summary,
                                                          draft=None, resolve_form=ResolveForm(formdata=None)))


@bp.route("/concerns/disputes/<int:event_id>/resolve", methods=["POST"])
def resolve_dispute(event_id):
    return _resolve(board_service.find_concern(office_id(), event_id=event_id))


@bp.route("/concerns/visits/<uuid:client_id>/resolve", methods=["POST"])
def resolve_visit(client_id):
    return _resolve(board_service.find_concern(office_id(), client_id=client_id))


def _resolve(concern):
    """Record a concern handled, with the dispatcher's note; it leaves the queue, stays in the trail."""
    if concern is None:
        abort(404)
    form = ResolveForm()
    if not form.validate_on_submit():
        # The board again with the note as typed, open beside its concern: a redirect would lose it.
        return _page(draft=concern.key, resolve_form=form), 400
    if board_service.resolve(concern, form.note.data.strip(), current_user) is None:
        flash(_("Việc này đã được đánh dấu đã xử lý trước đó."), "info")
    else:
        db.session.commit()
        flash(_("Đã ghi nhận việc đã xử lý; ghi chú được lưu trong lịch sử bưu gửi."), "info")
    return redirect(url_for("dispatch.board"))


def _page(draft: str | None = None, resolve_form: ResolveForm | None = None):
    # The fingerprint first: a change made while the page renders shows at the next poll.
    version = board_service.version(office_id())
    return render_template("dispatch/board.html", summary=board_service.office_summary(office_id()),
                           version=version, draft=draft, resolve_form=resolve_form or ResolveForm(formdata=None))
