"""Holding what a write has read until its commit, on SQLite as on PostgreSQL.

PostgreSQL locks the rows a write reads with SELECT … FOR UPDATE. SQLite has no row
locks (FOR UPDATE is ignored), and Python's driver opens a transaction only at its
first INSERT or UPDATE: two requests could each read a shipment, then each move it
from what they had read (two deliveries, a dispatch after one). On SQLite a write that
must not act on a stale read takes the database's one write lock first, with BEGIN
IMMEDIATE, and reads after it; pages keep reading side by side under WAL.
"""
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
