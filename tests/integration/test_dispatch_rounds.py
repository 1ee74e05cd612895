"""Planning rounds: add ready shipments, propose an order, reorder, move between couriers, remove."""
import uuid
from datetime import timedelta

import pytest

from courier.domain import routing
from courier.ledger import custody
from courier.domain.formatting import local_today
from courier.domain.states import Action, State
from courier.models import Attempt, Event, Outcome, Round
from courier.models.types import utcnow
from tests import factories
from tests.conftest import AuthActions
from tests.integration.dispatch_support import elsewhere, flashes, on_round, post, received

# Around the Tam Kỳ post office: far, near, and between.
FAR, NEAR, MIDDLE = (15.6000, 108.5000), (15.5745, 108.4760), (15.5860, 108.4880)


@pytest.fixture
def plan(db, office, users, auth):
    office.latitude, office.longitude = 15.5731, 108.4745
    second = factories.user(office, "courier")
    made = [received(office, users["dispatcher"], applicant_name=name, latitude=lat, longitude=lon)
            for name, (lat, lon) in (("Xa Nhất", FAR), ("Gần Nhất", NEAR), ("Ở Giữa", MIDDLE))]
    db.session.commit()
    auth.login(users["dispatcher"].username)
    return {"shipments": made, "courier": users["courier"], "second": second}


def add(client, courier, shipments, day=None, **kwargs):
    return post(client, "/dispatch/rounds/add", {
        "courier": courier.id, "day": (day or local_today()).isoformat(),
        "shipment": [str(s.public_id) for s in shipments]}, **kwargs)


def round_of(db, courier, day=None) -> Round:
    db.session.expire_all()
    return db.session.execute(db.select(Round).filter_by(courier_id=courier.id, round_date=day or local_today())
                              ).scalar_one()


def names(round_):
    return [stop.shipment.dossier.applicant_name for stop in round_.stops]


def stop_url(round_, shipment, what):
    return f"/dispatch/rounds/{round_.public_id}/stops/{shipment.public_id}/{what}"


def test_the_page_lists_the_ready_shipments_for_the_first_courier_today(client, plan):
    page = client.get("/dispatch/rounds").get_data(as_text=True)
    assert "Sẵn sàng để phát" in page and page.count('name="shipment"') == 3
    assert "Tuyến chưa có điểm phát nào." in page


def test_adding_shipments_makes_the_round_and_assigns_them(db, client, users, plan):
    response = add(client, plan["courier"], plan["shipments"], follow_redirects=True)
    assert "Đã thêm 3 bưu gửi vào tuyến của" in flashes(response.get_data(as_text=True))[0]
    round_ = round_of(db, plan["courier"])
    assert names(round_) == ["Xa Nhất", "Gần Nhất", "Ở Giữa"] and round_.version == 2
    assert {s.state for s in plan["shipments"]} == {State.ASSIGNED}
    assigns = db.session.execute(db.select(Event).filter_by(action="assign")).scalars().all()
    assert len(assigns) == 3 and assigns[0].details["courier"] == plan["courier"].username
    assert 'name="shipment"' not in response.get_data(as_text=True).split("Sẵn sàng để phát")[1]


def test_the_courier_sees_the_new_round_at_the_next_sync(db, app, client, plan):
    add(client, plan["courier"], plan["shipments"][:2])
    phone = app.test_client()
    AuthActions(phone).login(plan["courier"].username)
    payload = phone.get("/api/v1/courier/round").json
    assert [s["applicant_name"] for s in payload["stops"]] == ["Xa Nhất", "Gần Nhất"]
    assert payload["round"]["version"] == round_of(db, plan["courier"]).version


def test_a_failed_shipment_goes_back_on_a_round_as_a_reattempt(db, client, users, office, plan):
    failed = received(office, users["dispatcher"], applicant_name="Vắng Nhà")
    for action in (Action.ASSIGN, Action.DISPATCH, Action.FAIL):
        custody.apply(failed, action, max_attempts=3, actor=users["dispatcher"], courier=users["courier"])
    db.session.commit()
    add(client, plan["second"], [failed])
    db.session.expire_all()
    assert failed.state is State.ASSIGNED
    assert db.session.execute(db.select(Event).filter_by(shipment_id=failed.id).order_by(Event.id.desc())
                              ).scalars().first().action == "reattempt"


def test_a_batch_with_one_shipment_that_cannot_go_changes_nothing(db, client, office, users, plan):
    failed = received(office, users["dispatcher"])
    custody.apply(failed, Action.ASSIGN, max_attempts=3, actor=users["dispatcher"])
    for _ in range(3):
        custody.apply(failed, Action.DISPATCH, max_attempts=3, courier=users["courier"])
        custody.apply(failed, Action.FAIL, max_attempts=3)
        if failed.attempts_count < 3:
            custody.apply(failed, Action.REATTEMPT, max_attempts=3)
    db.session.commit()
    refused = add(client, plan["courier"], [plan["shipments"][0], failed], follow_redirects=True)
    assert "đã phát không thành công đủ số lần" in flashes(refused.get_data(as_text=True))[0]
    db.session.expire_all()
    assert plan["shipments"][0].state is State.RECEIVED
    assert db.session.execute(db.select(Round)).first() is None


