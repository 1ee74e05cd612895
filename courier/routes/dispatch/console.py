"""The console's blueprint and what its pages share: the user's office, the attempt limit, redirects, flashes."""
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


def console_sections() -> tuple:
    """The console's pages (endpoint, label), the administrator's accounts and procedures for admins."""
    sections = (
        ("dispatch.board", _("Bảng điều phối")),
        ("dispatch.intake", _("Nhập hồ sơ")),
        ("dispatch.pickup_new", _("Hẹn nhận hồ sơ")),
        ("dispatch.receive", _("Nhận bưu gửi")),
        ("dispatch.labels", _("In nhãn")),
        ("dispatch.rounds", _("Tuyến phát")),
        ("dispatch.dossiers", _("Hồ sơ chuyển cơ quan")),
        ("dispatch.shipments", _("Tra cứu")),
        ("dispatch.reports_page", _("Báo cáo")),
    )
    if current_user.role == Role.ADMIN:
        sections += (("admin.users", _("Tài khoản")), ("admin.procedures", _("Thủ tục")))
    return sections


@bp.context_processor
def _console():
    return {**words.words(), "event_details": words.event_details, "console_sections": console_sections()}
