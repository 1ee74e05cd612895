"""Holding the envelope's link is not being the citizen: the proof and the answers wait for the
last 4 digits of the phone the agency gave, and guessing them is counted and locked per link."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import text

from courier.domain.tokens import new_token
from courier.models import CitizenLink, Event
from courier.models.types import utcnow
from tests.conftest import csrf_token_from
from tests.integration.dispatch_support import flashes
from tests.integration.test_citizen_link import PHONE, deliver, linked, prove

RIGHT, WRONG = PHONE[-4:], "0000"
PROOF = ("Nguyễn Văn An", "********1234", "signature.png", "Xem biên bản giao nhận")  # name, ID tail, signature
LOCKED = "tạm khóa đến"
ASKED = "Hãy nhập 4 số cuối số điện thoại đã đăng ký với cơ quan để tiếp tục."


def page_of(client, token) -> str:
    return client.get(f"/t/{token}").get_data(as_text=True)


def guess(client, token, digits) -> str:
    """Post digits as a guesser would, even where the page shows no form (a locked link): the CSRF
    token belongs to the browser's session, and the login page hands one out."""
    csrf = csrf_token_from(client.get("/login").get_data(as_text=True))
    return client.post(f"/t/{token}/check", data={"digits": digits, "csrf_token": csrf},
                       follow_redirects=True).get_data(as_text=True)


def said(page: str) -> str:
    return " ".join(flashes(page))


def failed_checks(db, shipment) -> int:
    db.session.expire_all()
    return db.session.get(CitizenLink, shipment.citizen_links[0].id).failed_checks


def citizen_events(db) -> list[Event]:
    return db.session.execute(db.select(Event).where(Event.action.like("citizen_%"))).scalars().all()


@pytest.fixture
def delivered(app, db, office, users):
    office.hotline = "02353851234"
    shipment, token = linked(db, office)
    deliver(app, db, shipment, users["courier"])
    return shipment, token


def test_the_proof_is_hidden_before_the_check_and_shown_after(client, db, users, delivered):
    shipment, token = delivered
    before = page_of(client, token)
    for private in PROOF + (users["courier"].full_name, "Cấp phiếu lý lịch tư pháp"):
        assert private not in before
    assert "Nhập 4 số cuối số điện thoại đã đăng ký với cơ quan" in before and "Nguyễn V** A**" in before
    assert "Đã phát" in before  # the state and its date stay for anyone holding the envelope

    after = prove(client, token).get_data(as_text=True)
    assert "Đã xác minh." in said(after)
    for shown in PROOF + (users["courier"].full_name, "Cấp phiếu lý lịch tư pháp", "Tôi đã nhận được kết quả"):
        assert shown in after
    assert "Nhập 4 số cuối" not in after


def test_the_receipt_and_the_signature_are_refused_before_the_check(client, db, delivered):
    shipment, token = delivered
    receipt = client.get(f"/t/{token}/receipt")
    assert receipt.status_code == 302 and receipt.headers["Location"].endswith(f"/t/{token}#check")
    assert "Nguyễn Văn An" not in receipt.get_data(as_text=True)
    signature = client.get(f"/t/{token}/signature.png")
    assert signature.status_code == 403 and not signature.data.startswith(b"\x89PNG")

    prove(client, token)
    assert "Nguyễn Văn An" in client.get(f"/t/{token}/receipt").get_data(as_text=True)
    with client.get(f"/t/{token}/signature.png") as signature:
        assert signature.status_code == 200 and signature.data.startswith(b"\x89PNG")


@pytest.mark.parametrize("action,form", [("confirm", {"rating": "5"}), ("dispute", {"comment": "Không nhận được"})])
def test_an_answer_before_the_check_is_refused_and_nothing_is_recorded(client, db, delivered, action, form):
    shipment, token = delivered
    csrf = csrf_token_from(page_of(client, token))
    page = client.post(f"/t/{token}/{action}", data=form | {"csrf_token": csrf}, follow_redirects=True)
    assert ASKED in flashes(page.get_data(as_text=True))
    assert citizen_events(db) == [] and db.session.execute(text("SELECT count(*) FROM citizen_answer")).scalar() == 0