def test_no_round_is_planned_for_a_day_gone_by(db, client, plan):
    add(client, plan["courier"], plan["shipments"], day=local_today() - timedelta(days=1))
    db.session.expire_all()
    assert {s.state for s in plan["shipments"]} == {State.RECEIVED}


def test_the_proposed_order_is_shorter_than_the_input_order(db, client, office, plan):
    add(client, plan["courier"], plan["shipments"])
    round_ = round_of(db, plan["courier"])
    start = (office.latitude, office.longitude)

    def length(r):
        return routing.tour_length([(s.shipment.dossier.latitude, s.shipment.dossier.longitude) for s in r.stops],
                                   start)
    before, version = length(round_), round_.version
    response = post(client, f"/dispatch/rounds/{round_.public_id}/propose", follow_redirects=True)
    assert "Đã sắp xếp lại thứ tự" in flashes(response.get_data(as_text=True))[0]
    round_ = round_of(db, plan["courier"])
    assert names(round_) == ["Gần Nhất", "Ở Giữa", "Xa Nhất"]
    assert length(round_) < before and round_.version == version + 1


def test_stops_move_up_and_down_and_each_change_bumps_the_version(db, client, plan):
    add(client, plan["courier"], plan["shipments"])
    round_ = round_of(db, plan["courier"])
    far, near, middle = plan["shipments"]
    post(client, stop_url(round_, middle, "shift"), {"step": "up"})
    assert names(round_of(db, plan["courier"])) == ["Xa Nhất", "Ở Giữa", "Gần Nhất"]
    post(client, stop_url(round_, far, "shift"), {"step": "down"})
    post(client, stop_url(round_, far, "shift"), {"step": "down"})
    post(client, stop_url(round_, far, "shift"), {"step": "down"})  # already last: nothing moves
    round_ = round_of(db, plan["courier"])
    assert names(round_) == ["Ở Giữa", "Gần Nhất", "Xa Nhất"] and round_.version == 5
    assert [stop.position for stop in round_.stops] == [0, 1, 2]


def test_a_stop_moves_to_another_couriers_round_of_the_same_day(db, client, plan):
    add(client, plan["courier"], plan["shipments"])
    round_ = round_of(db, plan["courier"])
    version = round_.version
    moved = plan["shipments"][1]
    response = post(client, stop_url(round_, moved, "move"), {"to_courier": plan["second"].id},
                    follow_redirects=True)
    assert f"Đã chuyển {moved.dossier.code} sang tuyến của" in flashes(response.get_data(as_text=True))[0]
    first, second = round_of(db, plan["courier"]), round_of(db, plan["second"])
    assert names(first) == ["Xa Nhất", "Ở Giữa"] and first.version == version + 1
    assert names(second) == ["Gần Nhất"] and moved.state is State.ASSIGNED
    note = db.session.execute(db.select(Event).filter_by(action="round_changed")).scalar_one()
    assert note.details["courier"] == plan["second"].username


def test_removing_a_stop_unassigns_the_shipment(db, client, plan):
    add(client, plan["courier"], plan["shipments"])
    round_ = round_of(db, plan["courier"])
    post(client, stop_url(round_, plan["shipments"][0], "remove"))
    round_ = round_of(db, plan["courier"])
    assert names(round_) == ["Gần Nhất", "Ở Giữa"] and plan["shipments"][0].state is State.RECEIVED
    assert db.session.execute(db.select(Event).filter_by(action="unassign")).scalar_one()


def test_a_stop_out_for_delivery_is_neither_removed_nor_moved(db, client, users, plan):
    add(client, plan["courier"], plan["shipments"][:1])
    out = plan["shipments"][0]
    db.session.refresh(out)
    custody.apply(out, Action.DISPATCH, max_attempts=3, courier=plan["courier"])
    db.session.commit()
    round_ = round_of(db, plan["courier"])
    post(client, stop_url(round_, out, "remove"))
    post(client, stop_url(round_, out, "move"), {"to_courier": plan["second"].id})
    assert names(round_of(db, plan["courier"])) == ["Xa Nhất"] and out.state is State.OUT_FOR_DELIVERY


