"""Shared pieces of the benchmarks: scratch databases, timing, the table printed at the end."""
import os
import shutil
import statistics
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from courier import create_app
from courier.config import database_url

SCALE = float(os.environ.get("BENCH_SCALE", "1.0"))
PG_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ROWS: list[tuple[str, str, str]] = []  # (what, figure, target)


def report(what: str, figure: str, target: str = "") -> None:
    ROWS.append((what, figure, target))
    print(f"  {what}: {figure}  {('(target ' + target + ')') if target else ''}", flush=True)


def print_table() -> None:
    width = max(len(what) for what, _, _ in ROWS)
    print("\n" + "what".ljust(width) + " | figure             | target")
    print("-" * width + "-|--------------------|-------")
    for what, figure, target in ROWS:
        print(f"{what.ljust(width)} | {figure.ljust(18)} | {target}")


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def timed(function, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def postgres_available() -> bool:
    try:
        engine = create_engine(database_url(PG_URL))
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001 (any failure means: skip the PostgreSQL figures)
        return False


@contextmanager
def scratch_app(kind: str):
    """An app on a fresh, migrated scratch database of `kind` ("sqlite" or "postgresql")."""
    from flask_migrate import upgrade

    folder = Path(tempfile.mkdtemp(prefix="courier-bench-"))
    if kind == "sqlite":
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
    else:
        base = make_url(database_url(PG_URL))
        name = f"{base.database}_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = base.set(database=name).render_as_string(hide_password=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "MEDIA_DIR": str(folder / "media"),
                      "CHECKPOINT_KEY_FILE": str(folder / "key.pem"),
                      "CHECKPOINT_LOG_FILE": str(folder / "checkpoints.jsonl"), "RATELIMIT_ENABLED": False,
                      "SQLITE_SYNCHRONOUS": "NORMAL"})
    try:
        with app.app_context():
            upgrade()
            yield app
    finally:
        from courier.extensions import db

        with app.app_context():
            db.engine.dispose()
        shutil.rmtree(folder, ignore_errors=True)   # a million-shipment SQLite file is 1.5 GB
        if kind != "sqlite":
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def median(samples: list[float]) -> float:
    return statistics.median(samples)
