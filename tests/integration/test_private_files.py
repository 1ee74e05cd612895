"""The files that hold citizens' data are readable by the service account alone.

An instance folder as `make run` makes it (no SECRET_KEY, its own SQLite database and queue
file), migrated and written to: the folder is 0700, the database, its WAL and SHM, the
queue's file and a backup are 0600, whatever the umask says.
"""
import os
import stat

import pytest
from flask_migrate import upgrade

from courier import config, create_app
from courier.extensions import db as _db
from courier.media import media_store
from courier.queue import huey
from courier.services import backup
from tests import factories


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def loose_umask():
    previous = os.umask(0o022)  # what most systems give a service: files 0644, folders 0755
    yield
    os.umask(previous)


def test_the_instance_folder_database_queue_and_backups_are_private(tmp_path, loose_umask):
    folder = tmp_path / "instance"
    settings = config.from_environment({"COURIER_INSTANCE_DIR": str(folder)})
    settings.update(TESTING=True, HUEY_SQLITE_PATH=str(folder / "huey.sqlite3"), SQLITE_SYNCHRONOUS="NORMAL",
                    PASSWORD_HASH_METHOD="scrypt:1024:8:1")
    app = create_app(settings)
    with app.app_context():
        upgrade()
        factories.post_office()
        _db.session.commit()
        huey.storage.enqueued_items()  # opens the queue's file
        archive = backup.create_backup(folder / "backups", media_store())
        database = folder / "courier.sqlite3"
        assert mode(folder) == 0o700 and mode(folder / "secret_key") == 0o600
        assert mode(database) == 0o600
        for sidecar in ("-wal", "-shm"):
            assert mode(f"{database}{sidecar}") == 0o600, sidecar
        assert mode(folder / "huey.sqlite3") == 0o600
        assert mode(folder / "backups") == 0o700 and mode(archive) == 0o600
        _db.session.remove()
        _db.engine.dispose()


def test_files_left_readable_by_an_older_version_are_narrowed_at_start(tmp_path, loose_umask):
    folder = tmp_path / "instance"
    folder.mkdir(mode=0o755)
    database = folder / "courier.sqlite3"
    database.touch(mode=0o644)
    os.chmod(database, 0o644)
    settings = config.from_environment({"COURIER_INSTANCE_DIR": str(folder)})
    app = create_app({**settings, "TESTING": True})
    with app.app_context():
        assert mode(folder) == 0o700 and mode(database) == 0o600
        _db.engine.dispose()