def test_another_offices_rounds_couriers_and_shipments_are_out_of_reach(db, client, plan):
    other = elsewhere(db)
    theirs = on_round(other["office"], other["courier"], other["dispatcher"], [other["shipment"]])
    db.session.commit()
    assert client.get(f"/dispatch/rounds?courier={other['courier'].id}").status_code == 404
    assert "Người Bưu Cục Khác" not in client.get("/dispatch/rounds").get_data(as_text=True)
    for url, data in ((f"/dispatch/rounds/{theirs.public_id}/propose", {}),
                      (stop_url(theirs, other["shipment"], "shift"), {"step": "up"}),
                      (stop_url(theirs, other["shipment"], "remove"), {}),
                      (stop_url(theirs, other["shipment"], "move"), {"to_courier": plan["courier"].id})):
        assert post(client, url, data).status_code == 404
    assert add(client, other["courier"], plan["shipments"]).status_code == 404
    assert add(client, plan["courier"], [other["shipment"]]).status_code == 404
    add(client, plan["courier"], plan["shipments"])
    mine = round_of(db, plan["courier"])
    assert post(client, stop_url(mine, plan["shipments"][0], "move"),
                {"to_courier": other["courier"].id}).status_code == 404
    db.session.expire_all()
    assert theirs.version == 1 and other["shipment"].state is State.ASSIGNED


def test_a_reattempt_left_on_yesterdays_round_is_ready_again_today(db, client, office, users, plan):
    yesterday = local_today() - timedelta(days=1)
    left = received(office, users["dispatcher"], applicant_name="Hẹn Lại Hôm Nay")
    old = on_round(office, plan["courier"], users["dispatcher"], [left], day=yesterday)
    for action in (Action.DISPATCH, Action.FAIL, Action.REATTEMPT):  # as the phone's sync does
        custody.apply(left, action, max_attempts=3, courier=plan["courier"])
    db.session.commit()
    page = client.get("/dispatch/rounds").get_data(as_text=True).split("Sẵn sàng để phát")[1]
    assert "Hẹn Lại Hôm Nay" in page and page.count('name="shipment"') == 4
    add(client, plan["second"], [left])
    assert names(round_of(db, plan["second"])) == ["Hẹn Lại Hôm Nay"]
    assert names(round_of(db, plan["courier"], yesterday)) == ["Hẹn Lại Hôm Nay"]  # kept as history
    assert left.state is State.ASSIGNED and old.version == 1
    assert "Hẹn Lại Hôm Nay" not in client.get("/dispatch/rounds").get_data(as_text=True).split("Sẵn sàng")[1]


def delivered_before(office, users, street, fix, accuracy_m):
    """A result delivered at `street` earlier, the phone's GPS fix at `fix` within `accuracy_m`."""
    shipment = received(office, users["dispatcher"], street=street)
    custody.apply(shipment, Action.ASSIGN, max_attempts=3)
    custody.apply(shipment, Action.DISPATCH, max_attempts=3, courier=users["courier"])
    custody.apply(shipment, Action.DELIVER, max_attempts=3)
    return Attempt(client_id=uuid.uuid4(), shipment=shipment, courier=users["courier"], outcome=Outcome.DELIVERED,
                   captured_at=utcnow() - timedelta(days=20), latitude=fix[0], longitude=fix[1],
                   gps_accuracy_m=accuracy_m, content_digest="0" * 64)


def test_an_address_delivered_to_before_is_placed_where_the_good_fix_was_and_the_km_says_for_how_many(
        db, client, office, users, plan):
    far, near, _ = plan["shipments"]
    learned = received(office, users["dispatcher"], applicant_name="Học Được", street="12/3 Trần Phú")
    vague = received(office, users["dispatcher"], applicant_name="Sai Số Lớn", street="7 Lê Lợi")
    db.session.add_all([delivered_before(office, users, "12/3 đường trần phú", MIDDLE, 8),
                        delivered_before(office, users, "7 Lê Lợi", NEAR, 200)])
    db.session.commit()
    add(client, plan["courier"], [far, vague, learned, near])
    page = client.get("/dispatch/rounds").get_data(as_text=True)
    assert "cho 3/4 điểm có tọa độ" in page
    assert page.count("vị trí theo lần phát trước") == 1 and page.count("chưa có tọa độ") == 1
    response = post(client, f"/dispatch/rounds/{round_of(db, plan['courier']).public_id}/propose",
                    follow_redirects=True)
    assert "km cho 3/4 điểm có tọa độ (trước đó" in flashes(response.get_data(as_text=True))[0]
    assert names(round_of(db, plan["courier"])) == ["Gần Nhất", "Học Được", "Xa Nhất", "Sai Số Lớn"]


def test_unlocated_stops_are_proposed_by_street_and_house_number(db, client, office, users, plan):
    lines = ["40 Trần Phú", "12/3 Trần Phú", "9 Hùng Vương", "12 Trần Phú"]
    made = [received(office, users["dispatcher"], applicant_name=line, street=line) for line in lines]
    db.session.commit()
    add(client, plan["courier"], made)
    response = post(client, f"/dispatch/rounds/{round_of(db, plan['courier']).public_id}/propose",
                    follow_redirects=True)
    assert names(round_of(db, plan["courier"])) == ["9 Hùng Vương", "12 Trần Phú", "12/3 Trần Phú", "40 Trần Phú"]
    assert flashes(response.get_data(as_text=True)) == [
        "Đã sắp xếp lại thứ tự theo phường, đường và số nhà: chưa điểm nào có tọa độ."]
    assert "0/4 điểm có tọa độ" in response.get_data(as_text=True)
