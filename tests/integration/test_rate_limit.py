"""Login attempts are rate-limited, with a clear message."""
import pytest

from tests.conftest import csrf_token_from


@pytest.fixture
def app_settings():
    return {"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per minute"}


def test_too_many_login_attempts_are_refused_with_a_message(users, client):
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    form = {"username": users["courier"].username, "password": "wrong-password", "csrf_token": token}
    statuses = [client.post("/login", data=form).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert "thao tác quá nhiều lần" in client.post("/login", data=form).get_data(as_text=True)
