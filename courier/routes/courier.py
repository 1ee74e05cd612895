"""The courier's pages: today's round."""
from flask import Blueprint, render_template
from flask_login import current_user

from ..auth import blueprint_roles
from ..models import Role
from ..services import rounds

bp = blueprint_roles(Blueprint("courier", __name__), Role.COURIER)


@bp.route("/")
def today():
    round_ = rounds.todays_round(current_user)
    return render_template("courier/today.html", round=round_)
