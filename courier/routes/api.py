"""JSON API, version 1."""
from flask import Blueprint, jsonify
from flask_login import current_user

from ..auth import blueprint_roles
from ..domain.states import TERMINAL, TRANSITIONS
from ..models import Role

bp = blueprint_roles(Blueprint("api", __name__), Role.COURIER, Role.DISPATCHER, Role.ADMIN)


@bp.route("/me")
def me():
    """Who is logged in, for the PWA to show and to scope its offline data."""
    return jsonify(username=current_user.username, full_name=current_user.full_name,
                   role=str(current_user.role), post_office=current_user.post_office.name)


@bp.route("/state-machine")
def state_machine():
    """The delivery states and transitions, from the one definition the server uses."""
    return jsonify(
        transitions={str(action): {"from": sorted(str(s) for s in sources), "to": str(target)}
                     for action, (sources, target) in TRANSITIONS.items()},
        terminal=sorted(str(s) for s in TERMINAL),
    )
