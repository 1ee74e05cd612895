"""A pickup (a dossier to take in at the door) planned by the dispatcher into a round of deliveries."""
import re
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from courier.domain.formatting import format_date, local_today
from courier.domain.states import READY, Action, Direction, State
from courier.ledger import custody
from courier.models import Event, Round, TakeOut
from tests import factories
from tests.conftest import AuthActions, csrf_token_from
from tests.integration.dispatch_support import flashes, on_round, post, received

TOMORROW = local_today() + timedelta(days=1)
WARD_AN_HAI = 20275  # another commune of the province


@pytest.fixture
def day(db, office, users, auth):
    """Two results received at the office and one pickup asked for tomorrow morning."""
    first = received(office, users["dispatcher"], applicant_name="Trần Thị Bích Ngọc")
    pickup = factories.pickup_request(office, applicant_name="Lê Thị Hoa", note="Nhà trong hẻm").shipment
    second = received(office, users["dispatcher"], applicant_name="Huỳnh Văn Phúc")
    db.session.commit()
    auth.login(users["dispatcher"].username)
    return {"first": first, "pickup": pickup, "second": second, "courier": users["courier"]}


def add(client, courier, shipments, **kwargs):
    return post(client, "/dispatch/rounds/add", {
        "courier": courier.id, "day": local_today().isoformat(),
        "shipment": [str(s.public_id) for s in shipments]}, **kwargs)


def round_of(db, courier) -> Round:
    db.session.expire_all()
    return db.session.execute(db.select(Round).filter_by(courier_id=courier.id, round_date=local_today())
                              ).scalar_one()


def ready_list(client, **filters) -> str:
    """The rounds page's "ready" column (after its heading), for the given filters."""
    page = client.get("/dispatch/rounds", query_string=filters).get_data(as_text=True)
    return page.split("Sẵn sàng để phát", 1)[1]


def row_of(html: str, shipment) -> str:
    return re.search(rf'<tr[^>]*>\s*<td class="tick"><input[^>]*value="{shipment.public_id}".*?</tr>', html, re.S)[0]


def actions_of(db, shipment) -> list[str]:
    return [event.action for event in db.session.execute(
        db.select(Event).filter_by(shipment_id=shipment.id).order_by(Event.id)).scalars()]


def test_each_way_plans_from_its_own_states():
    assert READY[Direction.COLLECT_DOSSIER] == {State.REQUESTED, State.PICKUP_REFUSED, State.ASSIGNED}
    assert READY[Direction.DELIVER_RESULT] == {State.RECEIVED, State.FAILED_ATTEMPT, State.ASSIGNED}


def test_the_ready_list_shows_the_pickup_apart_from_the_results(client, day):
    html = ready_list(client)
    assert html.count('name="shipment"') == 3
    pickup = row_of(html, day["pickup"])
    assert "Nhận hồ sơ" in pickup and "Phát kết quả" not in pickup
    assert "Cấp Phiếu lý lịch tư pháp cho công dân" in pickup
    assert f"Hẹn nhận {format_date(TOMORROW)} · Buổi sáng (8:00–11:30)" in pickup
    assert "Phát kết quả" in row_of(html, day["first"]) and "Nhận hồ sơ" not in row_of(html, day["first"])


def test_the_filters_keep_a_pickup_by_its_commune_agency_and_day(client, office, day):
    agency = day["pickup"].dossier.agency_id
    for filters in ({"commune": factories.WARD_TAM_KY}, {"agency": agency}, {"due": TOMORROW.isoformat()}):
        assert str(day["pickup"].public_id) in ready_list(client, **filters), filters
    assert str(day["pickup"].public_id) not in ready_list(client, due=local_today().isoformat())
    assert "Không có bưu gửi nào sẵn sàng" in ready_list(client, commune=WARD_AN_HAI)


