"""What people read for the domain's codes: states, roles, reasons, in their language."""
from flask_babel import lazy_gettext as _l

from .domain.states import State
from .models import FailureReason, Role

STATE_LABELS = {
    State.REGISTERED: _l("Chờ nhận từ cơ quan"),
    State.RECEIVED: _l("Đã nhận tại bưu cục"),
    State.ASSIGNED: _l("Đã xếp tuyến"),
    State.OUT_FOR_DELIVERY: _l("Đang phát"),
    State.DELIVERED: _l("Đã phát"),
    State.FAILED_ATTEMPT: _l("Phát không thành công"),
    State.RETURNING: _l("Đang chuyển hoàn"),
    State.RETURNED: _l("Đã chuyển hoàn về cơ quan"),
    State.CANCELLED: _l("Đã hủy"),
}

ROLE_LABELS = {
    Role.COURIER: _l("Bưu tá"),
    Role.DISPATCHER: _l("Điều phối"),
    Role.ADMIN: _l("Quản trị"),
}

FAILURE_REASON_LABELS = {
    FailureReason.ABSENT: _l("Người nhận vắng nhà"),
    FailureReason.WRONG_ADDRESS: _l("Sai địa chỉ"),
    FailureReason.REFUSED: _l("Từ chối nhận"),
    FailureReason.ID_MISMATCH: _l("Giấy tờ tùy thân không khớp"),
    FailureReason.NO_AUTHORISATION: _l("Không có giấy ủy quyền"),
    FailureReason.UNSAFE_ACCESS: _l("Không tiếp cận được an toàn"),
    FailureReason.OTHER: _l("Lý do khác"),
}

# What each dossier field error code means, for import reports and API errors.
DOSSIER_ERRORS = {
    "required": _l("Bắt buộc phải có."),
    "too_long": _l("Quá dài."),
    "invalid_code": _l("Mã hồ sơ không đúng dạng (ví dụ 000.00.17.H47-231212-0001)."),
    "invalid_phone": _l("Số điện thoại không đúng (ví dụ 0905123456)."),
    "unknown_province": _l("Không có tỉnh, thành phố này (sau sắp xếp năm 2025)."),
    "unknown_ward": _l("Không có phường, xã này trong tỉnh, thành phố đã ghi."),
    "invalid_date": _l("Ngày không đúng (dd/mm/yyyy)."),
    "invalid_amount": _l("Số tiền không đúng (đồng, số nguyên)."),
    "invalid_coordinates": _l("Tọa độ không đúng hoặc nằm ngoài Việt Nam."),
    "invalid_id_tail": _l("Đuôi số giấy tờ phải là 3 đến 6 chữ số."),
    "prefix_not_agency": _l("Mã hồ sơ không bắt đầu bằng mã của cơ quan đã chọn."),
}

# What a file-level or cross-row import problem means (courier.domain.imports' codes).
IMPORT_ERRORS = {
    "unreadable": _l("Không đọc được tệp: chỉ nhận tệp Excel .xlsx, .xls, hoặc tệp văn bản .csv, .tsv, .txt."),
    "xls_not_excel": _l("Tệp .xls này thực ra là một trang web (HTML) do hệ thống xuất ra, không phải tệp "
                        "Excel: hãy mở bằng Excel và lưu lại thành .xlsx."),
    "bad_encoding": _l("Không đọc được tệp theo bảng mã %(detail)s: hãy chọn bảng mã khác."),
    "no_rows": _l("Tệp không có dòng hồ sơ nào dưới dòng tiêu đề."),
    "no_header": _l("Không tìm thấy dòng tiêu đề trong 30 dòng đầu: cần các cột như Mã hồ sơ, "
                    "Tên thủ tục, Họ tên người nhận, Địa chỉ."),
    "missing_columns": _l("Tệp thiếu cột bắt buộc: %(detail)s."),
    "too_many_rows": _l("Tệp quá nhiều dòng: tối đa %(detail)s dòng mỗi lần nhập."),
    "field_too_long": _l("Dòng %(detail)s có ô quá dài (hơn 128 KB) hoặc thiếu dấu ngoặc kép đóng; "
                         "không nhập gì."),
    "too_big": _l("Tệp Excel giải nén ra quá lớn (tối đa 40 MB): không nhập gì."),
    "entities": _l("Tệp Excel có khai báo XML lạ (DOCTYPE/ENTITY) nên bị từ chối: không nhập gì."),
    "duplicate_in_file": _l("Mã hồ sơ bị lặp lại trong tệp."),
    "duplicate_of_row": _l("Mã hồ sơ trùng với dòng %(row)s."),
    "unknown_agency": _l("Không có cơ quan nào có mã này trong các cơ quan của bưu cục."),
    "no_agency": _l("Chưa biết cơ quan: hãy chọn cơ quan, hoặc ghi mã hồ sơ có mã đơn vị của cơ quan."),
    "prefix_not_agency": _l("Mã hồ sơ không bắt đầu bằng mã của cơ quan đã chọn."),
    "outside_province": _l("Địa chỉ ngoài tỉnh, thành phố của bưu cục."),
    "outside_communes": _l("Phường, xã này không thuộc địa bàn phát của bưu cục."),
}


