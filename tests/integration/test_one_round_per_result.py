"""A result is on at most one open round stop, and the database holds it so, even under a race."""
import threading
from datetime import timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from courier.ledger import custody
from courier.domain.formatting import format_date, local_today
from courier.domain.states import Action, State
from courier.models import Round, RoundStop
from courier.services import planning
from tests import factories
from tests.conftest import AuthActions
from tests.integration.dispatch_support import flashes, on_round, post, received
from tests.integration.migration_support import old_shipments

TODAY = local_today()
TOMORROW, YESTERDAY = TODAY + timedelta(days=1), TODAY - timedelta(days=1)


@pytest.fixture(autouse=True)
def _today():
    """Vietnam's today as each test starts, not as the file was collected: a run crossing
    midnight there (17:00 UTC) otherwise plans rounds for a day already past."""
    global TODAY, TOMORROW, YESTERDAY
    TODAY = local_today()
    TOMORROW, YESTERDAY = TODAY + timedelta(days=1), TODAY - timedelta(days=1)


@pytest.fixture
def team(db, office, users, auth):
    """Phạm Quốc Bảo and Lê Minh Tuấn, couriers of the office; the dispatcher is logged in."""
    bao, tuan = users["courier"], factories.user(office, "courier")
    bao.full_name, tuan.full_name = "Phạm Quốc Bảo", "Lê Minh Tuấn"
    db.session.commit()
    auth.login(users["dispatcher"].username)
    return {"bao": bao, "tuan": tuan, "dispatcher": users["dispatcher"]}


def add(client, courier, shipments, day=None, **kwargs):
    day = day or TODAY
    return post(client, "/dispatch/rounds/add", {
        "courier": courier.id, "day": day.isoformat(), "shipment": [str(s.public_id) for s in shipments]},
        **kwargs)


def stops_of(db, shipment) -> list[RoundStop]:
    db.session.expire_all()
    return db.session.execute(db.select(RoundStop).filter_by(shipment_id=shipment.id).order_by(RoundStop.id)
                              ).scalars().all()


def ready_codes(client, courier, day) -> str:
    page = client.get(f"/dispatch/rounds?courier={courier.id}&day={day.isoformat()}").get_data(as_text=True)
    return page.split("Sẵn sàng để phát")[1]


@pytest.mark.parametrize("days_on", [0, 1], ids=["same day", "next day"])
def test_a_result_on_one_round_is_refused_on_another_with_whose_round_and_which_day(db, client, office, team,
                                                                                     days_on):
    day = TODAY + timedelta(days=days_on)
    result = received(office, team["dispatcher"], applicant_name="Hai Tuyến")
    db.session.commit()
    add(client, team["bao"], [result])
    refused = add(client, team["tuan"], [result], day=day, follow_redirects=True)
    assert flashes(refused.get_data(as_text=True))[0].startswith(
        f"Hồ sơ {result.dossier.code} đang ở tuyến của Phạm Quốc Bảo ngày {format_date(TODAY)}")
    assert [stop.round.courier_id for stop in stops_of(db, result)] == [team["bao"].id]
    assert result.state is State.ASSIGNED


def test_a_result_on_todays_round_is_not_offered_for_tomorrow(db, client, office, team):
    result = received(office, team["dispatcher"], applicant_name="Đang Ở Tuyến")
    db.session.commit()
    assert "Đang Ở Tuyến" in ready_codes(client, team["tuan"], TOMORROW)
    add(client, team["bao"], [result])
    assert "Đang Ở Tuyến" not in ready_codes(client, team["tuan"], TOMORROW)
    assert "Đang Ở Tuyến" not in ready_codes(client, team["tuan"], TODAY)


