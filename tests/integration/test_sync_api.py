"""The courier's sync endpoint: exactly once per client_id, everything checked first."""
import io
import json
import threading
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from PIL import Image
from sqlalchemy import func

from courier.ledger import custody
from courier.domain.formatting import local_today
from courier.domain.states import Action, State
from courier.models import Attempt, Event, Proof, Round, RoundStop, Shipment
from tests import factories, media
from tests.attempts import delivered, post
from tests.conftest import csrf_token_from


def attempts(db):
    db.session.expire_all()
    return db.session.execute(db.select(Attempt)).scalars().all()


def test_a_hand_over_is_recorded_with_its_proofs_and_delivers_the_shipment(app, db, courier_client, on_round):
    response = post(courier_client, delivered(on_round))
    assert response.status_code == 201, response.json
    assert response.json["status"] == "created" and response.json["shipment_state"] == "delivered"
    [attempt] = attempts(db)
    assert attempt.recipient_name == "Trần Thị Bích Ngọc" and attempt.fee_agency_collected == 200_000
    assert attempt.id_tail_masked == "********1234" and attempt.gps_accuracy_m == 12.0
    kinds = {proof.kind.value: proof for proof in attempt.proofs}
    assert set(kinds) == {"signature", "photo"}
    photo = Image.open(io.BytesIO(_media_path(app, kinds["photo"]).read_bytes()))
    assert photo.format == "JPEG" and max(photo.size) <= 1280
    assert db.session.get(Shipment, on_round.id).state is State.DELIVERED


def _media_path(app, proof):
    from courier.domain.storage import MediaStore

    return MediaStore(app.config["MEDIA_DIR"]).path_for(proof.sha256)


def test_a_replay_returns_the_stored_result_and_changes_nothing(db, courier_client, on_round):
    body = delivered(on_round)
    first = post(courier_client, body)
    events_after_first = db.session.execute(db.select(Event)).scalars().all()
    second = post(courier_client, body)
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json["status"] == "duplicate" and second.json["client_id"] == body["client_id"]
    assert len(attempts(db)) == 1
    assert len(db.session.execute(db.select(Event)).scalars().all()) == len(events_after_first)
    assert len(db.session.execute(db.select(Proof)).scalars().all()) == 2


def test_a_replay_is_answered_as_one_even_when_the_days_quota_is_now_spent(app, db, courier_client, on_round):
    body = delivered(on_round)
    assert post(courier_client, body).status_code == 201
    stored = db.session.execute(db.select(func.sum(Proof.size_bytes))).scalar()
    app.config["UPLOAD_QUOTA_BYTES_PER_DAY"] = stored  # full: any new media is refused
    replay = post(courier_client, body)
    assert replay.status_code == 200 and replay.json["status"] == "duplicate"
    another = post(courier_client, delivered(on_round))
    assert another.status_code == 422 and another.json["error"] == "quota_exceeded"
    assert len(attempts(db)) == 1


def test_the_same_client_id_with_other_content_is_refused(db, courier_client, on_round):
    body = delivered(on_round)
    assert post(courier_client, body).status_code == 201
    altered = dict(body, fees={"agency": 0, "postage": 0, "method": "cash"})
    response = post(courier_client, altered)
    assert response.status_code == 409 and response.json["error"] == "conflict"
    assert "nội dung khác" in response.json["message"]
    assert attempts(db)[0].fee_agency_collected == 200_000


