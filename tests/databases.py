"""One database per pytest worker, on SQLite (default) or PostgreSQL (DATABASE_URL).

Each worker migrates its own database once with the real migrations; tests
then empty every table after themselves, which is far faster than migrating
per test and still starts each test from nothing.
"""
import os
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from courier.config import database_url
from courier.domain.chain import GENESIS
from courier.ledger.chain import CHAINS


def worker_database_url(worker: str, scratch: Path, run_id: str) -> str:
    """Create this worker's empty database and return its URL.

    On PostgreSQL the name carries the test run's id, so two test runs on one
    server (a developer's and CI's) never drop each other's databases.
    """
    base = os.environ.get("DATABASE_URL")
    if not base:
        path = scratch / f"courier-{worker}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    url = make_url(database_url(base))
    name = f"{url.database}_courier_{run_id[:10]}_{worker}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def empty_all_tables(engine, metadata) -> None:
    """Delete every row, children first, with plain SQL (the ORM's audit guard does not apply)."""
    with engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            connection.execute(table.delete())
        # As the migrations leave a database: every chain's head made, at its start.
        connection.execute(metadata.tables["chain_head"].insert(),
                           [{"name": name, "seq": 0, "hash": GENESIS} for name in CHAINS])
        if engine.dialect.name == "postgresql":
            # Not TRUNCATE: it makes new files for every table, 72 ms a test here against 7 ms for
            # deleting a test's few rows and restarting the sequences in one statement.
            sequences = connection.scalars(text("SELECT sequencename FROM pg_sequences "
                                                "WHERE schemaname = current_schema()")).all()
            if sequences:
                connection.execute(text("SELECT " + ", ".join(f"setval('\"{name}\"', 1, false)"
                                                              for name in sequences)))


def drop_database(url: str) -> None:
    """Remove a PostgreSQL test database at the end of the run (SQLite files go with tmp)."""
    if not url.startswith("postgresql"):
        return
    parsed = make_url(url)
    admin = create_engine(make_url(database_url(os.environ["DATABASE_URL"])), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()


@contextmanager
def statements_sent(engine):
    """The (SQL, parameters) pairs the engine sends inside the block, in order."""
    sent = []

    def record(_connection, _cursor, statement, parameters, *_rest):
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)