def test_of_two_dispatchers_adding_one_result_at_once_exactly_one_wins(app, db, office, team, monkeypatch):
    result = received(office, team["dispatcher"])
    for courier in (team["bao"], team["tuan"]):  # both rounds exist: the race is over the result alone
        db.session.add(Round(courier=courier, post_office=office, round_date=TODAY))
    second = factories.user(office, "dispatcher")
    db.session.commit()
    clients = []
    for person in (team["dispatcher"], second):
        client = app.test_client()
        AuthActions(client).login(person.username)
        clients.append(client)
    # Both requests pass every check before either writes: the database alone must choose.
    both_checked, apply = threading.Barrier(2, timeout=10), custody.apply

    def apply_after_both_checked(*args, **kwargs):
        both_checked.wait()
        return apply(*args, **kwargs)
    monkeypatch.setattr(planning.custody, "apply", apply_after_both_checked)
    said = []

    def plan(client, courier):
        with app.app_context():
            said.extend(flashes(add(client, courier, [result], follow_redirects=True).get_data(as_text=True)))
    threads = [threading.Thread(target=plan, args=(c, p)) for c, p in zip(clients, (team["bao"], team["tuan"]))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    monkeypatch.undo()
    stops = stops_of(db, result)
    assert len(stops) == 1 and stops[0].open_shipment_id == result.id
    winner = "Phạm Quốc Bảo" if stops[0].round.courier_id == team["bao"].id else "Lê Minh Tuấn"
    assert sorted(said) == sorted([f"Đã thêm 1 bưu gửi vào tuyến của {winner}.",
                                   f"Hồ sơ {result.dossier.code} đang ở tuyến của {winner} ngày {format_date(TODAY)}:"
                                   " hãy bỏ khỏi tuyến đó, hoặc đổi tuyến ở trang của bưu gửi."])
    assigns = db.session.execute(text("SELECT count(*) FROM event WHERE action = 'assign'")).scalar()
    assert assigns == 1


def failed_yesterday(db, office, team, name="Vắng Hôm Qua"):
    """A result whose visit on Bảo's round yesterday failed; the phone put it back for another."""
    left = received(office, team["dispatcher"], applicant_name=name)
    old = on_round(office, team["bao"], team["dispatcher"], [left], day=YESTERDAY)
    for action in (Action.DISPATCH, Action.FAIL, Action.REATTEMPT):
        custody.apply(left, action, max_attempts=3, courier=team["bao"])
    db.session.commit()
    return left, old


def test_a_failed_result_is_carried_from_yesterdays_round_to_todays(db, client, office, team):
    left, old = failed_yesterday(db, office, team)
    assert "Vắng Hôm Qua" in ready_codes(client, team["tuan"], TODAY)
    response = add(client, team["tuan"], [left], follow_redirects=True)
    assert flashes(response.get_data(as_text=True)) == ["Đã thêm 1 bưu gửi vào tuyến của Lê Minh Tuấn."]
    then, now = stops_of(db, left)
    assert (then.round_id, then.open_shipment_id) == (old.id, None)  # kept as history, closed
    assert now.round.courier_id == team["tuan"].id and now.open_shipment_id == left.id
    assert left.state is State.ASSIGNED


def test_removing_a_closed_stop_does_not_put_back_a_result_open_elsewhere(db, client, office, team):
    left, old = failed_yesterday(db, office, team)
    add(client, team["tuan"], [left])
    response = post(client, f"/dispatch/rounds/{old.public_id}/stops/{left.public_id}/remove", follow_redirects=True)
    assert flashes(response.get_data(as_text=True)) == [
        f"Đã bỏ {left.dossier.code} khỏi tuyến này; hồ sơ vẫn ở tuyến của Lê Minh Tuấn ngày {format_date(TODAY)}."]
    (now,) = stops_of(db, left)
    assert now.round.courier_id == team["tuan"].id and now.open_shipment_id == left.id
    assert left.state is State.ASSIGNED


def test_a_stop_moved_to_another_courier_stays_the_one_open_stop(db, client, office, team):
    result = received(office, team["dispatcher"])
    db.session.commit()
    add(client, team["bao"], [result])
    (first,) = stops_of(db, result)
    post(client, f"/dispatch/rounds/{first.round.public_id}/stops/{result.public_id}/move",
         {"to_courier": team["tuan"].id})
    (moved,) = stops_of(db, result)
    assert moved.round.courier_id == team["tuan"].id and moved.open_shipment_id == result.id


def test_a_result_whose_life_ends_closes_its_stop(db, client, office, team):
    left, old = failed_yesterday(db, office, team)
    custody.apply(left, Action.CANCEL, max_attempts=3)
    db.session.commit()
    (stop,) = stops_of(db, left)
    assert stop.open_shipment_id is None


def test_migration_0013_opens_only_the_newest_stop_of_each_result_still_under_way(migration_app):
    from courier.extensions import db

    with migration_app.app_context():
        upgrade(revision="0012")
        with db.engine.begin() as connection:
            connection.execute(text("INSERT INTO post_office (id, code, name, ward_code, province_code) "
                                    "VALUES (1, 'BC-1', 'Bưu cục', 20341, 48)"))
            connection.execute(text(
                "INSERT INTO user_account (id, username, full_name, role, post_office_id, password_hash,"
                " session_token, active, created_at) VALUES (1, 'bao', 'Bảo', 'courier', 1, 'x', 't1', :yes,"
                " '2026-01-01 00:00:00'), (2, 'tuan', 'Tuấn', 'courier', 1, 'x', 't2', :yes, '2026-01-01 00:00:00')"),
                {"yes": True})
            # 1: on Bảo's round and (the bug) Tuấn's; 2: delivered; 3: failed yesterday, not replanned.
            states = ["assigned", "delivered", "assigned"]
            old_shipments(connection, states)
            for n, (courier, day) in enumerate(((1, TODAY), (2, TOMORROW), (1, YESTERDAY)), start=1):
                connection.execute(text(
                    "INSERT INTO round (id, public_id, courier_id, post_office_id, round_date, created_at, version)"
                    " VALUES (:id, :uuid, :courier, 1, :day, '2026-01-01 00:00:00', 1)"),
                    {"id": n, "uuid": f"10000000-0000-0000-0000-00000000000{n}", "courier": courier, "day": day})
            for n, (round_id, shipment_id) in enumerate(((1, 1), (2, 1), (1, 2), (3, 3)), start=1):
                connection.execute(text("INSERT INTO round_stop (id, round_id, shipment_id, position)"
                                        " VALUES (:id, :round, :shipment, 0)"),
                                   {"id": n, "round": round_id, "shipment": shipment_id})
        upgrade(revision="0013")
        with db.engine.connect() as connection:
            rows = dict(connection.execute(text("SELECT id, open_shipment_id FROM round_stop")).all())
        db.engine.dispose()
    # Tuấn's (the newest) holds 1; the delivered one's stop is closed; 3 waits, open, for a carry-over.
    assert rows == {1: None, 2: 1, 3: None, 4: 3}
