"""Every agency-API error in one shape: RFC 9457 problem details, in Vietnamese.

    {"type": ".../api/v1/docs#problem-invalid", "title": "...", "status": 422, "detail": "...",
     "error": "invalid", "errors": [{"pointer": "#/ward", "field": "ward", "code": "unknown_ward",
                                    "detail": "Không có phường, xã này ..."}]}

Schema errors (pydantic's) and rule errors (courier.domain's codes) become the
same entries, so an agency fixes everything in one round trip; nothing of the
library (its wording, its documentation URLs) reaches the caller.
"""
from flask import current_app, jsonify
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, ValidationError

from ...vocabulary import DOSSIER_ERRORS

MEDIA_TYPE = "application/problem+json"

# pydantic's error types, in the words of this API; anything else is "not valid".
SCHEMA_ERRORS = {
    "missing": _l("Bắt buộc phải có."),
    "extra_forbidden": _l("Trường này không có trong hồ sơ; hãy bỏ đi."),
    "string_type": _l("Phải là chuỗi ký tự."),
    "string_too_short": _l("Bắt buộc phải có."),
    "string_too_long": _l("Quá dài: tối đa %(max_length)s ký tự."),
    "string_pattern_mismatch": _l("Không đúng dạng."),
    "int_type": _l("Phải là số nguyên."),
    "int_parsing": _l("Phải là số nguyên."),
    "int_from_float": _l("Phải là số nguyên."),
    "float_type": _l("Phải là số."),
    "float_parsing": _l("Phải là số."),
    "finite_number": _l("Phải là số."),
    "greater_than_equal": _l("Phải từ %(ge)s trở lên."),
    "less_than_equal": _l("Phải nhỏ hơn hoặc bằng %(le)s."),
    "date_type": _l("Phải là ngày dạng YYYY-MM-DD."),
    "date_parsing": _l("Phải là ngày dạng YYYY-MM-DD."),
    "date_from_datetime_parsing": _l("Phải là ngày dạng YYYY-MM-DD."),
    "date_from_datetime_inexact": _l("Phải là ngày dạng YYYY-MM-DD."),
    "list_type": _l("Phải là một danh sách."),
    "too_long": _l("Quá nhiều: tối đa %(max_length)s mục."),
    "model_type": _l("Phải là một đối tượng JSON."),
    "dict_type": _l("Phải là một đối tượng JSON."),
    "model_attributes_type": _l("Phải là một đối tượng JSON."),
    "url_type": _l("Phải là địa chỉ URL."),
    "url_parsing": _l("Phải là địa chỉ URL http(s) đầy đủ."),
    "url_scheme": _l("Phải là địa chỉ URL http(s) đầy đủ."),
    "url_too_long": _l("Địa chỉ URL quá dài."),
}

TITLES = {
    "invalid": _l("Hồ sơ không hợp lệ."),
    "conflict": _l("Mã hồ sơ đã được gửi với nội dung khác."),
    "invalid_webhook": _l("Địa chỉ webhook không hợp lệ."),
    "not_found": _l("Không có hồ sơ này."),
    "unauthorised": _l("Thiếu hoặc sai khóa API."),
    "no_post_office": _l("Cơ quan chưa được gắn với bưu cục nào."),
    "not_incoming": _l("Hồ sơ này không ở trạng thái chờ cơ quan tiếp nhận."),
    "official_code_taken": _l("Mã hồ sơ này đã được dùng cho một hồ sơ khác của cơ quan."),
}


# The agency's part of /api/v1 (the courier's PWA keeps its {error, message} answers).
AGENCY_PATHS = ("/api/v1/dossiers", "/api/v1/webhook", "/api/v1/incoming")


def is_agency_call(path: str) -> bool:
    """True for a request to the agency API, matched or not, so even a 404 or 405 is a problem."""
    return path.startswith(AGENCY_PATHS)


# Why a webhook URL is refused (domain/webhook_targets.py's codes).
WEBHOOK_REFUSALS = {
    "bad_scheme": _l("Chỉ nhận địa chỉ http:// hoặc https://."),
    "credentials": _l("Địa chỉ không được chứa tên đăng nhập hay mật khẩu."),
    "no_host": _l("Địa chỉ thiếu tên máy chủ."),
    "bad_port": _l("Cổng (port) trong địa chỉ không hợp lệ."),
    "unresolvable": _l("Không tìm thấy máy chủ này (tên miền không phân giải được)."),
    "private_address": _l("Địa chỉ này trỏ vào mạng nội bộ hoặc địa chỉ đặc biệt; chỉ nhận máy chủ trên Internet."),
}


def problem(status: int, code: str, detail: str | None = None, errors: list[dict] | None = None,
            title: str | None = None):
    """A problem-details response; `code` is stable for programs, the words are for people."""
    title = title or str(TITLES[code])
    body = {"type": f"{current_app.config['PUBLIC_BASE_URL']}/api/v1/docs#problem-{code}",
            "title": title, "status": status, "detail": detail or title,
            "error": code,  # the same stable codes as the rest of the app's JSON errors
            "errors": errors or []}
    response = jsonify(body)
    response.status_code = status
    response.mimetype = MEDIA_TYPE
    return response


def invalid(errors: list[dict]):
    """422 with every problem found, schema and rules together."""
    return problem(422, "invalid", _("%(count)s trường có lỗi; xem danh sách errors.", count=len(errors)), errors)


def entry(path: tuple, code: str, detail: str) -> dict:
    """One problem: where (a JSON Pointer, and the same as a dotted name), what, and in words."""
    field = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path).lstrip(".")
    return {"pointer": "#/" + "/".join(str(part) for part in path), "field": field, "code": code,
            "detail": detail}


def schema_errors(model: type[BaseModel], body) -> list[dict]:
    """The body's problems against the model, [] if it fits."""
    try:
        model.model_validate(body)
    except ValidationError as error:
        return [_schema_entry(found) for found in error.errors(include_url=False, include_input=False)]
    return []


def _schema_entry(found: dict) -> dict:
    message = SCHEMA_ERRORS.get(found["type"], _l("Giá trị không hợp lệ."))
    try:
        detail = str(message) % (found.get("ctx") or {})
    except (KeyError, TypeError, ValueError):
        detail = _("Giá trị không hợp lệ.")
    return entry(tuple(found["loc"]), found["type"], detail)


def fitting(model: type[BaseModel], body, found: list[dict]) -> dict:
    """The body's fields the schema accepted (the others as absent), for the rules to check too."""
    if not isinstance(body, dict):
        return {}
    refused = _top_fields(found)
    return {name: value for name, value in body.items() if name in model.model_fields and name not in refused}


def _top_fields(found: list[dict]) -> set[str]:
    return {entry["field"].split(".")[0].split("[")[0] for entry in found}


def rule_errors(errors: dict[str, str], already: list[dict], words: dict = DOSSIER_ERRORS) -> list[dict]:
    """The domain's {field: code} as entries (in `words`), leaving out fields the schema already refused."""
    refused = _top_fields(already)
    return [entry(_path(name), code, str(words.get(code, code)))
            for name, code in errors.items() if _path(name)[0] not in refused]


def _path(name: str) -> tuple:
    """ "authorised_persons[0].full_name" -> ("authorised_persons", 0, "full_name")."""
    parts: list = []
    for piece in name.split("."):
        head, *indexes = piece.replace("]", "").split("[")
        parts.append(head)
        parts.extend(int(index) for index in indexes)
    return tuple(parts)