def test_a_note_before_the_check_is_refused_and_nothing_is_recorded(client, db, office):
    shipment, token = linked(db, office)
    csrf = csrf_token_from(page_of(client, token))
    page = client.post(f"/t/{token}/note", data={"note": "Tôi ở nhà sau 17 giờ", "csrf_token": csrf},
                       follow_redirects=True).get_data(as_text=True)
    assert ASKED in flashes(page)
    assert citizen_events(db) == [] and "Tôi ở nhà sau 17 giờ" not in page


def test_wrong_digits_are_counted_and_the_fifth_locks_the_check_with_the_hotline(client, db, delivered):
    shipment, token = delivered
    for tries_left in (4, 3, 2, 1):
        page = prove(client, token, WRONG).get_data(as_text=True)
        assert f"Số chưa đúng. Bạn còn {tries_left} lần thử." in flashes(page)
    assert failed_checks(db, shipment) == 4
    locked = guess(client, token, WRONG)
    assert LOCKED in locked and "02353851234" in locked and "Nhập 4 số cuối" not in locked
    assert failed_checks(db, shipment) == 5

    still = guess(client, token, RIGHT)  # the right digits, too late
    assert LOCKED in still and "Nguyễn Văn An" not in still
    assert client.get(f"/t/{token}/receipt").status_code == 302


def test_the_lock_holds_for_a_new_browser_and_ends_after_twelve_hours(app, client, db, delivered):
    shipment, token = delivered
    for _ in range(5):
        guess(client, token, WRONG)
    fresh = app.test_client()  # cookies thrown away, or another phone
    assert LOCKED in page_of(fresh, token)
    assert LOCKED in guess(fresh, token, RIGHT)
    assert fresh.get(f"/t/{token}/signature.png").status_code == 403

    link = db.session.get(CitizenLink, shipment.citizen_links[0].id)
    assert timedelta(hours=11, minutes=59) < link.locked_until - utcnow() <= timedelta(hours=12)
    link.locked_until = utcnow() - timedelta(seconds=1)  # twelve hours later
    db.session.commit()
    again = guess(fresh, token, WRONG)  # after a lock, each miss locks again
    assert LOCKED in again and failed_checks(db, shipment) == 6


def test_the_right_digits_reset_the_count(app, client, db, delivered):
    shipment, token = delivered
    for _ in range(4):
        prove(client, token, WRONG)
    assert "Đã xác minh." in said(prove(client, token, RIGHT).get_data(as_text=True))
    assert failed_checks(db, shipment) == 0
    for tries_left in (4, 3):  # a fresh five: the earlier misses are forgotten, not just unlocked
        assert f"Số chưa đúng. Bạn còn {tries_left} lần thử." in flashes(
            prove(app.test_client(), token, WRONG).get_data(as_text=True))


def test_the_proof_is_for_the_link_checked_not_for_the_shipments_other_links(client, db, office):
    shipment, label = linked(db, office)
    slip, hashed = new_token()
    shipment.add_citizen_link(hashed, "agency")
    db.session.commit()
    prove(client, label)
    assert "Nhập 4 số cuối" in page_of(client, slip)  # the agency's slip asks on its own


