"""Fixtures shared by the integration tests: the courier's sync API, and walking the migrations."""
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from courier import create_app
from courier.config import database_url as resolve_url

from courier.ledger import custody
from courier.domain.formatting import local_today
from courier.domain.states import Action
from courier.models import Round, RoundStop
from tests import factories
from tests.conftest import csrf_token_from


@pytest.fixture
def courier_client(app, db, users, client, auth):
    auth.login(users["courier"].username)
    html = client.get("/courier/").get_data(as_text=True)
    client.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token_from(html)
    return client


@pytest.fixture
def on_round(db, office, users):
    """A shipment on the courier's round for today, out for delivery."""
    shipment = factories.shipment(office)
    round_ = Round(courier=users["courier"], post_office=office, round_date=local_today())
    round_.stops.append(RoundStop(shipment=shipment, position=0))
    db.session.add(round_)
    for action in (Action.RECEIVE, Action.ASSIGN):
        custody.apply(shipment, action, max_attempts=3)
    custody.apply(shipment, Action.DISPATCH, max_attempts=3, courier=users["courier"])
    db.session.commit()
    return shipment


@pytest.fixture
def scratch_url(database_url, tmp_path):
    """An empty database of the suite's kind, for walking the migrations by hand."""
    if not database_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'migrate.sqlite3'}"
        return
    base = make_url(database_url)
    name = f"{base.database}_m{uuid.uuid4().hex[:8]}"
    admin = create_engine(make_url(resolve_url(database_url)), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield base.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def migration_app(scratch_url, tmp_path):
    """An app on `scratch_url` with no schema yet, for tests that upgrade step by step."""
    return create_app({"SQLALCHEMY_DATABASE_URI": scratch_url, "SECRET_KEY": "test", "TESTING": True,
                       "MEDIA_DIR": str(tmp_path / "media"), "CHECKPOINT_KEY_FILE": str(tmp_path / "key.pem"),
                       "CHECKPOINT_LOG_FILE": str(tmp_path / "checkpoints.jsonl")})
