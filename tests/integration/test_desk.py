"""The agency's desk acknowledges the dossiers the post office brings, or sends one back; one agency's only."""
from datetime import timedelta

import pytest

from courier.domain.formatting import local_today
from courier.domain.states import State
from courier.models import Event
from tests import factories
from tests.conftest import csrf_token_from
from tests.integration.dispatch_support import flashes
from tests.integration.pickup_support import in_transit

CODE = "000.00.17.H47-261203-0042"


@pytest.fixture
def coming(db, office, users):
    shipment = in_transit(db, office, users["courier"], users["dispatcher"])
    db.session.commit()
    return shipment


@pytest.fixture
def desk(client, auth, users):
    auth.login(users["agency_desk"].username)
    return client


def post(client, url, **data):
    page = client.get(url.rsplit("/", 1)[0] if url.endswith(("acknowledge", "return")) else url)
    return client.post(url, data={"csrf_token": csrf_token_from(page.get_data(as_text=True))} | data)


def test_the_desk_lands_on_its_incoming_dossiers(desk, coming):
    page = desk.get("/", follow_redirects=True).get_data(as_text=True)
    assert "Hồ sơ bưu điện chuyển đến" in page and coming.dossier.code in page
    assert "Cấp Phiếu lý lịch tư pháp cho công dân" in page and "4 tờ" in page


def test_scanning_the_envelope_opens_the_dossier_with_its_checklist(desk, coming):
    found = post(desk, "/desk/find", code=str(coming.public_id))
    assert found.status_code == 302 and found.headers["Location"].endswith(f"/desk/{coming.public_id}")
    page = desk.get(found.headers["Location"]).get_data(as_text=True)
    assert "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp" in page and coming.pickup.batch.number in page
    missed = post(desk, "/desk/find", code="TN000000-XXXXXX")
    assert "Không có hồ sơ nào của cơ quan mang mã này." in flashes(desk.get(missed.headers["Location"]).get_data(as_text=True))


def test_acknowledging_records_the_code_and_the_promise_the_citizen_then_reads(db, desk, coming):
    day = (local_today() + timedelta(days=10)).strftime("%d/%m/%Y")
    done = post(desk, f"/desk/{coming.public_id}/acknowledge", official_code=CODE, promised_date=day)
    assert done.status_code == 302
    db.session.refresh(coming)
    assert coming.state is State.AT_AGENCY and coming.pickup.official_code == CODE
    event = db.session.execute(db.select(Event).filter_by(shipment_id=coming.id, action="acknowledge")).scalar_one()
    assert event.actor.role == "agency_desk" and event.details["official_code"] == CODE


def test_a_bad_acknowledgement_shows_each_error_and_keeps_what_was_typed(db, desk, coming):
    page = post(desk, f"/desk/{coming.public_id}/acknowledge", official_code="000.00.99.H47-261203-0042",
                promised_date="32/13/2026")
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "Mã hồ sơ không bắt đầu bằng mã của cơ quan." in html and "Ngày không đúng (dd/mm/yyyy)." in html
    assert 'value="000.00.99.H47-261203-0042"' in html and 'value="32/13/2026"' in html
    db.session.refresh(coming)
    assert coming.state is State.IN_TRANSIT


def test_a_code_another_dossier_has_is_refused_under_its_field(db, office, users, desk, coming):
    other = in_transit(db, office, users["courier"], users["dispatcher"])
    db.session.commit()
    day = (local_today() + timedelta(days=10)).strftime("%d/%m/%Y")
    assert post(desk, f"/desk/{coming.public_id}/acknowledge", official_code=CODE, promised_date=day).status_code == 302
    page = post(desk, f"/desk/{other.public_id}/acknowledge", official_code=CODE, promised_date=day)
    assert page.status_code == 409 and "đã được dùng cho một hồ sơ khác" in page.get_data(as_text=True)


def test_sending_back_needs_a_reason_and_then_the_citizen_reads_it(db, client, desk, coming):
    empty = post(desk, f"/desk/{coming.public_id}/return", reason="  ")
    assert empty.status_code == 422 and "Bắt buộc phải có." in empty.get_data(as_text=True)
    assert post(desk, f"/desk/{coming.public_id}/return", reason="Thiếu tờ khai có chữ ký").status_code == 302
    db.session.refresh(coming)
    assert coming.state is State.RETURNED_FOR_SUPPLEMENT


def test_another_agency_s_desk_sees_nothing_of_these_dossiers(db, office, client, auth, coming):
    stranger = factories.user(office, "agency_desk")
    stranger.agency = factories.agency("000.00.22.H47")
    db.session.commit()
    auth.login(stranger.username)
    assert coming.dossier.code not in client.get("/desk/").get_data(as_text=True)
    assert client.get(f"/desk/{coming.public_id}").status_code == 404
    day = (local_today() + timedelta(days=10)).strftime("%d/%m/%Y")
    csrf = csrf_token_from(client.get("/desk/").get_data(as_text=True))
    answer = client.post(f"/desk/{coming.public_id}/acknowledge",
                         data={"csrf_token": csrf, "official_code": "000.00.22.H47-261203-0001", "promised_date": day})
    assert answer.status_code == 404
    db.session.refresh(coming)
    assert coming.state is State.IN_TRANSIT


def test_a_desk_account_tied_to_no_agency_sees_nothing(db, office, client, auth):
    loose = factories.user(office, "agency_desk")
    db.session.commit()
    auth.login(loose.username)
    assert client.get("/desk/").status_code == 403