def test_concurrent_wrong_guesses_are_all_counted(app, db, delivered):
    shipment, token = delivered
    clients = [app.test_client() for _ in range(4)]
    forms = [csrf_token_from(page_of(client, token)) for client in clients]
    start, heard = threading.Barrier(len(clients), timeout=15), []

    def guess(client, csrf, digits):
        with app.app_context():
            start.wait()
            response = client.post(f"/t/{token}/check", data={"digits": digits, "csrf_token": csrf},
                                   follow_redirects=True)
            heard.extend(flashes(response.get_data(as_text=True)))
    threads = [threading.Thread(target=guess, args=(client, csrf, f"000{n}"))
               for n, (client, csrf) in enumerate(zip(clients, forms))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failed_checks(db, shipment) == 4
    assert sorted(heard) == [f"Số chưa đúng. Bạn còn {n} lần thử." for n in (1, 2, 3, 4)]


def test_concurrent_guesses_past_the_fifth_are_refused_by_the_lock(app, db, delivered):
    shipment, token = delivered
    clients = [app.test_client() for _ in range(8)]
    forms = [csrf_token_from(page_of(client, token)) for client in clients]
    start, pages = threading.Barrier(len(clients), timeout=15), []

    def guess(client, csrf):
        with app.app_context():
            start.wait()
            pages.append(client.post(f"/t/{token}/check", data={"digits": WRONG, "csrf_token": csrf},
                                     follow_redirects=True).get_data(as_text=True))
    threads = [threading.Thread(target=guess, args=pair) for pair in zip(clients, forms)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failed_checks(db, shipment) == 5  # five were compared; three met the lock the fifth set
    assert sum("Số chưa đúng." in said(page) for page in pages) == 4
    assert all(LOCKED in page for page in pages if "Số chưa đúng." not in said(page))


def test_a_dossier_with_no_phone_cannot_be_checked_online(app, client, db, office, users):
    office.hotline = "02353851234"
    shipment, token = linked(db, office, applicant_phone=None)
    deliver(app, db, shipment, users["courier"])
    page = page_of(client, token)
    assert "không thể xác minh trực tuyến" in page and "02353851234" in page
    assert 'name="digits"' not in page and "Nguyễn Văn An" not in page
    after = guess(client, token, "3456")
    assert "Nguyễn Văn An" not in after and failed_checks(db, shipment) == 0
    assert client.get(f"/t/{token}/receipt").status_code == 302


@pytest.mark.parametrize("typed,message", [
    ("abcd", "Hãy nhập đúng 4 chữ số, từ 0 đến 9."),
    ("345", "Hãy nhập đúng 4 chữ số, từ 0 đến 9."),
    ("3" * 50, "Hãy nhập đúng 4 chữ số, từ 0 đến 9."),
    ("٣٤٥٦", "Hãy nhập đúng 4 chữ số, từ 0 đến 9."),    # Arabic-Indic digits for 3456
    ("３４５６", "Hãy nhập đúng 4 chữ số, từ 0 đến 9."),  # full-width digits for 3456
    ("3456\n", None),                                    # a stray newline is only trimmed
    ("", "Hãy nhập 4 số cuối số điện thoại."),
    ("x" * 100_000, "Hãy nhập đúng 4 chữ số, từ 0 đến 9."),
])
def test_hostile_digits_get_a_clear_error_and_are_not_counted(client, db, delivered, typed, message):
    shipment, token = delivered
    response = prove(client, token, typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    if message is None:
        assert "Đã xác minh." in said(page)
    else:
        assert message in flashes(page) and "Nguyễn Văn An" not in page
    assert failed_checks(db, shipment) == 0


class TestCheckRateLimit:
    @pytest.fixture
    def app_settings(self):
        return {"RATELIMIT_ENABLED": True}

    def test_one_address_may_try_only_a_few_times_a_minute_whatever_the_link(self, client, db, office):
        links = [linked(db, office)[1] for _ in range(3)]
        statuses = [prove(client, links[n % 3], WRONG).status_code for n in range(5)]
        assert statuses == [200] * 5
        csrf = csrf_token_from(page_of(client, links[0]))
        refused = client.post(f"/t/{links[0]}/check", data={"digits": WRONG, "csrf_token": csrf})
        assert refused.status_code == 429 and "thử lại sau" in refused.get_data(as_text=True)
        assert client.get(f"/t/{links[0]}").status_code == 200  # reading the page is limited separately


def test_migration_0023_starts_every_existing_link_at_zero_unlocked(migration_app):
    from flask_migrate import downgrade, upgrade

    from courier.extensions import db as database
    from tests.integration.migration_support import old_shipments

    with migration_app.app_context():
        upgrade(revision="0022")
        with database.engine.begin() as connection:
            connection.execute(text("INSERT INTO post_office (id, code, name, ward_code, province_code) "
                                    "VALUES (1, 'BC-1', 'Bưu cục', 20341, 48)"))
            old_shipments(connection, ["received"])
            connection.execute(text("INSERT INTO citizen_link (shipment_id, token_hash, source, created_at)"
                                    " VALUES (1, :hash, 'label', '2026-01-01 00:00:00')"), {"hash": "a" * 64})
        upgrade(revision="0023")
        with database.engine.connect() as connection:
            migrated = connection.execute(text("SELECT failed_checks, locked_until FROM citizen_link")).all()
        downgrade(revision="0022")
        with database.engine.connect() as connection:
            kept = connection.execute(text("SELECT token_hash FROM citizen_link")).scalars().all()
        database.engine.dispose()
    assert [tuple(row) for row in migrated] == [(0, None)] and kept == ["a" * 64]
