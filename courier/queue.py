"""The durable task queue that background work goes through (Huey).

Why a queue library and not our own polling loop: work is handed to a worker
the moment it is committed, several workers (threads, processes, machines)
share it without stepping on each other, and a crashed worker is replaced by
starting another. Huey is small and keeps its queue in Redis (REDIS_URL set:
workers on several machines) or in a SQLite file (the default: workers on
this machine only).

A queue drops a task whose worker dies while running it, so nothing that must
not be lost lives only here: webhook deliveries are rows in the database (the
outbox), and a periodic sweep queues again whatever is due (courier/tasks.py).
"""
from datetime import datetime, timezone
from functools import wraps

from flask import Flask
from huey import Huey
from huey.consumer import Consumer, Scheduler
from huey.storage import RedisStorage, SqliteStorage
from redis import ConnectionPool

from .private_files import private_file

class _Huey(Huey):
    """A Huey whose storage is opened on first use, from the app's configuration.

    Tasks must be declared at import time, before any app exists; opening the
    storage lazily also means an app that never queues anything (most tests,
    `flask init-db`) never touches the queue's file or server.
    """

    _settings: tuple | None = None
    _storage = None

    def create_storage(self):
        return None

    @property
    def storage(self):
        if self._storage is None:
            if self._settings is None:
                raise RuntimeError("the task queue is not configured: call queue.init_app(app)")
            name, redis_url, sqlite_path = self._settings
            if redis_url:
                # Bounded waits: a request that queues a task after commit must not hang on a dead Redis.
                pool = ConnectionPool.from_url(redis_url, socket_connect_timeout=2, socket_timeout=10)
                self._storage = RedisStorage(name, connection_pool=pool)
            else:
                self._storage = SqliteStorage(name, filename=str(private_file(sqlite_path)))
        return self._storage

    @storage.setter
    def storage(self, value):
        self._storage = value

    def configure(self, settings: tuple) -> None:
        if settings != self._settings:
            if self._storage is not None:
                self._storage.close()
            self._settings, self._storage = settings, None


# Task results are not kept: every task records what it did in the database.
huey = _Huey("courier", results=False, utc=True)
_app: Flask | None = None


def init_app(app: Flask) -> None:
    """Point the queue at this app's storage; tasks run in this app's context."""
    global _app
    _app = app
    huey.configure((app.config["HUEY_NAME"], app.config["HUEY_REDIS_URL"], app.config["HUEY_SQLITE_PATH"]))


def _in_app_context(fn):
    @wraps(fn)
    def run(*args, **kwargs):
        with _app.app_context():  # its own database session, removed when the task ends
            return fn(*args, **kwargs)
    return run


def task(fn):
    """Declare a background task; it runs inside the app's context."""
    return huey.task()(_in_app_context(fn))


def every_sweep(fn):
    """Declare a task the worker's scheduler queues every WEBHOOK_SWEEP_SECONDS."""
    return huey.periodic_task(lambda _now: True)(_in_app_context(fn))


def every_minutes(setting: str):
    """Declare a task the worker's scheduler queues once every `setting` minutes (0: never).

    Due when the worker starts, then at each new period counted from 00:00 UTC (an hourly
    task at each full hour). The scheduler looks every WEBHOOK_SWEEP_SECONDS, so the
    period is tracked here rather than matched to a minute: none is run twice or skipped.
    """
    def declare(fn):
        return huey.periodic_task(_new_period(setting), name=fn.__name__)(_in_app_context(fn))
    return declare


def _new_period(setting: str):
    last = []

    def due(now: datetime) -> bool:
        minutes = _app.config[setting] if _app is not None else 0
        if minutes <= 0:
            return False
        if now.tzinfo is None:  # Huey's clock (utc=True): naive UTC
            now = now.replace(tzinfo=timezone.utc)
        period = int(now.timestamp() // 60) // minutes
        if last and last[0] == period:
            return False
        last[:] = [period]
        return True
    return due


def run_consumer(app: Flask, threads: int) -> None:
    """Run the Huey consumer in this process until SIGTERM/SIGINT (graceful) or SIGKILL.

    Every worker runs a scheduler too, so each one sweeps; the sweep is cheap
    and what it queues twice is dropped by the claim on the delivery.
    """
    class _Scheduler(Scheduler):
        periodic_task_seconds = app.config["WEBHOOK_SWEEP_SECONDS"]

    class _Consumer(Consumer):
        scheduler_class = _Scheduler

    # An idle thread looks at a SQLite queue at least every second (Redis wakes it at once).
    # TERM (what systemd sends) lets running tasks finish; a task cut short is swept again.
    _Consumer(huey, workers=threads, worker_type="thread", max_delay=1.0, graceful_signal="TERM",
              shutdown_timeout=app.config["WEBHOOK_TIMEOUT_SECONDS"] + 5).run()
