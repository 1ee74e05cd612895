"""Taking a dossier in at the citizen's door, sent through the hand-over's endpoint (issue #19).

The courier ticks the procedure's documents, counts the pages, takes the fee and the citizen's
signature; or records why the dossier could not be taken. Applied once per client_id, checked
before anything is written, as a delivery is.
"""
import pytest

from courier.domain.formatting import local_today
from courier.domain.states import Action, State
from courier.ledger import custody
from courier.models import Attempt, Event, Proof, Round, RoundStop, Shipment, WebhookDelivery
from courier.services import agency_keys, planning
from tests import factories, media
from tests.attempts import delivered, post
from tests.door import document_ids, picked_up, refused
from tests.integration.dispatch_support import on_round as plan


@pytest.fixture
def pickup(db, office, users):
    """A dossier to take in, on the courier's round for today (assigned: nothing is taken out for it)."""
    shipment = factories.pickup_request(office).shipment
    plan(office, users["courier"], users["dispatcher"], [shipment])
    db.session.commit()
    return shipment


def stored(db) -> list[Attempt]:
    db.session.expire_all()
    return db.session.execute(db.select(Attempt).order_by(Attempt.id)).scalars().all()


def reread(db, shipment) -> Shipment:
    db.session.expire_all()
    return db.session.get(Shipment, shipment.id)


def actions(db, shipment) -> list[str]:
    return list(db.session.execute(db.select(Event.action).filter_by(shipment_id=shipment.id)
                                   .order_by(Event.id)).scalars())


def test_a_dossier_taken_in_is_held_by_the_courier_and_its_stop_closes(db, courier_client, users, pickup):
    agency_keys.set_webhook(pickup.dossier.agency, "http://127.0.0.1:9/hooks")
    db.session.commit()
    response = post(courier_client, picked_up(pickup))
    assert response.status_code == 201, response.json
    assert response.json["status"] == "created" and response.json["shipment_state"] == "picked_up"
    assert response.json["flagged"] is None
    shipment = reread(db, pickup)
    assert shipment.state is State.PICKED_UP and shipment.holder_courier_id == users["courier"].id
    assert shipment.pickup.pages == 14
    assert db.session.execute(db.select(RoundStop.open_shipment_id)).scalar_one() is None
    [attempt] = stored(db)
    assert attempt.outcome == "picked_up" and attempt.pages == 14
    assert attempt.documents == document_ids(pickup) and attempt.missing_documents is None
    assert attempt.recipient_name == "Lê Thị Hoa" and attempt.fee_agency_collected == 200_000
    assert attempt.id_check is None and {proof.kind.value for proof in attempt.proofs} == {"signature", "photo"}
    assert actions(db, pickup)[-1] == "pick_up"
    [sent] = [d.payload for d in db.session.execute(db.select(WebhookDelivery)).scalars()]
    assert (sent["type"], sent["state"], sent["dossier_code"]) == (
        "dossier.picked_up", "picked_up", pickup.dossier.code)


def test_the_optional_documents_may_be_left_unticked(db, courier_client, pickup):
    response = post(courier_client, picked_up(pickup, documents=document_ids(pickup, required=True)))
    assert response.status_code == 201, response.json
    assert stored(db)[0].documents == document_ids(pickup, required=True)


def test_a_required_document_not_ticked_is_named_and_nothing_is_saved(db, courier_client, pickup):
    [required], [optional] = document_ids(pickup, required=True), document_ids(pickup, required=False)
    events_before = actions(db, pickup)
    response = post(courier_client, picked_up(pickup, documents=[optional]))
    assert response.status_code == 422 and response.json["error"] == "invalid"
    fields = response.json["fields"]
    assert set(fields) == {"documents", f"documents.{required}"}
    assert fields[f"documents.{required}"].startswith("Thiếu giấy tờ bắt buộc")
    assert stored(db) == [] and db.session.execute(db.select(Proof)).first() is None
    assert reread(db, pickup).state is State.ASSIGNED and actions(db, pickup) == events_before
    assert reread(db, pickup).pickup.pages is None


