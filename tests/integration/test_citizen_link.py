"""The citizen's capability link: what it shows, what it hides, what it lets them do once."""
import re
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from courier.ledger import custody
from courier.domain.states import Action
from courier.domain.storage import MediaStore
from courier.domain.tokens import TOKEN_BYTES, new_token, token_hash
from courier.models import Attempt, Event, IdCheck, Outcome, Proof, ProofKind, RecipientRelationship
from tests import factories, media
from tests.conftest import csrf_token_from


PHONE = "0905123456"  # the phone the agency gave; its holder types the last four digits


def linked(db, office, **dossier):
    shipment = factories.shipment(office, **{"applicant_name": "Nguyễn Văn An", "applicant_phone": PHONE,
                                             "street": "12 Phan Châu Trinh", "expected_id_tail": "9876"} | dossier)
    token, token_hash_ = new_token()
    shipment.add_citizen_link(token_hash_, "label")
    db.session.commit()
    return shipment, token


def deliver(app, db, shipment, courier):
    for action in (Action.RECEIVE, Action.ASSIGN):
        custody.apply(shipment, action, max_attempts=3)
    custody.apply(shipment, Action.DISPATCH, max_attempts=3, courier=courier)
    store = MediaStore(app.config["MEDIA_DIR"])
    attempt = Attempt(client_id=uuid.uuid4(), shipment=shipment, courier=courier, outcome=Outcome.DELIVERED,
                      captured_at=datetime.now(timezone.utc), recipient_name="Nguyễn Văn An",
                      recipient_relationship=RecipientRelationship.APPLICANT, id_check=IdCheck.MATCHED,
                      id_tail_masked="********1234", content_digest="0" * 64)
    signature = media.signature_png()
    db.session.add(Proof(attempt=attempt, kind=ProofKind.SIGNATURE, sha256=store.put(signature),
                         content_type="image/png", size_bytes=len(signature)))
    custody.apply(shipment, Action.DELIVER, max_attempts=3, actor=courier)
    db.session.commit()
    return attempt


def prove(client, token, digits=PHONE[-4:]):
    """Pass the link's phone check in this client, as the citizen types it on the page."""
    csrf = csrf_token_from(client.get(f"/t/{token}").get_data(as_text=True))
    return client.post(f"/t/{token}/check", data={"digits": digits, "csrf_token": csrf}, follow_redirects=True)


def test_tokens_carry_at_least_128_bits_and_only_their_hash_is_stored(db, office):
    tokens = {new_token()[0] for _ in range(200)}
    assert len(tokens) == 200 and TOKEN_BYTES * 8 >= 128
    shipment, token = linked(db, office)
    dump = " ".join(str(v) for table in ("shipment", "citizen_link", "event") for row in
                    db.session.execute(text(f"SELECT * FROM {table}")).all() for v in row)
    assert token not in dump and token_hash(token) in dump


