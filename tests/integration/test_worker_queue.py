"""Two real workers share the webhook queue; one is killed mid-way and nothing is lost.

`flask --app courier worker` runs twice as subprocesses against this test's
database (SQLite, or PostgreSQL with DATABASE_URL) and queue (a SQLite file,
or Redis when it answers), sending to a local receiver that records every
request. Forty deliveries are queued, one worker is SIGKILLed once a quarter
has arrived, and the other must finish: each delivery arrives, none arrives
twice before the kill, and afterwards only what the dead worker had in hand
may arrive a second time (with the same event id, so the receiver drops it).
"""
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest

from courier.config import BASE_DIR
from courier.ledger import custody
from courier.domain.states import Action
from courier.models import WebhookDelivery, WebhookTry
from courier.queue import huey
from courier.services import agency_keys
from tests import factories
from tests.integration.agency_endpoint import AgencyEndpoint

DELIVERIES, THREADS, KILL_AFTER = 40, 2, 10
REDIS_URL = "redis://127.0.0.1:6379/0"


def _redis_answers() -> bool:
    try:
        import redis

        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception:
        return False


@pytest.fixture(params=["sqlite", "redis"])
def queue_settings(request, tmp_path) -> dict:
    """Where the queue lives, as the app's settings and as the workers' environment."""
    if request.param == "redis" and not _redis_answers():
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    name = f"test_{uuid.uuid4().hex[:12]}"
    return {"HUEY_NAME": name, "HUEY_SQLITE_PATH": str(tmp_path / "huey.sqlite3"),
            "HUEY_REDIS_URL": REDIS_URL if request.param == "redis" else ""}


@pytest.fixture
def app_settings(queue_settings):
    return queue_settings


@pytest.fixture
def receiver():
    made = AgencyEndpoint(delay=0.1)
    yield made
    made.close()


@pytest.fixture
def workers(app, database_url, queue_settings, tmp_path):
    """Start `flask --app courier worker` processes; all are killed at the end."""
    started: list[tuple[subprocess.Popen, Path]] = []
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "FLASK_APP"}}
    env.update({
        "DATABASE_URL": database_url, "SECRET_KEY": app.config["SECRET_KEY"],
        "COURIER_INSTANCE_DIR": str(tmp_path / "instance"), "SQLITE_SYNCHRONOUS": "NORMAL",
        "HUEY_NAME": queue_settings["HUEY_NAME"], "HUEY_SQLITE_PATH": queue_settings["HUEY_SQLITE_PATH"],
        # Short claims and a sweep every second, so that the dead worker's deliveries come back quickly.
        "WEBHOOK_CLAIM_SECONDS": "2", "WEBHOOK_SWEEP_SECONDS": "1", "WEBHOOK_TIMEOUT_SECONDS": "1",
        "WEBHOOK_ALLOW_PRIVATE_NETWORKS": "1",  # the agency's endpoint is on this machine
        # Only the custody events' deliveries are counted here: no checkpoint events.
        "XDG_STATE_HOME": str(tmp_path / "state"), "CHECKPOINT_EVERY_MINUTES": "0",
    })
    if queue_settings["HUEY_REDIS_URL"]:
        env["REDIS_URL"] = queue_settings["HUEY_REDIS_URL"]

    def start(number: int) -> subprocess.Popen:
        log = tmp_path / f"worker-{number}.log"
        with open(log, "wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "courier", "worker", "--threads", str(THREADS)],
                cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        started.append((process, log))
        return process

    def wait_until_consuming(deadline: float) -> None:
        for process, log in started:
            while "Huey consumer started" not in log.read_text(errors="replace"):
                assert process.poll() is None, f"worker died:\n{log.read_text(errors='replace')}"
                assert time.monotonic() < deadline, f"worker did not start:\n{log.read_text(errors='replace')}"
                time.sleep(0.05)

    def logs() -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}" for _, log in started)

    start.wait_until_consuming, start.logs = wait_until_consuming, logs
    yield start
    for process, _ in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    if queue_settings["HUEY_REDIS_URL"]:
        huey.storage.flush_all()  # only this test's queue's keys


def _delivered(db) -> int:
    db.session.rollback()  # a fresh look at what the workers committed
    return db.session.execute(
        db.select(db.func.count()).select_from(WebhookDelivery).filter_by(status="delivered")).scalar_one()


def test_two_workers_deliver_everything_once_even_when_one_is_killed(db, office, receiver, workers):
    agency = factories.agency()
    agency_keys.set_webhook(agency, receiver.url)
    db.session.commit()
    first, second = workers(1), workers(2)
    for _ in range(DELIVERIES):  # written while the workers start, committed once they consume
        custody.apply(factories.shipment(office), Action.RECEIVE, max_attempts=3)
    db.session.flush()
    workers.wait_until_consuming(deadline=time.monotonic() + 60)  # generous: two cold starts, busy CPUs
    db.session.commit()  # after the commit, forty tasks are on the queue
    queued = time.monotonic()
    event_ids = {str(e) for e in db.session.execute(db.select(WebhookDelivery.event_id)).scalars()}
    assert len(event_ids) == DELIVERIES

    while receiver.count() < KILL_AFTER:
        assert time.monotonic() < queued + 20, f"deliveries did not start\n{workers.logs()}"
        time.sleep(0.01)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    time.sleep(0.3)  # what the dead worker sent just before dying is read by the receiver
    before_kill = receiver.event_ids()
    assert receiver.count() < DELIVERIES, "the kill did not fall in the middle of the work"

    while _delivered(db) < DELIVERIES:
        assert second.poll() is None, f"the surviving worker died\n{workers.logs()}"
        assert time.monotonic() < queued + 25, f"{_delivered(db)} of {DELIVERIES} delivered\n{workers.logs()}"
        time.sleep(0.1)

    arrivals = receiver.event_ids()
    assert set(arrivals) == event_ids  # every delivery arrived, none lost
    assert len(before_kill) == len(set(before_kill))  # none twice while both workers ran
    repeats = Counter(arrivals) - Counter(set(arrivals))
    # After the kill, only the tries the dead worker had in flight may be sent again.
    assert sum(repeats.values()) <= THREADS and set(repeats) <= set(before_kill)
    logged = db.session.execute(db.select(db.func.count()).select_from(WebhookTry)).scalar_one()
    assert logged >= DELIVERIES and len(arrivals) - logged == sum(repeats.values())