def test_a_ticked_document_of_another_procedure_is_refused(db, courier_client, office, pickup):
    other = factories.procedure(office, code="1.000656", name="Đăng ký khai sinh").documents[0].id
    db.session.commit()
    response = post(courier_client, picked_up(pickup, documents=document_ids(pickup) + [other]))
    assert response.status_code == 422
    assert response.json["fields"] == {"documents": "Giấy tờ này không có trong danh sách của thủ tục.",
                                       f"documents.{other}": "Giấy tờ này không có trong danh sách của thủ tục."}
    assert stored(db) == []


def test_the_citizen_signs_for_the_papers_and_nobody_needs_an_authorisation(db, courier_client, pickup):
    unsigned = post(courier_client, picked_up(pickup), signature=None)
    assert unsigned.status_code == 422 and set(unsigned.json["fields"]) == {"signature"}
    # A small letter keeps the request under 500 kB: above, the test client spools it to a file left open.
    letter = post(courier_client, picked_up(pickup), authorisation_letter=media.photo_jpeg(800, 600, seed=3))
    assert letter.status_code == 422 and set(letter.json["fields"]) == {"authorisation_letter"}
    without_photo = post(courier_client, picked_up(pickup), photo=None)
    assert without_photo.status_code == 201, without_photo.json
    assert [proof.kind.value for proof in stored(db)[0].proofs] == ["signature"]


def test_a_refusal_counts_a_visit_and_the_pickup_is_offered_again(db, courier_client, office, users, pickup):
    response = post(courier_client, refused(pickup), signature=None, photo=None)
    assert response.status_code == 201, response.json
    assert response.json["shipment_state"] == "pickup_refused"
    shipment = reread(db, pickup)
    assert shipment.state is State.PICKUP_REFUSED and shipment.attempts_count == 1
    assert shipment.holder_courier_id is None and shipment.pickup.pages is None
    [attempt] = stored(db)
    assert attempt.failure_reason == "missing_document"
    assert attempt.missing_documents == document_ids(pickup, required=True) and attempt.documents is None
    refusal = db.session.execute(db.select(Event).filter_by(shipment_id=pickup.id, action="refuse_pickup")).scalar_one()
    assert refusal.details["reason"] == "missing_document"
    # Off today's round (the dispatcher's "remove"), it is on the ready list for another visit.
    round_ = db.session.execute(db.select(Round)).scalar_one()
    planning.remove(round_, shipment, users["dispatcher"], 3)
    db.session.commit()
    assert shipment in planning.ready(office.id, local_today(), max_attempts=3)


def test_a_refusal_naming_a_document_the_procedure_does_not_list_is_refused(db, courier_client, pickup):
    response = post(courier_client, refused(pickup, missing_documents=[999_999]), signature=None, photo=None)
    assert response.status_code == 422
    assert set(response.json["fields"]) == {"missing_documents", "missing_documents.999999"}
    assert stored(db) == [] and reread(db, pickup).attempts_count == 0