def test_a_pickup_and_two_deliveries_go_on_one_round_in_order(db, client, day):
    response = add(client, day["courier"], [day["first"], day["pickup"], day["second"]], follow_redirects=True)
    assert "Đã thêm 3 bưu gửi vào tuyến của" in flashes(response.get_data(as_text=True))[0]
    round_ = round_of(db, day["courier"])
    assert [stop.shipment.dossier.applicant_name for stop in round_.stops] == \
        ["Trần Thị Bích Ngọc", "Lê Thị Hoa", "Huỳnh Văn Phúc"]
    assert {stop.shipment.state for stop in round_.stops} == {State.ASSIGNED}
    assert actions_of(db, day["pickup"]) == ["register", "assign"]
    page = response.get_data(as_text=True)
    plan = page.split('<ol class="stops plan">', 1)[1].split("</ol>", 1)[0]
    stop = re.search(r'<li class="stop pickup">.*?</li>', plan, re.S)[0]
    assert "Lê Thị Hoa" in stop and "Nhận hồ sơ" in stop and "Buổi sáng (8:00–11:30)" in stop
    assert plan.count("Phát kết quả") == 2
    # What waits for the take-out: the two results; the pickup carries nothing out.
    assert "3 điểm phát (1 điểm nhận hồ sơ)" in page and "Chưa nhận: 2/2" in page


def test_unassigning_puts_the_pickup_back_to_requested(db, client, day):
    add(client, day["courier"], [day["first"], day["pickup"]])
    round_ = round_of(db, day["courier"])
    url = f"/dispatch/rounds/{round_.public_id}/stops/{day['pickup'].public_id}/remove"
    response = post(client, url, follow_redirects=True)
    code = day["pickup"].dossier.code
    assert flashes(response.get_data(as_text=True)) == [
        f"Đã bỏ {code} khỏi tuyến; yêu cầu nhận hồ sơ chờ xếp tuyến lại."]
    db.session.expire_all()
    assert day["pickup"].state is State.REQUESTED and actions_of(db, day["pickup"])[-1] == "unassign"
    assert [stop.shipment_id for stop in round_of(db, day["courier"]).stops] == [day["first"].id]
    assert str(day["pickup"].public_id) in ready_list(client)


def test_an_assigned_pickup_moves_to_another_courier(db, client, office, day):
    colleague = factories.user(office, "courier")
    db.session.commit()
    add(client, day["courier"], [day["pickup"]])
    round_ = round_of(db, day["courier"])
    response = post(client, f"/dispatch/rounds/{round_.public_id}/stops/{day['pickup'].public_id}/move",
                    {"to_courier": colleague.id}, follow_redirects=True)
    assert "sang tuyến của" in flashes(response.get_data(as_text=True))[0]
    assert [stop.shipment_id for stop in round_of(db, colleague).stops] == [day["pickup"].id]
    assert day["pickup"].state is State.ASSIGNED and round_of(db, day["courier"]).stops == []


def refuse_at_the_door(pickup, courier, times=1):
    """The courier could not take the dossier, `times` times (offered again in between)."""
    for time in range(times):
        if time:
            custody.apply(pickup, Action.REATTEMPT, max_attempts=3)
        custody.apply(pickup, Action.REFUSE_PICKUP, max_attempts=3, actor=courier)


