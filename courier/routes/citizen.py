"""The citizen's page, reached from the QR code's link, with no account."""
from flask import Blueprint, render_template

from ..auth import public
from ..services import tracking

bp = Blueprint("citizen", __name__)


@bp.route("/<token>")
@public
def track(token: str):
    view = tracking.find_by_token(token)
    if view is None:
        return render_template("citizen/unknown.html"), 404
    response = render_template("citizen/track.html", view=view)
    return response, 200, {"Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}