def test_a_replay_is_answered_as_a_duplicate_and_other_content_is_a_conflict(db, courier_client, pickup):
    body = picked_up(pickup)
    first, again = post(courier_client, body), post(courier_client, body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["status"] == "duplicate" and again.json["client_id"] == body["client_id"]
    changed = post(courier_client, body | {"pages": 15})
    assert changed.status_code == 409 and changed.json["error"] == "conflict"
    assert len(stored(db)) == 1 and stored(db)[0].pages == 14
    assert actions(db, pickup).count("pick_up") == 1


def test_a_delivery_s_outcome_on_a_pickup_and_a_pickup_s_on_a_delivery_are_refused(db, courier_client, office,
                                                                                   users, pickup):
    result = factories.shipment(office)  # a result to hand over, on the same round, taken out
    custody.apply(result, Action.RECEIVE, max_attempts=3)
    db.session.add(RoundStop(round=db.session.execute(db.select(Round)).scalar_one(), shipment=result, position=1))
    custody.apply(result, Action.ASSIGN, max_attempts=3)
    custody.apply(result, Action.DISPATCH, max_attempts=3, courier=users["courier"])
    db.session.commit()
    wrong = [post(courier_client, delivered(pickup)),
             post(courier_client, picked_up(result, documents=[], pages=3)),
             post(courier_client, refused(result, reason="absent"), signature=None, photo=None)]
    assert [(answer.status_code, list(answer.json["fields"])) for answer in wrong] == [(422, ["outcome"])] * 3
    assert wrong[0].json["fields"]["outcome"].startswith("Kết quả này không dùng cho bưu gửi này")
    assert stored(db) == []
    assert reread(db, pickup).state is State.ASSIGNED and reread(db, result).state is State.OUT_FOR_DELIVERY


def test_a_pickup_not_on_the_courier_s_round_is_refused_as_a_delivery_is(db, courier_client, office, users):
    other_courier = factories.user(office, "courier")
    elsewhere = factories.pickup_request(office).shipment
    plan(office, other_courier, users["dispatcher"], [elsewhere])
    db.session.commit()
    response = post(courier_client, picked_up(elsewhere))
    assert response.status_code == 403 and response.json["error"] == "not_on_your_round"
    assert stored(db) == [] and reread(db, elsewhere).state is State.ASSIGNED


def test_back_at_the_door_the_same_day_the_refused_dossier_is_taken_in(db, courier_client, users, pickup):
    assert post(courier_client, refused(pickup, reason="absent"), signature=None, photo=None).status_code == 201
    response = post(courier_client, picked_up(pickup))
    assert response.status_code == 201 and response.json["flagged"] is None
    shipment = reread(db, pickup)
    assert shipment.state is State.PICKED_UP and shipment.attempts_count == 1
    assert actions(db, pickup)[-3:] == ["refuse_pickup", "reattempt", "pick_up"]


def test_taken_off_the_round_while_offline_it_is_still_taken_in_and_flagged(db, courier_client, users, pickup):
    round_ = db.session.execute(db.select(Round)).scalar_one()
    planning.remove(round_, pickup, users["dispatcher"], 3)
    db.session.commit()
    response = post(courier_client, picked_up(pickup))
    assert response.status_code == 201 and response.json["flagged"] == "reassigned"
    assert reread(db, pickup).state is State.PICKED_UP


def test_a_second_pickup_of_a_dossier_already_taken_in_is_kept_flagged(db, courier_client, pickup):
    assert post(courier_client, picked_up(pickup)).status_code == 201
    second = post(courier_client, picked_up(pickup, pages=20))
    assert second.status_code == 201 and second.json["flagged"] == "shipment_picked_up"
    assert reread(db, pickup).pickup.pages == 14 and actions(db, pickup).count("pick_up") == 1
    assert [attempt.pages for attempt in stored(db)] == [14, 20]


def test_the_photos_of_the_papers_go_once_the_agency_has_them_and_the_signature_stays(app, db, courier_client,
                                                                                      office, users, pickup):
    from courier.domain.acknowledgement import Acknowledgement
    from courier.media import media_store
    from courier.services import agency_desk, to_agency

    assert post(courier_client, picked_up(pickup)).status_code == 201
    shipment = reread(db, pickup)
    assert to_agency.hand_in(office.id, shipment.dossier.code, users["dispatcher"], 3).status == "handed_in"
    to_agency.make_batch(office.id, shipment.dossier.agency_id, [shipment.public_id], users["dispatcher"], 3)
    assert shipment.state is State.IN_TRANSIT
    db.session.commit()  # as the office's page does
    [attempt] = stored(db)
    files = {proof.kind.value: media_store().path_for(proof.sha256) for proof in attempt.proofs}
    assert all(path.exists() for path in files.values())
    agency_desk.acknowledge(shipment, Acknowledgement("000.00.17.H47-261203-0042", local_today()), max_attempts=3,
                            store=media_store())
    db.session.commit()
    [attempt] = stored(db)
    purged = {proof.kind.value: proof.purged_at is not None for proof in attempt.proofs}
    assert purged == {"photo": True, "signature": False}
    assert not files["photo"].exists() and files["signature"].exists()
