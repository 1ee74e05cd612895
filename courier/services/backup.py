"""Backup and restore of the database and the media together, portable between SQLite and PostgreSQL.

A backup is one .tar.gz: every table as JSON lines (in dependency order),
every media file under its hash, and a manifest with the schema revision
and each member's SHA-256. Restoring writes rows as they were (chain hashes
included, so `verify` proves the copy whole) into an empty, migrated
database, and refuses a backup whose files do not match their manifest.
"""
import hashlib
import io
import json
import tarfile
import time
import uuid
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Date, DateTime, Enum, Uuid, delete, func, insert, select, text

from ..domain.storage import MediaStore
from ..extensions import db
from ..models import ChainHead
from ..models.types import UTCDateTime
from ..private_files import private_file, private_folder

FORMAT = 1


class RestoreRefused(Exception):
    """The backup cannot be restored here; the message says why."""


def create_backup(target_dir: str | Path, media: MediaStore) -> Path:
    """Write a backup file into `target_dir` and return its path."""
    target_dir = private_folder(target_dir)
    path = private_file(target_dir / f"courier-backup-{time.strftime('%Y%m%d-%H%M%S')}.tar.gz")
    manifest = {"format": FORMAT, "revision": _revision(), "tables": {}, "files": {}}
    _begin_snapshot()
    try:
        _write_archive(path, manifest, media)
    finally:
        db.session.rollback()  # end the read-only snapshot
    return path


def _begin_snapshot() -> None:
    """Read every table as of one moment, so a backup taken while couriers sync is consistent
    (an attempt is never without its shipment's event, nor a proof without its attempt)."""
    db.session.rollback()
    if db.engine.dialect.name == "postgresql":
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        db.session.execute(text("SET TRANSACTION READ ONLY"))
    else:
        # Python's sqlite3 opens no transaction for a SELECT: each would see its own moment.
        db.session.execute(text("BEGIN"))


def _write_archive(path: Path, manifest: dict, media: MediaStore) -> None:
    with tarfile.open(path, "w:gz") as archive:
        for table in db.metadata.sorted_tables:
            lines = [json.dumps(_dump_row(row), ensure_ascii=False)
                     for row in db.session.execute(select(table).order_by(*table.primary_key.columns)).mappings()]
            _add(archive, manifest, f"tables/{table.name}.jsonl", ("\n".join(lines) + "\n").encode())
            manifest["tables"][table.name] = len(lines)
        for digest in _media_digests():
            if media.exists(digest):
                _add(archive, manifest, f"media/{digest}", media.get(digest))
        _add(archive, {"files": {}}, "manifest.json", json.dumps(manifest, indent=1).encode())


def restore_backup(path: str | Path, media: MediaStore) -> dict:
    """Restore a backup into this (empty, migrated) database and media store; the caller commits."""
    with tarfile.open(path, "r:gz") as archive:
        manifest = json.loads(_read(archive, "manifest.json"))
        if manifest.get("format") != FORMAT or manifest.get("revision") != _revision():
            raise RestoreRefused(f"backup is of schema {manifest.get('revision')}, this database {_revision()}")
        if not _is_empty():
            raise RestoreRefused("the database is not empty")
        for name, expected in manifest["files"].items():
            if hashlib.sha256(_read(archive, name)).hexdigest() != expected:
                raise RestoreRefused(f"{name} does not match the manifest")
        # The migrations leave each chain's head at its start: the backup's heads replace them.
        db.session.execute(delete(ChainHead))
        for table in db.metadata.sorted_tables:
            rows = [_load_row(table, json.loads(line))
                    for line in _read(archive, f"tables/{table.name}.jsonl").decode().splitlines() if line]
            if rows:
                db.session.execute(insert(table), rows)
        for name in manifest["files"]:
            if name.startswith("media/"):
                media.put(_read(archive, name))
    _reset_sequences()
    return manifest["tables"]


def _is_empty() -> bool:
    """No rows in any table, but the chains' heads at their start, as the migrations leave them."""
    for table in db.metadata.sorted_tables:
        rows = select(func.count()).select_from(table)
        if table is ChainHead.__table__:
            rows = rows.where(ChainHead.seq != 0)
        if db.session.execute(rows).scalar():
            return False
    return True


def _dump_row(row) -> dict:
    def plain(value):
        if isinstance(value, (datetime, date)):
            return value.isoformat()
        if isinstance(value, uuid.UUID):
            return str(value)
        return value.value if hasattr(value, "value") and not isinstance(value, (int, str)) else value
    return {key: plain(value) for key, value in row.items()}


def _load_row(table, row: dict) -> dict:
    loaded = {}
    for column in table.columns:
        value = row.get(column.name)
        kind = column.type
        if value is not None:
            if isinstance(kind, (UTCDateTime, DateTime)):
                value = datetime.fromisoformat(value)
            elif isinstance(kind, Date):
                value = date.fromisoformat(value)
            elif isinstance(kind, Uuid):
                value = uuid.UUID(value)
            elif isinstance(kind, Enum) and kind.enum_class is not None:
                value = kind.enum_class(value)
        loaded[column.name] = value
    return loaded


def _media_digests() -> set[str]:
    from ..models import Proof

    return set(db.session.execute(select(Proof.sha256)).scalars())


def _revision() -> str | None:
    return db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _reset_sequences() -> None:
    """PostgreSQL's id sequences must continue after the restored ids."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        key = [c for c in table.primary_key.columns if c.autoincrement is not False and c.type.python_type is int]
        if len(key) == 1:
            db.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{key[0].name}'), "
                f"COALESCE((SELECT MAX({key[0].name}) FROM \"{table.name}\"), 0) + 1, false)"))


def _add(archive: tarfile.TarFile, manifest: dict, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime = len(content), int(time.time())
    archive.addfile(info, io.BytesIO(content))
    manifest["files"][name] = hashlib.sha256(content).hexdigest()


def _read(archive: tarfile.TarFile, name: str) -> bytes:
    try:
        member = archive.extractfile(name)
    except KeyError as error:
        raise RestoreRefused(f"{name} is missing from the backup") from error
    return member.read()
