"""Fixtures: app, client, db session helpers, and a logged-in client per role."""
import re
import uuid

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade

from courier import create_app
from courier.extensions import db as _db
from tests import factories
from tests.databases import drop_database, empty_all_tables, worker_database_url


@pytest.fixture(scope="session")
def worker_id_safe(request) -> str:
    return getattr(request.config, "workerinput", {}).get("workerid", "main")


@pytest.fixture(scope="session")
def database_url(request, tmp_path_factory, worker_id_safe) -> str:
    """This worker's database, migrated to head with the real migrations."""
    run_id = getattr(request.config, "workerinput", {}).get("testrunuid") or uuid.uuid4().hex
    url = worker_database_url(worker_id_safe, tmp_path_factory.mktemp("db"), run_id)
    app = create_app(_test_settings(url, tmp_path_factory.mktemp("media")))
    with app.app_context():
        upgrade()
        _db.engine.dispose()
    yield url
    drop_database(url)


# The app's secret in tests, the live server's too: links derived from it (the agency's slip, the
# door's receipt) made by a test's factory must open on the server the browser talks to.
SECRET_KEY = "test-secret-key-not-for-production"


def _test_settings(url: str, media_dir, **overrides) -> dict:
    settings = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": SECRET_KEY,
        "MEDIA_DIR": str(media_dir),
        "CHECKPOINT_KEY_FILE": str(media_dir) + "-checkpoint.pem",
        "CHECKPOINT_LOG_FILE": str(media_dir) + "-checkpoints.jsonl",
        # Each test its own queue file, never the instance folder's.
        "HUEY_SQLITE_PATH": str(media_dir) + "-huey.sqlite3",
        "RATELIMIT_ENABLED": False,
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",  # the default costs ~0.1 s a hash
        # No fsync per commit: tests do not cut the power, and the suite runs twice as fast.
        "SQLITE_SYNCHRONOUS": "NORMAL",
        "PUBLIC_BASE_URL": "http://localhost",
        # The tests' agency endpoints listen on 127.0.0.1; test_webhook_targets.py turns this off.
        "WEBHOOK_ALLOW_PRIVATE_NETWORKS": True,
    }
    if url.startswith("postgresql"):
        # As SQLite's NORMAL above: commits need not wait for the disk in tests.
        settings["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True,
                                                 "connect_args": {"options": "-c synchronous_commit=off"}}
    settings.update(overrides)
    return settings


class IsolatedClient(FlaskClient):
    """A test client whose every request gets its own app context, as in production.

    Without this, requests would reuse the test's app context, and with it `g`
    (Flask-Login's cached user) and the test's database session.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app_settings() -> dict:
    """Overrides a test module may set before `app` is built (e.g. to enable rate limits)."""
    return {}


@pytest.fixture
def app(database_url, tmp_path, app_settings):
    app = create_app(_test_settings(database_url, tmp_path / "media", **app_settings))
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        _db.session.remove()
        empty_all_tables(_db.engine, _db.metadata)
        _db.engine.dispose()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def office(db):
    return factories.post_office()


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or \
        re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


class AuthActions:
    """Log a test client in and out through the real login form."""

    def __init__(self, client):
        self.client = client

    def login(self, username: str, password: str = factories.PASSWORD, follow=False):
        page = self.client.get("/login")
        token = csrf_token_from(page.get_data(as_text=True))
        return self.client.post("/login", data={
            "username": username, "password": password, "csrf_token": token,
        }, follow_redirects=follow)

    def logout(self):
        page = self.client.get("/")
        html = self.client.get(page.headers.get("Location", "/")).get_data(as_text=True)
        return self.client.post("/logout", data={"csrf_token": csrf_token_from(html)})


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def users(db, office):
    """One committed user per role, all of the same post office (the desk user of the test agency)."""
    made = {role: factories.user(office, role) for role in ("courier", "dispatcher", "admin", "agency_desk")}
    made["agency_desk"].agency = factories.agency()
    db.session.commit()
    return made
