"""Backup and restore: the database and the media together, proven whole by verify."""
import io
import tarfile

import pytest
from sqlalchemy import func, select

from courier import create_app
from courier.extensions import db as _db
from courier.models import Attempt, Event, Proof, Shipment
from tests.attempts import delivered, post
from tests.conftest import _test_settings
from tests.databases import drop_database, worker_database_url


@pytest.fixture
def history(app, db, courier_client, on_round):
    assert post(courier_client, delivered(on_round)).status_code == 201
    return {model: db.session.execute(select(func.count()).select_from(model)).scalar()
            for model in (Shipment, Event, Attempt, Proof)}


@pytest.fixture
def fresh_app(tmp_path):
    """A second, empty and migrated database with its own media folder."""
    import uuid

    from flask_migrate import upgrade

    url = worker_database_url(f"restore_{uuid.uuid4().hex[:6]}", tmp_path, uuid.uuid4().hex)
    app = create_app(_test_settings(url, tmp_path / "restored-media"))
    with app.app_context():
        upgrade()
        yield app
        _db.session.remove()
        _db.engine.dispose()
    drop_database(url)


def test_a_backup_restores_into_a_fresh_database_and_verifies(app, history, tmp_path, fresh_app):
    with app.app_context():  # the CLI runs in whichever app context is active
        backup = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "backups")])
    assert backup.exit_code == 0, backup.output
    [archive] = (tmp_path / "backups").glob("courier-backup-*.tar.gz")

    runner = fresh_app.test_cli_runner()
    restored = runner.invoke(args=["restore", str(archive)])
    assert restored.exit_code == 0, restored.output
    counts = {model: _db.session.execute(select(func.count()).select_from(model)).scalar()
              for model in (Shipment, Event, Attempt, Proof)}
    assert counts == history
    verify = runner.invoke(args=["verify"])
    assert verify.exit_code == 0, verify.output
    from courier.domain.storage import MediaStore

    store = MediaStore(fresh_app.config["MEDIA_DIR"])
    assert all(store.verify(p.sha256) for p in _db.session.execute(select(Proof)).scalars())


def test_restoring_into_a_database_that_is_not_empty_is_refused(app, history, tmp_path):
    app.test_cli_runner().invoke(args=["backup", str(tmp_path / "b")])
    [archive] = (tmp_path / "b").glob("*.tar.gz")
    result = app.test_cli_runner().invoke(args=["restore", str(archive)])
    assert result.exit_code != 0 and "not empty" in result.output


def test_a_tampered_backup_is_refused(app, history, tmp_path, fresh_app):
    with app.app_context():  # the CLI runs in whichever app context is active
        app.test_cli_runner().invoke(args=["backup", str(tmp_path / "b")])
    [archive] = (tmp_path / "b").glob("*.tar.gz")
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(tampered, "w:gz") as target:
        for member in source.getmembers():
            content = source.extractfile(member).read()
            if member.name == "tables/attempt.jsonl":
                content = content.replace("Trần".encode(), b"Forged")
            member.size = len(content)
            target.addfile(member, io.BytesIO(content))
    result = fresh_app.test_cli_runner().invoke(args=["restore", str(tampered)])
    assert result.exit_code != 0 and "does not match" in result.output
    assert _db.session.execute(select(func.count()).select_from(Attempt)).scalar() == 0


def test_a_backup_reads_every_table_as_of_one_moment(app, db, history, tmp_path, users, monkeypatch):
    # A write that commits while the backup is half-way through must not appear in the tables
    # read after it: else a backup could hold an attempt without its shipment's events.
    from courier.domain.storage import MediaStore
    from courier.services import backup

    original_add, written = backup._add, []

    def add_then_write_elsewhere(archive, manifest, name, content):
        original_add(archive, manifest, name, content)
        if not written:
            with db.engine.connect() as other:  # another connection, as another request would be
                other.execute(_db.text(
                    "INSERT INTO cash_hand_in (post_office_id, courier_id, handed_on, amount, received_by_id, "
                    "created_at) VALUES (:office, :courier, CURRENT_DATE, 50000, :dispatcher, CURRENT_TIMESTAMP)"),
                    {"office": users["courier"].post_office_id, "courier": users["courier"].id,
                     "dispatcher": users["dispatcher"].id})
                other.commit()
            written.append(name)

    monkeypatch.setattr(backup, "_add", add_then_write_elsewhere)
    path = backup.create_backup(tmp_path / "backups", MediaStore(app.config["MEDIA_DIR"]))
    assert written and written[0] != "tables/cash_hand_in.jsonl"
    with tarfile.open(path) as archive:
        manifest = __import__("json").loads(archive.extractfile("manifest.json").read())
    assert manifest["tables"]["cash_hand_in"] == 0  # committed after the backup's moment
    assert db.session.execute(_db.text("SELECT count(*) FROM cash_hand_in")).scalar() == 1
