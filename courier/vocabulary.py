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
    State.REQUESTED: _l("Chờ bưu tá đến nhận hồ sơ"),
    State.PICKUP_REFUSED: _l("Chưa nhận được hồ sơ"),
    State.PICKED_UP: _l("Bưu điện đã nhận hồ sơ"),
    State.HANDED_IN: _l("Hồ sơ đã về bưu cục"),
    State.IN_TRANSIT: _l("Đang chuyển hồ sơ đến cơ quan"),
    State.AT_AGENCY: _l("Cơ quan đã nhận hồ sơ"),
    State.RETURNED_FOR_SUPPLEMENT: _l("Cơ quan yêu cầu bổ sung hồ sơ"),
}

SLOT_LABELS = {
    "morning": _l("Buổi sáng (8:00–11:30)"),
    "afternoon": _l("Buổi chiều (13:30–17:00)"),
}

CHANNEL_LABELS = {
    "web": _l("Người dân đăng ký trên mạng"),
    "phone": _l("Nhận qua điện thoại"),
    "counter": _l("Nộp tại quầy"),
}

# What each problem with an agency's acknowledgement or return means (courier.domain.acknowledgement,
# services.agency_desk): on the desk page and in the agency API.
ACKNOWLEDGEMENT_ERRORS = {
    "required": _l("Bắt buộc phải có."),
    "too_long": _l("Quá dài."),
    "invalid_text": _l("Có ký tự không hợp lệ."),
    "invalid_code": _l("Mã hồ sơ không đúng dạng (ví dụ 000.00.17.H47-231212-0001)."),
    "prefix_not_agency": _l("Mã hồ sơ không bắt đầu bằng mã của cơ quan."),
    "invalid_date": _l("Ngày không đúng (dd/mm/yyyy)."),
    "in_the_past": _l("Ngày hẹn trả không được trước hôm nay."),
    "too_far": _l("Ngày hẹn trả quá xa (quá một năm)."),
    "official_code_taken": _l("Mã hồ sơ này đã được dùng cho một hồ sơ khác của cơ quan."),
    "not_incoming": _l("Hồ sơ này không ở trạng thái chờ cơ quan tiếp nhận."),
}

# What each field error of a pickup request means (courier.domain.pickups' codes).
PICKUP_ERRORS = {
    "required": _l("Bắt buộc phải có."),
    "too_long": _l("Quá dài."),
    "invalid_text": _l("Có ký tự không hợp lệ."),
    "invalid_phone": _l("Số điện thoại không đúng (ví dụ 0905123456)."),
    "unknown_procedure": _l("Hãy chọn một thủ tục trong danh sách."),
    "unknown_ward": _l("Hãy chọn một phường, xã trong danh sách."),
    "ward_not_served": _l("Bưu điện chưa nhận hồ sơ tại nhà ở phường, xã này: xin nộp tại bưu cục gần nhất."),
    "invalid_date": _l("Ngày không đúng (dd/mm/yyyy)."),
    "too_soon": _l("Ngày hẹn sớm nhất là ngày mai."),
    "too_far": _l("Chỉ hẹn được trong vòng 14 ngày tới."),
    "invalid_choice": _l("Hãy chọn một buổi trong danh sách."),
    "consent_required": _l("Cần đồng ý để bưu điện dùng thông tin này khi nhận và chuyển hồ sơ."),
}

ROLE_LABELS = {
    Role.COURIER: _l("Bưu tá"),
    Role.DISPATCHER: _l("Điều phối"),
    Role.ADMIN: _l("Quản trị"),
    Role.AGENCY_DESK: _l("Bộ phận một cửa"),
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

# Why a courier could not take a dossier in at the door (domain.attempts.PICKUP_REFUSALS), in the
# order the phone offers them.
PICKUP_REFUSAL_LABELS = {
    FailureReason.MISSING_DOCUMENT: _l("Thiếu giấy tờ bắt buộc"),
    FailureReason.ABSENT: _l("Người dân vắng nhà"),
    FailureReason.WRONG_ADDRESS: _l("Sai địa chỉ"),
    FailureReason.CITIZEN_DECLINED: _l("Người dân không muốn nộp hồ sơ qua bưu điện"),
    FailureReason.OTHER: _l("Lý do khác"),
}
# The hand-over's field errors only a pickup at the door has (services.door_pickup, domain.attempts).
SYNC_FIELD_ERRORS.update({
    "invalid_pages": _l("Số trang phải là số nguyên từ 1 đến 500."),
    "missing_required": _l("Thiếu giấy tờ bắt buộc của thủ tục: không thể ghi là đã nhận hồ sơ."),
    "unknown_document": _l("Giấy tờ này không có trong danh sách của thủ tục."),
    "wrong_direction": _l("Kết quả này không dùng cho bưu gửi này (phát kết quả hay nhận hồ sơ)."),
})

# Shown to the citizen beside the signature pad when a courier takes a dossier in at the door
# (the phone's door checklist); its version is recorded with the attempt, as a hand-over's is.
PICKUP_CONSENT_VERSION = "2026-12-p"
PICKUP_CONSENT_TEXT = _l("Khi ký, tôi xác nhận đã giao bộ hồ sơ trên cho bưu điện để chuyển đến cơ quan, và đồng ý để "
                         "bưu điện lưu chữ ký, ảnh này làm bằng chứng; ảnh giấy tờ chỉ được giữ đến khi cơ quan "
                         "nhận hồ sơ.")
