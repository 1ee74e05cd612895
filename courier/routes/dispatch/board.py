"""The day's board."""
from flask import render_template

from ...services import board as board_service
from . import bp, office_id


@bp.route("/")
def board():
    summary = board_service.office_summary(office_id())
    return render_template("dispatch/board.html", summary=summary)
