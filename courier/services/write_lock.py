"""Holding what a write has read until its commit, on SQLite as on PostgreSQL.

PostgreSQL locks the rows a write reads with SELECT … FOR UPDATE. SQLite has no row
locks (FOR UPDATE is ignored), and Python's driver opens a transaction only at its
first INSERT or UPDATE: two requests could each read a shipment, then each move it
from what they had read (two deliveries, a dispatch after one). On SQLite a write that
must not act on a stale read takes the database's one write lock first, with BEGIN
IMMEDIATE, and reads after it; pages keep reading side by side under WAL.
"""
from sqlalchemy import select
from sqlalchemy.orm import Session


def hold_database(session: Session) -> bool:
    """On SQLite, take the write lock now (waiting up to the busy timeout) and return True:
    what the caller read before must be read again. Elsewhere do nothing and return False:
    the caller's FOR UPDATE holds its rows.

    A request that has written already holds the lock: nothing is done then, and reads
    made since its first write are current.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return False
    if not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    return True


def hold(session: Session, *records) -> None:
    """Hold `records` until the commit and read them again, on either database: two requests that
    both read a dossier as waiting (a double click, two desks) then act one after the other, and
    the second sees what the first did.

    On PostgreSQL their rows are locked by id, in id order (two requests holding overlapping sets
    wait rather than deadlock), with a bare SELECT: FOR UPDATE refuses the outer joins a refresh
    of a record with eagerly loaded relations makes.
    """
    session.flush()  # a refresh would throw away what this request changed and has not yet written
    if not hold_database(session):
        for record in sorted(records, key=lambda record: (type(record).__name__, record.id)):
            table = type(record).__table__
            session.execute(select(table.c.id).where(table.c.id == record.id).with_for_update())
    for record in records:
        session.refresh(record)
