"""Login attempts are rate-limited, with a clear message."""
import pytest

from tests.conftest import csrf_token_from


@pytest.fixture
def app_settings():
    # TRUSTED_PROXIES: as behind nginx; requests without X-Forwarded-For are unchanged.
    return {"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per minute", "TRUSTED_PROXIES": 1}


def test_too_many_login_attempts_are_refused_with_a_message(users, client):
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    form = {"username": users["courier"].username, "password": "wrong-password", "csrf_token": token}
    statuses = [client.post("/login", data=form).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert "thao tác quá nhiều lần" in client.post("/login", data=form).get_data(as_text=True)


def test_behind_a_trusted_proxy_each_client_has_its_own_counter(db, office, client):
    """The client's address is read from nginx's X-Forwarded-For, not nginx's own address."""
    from tests import factories

    names = [factories.user(office, "courier").username for _ in range(2)]
    db.session.commit()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))

    def attempt(address: str, username: str) -> int:
        form = {"username": username, "password": "wrong-password", "csrf_token": token}
        return client.post("/login", data=form, headers={"X-Forwarded-For": address}).status_code

    assert [attempt("203.0.113.7", names[0]) for _ in range(4)] == [200, 200, 200, 429]
    assert attempt("203.0.113.8", names[1]) == 200  # someone else behind the same nginx
