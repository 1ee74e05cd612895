"""Logging in and out: hashed passwords, fresh sessions, CSRF, rate limits."""
import pytest

from courier.models import User, UserSession
from tests import factories
from tests.conftest import csrf_token_from


def test_passwords_are_stored_as_scrypt_hashes(db, users):
    stored = db.session.get(User, users["courier"].id)
    assert stored.password_hash.startswith("scrypt:")
    assert factories.PASSWORD not in stored.password_hash
    assert stored.check_password(factories.PASSWORD)
    assert not stored.check_password("wrong-password")


def test_short_passwords_are_refused(users):
    with pytest.raises(ValueError):
        users["courier"].set_password("short")


@pytest.mark.parametrize("role,home", [
    ("courier", "/courier/"), ("dispatcher", "/dispatch/"), ("admin", "/dispatch/")])
def test_each_role_lands_on_its_home_page(users, auth, role, home):
    response = auth.login(users[role].username)
    assert response.status_code == 302 and response.headers["Location"] == home


def test_a_wrong_password_shows_a_vietnamese_message(users, auth):
    response = auth.login(users["courier"].username, "not-the-password", follow=True)
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.get_data(as_text=True)


def test_an_unknown_user_gets_the_same_message(users, auth):
    response = auth.login("nobody", "whatever-password", follow=True)
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.get_data(as_text=True)


def test_login_starts_a_fresh_session(users, auth, client):
    client.environ_base["HTTP_USER_AGENT"] = "test-phone"
    with client.session_transaction() as session:
        session["planted"] = "by an attacker before login"
    auth.login(users["courier"].username)
    with client.session_transaction() as session:
        assert "planted" not in session
        token = session["_user_id"]
    login = UserSession.find_live(token, "test-phone")
    assert login is not None and login.user_id == users["courier"].id


def test_next_is_followed_only_within_the_site(users, auth, client):
    page = client.get("/login?next=https://evil.example/")
    token = csrf_token_from(page.get_data(as_text=True))
    response = client.post("/login?next=https://evil.example/", data={
        "username": users["courier"].username, "password": factories.PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/courier/"


def test_session_cookie_flags(users, auth):
    response = auth.login(users["courier"].username)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_changing_the_password_ends_existing_sessions(db, users, auth, client):
    auth.login(users["courier"].username)
    assert client.get("/courier/").status_code == 200
    users["courier"].set_password("a-brand-new-password")
    db.session.commit()
    assert client.get("/courier/").status_code == 302


def test_a_deactivated_user_is_logged_out_and_cannot_log_in(db, users, auth, client):
    auth.login(users["courier"].username)
    users["courier"].active = False
    db.session.commit()
    assert client.get("/courier/").status_code == 302
    response = auth.login(users["courier"].username, follow=True)
    assert "không đúng" in response.get_data(as_text=True)


def test_logout_needs_a_post_with_csrf(users, auth, client):
    auth.login(users["courier"].username)
    assert client.get("/logout").status_code == 405
    refused = client.post("/logout", data={})
    assert refused.status_code == 400
    assert "biểu mẫu không hợp lệ" in refused.get_data(as_text=True)
    assert client.get("/courier/").status_code == 200  # still logged in
    auth.logout()
    assert client.get("/courier/").status_code == 302


def test_login_without_csrf_token_is_refused(users, client):
    response = client.post("/login", data={"username": users["courier"].username,
                                           "password": factories.PASSWORD})
    assert response.status_code == 400
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_empty_fields_get_field_errors(client):
    page = client.get("/login")
    token = csrf_token_from(page.get_data(as_text=True))
    html = client.post("/login", data={"csrf_token": token}).get_data(as_text=True)
    assert "Hãy nhập tên đăng nhập." in html and "Hãy nhập mật khẩu." in html
