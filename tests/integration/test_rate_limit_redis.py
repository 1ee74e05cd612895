"""With REDIS_URL, rate-limit counters live in Redis and are shared by every app server.

Two app instances in two processes (each with its own Flask-Limiter) count one
login counter: three tries on the first and one on the second trip the limit.
Skipped only when no Redis answers on 127.0.0.1:6379.
"""
import json
import subprocess
import sys
import uuid

import pytest

from courier.config import BASE_DIR
from tests.conftest import csrf_token_from

REDIS_URL = "redis://127.0.0.1:6379/13"
PREFIX = f"courier-test-{uuid.uuid4().hex[:12]}"
LIMITS = {"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per minute",
          "RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": PREFIX}

# The second app server: its own process, its own app and limiter, the same database and Redis.
SECOND_SERVER = """
import json, sys
from courier import create_app
from tests.conftest import _test_settings, csrf_token_from
url, media, limits, username, tries = json.loads(sys.argv[1])
client = create_app(_test_settings(url, media, **limits)).test_client()
token = csrf_token_from(client.get("/login").get_data(as_text=True))
form = {"username": username, "password": "wrong-password", "csrf_token": token}
print(json.dumps([client.post("/login", data=form).status_code for _ in range(tries)]))
"""


def _redis():
    import redis

    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.RedisError:
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    return connection


@pytest.fixture
def app_settings():
    return LIMITS


@pytest.fixture
def redis_keys():
    connection = _redis()
    yield lambda: list(connection.scan_iter(match=f"*{PREFIX}*"))
    for key in connection.scan_iter(match=f"*{PREFIX}*"):  # only this test's counters
        connection.delete(key)


def test_two_app_servers_share_one_login_counter(redis_keys, database_url, users, client, tmp_path):
    username = users["courier"].username
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    form = {"username": username, "password": "wrong-password", "csrf_token": token}
    assert [client.post("/login", data=form).status_code for _ in range(3)] == [200, 200, 200]
    assert redis_keys(), "the counters are not in Redis"

    second = subprocess.run(
        [sys.executable, "-c", SECOND_SERVER,
         json.dumps([database_url, str(tmp_path / "media2"), LIMITS, username, 1])],
        cwd=BASE_DIR, capture_output=True, text=True, timeout=60)
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout.strip().splitlines()[-1]) == [429]  # the fourth try, on another server
