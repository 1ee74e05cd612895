"""The courier's page: the app shell of the offline-first round."""
import gzip

from flask import Blueprint, make_response, render_template, request

from ..auth import blueprint_roles
from ..models import Role
from ..vocabulary import CONSENT_TEXT, CONSENT_VERSION, PICKUP_CONSENT_TEXT, PICKUP_CONSENT_VERSION, STATE_LABELS

bp = blueprint_roles(Blueprint("courier", __name__), Role.COURIER)


@bp.route("/")
def today():
    """The shell only: the round comes from the API and IndexedDB, so one cached page serves all day."""
    labels = {str(state): str(label) for state, label in STATE_LABELS.items()}
    page = make_response(render_template("courier/app.html", state_labels=labels, consent_version=CONSENT_VERSION,
                                         consent_text=CONSENT_TEXT, pickup_consent_version=PICKUP_CONSENT_VERSION,
                                         pickup_consent_text=PICKUP_CONSENT_TEXT))
    return _gzipped(page)


def _gzipped(page):
    """The shell compressed, when the phone accepts it: 25 KB of HTML become 6, and a first visit
    downloads it twice (the page, then the worker's copy for offline use).

    HTML is otherwise never compressed here (create_app: BREACH). This page is safe to: it echoes
    nothing a request sends (no query, no form), so no guess can be reflected beside its token.
    """
    if request.accept_encodings.best_match(["gzip"]) != "gzip":
        return page
    page.set_data(gzip.compress(page.get_data(), compresslevel=6))
    page.headers["Content-Encoding"] = "gzip"
    page.vary.add("Accept-Encoding")
    return page
