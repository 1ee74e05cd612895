"""Password guessing: failures counted per username in the database, one path for every failure."""
from datetime import timedelta

import pytest

from courier import create_app
from courier.extensions import db as _db
from courier.models import LoginThrottle, login_throttle
from courier.models.types import utcnow
from courier.routes import auth as auth_routes
from tests import factories
from tests.conftest import AuthActions, _test_settings

WRONG = "not-the-password"
REFUSED = "Tên đăng nhập hoặc mật khẩu không đúng."
LOCKED = "tạm bị khóa vì nhập sai nhiều lần"


def _fail(auth, username, times, ip="203.0.113.1"):
    auth.client.environ_base["REMOTE_ADDR"] = ip
    return [auth.login(username, WRONG) for _ in range(times)]


def test_the_lock_doubles_from_30_seconds_to_an_hour():
    assert [login_throttle.lock_seconds(n) for n in range(1, 14)] == [
        0, 0, 0, 0, 0, 30, 60, 120, 240, 480, 960, 1920, 3600]
    assert login_throttle.lock_seconds(500) == 3600


def test_after_five_failures_the_account_is_locked_whatever_the_address(users, auth):
    name = users["courier"].username
    for i, response in enumerate(_fail(auth, name, 5)):
        assert response.status_code == 200 and REFUSED in response.get_data(as_text=True), i
    sixth = _fail(auth, name, 1, ip="198.51.100.7")[0]
    assert sixth.status_code == 429 and int(sixth.headers["Retry-After"]) <= 31
    assert LOCKED in sixth.get_data(as_text=True) and "khoảng 1 phút" in sixth.get_data(as_text=True)
    auth.client.environ_base["REMOTE_ADDR"] = "192.0.2.99"
    right = auth.login(name)  # the right password, from a third address: still refused
    assert right.status_code == 429 and LOCKED in right.get_data(as_text=True)


def test_an_unknown_username_is_locked_alike(users, auth):
    known = [r.status_code for r in _fail(auth, users["courier"].username, 6)]
    unknown = [r.status_code for r in _fail(auth, "nobody-here", 6)]
    assert known == unknown == [200] * 5 + [429]
    assert LOCKED in auth.login("nobody-here", WRONG).get_data(as_text=True)


def test_the_lock_ends_and_a_success_forgets_the_failures(db, users, auth):
    name = users["courier"].username
    _fail(auth, name, 6)
    db.session.execute(_db.update(LoginThrottle).values(locked_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert auth.login(name).status_code == 302
    assert db.session.execute(_db.select(LoginThrottle)).first() is None
    assert [r.status_code for r in _fail(auth, name, 5)] == [200] * 5


def test_the_count_is_shared_by_every_process(app, database_url, tmp_path, users, auth):
    """Two app instances (two gunicorn processes, or two machines) on one database count together."""
    other = create_app(_test_settings(database_url, tmp_path / "other-media"))
    other_auth = AuthActions(other.test_client())
    name = users["courier"].username
    _fail(auth, name, 3)
    with other.app_context():
        responses = [other_auth.login(name, WRONG) for _ in range(3)]
        _db.session.remove()
        _db.engine.dispose()  # else its connections are closed by the garbage collector, warning
    assert [r.status_code for r in responses] == [200, 200, 429]


@pytest.mark.parametrize("case", ["unknown", "deactivated", "locked", "wrong", "right"])
def test_every_attempt_checks_one_password_hash(db, users, auth, monkeypatch, case):
    """Unknown name, locked account, locked name and wrong password take the same time: one hash."""
    name = "nobody" if case == "unknown" else users["courier"].username
    if case == "deactivated":
        users["courier"].set_active(False)
        db.session.commit()
    if case == "locked":
        _fail(auth, name, 6)
    calls = []
    real = auth_routes.check_password_hash
    monkeypatch.setattr(auth_routes, "check_password_hash", lambda *a: calls.append(a) or real(*a))
    response = auth.login(name, factories.PASSWORD if case == "right" else WRONG)
    assert len(calls) == 1
    if case in ("unknown", "deactivated", "wrong"):
        assert response.status_code == 200 and REFUSED in response.get_data(as_text=True)
