"""The citizen follows a pickup through the link they were given, and may withdraw it in time."""
import pytest

from courier.domain.states import Action, State
from courier.ledger import custody
from courier.models import Event
from tests import factories
from tests.conftest import csrf_token_from
from tests.integration.dispatch_support import flashes
from tests.integration.test_citizen_link import prove

PHONE_TAIL = "5678"  # factories.pickup_request's phone is 0912345678


@pytest.fixture
def requested(db, office):
    requested = factories.pickup_request(office, note="Nhà trong hẻm, gọi trước")
    db.session.commit()
    return requested.shipment, requested.token


def page_of(client, token) -> str:
    return client.get(f"/t/{token}").get_data(as_text=True)


def cancel(client, token, sure=True):
    csrf = csrf_token_from(page_of(client, token))
    data = {"csrf_token": csrf} | ({"sure": "y"} if sure else {})
    return client.post(f"/t/{token}/cancel", data=data, follow_redirects=True).get_data(as_text=True)


def test_a_link_holder_sees_the_state_but_not_the_procedure_papers_or_address(client, requested):
    shipment, token = requested
    page = page_of(client, token)
    assert "Chờ bưu tá đến nhận hồ sơ" in page and shipment.dossier.code in page
    assert "Hồ sơ thủ tục hành chính" in page and "Người nộp" in page
    assert "Bưu tá kiểm tra từng giấy tờ" in page
    for private in ("lý lịch tư pháp", "Tờ khai yêu cầu", "45 Trần Cao Vân", "Hủy yêu cầu"):
        assert private not in page


def test_the_citizen_sees_the_appointment_papers_and_fee_after_the_check(client, requested):
    shipment, token = requested
    page = prove(client, token, PHONE_TAIL).get_data(as_text=True)
    assert "Cấp Phiếu lý lịch tư pháp cho công dân" in page
    assert "Lịch hẹn nhận hồ sơ" in page and "Buổi sáng (8:00–11:30)" in page
    assert "45 Trần Cao Vân" in page and "200.000" in page
    assert "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp" in page and "nếu có" in page  # the optional copy
    assert "Bưu điện đã nhận yêu cầu. Bưu tá sẽ đến nhận hồ sơ vào buổi sáng" in page
    assert "Hành trình của hồ sơ" in page


def test_withdrawing_needs_the_tick_and_then_cancels_the_request_once(client, db, requested):
    shipment, token = requested
    prove(client, token, PHONE_TAIL)
    assert "Hãy đánh dấu để xác nhận hủy." in flashes(cancel(client, token, sure=False))
    db.session.refresh(shipment)
    assert shipment.state is State.REQUESTED
    page = cancel(client, token)
    assert "Đã hủy yêu cầu nhận hồ sơ." in flashes(page) and "Yêu cầu nhận hồ sơ đã được hủy." in page
    db.session.refresh(shipment)
    assert shipment.state is State.CANCELLED
    event = db.session.execute(db.select(Event).filter_by(shipment_id=shipment.id, action="cancel")).scalar_one()
    assert (event.actor_label, event.details) == ("citizen", {"reason": "citizen_withdrew"})
    assert "Hủy yêu cầu nhận hồ sơ" not in page


def test_a_withdrawal_before_the_check_changes_nothing(client, db, requested):
    shipment, token = requested
    csrf = csrf_token_from(page_of(client, token))
    client.post(f"/t/{token}/cancel", data={"csrf_token": csrf, "sure": "y"})
    db.session.refresh(shipment)
    assert shipment.state is State.REQUESTED


def test_once_the_courier_has_the_papers_there_is_no_withdrawing_and_no_note(client, db, users, requested):
    shipment, token = requested
    # Planned (the rounds' own tests walk that through the page), then picked up at the door.
    custody.apply(shipment, Action.ASSIGN, max_attempts=3)
    custody.apply(shipment, Action.PICK_UP, max_attempts=3, courier=users["courier"])
    db.session.commit()
    prove(client, token, PHONE_TAIL)
    page = page_of(client, token)
    assert "Bưu điện đã nhận hồ sơ của bạn" in page and "Hủy yêu cầu nhận hồ sơ" not in page
    assert "Nhắn cho bưu tá" not in page and "Giấy tờ cần chuẩn bị" not in page
    assert "Không thể hủy nữa" in " ".join(flashes(cancel_without_form(client, token)))
    csrf = csrf_token_from(client.get("/login").get_data(as_text=True))
    noted = client.post(f"/t/{token}/note", data={"csrf_token": csrf, "note": "Gọi tôi"}, follow_redirects=True)
    assert "Bưu tá không còn đến nhà bạn cho hồ sơ này" in " ".join(flashes(noted.get_data(as_text=True)))
    db.session.refresh(shipment)
    assert shipment.state is State.PICKED_UP


