"""The courier's page: the app shell of the offline-first round."""
from flask import Blueprint, render_template

from ..auth import blueprint_roles
from ..models import Role
from ..vocabulary import CONSENT_TEXT, CONSENT_VERSION, STATE_LABELS

bp = blueprint_roles(Blueprint("courier", __name__), Role.COURIER)


@bp.route("/")
def today():
    """The shell only: the round comes from the API and IndexedDB, so one cached page serves all day."""
    labels = {str(state): str(label) for state, label in STATE_LABELS.items()}
    return render_template("courier/app.html", state_labels=labels, consent_version=CONSENT_VERSION,
                           consent_text=CONSENT_TEXT)
