"""One shipment's page: record, custody trail, visits with their proofs, and the actions allowed."""
import re

import pytest

from courier.ledger import custody
from courier.domain.formatting import format_datetime, local_today
from courier.domain.states import Action, State
from courier.domain.storage import MediaStore
from courier.models import Attempt, Event, Proof, Round
from tests import factories
from tests.conftest import AuthActions, csrf_token_from
from tests.integration.dispatch_support import elsewhere, flashes, on_round, post, received
from tests.integration.test_sync_api import delivered, post as send_attempt


@pytest.fixture
def phone(app, users):
    """The courier's phone: logged in, with the CSRF token the outbox sends."""
    client = app.test_client()
    AuthActions(client).login(users["courier"].username)
    client.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token_from(client.get("/courier/").get_data(as_text=True))
    return client


@pytest.fixture
def out(db, office, users, auth):
    """A shipment on the courier's round today, taken out for delivery."""
    shipment = received(office, users["dispatcher"], applicant_name="Trần Thị Bích Ngọc",
                        latitude=15.5750, longitude=108.4760, expected_id_tail="1234")
    on_round(office, users["courier"], users["dispatcher"], [shipment])
    custody.apply(shipment, Action.DISPATCH, max_attempts=3, courier=users["courier"])
    db.session.commit()
    auth.login(users["dispatcher"].username)
    return shipment


def page(client, shipment) -> str:
    return client.get(f"/dispatch/shipments/{shipment.public_id}").get_data(as_text=True)


def act(client, shipment, what, **data):
    return post(client, f"/dispatch/shipments/{shipment.public_id}/{what}", data, follow_redirects=True)


def test_the_page_shows_the_record_the_trail_and_the_proofs(db, app, client, users, out, phone):
    assert send_attempt(phone, delivered(out)).status_code == 201
    html = page(client, out)
    for text in ("Trần Thị Bích Ngọc", "Cơ quan báo gửi", "Bưu cục đã nhận", "Xếp vào tuyến phát",
                 "Bưu tá mang đi phát", "Đã phát cho người nhận", users["dispatcher"].full_name,
                 "Phát thành công", "Khớp với số trong hồ sơ", "225.000 ₫", "Tiền mặt",
                 "https://www.openstreetmap.org/?mlat=15.5731&amp;mlon=108.4745", "± 12 m"):
        assert text in html, text
    for event in db.session.execute(db.select(Event).filter_by(shipment_id=out.id)).scalars():
        assert format_datetime(event.created_at) in html  # shown in Vietnam time
    assert "Thao tác" not in html  # nothing may be done to a delivered shipment
    proofs = db.session.execute(db.select(Proof)).scalars().all()
    assert len(proofs) == 2
    for proof in proofs:
        assert f'src="/dispatch/proofs/{proof.id}"' in html
        with client.get(f"/dispatch/proofs/{proof.id}") as served:
            assert served.status_code == 200 and served.mimetype == proof.content_type
            assert served.data == MediaStore(app.config["MEDIA_DIR"]).get(proof.sha256)
            assert "no-store" in served.headers["Cache-Control"]


def test_a_hand_over_recorded_after_a_cancel_is_kept_and_flagged_for_the_dispatcher(db, client, out, phone):
    round_ = db.session.execute(db.select(Round)).scalar_one()
    version = round_.version
    assert "Đã hủy bưu gửi." in flashes(act(client, out, "cancel", reason="Cơ quan thu hồi").get_data(as_text=True))
    db.session.expire_all()
    assert out.state is State.CANCELLED and [s.shipment_id for s in round_.stops] == [out.id]
    assert round_.version == version + 1  # the phone hears of it, and can still sync the visit
    response = send_attempt(phone, delivered(out))
    assert response.status_code == 201 and response.json["flagged"] == "shipment_cancelled"
    html = page(client, out)
    assert 'class="card attempt flagged"' in html and "Bưu gửi đã bị hủy trước khi lần phát này" in html
    assert "Cơ quan thu hồi" in html


def test_proofs_are_served_only_to_their_office(db, client, users, out, phone):
    send_attempt(phone, delivered(out))
    other = elsewhere(db)
    stranger = client.application.test_client()
    AuthActions(stranger).login(other["dispatcher"].username)
    proof = db.session.execute(db.select(Proof)).scalars().first()
    with stranger.get(f"/dispatch/proofs/{proof.id}") as refused:
        assert refused.status_code == 404
    assert stranger.get(f"/dispatch/shipments/{out.public_id}").status_code == 404
    assert client.get("/dispatch/proofs/999999").status_code == 404


def test_only_the_actions_the_state_allows_are_offered(db, office, users, client, out):
    waiting = received(office, users["dispatcher"])
    db.session.commit()
    html = page(client, waiting)
    actions = set(re.findall(rf'action="/dispatch/shipments/{waiting.public_id}/(\w+)"', html))
    assert actions == {"reassign", "return", "cancel"}
    actions = set(re.findall(rf'action="/dispatch/shipments/{out.public_id}/(\w+)"', page(client, out)))
    assert actions == {"cancel"}