def test_a_refused_pickup_is_offered_again_until_the_limit(db, client, office, users, day):
    yesterday = local_today() - timedelta(days=1)
    on_round(office, day["courier"], users["dispatcher"], [day["pickup"]], day=yesterday)
    refuse_at_the_door(day["pickup"], day["courier"])
    db.session.commit()
    assert "Chưa nhận được hồ sơ" in row_of(ready_list(client), day["pickup"])  # its state, on its row
    add(client, day["courier"], [day["pickup"]])
    db.session.expire_all()
    assert day["pickup"].state is State.ASSIGNED and actions_of(db, day["pickup"])[-1] == "reattempt"
    assert [stop.shipment_id for stop in round_of(db, day["courier"]).stops] == [day["pickup"].id]

    refuse_at_the_door(day["pickup"], day["courier"], times=2)  # the third refusal: the limit
    db.session.commit()
    assert day["pickup"].attempts_count == 3
    round_ = round_of(db, day["courier"])  # off today's round, so that only the limit holds it back
    post(client, f"/dispatch/rounds/{round_.public_id}/stops/{day['pickup'].public_id}/remove")
    assert str(day["pickup"].public_id) not in ready_list(client)
    refused = add(client, users["courier"], [day["pickup"], day["first"]], follow_redirects=True)
    assert flashes(refused.get_data(as_text=True)) == [
        f"Đã đến nhận hồ sơ {day['pickup'].dossier.code} không thành công đủ số lần: hãy liên hệ người dân "
        "hoặc hủy yêu cầu."]
    db.session.expire_all()
    assert day["pickup"].state is State.PICKUP_REFUSED and day["first"].state is State.RECEIVED


def test_a_pickup_refused_today_comes_off_the_round_to_be_offered_again(db, client, day):
    add(client, day["courier"], [day["pickup"]])
    db.session.expire_all()  # as the page left it
    refuse_at_the_door(day["pickup"], day["courier"])
    db.session.commit()
    assert str(day["pickup"].public_id) not in ready_list(client)  # held by today's round
    round_ = round_of(db, day["courier"])
    assert "Bỏ khỏi tuyến" in client.get("/dispatch/rounds").get_data(as_text=True)
    post(client, f"/dispatch/rounds/{round_.public_id}/stops/{day['pickup'].public_id}/remove")
    db.session.expire_all()
    assert day["pickup"].state is State.PICKUP_REFUSED and round_of(db, day["courier"]).stops == []
    assert str(day["pickup"].public_id) in ready_list(client)


def test_the_take_out_neither_expects_nor_accepts_the_pickup(db, app, client, day):
    add(client, day["courier"], [day["first"], day["pickup"], day["second"]])
    round_ = round_of(db, day["courier"])
    url = f"/dispatch/rounds/{round_.public_id}/takeout"
    assert "Chưa nhận: 2/2" in client.get(url).get_data(as_text=True)

    # At the desk: the pickup's code is refused in words; on the phone: not takeable.
    desk = post(client, url, {"code": day["pickup"].dossier.code}, follow_redirects=True)
    assert flashes(desk.get_data(as_text=True)) == [
        f"{day['pickup'].dossier.code} là yêu cầu nhận hồ sơ tại nhà: không có gì để giao cho bưu tá mang đi."]
    phone = app.test_client()
    AuthActions(phone).login(day["courier"].username)
    phone.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token_from(phone.get("/courier/").get_data(as_text=True))
    answer = phone.post("/api/v1/courier/takeouts", json={
        "client_id": str(uuid.uuid4()), "shipment_id": str(day["pickup"].public_id),
        "taken_at": datetime.now(timezone.utc).isoformat()})
    assert answer.status_code == 422 and answer.json["error"] == "not_takeable"
    db.session.expire_all()
    assert day["pickup"].state is State.ASSIGNED and db.session.execute(db.select(TakeOut)).first() is None

    # The two deliveries go out, and the take-out is complete.
    done = post(client, url, {"code": f"{day['first'].dossier.code}\n{day['second'].dossier.code}"},
                follow_redirects=True).get_data(as_text=True)
    assert "Chưa nhận: 0/2" in done
    db.session.expire_all()
    assert (day["first"].state, day["second"].state) == (State.OUT_FOR_DELIVERY,) * 2
    rounds_page = client.get("/dispatch/rounds").get_data(as_text=True)
    assert "Chưa nhận:" not in rounds_page
    # The delivery list the courier signs names what the office handed over: not the pickup.
    printed = client.get(f"/dispatch/rounds/{round_.public_id}/list").get_data(as_text=True)
    assert day["first"].dossier.code in printed and day["pickup"].dossier.code not in printed