def cancel_without_form(client, token) -> str:
    """Post a withdrawal as an old tab would, after the page stopped offering it."""
    csrf = csrf_token_from(client.get("/login").get_data(as_text=True))
    return client.post(f"/t/{token}/cancel", data={"csrf_token": csrf, "sure": "y"},
                       follow_redirects=True).get_data(as_text=True)


def test_one_link_follows_the_dossier_to_the_agency_and_the_result_back(app, client, db, office, users):
    from courier.domain.acknowledgement import Acknowledgement
    from courier.domain.dossiers import check_dossier
    from courier.domain.formatting import local_today
    from courier.media import media_store
    from courier.services import agency_desk, dossier_push
    from tests.integration.pickup_support import in_transit

    requested = factories.pickup_request(office)
    shipment, token = in_transit(db, office, users["courier"], users["dispatcher"], requested), requested.token
    agency_desk.acknowledge(shipment, Acknowledgement("000.00.17.H47-261203-0042", local_today()), max_attempts=3,
                            store=media_store())
    db.session.commit()
    prove(client, token, PHONE_TAIL)
    assert "Cơ quan đã nhận hồ sơ, hẹn trả ngày" in page_of(client, token)
    clean = check_dossier({"code": "000.00.17.H47-261203-0042", "procedure_name": "Cấp Phiếu lý lịch tư pháp",
                           "applicant_name": "Lê Thị Hoa", "applicant_phone": "0912345678",
                           "street": "45 Trần Cao Vân", "ward": "20341", "province": "48"})
    result = dossier_push.push(shipment.dossier.agency, clean).shipment
    db.session.commit()
    page = page_of(client, token)
    assert "Cơ quan đang chuẩn bị bàn giao kết quả cho bưu điện." in page
    for step in ("Chờ bưu tá đến nhận hồ sơ", "Bưu điện đã nhận hồ sơ", "Đang chuyển hồ sơ đến cơ quan",
                 "Cơ quan đã nhận hồ sơ", "Chờ nhận từ cơ quan"):
        assert step in page.split("timeline")[-1]
    assert result.dossier.code == "000.00.17.H47-261203-0042"


def test_after_a_refused_visit_the_citizen_reads_which_papers_were_missing(app, db, office, users, courier_client):
    from tests.attempts import post
    from tests.door import refused
    from tests.integration.dispatch_support import on_round

    requested = factories.pickup_request(office)
    on_round(office, users["courier"], users["dispatcher"], [requested.shipment])
    db.session.commit()
    assert post(courier_client, refused(requested.shipment), signature=None, photo=None).status_code == 201
    page = prove(app.test_client(), requested.token, PHONE_TAIL).get_data(as_text=True)
    assert "Lần đến vừa rồi bưu tá chưa nhận được hồ sơ." in page
    assert "Lý do: Thiếu giấy tờ bắt buộc: Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp." in page


def test_papers_sent_back_to_be_completed_are_followed_with_the_agency_s_reason(app, db, office, users):
    from courier.services import agency_desk
    from tests.integration.pickup_support import in_transit

    requested = factories.pickup_request(office)
    shipment = in_transit(db, office, users["courier"], users["dispatcher"], requested)
    agency_desk.send_back(shipment, "Thiếu tờ khai có chữ ký", max_attempts=3)
    db.session.commit()
    client = app.test_client()
    page = prove(client, requested.token, PHONE_TAIL).get_data(as_text=True)
    assert "bưu điện đang mang hồ sơ trả lại để bạn bổ sung. Lý do: Thiếu tờ khai có chữ ký" in page
    assert "Cơ quan yêu cầu bổ sung hồ sơ" in page.split("timeline")[-1]
