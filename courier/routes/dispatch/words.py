"""Words for the codes a dispatcher reads on a shipment's page: events, visits, proofs."""
from flask_babel import lazy_gettext as _l

from ...vocabulary import CHANNEL_LABELS, CONCERN_LABELS, FAILURE_REASON_LABELS, PICKUP_REFUSAL_LABELS

EVENT_LABELS = {
    "register": _l("Cơ quan báo gửi"),
    "receive": _l("Bưu cục đã nhận"),
    "assign": _l("Xếp vào tuyến phát"),
    "unassign": _l("Bỏ khỏi tuyến, về lại bưu cục"),
    "dispatch": _l("Bưu tá mang đi phát"),
    "deliver": _l("Đã phát cho người nhận"),
    "fail": _l("Phát không thành công"),
    "reattempt": _l("Sẽ phát lại"),
    "start_return": _l("Bắt đầu chuyển hoàn về cơ quan"),
    "complete_return": _l("Đã trả lại cho cơ quan"),
    "cancel": _l("Hủy"),
    "citizen_link_issued": _l("In nhãn, cấp đường dẫn mới cho người dân"),
    "citizen_link_revoked": _l("Thu hồi một đường dẫn của người dân"),
    "round_changed": _l("Chuyển tuyến phát"),
    "attempt_flagged": _l("Lần phát cần xem lại"),
    "citizen_confirmed": _l("Người dân xác nhận đã nhận"),
    "citizen_disputed": _l("Người dân báo chưa nhận được"),
    "citizen_note": _l("Người dân để lại lời nhắn"),
    "concern_resolved": _l("Điều phối viên đánh dấu đã xử lý"),
    # A dossier taken in: its first event says how it came (action:state, looked up first).
    "register:requested": _l("Người dân hẹn nhận hồ sơ tại nhà"),
    "register:picked_up": _l("Nhận hồ sơ tại quầy"),
    "pick_up": _l("Bưu tá đã nhận hồ sơ tại nhà"),
    "refuse_pickup": _l("Chưa nhận được hồ sơ"),
    "hand_in": _l("Hồ sơ nộp về bưu cục"),
    "send_to_agency": _l("Chuyển đến cơ quan theo biên bản"),
    "acknowledge": _l("Cơ quan đã tiếp nhận hồ sơ"),
    "return_for_supplement": _l("Cơ quan trả lại để bổ sung"),
}

OUTCOME_LABELS = {"delivered": _l("Phát thành công"), "failed": _l("Phát không thành công"),
                  "picked_up": _l("Đã nhận hồ sơ"), "pickup_refused": _l("Chưa nhận được hồ sơ")}

RELATIONSHIP_LABELS = {"applicant": _l("Chính người nộp hồ sơ"), "authorised": _l("Người được ủy quyền")}

ID_CHECK_LABELS = {
    "matched": _l("Khớp với số trong hồ sơ"),
    "not_given": _l("Cơ quan không gửi số để đối chiếu"),
    "overridden": _l("Không khớp, vẫn giao (có lý do)"),
}

PROOF_LABELS = {"signature": _l("Chữ ký"), "photo": _l("Ảnh chụp"),
                "authorisation_letter": _l("Giấy ủy quyền")}

PAYMENT_LABELS = {"cash": _l("Tiền mặt"), "transfer": _l("Chuyển khoản")}

FLAG_LABELS = {
    "reassigned": _l("Bưu gửi đã được giao cho bưu tá khác khi bưu tá này chưa đồng bộ."),
    "shipment_cancelled": _l("Bưu gửi đã bị hủy trước khi lần phát này được gửi về."),
    "shipment_delivered": _l("Bưu gửi đã được phát trước đó."),
    "shipment_returning": _l("Bưu gửi đang được chuyển hoàn khi lần phát này được gửi về."),
    "shipment_returned": _l("Bưu gửi đã được trả lại cơ quan trước đó."),
    "not_taken_out": _l("Bưu tá phát khi chưa quét nhận bưu gửi tại bưu cục."),
    "shipment_picked_up": _l("Hồ sơ đã được nhận trước đó."),
    "shipment_handed_in": _l("Hồ sơ đã được nộp về bưu cục trước đó."),
    "shipment_in_transit": _l("Hồ sơ đã được chuyển đến cơ quan trước đó."),
    "shipment_at_agency": _l("Cơ quan đã tiếp nhận hồ sơ trước đó."),
    "shipment_pickup_refused": _l("Đã hết số lần đến nhận hồ sơ."),
    "shipment_returned_for_supplement": _l("Cơ quan đã trả hồ sơ để bổ sung trước đó."),
}

