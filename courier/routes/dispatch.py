"""The dispatcher's console: the day's board."""
from flask import Blueprint, render_template
from flask_login import current_user

from ..auth import blueprint_roles
from ..models import Role
from ..services import board as board_service

bp = blueprint_roles(Blueprint("dispatch", __name__), Role.DISPATCHER, Role.ADMIN)


@bp.route("/")
def board():
    summary = board_service.office_summary(current_user.post_office_id)
    return render_template("dispatch/board.html", summary=summary)
