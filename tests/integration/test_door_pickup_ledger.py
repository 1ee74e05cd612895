"""A pickup's attempt in the record: chained without changing any earlier hash, its fee counted once,
and applied once however many times the phone sends it."""
import pytest
from sqlalchemy import text

from courier.domain.chain import ATTEMPT_FIELDS, GENESIS, canonical, link_hash
from courier.domain.states import Action
from courier.ledger import chain, custody
from courier.models import Attempt, AuditViolation, Event
from courier.services.door_pickup import collected_for_dossier, collected_for_dossiers
from tests import factories
from tests.attempts import delivered, post
from tests.door import picked_up, refused
from tests.integration.dispatch_support import on_round as plan
from tests.integration.race_support import courier_clients, race


@pytest.fixture
def day(db, office, users):
    """The courier's round for today: two dossiers to take in, and a result taken out to hand over."""
    pickups = [factories.pickup_request(office).shipment for _ in range(2)]
    result = factories.shipment(office)
    custody.apply(result, Action.RECEIVE, max_attempts=3)
    plan(office, users["courier"], users["dispatcher"], [*pickups, result])
    custody.apply(result, Action.DISPATCH, max_attempts=3, courier=users["courier"])
    db.session.commit()
    return pickups + [result]


@pytest.fixture
def pickups(day):
    return day[:2]


@pytest.fixture
def recorded(db, courier_client, day):
    """A delivery, a dossier taken in and one refused, as the phones sent them, in that order."""
    answers = [post(courier_client, delivered(day[2])), post(courier_client, picked_up(day[0])),
               post(courier_client, refused(day[1]), signature=None, photo=None)]
    assert [answer.status_code for answer in answers] == [201] * 3, [answer.json for answer in answers]
    db.session.expire_all()
    return db.session.execute(db.select(Attempt).order_by(Attempt.seq)).scalars().all()


def run_verify(app):
    return app.test_cli_runner().invoke(args=["verify"])


def test_a_delivery_is_chained_exactly_as_before_pickups_existed(app, db, recorded):
    delivery = recorded[0]
    # The definition every attempt sealed before was hashed by: no pages, no documents.
    assert link_hash(GENESIS, 1, canonical(delivery, ATTEMPT_FIELDS)) == delivery.hash
    result = run_verify(app)
    assert result.exit_code == 0, result.output
    assert "attempt: 3 " in result.output


# Each edit someone could make in SQL to a pickup's record, and the attempt it touches.
EDITS = [
    ("picked up", "pages", "15"), ("picked up", "documents", "'[]'"), ("picked up", "documents", "NULL"),
    ("picked up", "pages", "NULL"), ("refused", "missing_documents", "'[999]'"),
    ("refused", "missing_documents", "NULL"), ("refused", "pages", "3"), ("delivery", "documents", "'[999]'"),
    ("picked up", "recipient_name", "'Người Khác'"), ("refused", "failure_reason", "'absent'"),
]


@pytest.mark.parametrize("which, column, value", EDITS)
def test_an_edit_of_a_pickup_s_record_in_sql_is_named_by_verify(app, db, recorded, which, column, value):
    attempt = {"delivery": recorded[0], "picked up": recorded[1], "refused": recorded[2]}[which]
    db.session.execute(text(f"UPDATE attempt SET {column} = {value} WHERE id = :id"), {"id": attempt.id})
    db.session.commit()
    result = run_verify(app)
    assert result.exit_code == 1
    assert f"attempt: LỖI / PROBLEM modified at #{attempt.seq} (id {attempt.id})" in result.output


def test_the_app_refuses_to_change_a_sealed_pickup(db, recorded):
    recorded[1].pages = 15
    with pytest.raises(AuditViolation):
        db.session.commit()
    db.session.rollback()
    recorded[2].missing_documents = []
    with pytest.raises(AuditViolation):
        db.session.commit()
    db.session.rollback()
    assert chain.verify(db.session, "attempt").ok


def test_the_person_who_handed_a_dossier_over_can_be_erased_without_breaking_the_chain(app, db, recorded):
    dossier_code = recorded[1].shipment.dossier.code
    erased = app.test_cli_runner().invoke(args=["citizen-data", "erase", "--dossier", dossier_code, "--yes"])
    assert erased.exit_code == 0, erased.output
    assert run_verify(app).exit_code == 0
    assert db.session.execute(text("SELECT recipient_name FROM attempt WHERE id = :id"),
                              {"id": recorded[1].id}).scalar() == "(đã xóa)"


def test_the_fee_paid_at_the_door_is_not_asked_again_for_the_dossier_s_result(db, office, recorded, pickups):
    taken, refused_, delivery = pickups[0], pickups[1], recorded[0].shipment
    assert collected_for_dossier(taken.dossier_id) == 200_000
    assert collected_for_dossier(refused_.dossier_id) == 0 and collected_for_dossier(delivery.dossier_id) == 0
    # The agency pushes the result under the code it gave: the result's own dossier, linked.
    result = factories.shipment(office)
    taken.pickup.result_dossier = result.dossier
    db.session.commit()
    assert collected_for_dossier(result.dossier_id) == 200_000
    assert collected_for_dossiers([result.dossier_id, taken.dossier_id, delivery.dossier_id, 0]) == {
        result.dossier_id: 200_000, taken.dossier_id: 200_000}


def test_the_same_pickup_sent_twice_at_once_is_recorded_once(app, db, users, pickups):
    body = picked_up(pickups[0])
    answers = race(app, courier_clients(app, users["courier"], 2), [lambda phone: post(phone, body)] * 2)
    assert sorted(answer.status_code for answer in answers) == [200, 201], [answer.json for answer in answers]
    assert {answer.json["status"] for answer in answers} == {"created", "duplicate"}
    db.session.expire_all()
    assert len(db.session.execute(db.select(Attempt)).scalars().all()) == 1
    assert len(db.session.execute(db.select(Event).filter_by(action="pick_up")).scalars().all()) == 1
    assert all(chain.verify(db.session, name).ok for name in chain.CHAINS)


def test_two_different_visits_racing_on_one_pickup_take_it_in_once(app, db, users, pickups):
    bodies = [picked_up(pickups[0]), picked_up(pickups[0], pages=9)]
    answers = race(app, courier_clients(app, users["courier"], 2), [lambda phone, b=b: post(phone, b) for b in bodies])
    assert [answer.status_code for answer in answers] == [201, 201]
    assert sorted(str(answer.json["flagged"]) for answer in answers) == ["None", "shipment_picked_up"]
    db.session.expire_all()
    assert len(db.session.execute(db.select(Event).filter_by(action="pick_up")).scalars().all()) == 1
    assert chain.verify(db.session, "event").ok and chain.verify(db.session, "attempt").ok
