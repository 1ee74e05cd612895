"""Errors in the caller's format: JSON for the API, a page in the user's language otherwise."""
from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..auth import wants_json
from ..extensions import db
from .api.problems import is_agency_call, problem


def _messages():
    return {
        400: _("Yêu cầu không hợp lệ."),
        401: _("Cần đăng nhập."),
        403: _("Bạn không có quyền xem trang này."),
        404: _("Không tìm thấy trang này."),
        405: _("Thao tác này không được phép."),
        410: _("Đường dẫn này đã hết hạn."),
        413: _("Tệp gửi lên quá lớn."),
        429: _("Bạn thao tác quá nhiều lần. Vui lòng thử lại sau ít phút."),
        500: _("Đã có lỗi xảy ra. Dữ liệu đã lưu không bị mất; vui lòng thử lại."),
    }


# Stable codes for JSON callers: the PWA's outbox decides what to do by them.
ERROR_CODES = {400: "bad_request", 401: "unauthorised", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 410: "gone", 413: "too_large", 429: "rate_limited",
               500: "server_error"}


def _respond(status: int, message: str | None = None, code: str | None = None):
    message = message or _messages().get(status, _messages()[500])
    if is_agency_call(request.path):
        return problem(status, code or ERROR_CODES.get(status, "error"), title=message)
    if wants_json():
        return jsonify(error=code or ERROR_CODES.get(status, "error"), message=message), status
    return render_template("errors/error.html", status=status, message=message), status


class NulInQuery(Exception):
    """A query string carrying a NUL character, which no page reads and PostgreSQL refuses to store."""


def refuse_nul_in_query() -> None:
    """before_request: answer 400 in words for a NUL in the query string, on both databases alike."""
    if any("\x00" in value for _, values in request.args.lists() for value in values):  # %00 arrives decoded
        raise NulInQuery()


class NulInForm(Exception):
    """A form field carrying a NUL character: no one types it, and PostgreSQL refuses to store it
    (or, inside a JSON column, stores it and then fails every query that reads that row)."""


def refuse_nul_in_form() -> None:
    """before_request, after the gate and the CSRF check: answer 400 in words for a NUL in a form field."""
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and \
            any("\x00" in value for _, values in request.form.lists() for value in values):
        raise NulInForm()


def register(app) -> None:
    @app.errorhandler(NulInQuery)
    def nul_in_query(error):
        return _respond(400, _("Địa chỉ có ký tự không hợp lệ (NUL). Hãy gõ lại điều cần tìm."))

    @app.errorhandler(NulInForm)
    def nul_in_form(error):
        return _respond(400, _("Biểu mẫu có ký tự không hợp lệ (NUL). Hãy nhập lại rồi gửi."))

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return _respond(400, _("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. "
                               "Hãy tải lại trang rồi thử lại."), code="csrf")

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.response is not None:  # a view aborted with its own page
            return error.response
        return _respond(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected(error):
        db.session.rollback()  # nothing half-done is committed by a later request
        app.logger.exception("unhandled error")
        return _respond(500)
