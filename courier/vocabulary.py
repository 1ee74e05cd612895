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
    State.RETURNED: _l("Đã chuyển hoàn cơ quan"),
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
