"""API calls for any logged-in user."""
from flask import jsonify
from flask_login import current_user

from ...domain.states import TERMINAL, TRANSITIONS
from . import bp


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