def test_concurrent_replays_create_one_attempt(app, db, users, on_round):
    from tests.conftest import AuthActions

    body = delivered(on_round)
    clients = []
    for _ in range(4):
        client = app.test_client()
        AuthActions(client).login(users["courier"].username)
        client.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token_from(client.get("/courier/").get_data(as_text=True))
        clients.append(client)
    statuses, barrier = [], threading.Barrier(len(clients))

    def replay(client):
        barrier.wait()
        statuses.append(post(client, body).status_code)

    threads = [threading.Thread(target=replay, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 200, 200, 201]
    assert len(attempts(db)) == 1


def test_a_failed_visit_counts_and_goes_back_for_another_attempt(db, courier_client, on_round):
    body = delivered(on_round, outcome="failed", failure_reason="absent", recipient=None, fees=None)
    response = post(courier_client, body, signature=None, photo=None)
    assert response.status_code == 201 and response.json["shipment_state"] == "assigned"
    db.session.expire_all()
    shipment = db.session.get(Shipment, on_round.id)
    assert shipment.attempts_count == 1
    assert attempts(db)[0].failure_reason.value == "absent"


def test_the_last_allowed_failure_starts_the_return(db, courier_client, on_round):
    on_round.attempts_count = 2  # two failed visits on earlier days
    db.session.commit()
    body = delivered(on_round, outcome="failed", failure_reason="refused")
    assert post(courier_client, body, signature=None, photo=None).json["shipment_state"] == "returning"


def test_other_needs_a_note(db, courier_client, on_round):
    body = delivered(on_round, outcome="failed", failure_reason="other")
    response = post(courier_client, body, signature=None, photo=None)
    assert response.status_code == 422 and "note" in response.json["fields"]
    assert attempts(db) == []


def test_a_hand_over_without_signature_or_with_a_dot_is_refused(db, courier_client, on_round):
    missing = post(courier_client, delivered(on_round), signature=None)
    assert missing.status_code == 422 and missing.json["fields"]["signature"] == "Bắt buộc phải có."
    tiny = post(courier_client, delivered(on_round), signature=media.dot_signature_png())
    assert tiny.status_code == 422 and "Chữ ký quá ngắn" in tiny.json["fields"]["signature"]
    assert attempts(db) == [] and db.session.get(Shipment, on_round.id).state is State.OUT_FOR_DELIVERY


@pytest.mark.parametrize("content,reason", [
    (b"", "Tệp rỗng."),
    (b"<html><script>alert(1)</script></html>", "Không phải ảnh JPEG, PNG hoặc WebP."),
    (media.photo_jpeg()[:4000], "Ảnh bị hỏng, không đọc được."),
    (media.png_bomb(), "Ảnh quá nhiều điểm ảnh."),
])
def test_a_bad_photo_is_refused_with_a_clear_message_and_nothing_changes(db, courier_client, on_round,
                                                                          content, reason):
    response = post(courier_client, delivered(on_round), photo=content)
    assert response.status_code == 422
    assert response.json["fields"]["photo"] == reason
    assert attempts(db) == [] and db.session.get(Shipment, on_round.id).state is State.OUT_FOR_DELIVERY


def test_a_full_id_number_is_refused_not_stored(db, courier_client, on_round):
    body = delivered(on_round)
    body["recipient"]["id_tail_masked"] = "049201001234"
    response = post(courier_client, body)
    assert response.status_code == 422 and "recipient.id_tail_masked" in response.json["fields"]
    assert attempts(db) == []


def test_an_authorised_recipient_needs_the_letter(db, courier_client, on_round):
    body = delivered(on_round)
    body["recipient"].update(relationship="authorised", name="Võ Văn Nam", authorised_relationship="anh trai")
    assert post(courier_client, body).json["fields"] == {"authorisation_letter": "Bắt buộc phải có."}
    ok = post(courier_client, body, authorisation_letter=media.photo_jpeg(800, 600, seed=3))
    assert ok.status_code == 201
    assert attempts(db)[0].authorised_relationship == "anh trai"


def test_a_shipment_of_another_courier_is_refused(db, office, users, courier_client):
    other = factories.user(office, "courier")
    shipment = factories.shipment(office)
    round_ = Round(courier=other, post_office=office, round_date=local_today())
    round_.stops.append(RoundStop(shipment=shipment, position=0))
    db.session.add(round_)
    db.session.commit()
    response = post(courier_client, delivered(shipment))
    assert response.status_code == 403 and response.json["error"] == "not_on_your_round"


def test_a_hand_over_made_after_a_cancellation_is_kept_and_flagged(db, courier_client, on_round):
    custody.apply(on_round, Action.CANCEL, max_attempts=3)
    db.session.commit()
    response = post(courier_client, delivered(on_round))
    assert response.status_code == 201 and response.json["flagged"] == "shipment_cancelled"
    assert attempts(db)[0].flagged_reason == "shipment_cancelled"
    assert db.session.get(Shipment, on_round.id).state is State.CANCELLED


def test_a_hand_over_made_after_a_reassignment_is_kept_flagged_and_delivered(db, office, users,
                                                                               courier_client, on_round):
    other = factories.user(office, "courier")
    later = Round(courier=other, post_office=office, round_date=local_today() + timedelta(days=1))
    later.stops.append(RoundStop(shipment=on_round, position=0))
    db.session.add(later)
    db.session.commit()
    response = post(courier_client, delivered(on_round))
    assert response.json["flagged"] == "reassigned" and response.json["shipment_state"] == "delivered"


def test_a_capture_time_far_in_the_future_is_refused(db, courier_client, on_round):
    future = (datetime.now(timezone.utc) + timedelta(days=2)).isoformat()
    response = post(courier_client, delivered(on_round, captured_at=future))
    assert response.status_code == 422 and "captured_at" in response.json["fields"]


def test_sync_needs_the_csrf_token(db, courier_client, on_round):
    del courier_client.environ_base["HTTP_X_CSRFTOKEN"]
    response = post(courier_client, delivered(on_round))
    assert response.status_code == 400 and response.json["error"] == "csrf"
    assert attempts(db) == []


def test_a_hand_over_of_a_shipment_taken_off_the_round_meanwhile_is_kept_and_flagged(
        db, office, users, courier_client):
    from courier.services import planning

    shipment = factories.shipment(office)
    custody.apply(shipment, Action.RECEIVE, max_attempts=3)
    round_ = planning.get_or_create_round(users["courier"], local_today())
    planning.add(round_, [shipment], users["dispatcher"], 3)
    db.session.commit()
    planning.remove(round_, shipment, users["dispatcher"], 3)  # while the courier is offline
    db.session.commit()
    response = post(courier_client, delivered(shipment))
    assert response.status_code == 201, response.json
    assert response.json["flagged"] == "shipment_received"
    assert attempts(db)[0].flagged_reason == "shipment_received"


def test_a_crash_after_the_attempt_is_written_but_before_its_media_leaves_nothing(
        db, courier_client, on_round, monkeypatch):
    from courier.services import handover

    def crash(*args, **kwargs):
        raise RuntimeError("the server dies here")

    monkeypatch.setattr(handover, "_record_media", crash)
    response = post(courier_client, delivered(on_round))
    assert response.status_code == 500
    assert attempts(db) == []  # not an attempt without its proofs, which a replay would then accept


def test_the_server_does_not_take_the_phones_word_that_the_id_matched(db, courier_client, on_round):
    """The phone says "matched" but the tail it kept is not the agency's: refused, nothing stored."""
    on_round.dossier.expected_id_tail = "9876"
    db.session.commit()
    forged = delivered(on_round)
    forged["recipient"] |= {"id_tail_masked": "********1234", "id_check": "matched"}
    response = post(courier_client, forged)
    assert response.status_code == 422 and "không khớp với số cơ quan đã gửi" in response.json["fields"]["recipient.id_check"]
    assert attempts(db) == []
    honest = delivered(on_round)  # the card that does end in 9876
    assert honest["recipient"]["id_tail_masked"] == "********9876"
    assert post(courier_client, honest).status_code == 201
    assert attempts(db)[0].id_check.value == "matched"


def test_matched_with_no_tail_from_the_agency_is_refused(db, courier_client, on_round):
    forged = delivered(on_round)  # the agency gave no tail: the phone would say "not_given"
    forged["recipient"]["id_check"] = "matched"
    response = post(courier_client, forged)
    assert response.status_code == 422 and "không khớp với số cơ quan đã gửi" in response.json["fields"]["recipient.id_check"]