SYNC_ERRORS = {
    "invalid": _l("Dữ liệu lần phát không hợp lệ."),
    "conflict": _l("Lần phát này đã được ghi nhận với nội dung khác; không ghi đè."),
    "unknown_shipment": _l("Không tìm thấy bưu gửi này ở bưu cục của bạn."),
    "not_on_your_round": _l("Bưu gửi này không thuộc tuyến phát của bạn."),
    "quota_exceeded": _l("Đã vượt dung lượng ảnh cho phép trong ngày. Hãy báo điều phối viên."),
}
# A take-out scan refused, for the courier's phone and the dispatcher's desk alike.
TAKE_OUT_ERRORS = {
    "invalid": _l("Dữ liệu quét nhận không hợp lệ."),
    "conflict": _l("Lần quét này đã được ghi nhận cho bưu gửi khác; không ghi đè."),
    "unknown_shipment": _l("Không tìm thấy bưu gửi này ở bưu cục."),
    "not_on_your_round": _l("Bưu gửi này không thuộc tuyến phát hôm nay của bưu tá."),
    "not_takeable": _l("Bưu gửi này không ở trạng thái chờ nhận đi phát."),
}
SYNC_FIELD_ERRORS = {
    "required": _l("Bắt buộc phải có."),
    "invalid": _l("Không hợp lệ."),
    "too_long": _l("Quá dài."),
    "in_the_future": _l("Thời điểm ghi nhận ở tương lai: kiểm tra đồng hồ của máy."),
    "not_masked": _l("Chỉ được gửi 4 số cuối của giấy tờ, phần còn lại phải che."),
    "does_not_match": _l("Số cuối giấy tờ không khớp với số cơ quan đã gửi: không thể ghi là đã khớp."),
    "invalid_amount": _l("Số tiền không đúng (đồng, số nguyên)."),
    "not_json": _l("Không đọc được dữ liệu."),
    "not_an_object": _l("Không đọc được dữ liệu."),
    "unexpected_file": _l("Tệp không mong đợi."),
    "empty": _l("Tệp rỗng."),
    "too_large": _l("Tệp quá lớn."),
    "not_an_image": _l("Không phải ảnh JPEG, PNG hoặc WebP."),
    "corrupt": _l("Ảnh bị hỏng, không đọc được."),
    "too_many_pixels": _l("Ảnh quá nhiều điểm ảnh."),
    "signature_too_small": _l("Chữ ký quá ngắn: hãy ký đầy đủ."),
    "signature_too_dark": _l("Ô ký bị tô kín: hãy xoá và ký lại."),
}


def sync_error_message(code: str) -> str:
    return str(SYNC_ERRORS.get(code, SYNC_ERRORS["invalid"]))


def take_out_error_message(code: str) -> str:
    return str(TAKE_OUT_ERRORS.get(code, TAKE_OUT_ERRORS["invalid"]))


def sync_field_messages(fields: dict[str, str]) -> dict[str, str]:
    return {name: str(SYNC_FIELD_ERRORS.get(code, SYNC_FIELD_ERRORS["invalid"])) for name, code in fields.items()}

PROOF_LABELS = {
    "signature": _l("Chữ ký"),
    "photo": _l("Ảnh chụp khi giao"),
    "authorisation_letter": _l("Giấy ủy quyền"),
}

# The tamper-evidence chains (ledger/chain.py), as the report's checkpoints name them.
CHAIN_LABELS = {
    "attempt": _l("Lượt phát"),
    "cash": _l("Tiền nộp về bưu cục"),
    "event": _l("Giao nhận"),
    "proof": _l("Chữ ký và ảnh"),
}

CONCERN_LABELS = {
    "citizen_disputed": _l("Người dân báo chưa nhận được"),
    "flagged": _l("Lần phát cần kiểm tra"),
    "failed": _l("Phát không thành công"),
}

# Shown to the recipient beside the signature pad; its version is recorded with the attempt.
CONSENT_VERSION = "2026-11"
CONSENT_TEXT = _l("Khi ký, tôi xác nhận đã nhận kết quả và đồng ý để bưu điện lưu chữ ký và ảnh này làm bằng "
                  "chứng giao nhận, chỉ dùng cho việc đối soát, trong thời hạn lưu trữ theo quy định "
                  "(Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân).")
