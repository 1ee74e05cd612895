"""Sessions that end: on the server, at logout, after idle time, at a new password or a lock."""
import hashlib
from datetime import timedelta

from courier import auth as auth_module
from courier.models import UserSession
from courier.models.types import utcnow
from tests import factories
from tests.conftest import AuthActions, csrf_token_from


def _login(client, username, remember=False, agent="Phone A"):
    client.environ_base["HTTP_USER_AGENT"] = agent
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    data = {"username": username, "password": factories.PASSWORD, "csrf_token": token}
    if remember:
        data["remember"] = "y"
    return client.post("/login", data=data)


def _cookie(client, name):
    found = client.get_cookie(name)
    return found.value if found else None


def _only_cookie(app, name, value, agent="Phone A"):
    """A fresh browser holding nothing but a copy of one cookie."""
    other = app.test_client()
    other.environ_base["HTTP_USER_AGENT"] = agent
    other.set_cookie(name, value)
    return other


def test_after_logout_a_copy_of_the_session_cookie_opens_nothing(app, users, client):
    _login(client, users["courier"].username)
    copy = _cookie(client, "session")
    assert _only_cookie(app, "session", copy).get("/courier/").status_code == 200
    AuthActions(client).logout()
    assert _only_cookie(app, "session", copy).get("/courier/").status_code == 302


def test_a_courier_s_remember_cookie_works_only_in_the_browser_that_logged_in(app, users, client):
    _login(client, users["courier"].username, remember=True)
    remembered = _cookie(client, "remember_token")
    assert remembered
    assert _only_cookie(app, "remember_token", remembered).get("/courier/").status_code == 200
    assert _only_cookie(app, "remember_token", remembered, agent="Laptop B").get("/courier/").status_code == 302


def test_a_remember_cookie_ends_with_logout(app, users, client):
    _login(client, users["courier"].username, remember=True)
    remembered = _cookie(client, "remember_token")
    AuthActions(client).logout()
    assert _cookie(client, "remember_token") is None
    assert _only_cookie(app, "remember_token", remembered).get("/courier/").status_code == 302


def test_dispatchers_and_admins_are_never_remembered(users, client):
    for role in ("dispatcher", "admin"):
        _login(client, users[role].username, remember=True)
        assert _cookie(client, "remember_token") is None, role


def test_the_login_page_says_who_remember_is_for(client):
    assert "Chỉ dành cho bưu tá, tối đa 3 ngày" in client.get("/login").get_data(as_text=True)


def test_a_dispatcher_idle_too_long_is_logged_out_on_the_server(app, db, users, client, monkeypatch):
    _login(client, users["dispatcher"].username)
    copy = _cookie(client, "session")
    assert client.get("/dispatch/").status_code == 200
    later = utcnow() + timedelta(minutes=31)
    monkeypatch.setattr(auth_module, "utcnow", lambda: later)
    response = client.get("/dispatch/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    monkeypatch.undo()
    assert _only_cookie(app, "session", copy).get("/dispatch/").status_code == 302
    assert db.session.execute(db.select(UserSession)).scalar_one().ended_at is not None


def test_a_dispatcher_s_requests_keep_the_session_alive(users, client, monkeypatch):
    _login(client, users["dispatcher"].username)
    start = utcnow()
    for minutes in (20, 40, 60):
        monkeypatch.setattr(auth_module, "utcnow", lambda m=minutes: start + timedelta(minutes=m))
        assert client.get("/dispatch/").status_code == 200, minutes


def test_a_courier_s_session_survives_a_day_offline_but_not_past_its_days(db, users, client):
    _login(client, users["courier"].username)
    login = db.session.execute(db.select(UserSession)).scalar_one()
    assert login.expires_at - login.created_at == timedelta(days=3)
    a_day_ago = utcnow() - timedelta(hours=25)
    login.created_at = login.last_seen_at = a_day_ago
    db.session.commit()
    assert client.get("/courier/").status_code == 200
    login.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/courier/").status_code == 302


def test_locking_the_account_ends_its_sessions_for_good(db, users, client):
    _login(client, users["courier"].username)
    users["courier"].set_active(False)
    db.session.commit()
    users["courier"].set_active(True)
    db.session.commit()
    assert client.get("/courier/").status_code == 302


def test_only_a_hash_of_the_token_is_stored(db, users, client):
    _login(client, users["courier"].username)
    with client.session_transaction() as session:
        token = session["_user_id"]
    stored = db.session.execute(db.select(UserSession)).scalar_one()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in stored.token_hash
    assert stored.agent_hash == hashlib.sha256(b"Phone A").hexdigest()