def test_the_page_shows_the_result_and_hides_private_details(client, db, office):
    shipment, token = linked(db, office)
    response = client.get(f"/t/{token}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert shipment.dossier.code in page and "Nguyễn V** A**" in page
    # The procedure says something about the person: it waits for the phone check, as the proof does.
    for private in ("Nguyễn Văn An", "0905123456", "Phan Châu Trinh", "9876", "Cấp phiếu lý lịch tư pháp"):
        assert private not in page
    assert "Cấp phiếu lý lịch tư pháp" in prove(client, token).get_data(as_text=True)
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response.headers["X-Robots-Tag"] and response.headers["Cache-Control"] == "no-store"
    assert "giấy ủy quyền" in page  # the hand-over rule is said plainly


def test_an_unknown_or_revoked_token_leaks_nothing(client, db, office):
    shipment, token = linked(db, office)
    assert client.get("/t/" + "A" * 24).status_code == 404
    shipment.citizen_links[0].revoked_at = datetime.now(timezone.utc)  # the dispatcher issued a new link
    db.session.commit()
    old = client.get(f"/t/{token}")
    assert old.status_code == 404 and shipment.dossier.code not in old.get_data(as_text=True)


def test_a_link_expires_some_days_after_the_shipment_closes(app, client, db, office, users):
    shipment, token = linked(db, office)
    deliver(app, db, shipment, users["courier"])
    assert client.get(f"/t/{token}").status_code == 200
    long_ago = datetime.now(timezone.utc) - timedelta(days=app.config["CITIZEN_LINK_DAYS"] + 1)
    db.session.execute(text("UPDATE event SET created_at = :t WHERE to_state = 'delivered'"),
                       {"t": long_ago.replace(tzinfo=None)})
    db.session.commit()
    response = client.get(f"/t/{token}")
    page = response.get_data(as_text=True)
    assert response.status_code == 410 and "hết hạn" in page and office.hotline in page
    assert shipment.dossier.code not in page


def test_get_changes_nothing(client, db, office):
    shipment, token = linked(db, office)
    before = db.session.execute(text("SELECT count(*) FROM event")).scalar()
    client.get(f"/t/{token}")
    client.get(f"/t/{token}/confirm")
    assert db.session.execute(text("SELECT count(*) FROM event")).scalar() == before


def _post(client, token, action, csrf=None, **form):
    """Post a citizen form; `csrf` lets a test replay a form the page no longer shows."""
    csrf = csrf or csrf_token_from(client.get(f"/t/{token}").get_data(as_text=True))
    return client.post(f"/t/{token}/{action}", data=dict(form, csrf_token=csrf), follow_redirects=True)


def _citizen_events(db, action):
    return db.session.execute(db.select(Event).filter_by(action=action)).scalars().all()


def test_confirming_receipt_works_once_and_is_a_custody_event(app, client, db, office, users):
    shipment, token = linked(db, office)
    deliver(app, db, shipment, users["courier"])
    prove(client, token)
    csrf = csrf_token_from(client.get(f"/t/{token}").get_data(as_text=True))
    page = _post(client, token, "confirm", csrf, rating="5", comment="Nhanh, chu đáo").get_data(as_text=True)
    assert "Cảm ơn bạn đã xác nhận" in page and "Tôi chưa nhận được" not in page
    [event] = _citizen_events(db, "citizen_confirmed")
    assert event.details == {"rating": 5, "comment": "Nhanh, chu đáo"} and event.actor_label == "citizen"
    for action in ("confirm", "dispute"):
        again = _post(client, token, action, csrf, rating="1", comment="?")
        assert "Bạn đã trả lời cho kết quả này rồi." in again.get_data(as_text=True)
    assert len(_citizen_events(db, "citizen_confirmed")) == 1 and _citizen_events(db, "citizen_disputed") == []


def test_saying_it_did_not_arrive_raises_a_dispute_once(app, client, db, office, users):
    shipment, token = linked(db, office)
    deliver(app, db, shipment, users["courier"])
    prove(client, token)
    csrf = csrf_token_from(client.get(f"/t/{token}").get_data(as_text=True))
    page = _post(client, token, "dispute", csrf, comment="Tôi không có nhà hôm đó").get_data(as_text=True)
    assert "sẽ liên hệ" in page
    assert len(_citizen_events(db, "citizen_disputed")) == 1
    _post(client, token, "dispute", csrf, comment="lần hai")
    _post(client, token, "confirm", csrf, rating="1")
    assert len(_citizen_events(db, "citizen_disputed")) == 1 and _citizen_events(db, "citizen_confirmed") == []


def test_answers_need_csrf_and_a_delivered_result(client, db, office):
    shipment, token = linked(db, office)
    prove(client, token)
    assert client.post(f"/t/{token}/confirm", data={}).status_code == 400
    _post(client, token, "confirm", rating="4")  # not delivered yet
    assert _citizen_events(db, "citizen_confirmed") == []


def test_a_note_for_the_courier_before_delivery(client, db, office):
    shipment, token = linked(db, office)
    prove(client, token)
    page = _post(client, token, "note", note="Tôi ở nhà sau 17 giờ").get_data(as_text=True)
    assert "Đã gửi lời nhắn" in page and "Tôi ở nhà sau 17 giờ" in page
    too_long = _post(client, token, "note", note="x" * 301).get_data(as_text=True)
    assert "Tối đa 300 ký tự." in too_long and len(_citizen_events(db, "citizen_note")) == 1


def test_a_link_leaves_at_most_three_notes_a_day(client, db, office):
    """Whoever holds the envelope can write: sixteen notes from one link used to be accepted."""
    shipment, token = linked(db, office)
    prove(client, token)
    for n in range(3):
        assert "Đã gửi lời nhắn" in _post(client, token, "note", note=f"Lời nhắn {n}").get_data(as_text=True)
    fourth = _post(client, token, "note", note="Lời nhắn thứ tư").get_data(as_text=True)
    assert "Hôm nay đã có 3 lời nhắn cho bưu gửi này." in fourth
    assert len(_citizen_events(db, "citizen_note")) == 3
    for event in _citizen_events(db, "citizen_note"):  # a day later, one more may be left
        db.session.execute(text("UPDATE event SET created_at = :at WHERE id = :id"),
                           {"at": event.created_at.replace(tzinfo=None) - timedelta(days=1, minutes=1), "id": event.id})
    db.session.commit()
    assert "Đã gửi lời nhắn" in _post(client, token, "note", note="Hôm sau").get_data(as_text=True)


def test_the_receipt_shows_the_hand_over_and_verifies_the_proof(app, client, db, office, users):
    shipment, token = linked(db, office)
    attempt = deliver(app, db, shipment, users["courier"])
    prove(client, token)
    page = client.get(f"/t/{token}/receipt").get_data(as_text=True)
    assert users["courier"].full_name in page and "người nộp hồ sơ" in page
    assert "Hợp lệ" in page and attempt.proofs[0].sha256 in page and "049201001234" not in page
    signature = client.get(f"/t/{token}/signature.png", buffered=True)
    assert signature.status_code == 200 and signature.data.startswith(b"\x89PNG")

    path = MediaStore(app.config["MEDIA_DIR"]).path_for(attempt.proofs[0].sha256)
    altered = bytearray(path.read_bytes())
    altered[-20] ^= 0xFF
    path.write_bytes(bytes(altered))
    page = client.get(f"/t/{token}/receipt").get_data(as_text=True)
    assert "Đã bị thay đổi" in page and "Hợp lệ" not in re.sub(r"<code.*?</code>", "", page)


def test_no_receipt_before_delivery(client, db, office):
    _, token = linked(db, office)
    assert client.get(f"/t/{token}/receipt").status_code == 404


class TestRateLimit:
    @pytest.fixture
    def app_settings(self):
        return {"RATELIMIT_ENABLED": True, "CITIZEN_RATE_LIMIT": "5 per minute"}

    def test_too_many_requests_from_one_address_are_refused(self, client, db, office):
        _, token = linked(db, office)
        statuses = [client.get(f"/t/{token}").status_code for _ in range(6)]
        assert statuses == [200] * 5 + [429]


def test_a_not_received_report_shows_at_once_on_the_dispatcher_board(app, client, db, office, users, auth):
    shipment, token = linked(db, office)
    deliver(app, db, shipment, users["courier"])
    prove(client, token)
    _post(client, token, "dispute", comment="Không ai giao cho tôi")
    citizen_side = client  # the same test client, now as the dispatcher
    auth.login(users["dispatcher"].username)
    board = citizen_side.get("/dispatch/").get_data(as_text=True)
    assert "Người dân báo chưa nhận được" in board and shipment.dossier.code in board
    assert "Không ai giao cho tôi" in board


def test_a_confirmation_shows_on_the_shipment_page(app, client, db, office, users, auth):
    shipment, token = linked(db, office)
    deliver(app, db, shipment, users["courier"])
    prove(client, token)
    _post(client, token, "confirm", rating="5")
    auth.login(users["dispatcher"].username)
    page = client.get(f"/dispatch/shipments/{shipment.public_id}").get_data(as_text=True)
    assert "Người dân xác nhận đã nhận" in page


def test_a_rating_outside_one_to_five_is_refused_without_an_error_page(app, client, db, office, users):
    shipment, token = linked(db, office)
    deliver(app, db, shipment, users["courier"])
    prove(client, token)
    response = _post(client, token, "confirm", rating="abc")
    assert response.status_code == 200 and _citizen_events(db, "citizen_confirmed") == []