DETAIL_LABELS = {
    "concern": _l("Việc"), "reason": _l("Lý do"), "note": _l("Ghi chú"), "return_note": _l("Ghi chú khi trả"),
    "comment": _l("Lời nhắn"), "rating": _l("Đánh giá"), "courier": _l("Bưu tá"),
    "from_courier": _l("Từ bưu tá"),
    "taken_by": _l("Bưu tá nhận"), "handed_by": _l("Người giao"), "round_date": _l("Ngày phát"), "layout": _l("Khổ in"),
    "link": _l("Đường dẫn"),
    "channel": _l("Hình thức"), "batch": _l("Biên bản"), "official_code": _l("Mã hồ sơ của cơ quan"),
    "promised_date": _l("Hẹn trả"), "supplement_of": _l("Bổ sung cho"),
}

# A visit's reason, a failed delivery's or a refused pickup's (the same code reads as the delivery's).
FAILURE_LABELS = {**PICKUP_REFUSAL_LABELS, **FAILURE_REASON_LABELS}


def document_names(pickup, ids) -> list[str]:
    """The names of the procedure's documents with these ids, in the procedure's order."""
    wanted = set(ids or ())
    return [document.name for document in pickup.procedure.documents if document.id in wanted]


# Where a citizen's link was printed (models.LinkSource).
LINK_SOURCE_LABELS = {"agency": _l("Phiếu hẹn của cơ quan"), "label": _l("Nhãn QR của bưu cục"),
                      "reprint": _l("Nhãn QR in lại"), "request": _l("Trang xác nhận yêu cầu nhận hồ sơ"),
                      "receipt": _l("Biên nhận tại nhà")}

LAYOUT_LABELS = {"a4": _l("Tờ A4"), "thermal": _l("Nhãn nhiệt 80 mm")}

RESCHEDULED = _l("Hoãn sang ngày khác")
CITIZEN_WITHDREW = _l("Người dân hủy yêu cầu")

ACTOR_LABELS = {"citizen": _l("Người dân"), "system": _l("Hệ thống")}


def words() -> dict:
    """Everything above, for templates."""
    return {"EVENT_LABELS": EVENT_LABELS, "OUTCOME_LABELS": OUTCOME_LABELS,
            "RELATIONSHIP_LABELS": RELATIONSHIP_LABELS, "ID_CHECK_LABELS": ID_CHECK_LABELS,
            "PROOF_LABELS": PROOF_LABELS, "PAYMENT_LABELS": PAYMENT_LABELS, "FLAG_LABELS": FLAG_LABELS,
            "DETAIL_LABELS": DETAIL_LABELS, "LAYOUT_LABELS": LAYOUT_LABELS, "RESCHEDULED": RESCHEDULED,
            "LINK_SOURCE_LABELS": LINK_SOURCE_LABELS,
            "FAILURE_LABELS": FAILURE_LABELS, "actor_name": actor_name, "document_names": document_names}


def actor_name(event) -> str:
    """Who acted: a staff member's name, or the agency, the citizen or the system."""
    if event.actor is not None:
        return event.actor.full_name
    label = event.actor_label or ""
    if label.startswith("agency:"):
        return str(_l("Cơ quan %(code)s", code=label.split(":", 1)[1]))
    return str(ACTOR_LABELS.get(label, label))


def event_details(event, names: dict[str, str]) -> list[tuple[str, str]]:
    """The details of a custody event worth reading, as (label, text), names and codes in words.

    `names` maps usernames to full names.
    """
    from datetime import date

    from ...domain.formatting import format_date

    details, shown = event.details or {}, []
    for key, label in DETAIL_LABELS.items():
        value = details.get(key)
        if value in (None, ""):
            continue
        if key == "reason" and event.action in ("fail", "refuse_pickup"):
            value = FAILURE_LABELS.get(value, value)
        elif key == "reason" and event.action == "attempt_flagged":
            value = FLAG_LABELS.get(value, value)
        elif key == "reason" and value == "rescheduled":
            value = RESCHEDULED
        elif key == "handed_by" and value.startswith("office:"):
            value = str(_l("Bưu cục %(code)s", code=value.split(":", 1)[1]))
        elif key in ("courier", "from_courier", "taken_by", "handed_by"):
            value = names.get(value, value)
        elif key == "concern":
            value = CONCERN_LABELS.get(value, value)
        elif key == "round_date":
            value = format_date(date.fromisoformat(value))
        elif key == "layout":
            value = LAYOUT_LABELS.get(value, value)
        elif key == "link":
            value = LINK_SOURCE_LABELS.get(value, value)
        elif key == "channel":
            value = CHANNEL_LABELS.get(value, value)
        elif key == "reason" and value == "citizen_withdrew":
            value = CITIZEN_WITHDREW
        shown.append((str(label), str(value)))
    return shown