def test_an_action_the_state_does_not_allow_is_refused_if_posted_anyway(db, office, users, client, out):
    for what in ("returned", "reschedule", "return"):
        refused = flashes(act(client, out, what).get_data(as_text=True))
        assert refused == ["Không thể làm thao tác này khi bưu gửi đang ở trạng thái “Đang phát”."]
    db.session.expire_all()
    assert out.state is State.OUT_FOR_DELIVERY


def test_rescheduling_puts_an_assigned_shipment_back_in_the_office(db, office, users, client, out):
    planned = received(office, users["dispatcher"])
    round_ = on_round(office, factories.user(office, "courier"), users["dispatcher"], [planned])
    db.session.commit()
    version = round_.version
    assert "Đã đưa bưu gửi về bưu cục" in flashes(act(client, planned, "reschedule", note="Khách hẹn thứ Hai")
                                                  .get_data(as_text=True))[0]
    db.session.expire_all()
    assert planned.state is State.RECEIVED and round_.stops == [] and round_.version > version
    last = db.session.execute(db.select(Event).filter_by(shipment_id=planned.id).order_by(Event.id.desc())
                              ).scalars().first()
    assert last.action == "unassign" and last.details == {"reason": "rescheduled", "note": "Khách hẹn thứ Hai"}


def test_rescheduling_a_failed_visit_reattempts_then_unassigns(db, office, users, client, out):
    failed = received(office, users["dispatcher"])
    for action in (Action.ASSIGN, Action.DISPATCH, Action.FAIL):
        custody.apply(failed, action, max_attempts=3, courier=users["courier"])
    db.session.commit()
    act(client, failed, "reschedule")
    db.session.expire_all()
    assert failed.state is State.RECEIVED and failed.holder_courier_id is None
    actions = [e.action for e in db.session.execute(db.select(Event).filter_by(shipment_id=failed.id)
                                                    .order_by(Event.id)).scalars()]
    assert actions[-2:] == ["reattempt", "unassign"]


def test_reassigning_puts_the_shipment_on_the_chosen_couriers_round(db, office, users, client, out):
    other_courier = factories.user(office, "courier")
    waiting = received(office, users["dispatcher"])
    db.session.commit()
    done = act(client, waiting, "reassign", courier=other_courier.id, day=local_today().isoformat())
    assert f"Đã xếp bưu gửi vào tuyến của {other_courier.full_name}." in flashes(done.get_data(as_text=True))
    db.session.expire_all()
    assert waiting.state is State.ASSIGNED
    round_ = db.session.execute(db.select(Round).filter_by(courier_id=other_courier.id)).scalar_one()
    assert [s.shipment_id for s in round_.stops] == [waiting.id]
    act(client, waiting, "reassign", courier=users["courier"].id, day=local_today().isoformat())
    db.session.expire_all()
    assert round_.stops == [] and waiting.state is State.ASSIGNED
    assert db.session.execute(db.select(Event).filter_by(action="round_changed")).scalar_one()


def test_cancelling_needs_a_reason(db, office, users, client, out):
    waiting = received(office, users["dispatcher"])
    db.session.commit()
    assert "Hãy ghi lý do." in flashes(act(client, waiting, "cancel", reason="  ").get_data(as_text=True))
    db.session.expire_all()
    assert waiting.state is State.RECEIVED


def test_sending_back_to_the_agency_records_the_return_note(db, office, users, client, out):
    waiting = received(office, users["dispatcher"])
    db.session.commit()
    act(client, waiting, "return", note="Cơ quan yêu cầu bổ sung")
    act(client, waiting, "returned", note="Bà Lan ở bộ phận một cửa đã nhận, biên bản 12/BC")
    db.session.expire_all()
    assert waiting.state is State.RETURNED
    events = {e.action: e for e in db.session.execute(db.select(Event).filter_by(shipment_id=waiting.id)).scalars()}
    assert events["start_return"].details == {"note": "Cơ quan yêu cầu bổ sung"}
    assert events["complete_return"].details == {"return_note": "Bà Lan ở bộ phận một cửa đã nhận, biên bản 12/BC"}
    assert "Bà Lan ở bộ phận một cửa đã nhận" in page(client, waiting)


def test_another_offices_shipment_cannot_be_seen_or_changed(db, client, users, out):
    theirs = elsewhere(db)["shipment"]
    assert client.get(f"/dispatch/shipments/{theirs.public_id}").status_code == 404
    for what, data in (("reschedule", {}), ("reassign", {"courier": users["courier"].id,
                                                         "day": local_today().isoformat()}),
                       ("cancel", {"reason": "x"}), ("return", {}), ("returned", {})):
        response = post(client, f"/dispatch/shipments/{theirs.public_id}/{what}", data)
        assert response.status_code == 404, what
    db.session.expire_all()
    assert theirs.state is State.RECEIVED
    assert db.session.execute(db.select(Attempt)).first() is None
