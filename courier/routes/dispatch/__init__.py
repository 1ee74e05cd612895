"""The dispatcher's console: one blueprint, a module per page group.

Every view reads its post office from the logged-in user and looks every id
up within that office, so another office's data answers 404 as if it did not
exist. Views parse, call a service, commit, and render or redirect.
"""
from flask import Blueprint, current_app, flash, redirect, request
from flask_babel import gettext as _
from flask_login import current_user

from ...auth import blueprint_roles, safe_next
from ...models import Role
from . import words

bp = blueprint_roles(Blueprint("dispatch", __name__), Role.DISPATCHER, Role.ADMIN)


def office_id() -> int:
    return current_user.post_office_id


def max_attempts() -> int:
    return current_app.config["MAX_DELIVERY_ATTEMPTS"]


def back(default: str):
    """Redirect to the page the form came from (its `next` field), if it is on this site."""
    return redirect(safe_next(request.form.get("next")) or default)


def flash_form_errors(form) -> None:
    for errors in form.errors.values():
        for error in errors:
            flash(str(error), "error")


@bp.context_processor
def _console():
    return {**words.words(), "event_details": words.event_details, "console_sections": (
        ("dispatch.board", _("Bảng điều phối")),
        ("dispatch.intake", _("Nhập hồ sơ")),
        ("dispatch.receive", _("Nhận bưu gửi")),
        ("dispatch.labels", _("In nhãn")),
        ("dispatch.rounds", _("Tuyến phát")),
        ("dispatch.shipments", _("Tra cứu")),
        ("dispatch.reports_page", _("Báo cáo")),
    )}


from . import board, intake, labels, receive, reports, rounds, shipments, takeout  # noqa: E402,F401  (they add their routes to bp)
