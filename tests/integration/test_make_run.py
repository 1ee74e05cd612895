"""`make run` runs the web server and the worker together, so webhooks go out with nothing else started.

The test starts what the Makefile's run target calls (tools/run_all.py) as a subprocess on a free
port, with its own instance folder and that folder's SQLite database, as `make run` would. An
agency registers its webhook and a dispatcher receives its result, both through real HTTP; the
agency's endpoint must hear of it, and one SIGINT (Ctrl-C) must stop everything.
"""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest
from flask_migrate import upgrade

from courier import create_app
from courier.config import BASE_DIR
from courier.domain.tokens import new_token
from courier.extensions import db as _db
from courier.services.agency_keys import issue_api_key
from tests import factories
from tests.conftest import _test_settings, csrf_token_from
from tests.integration.agency_endpoint import AgencyEndpoint

WAIT_SECONDS = 15


@pytest.fixture
def instance(tmp_path):
    """An instance folder whose SQLite database has an office, its dispatcher, an agency with an
    API key, and one result the agency announced."""
    folder = tmp_path / "instance"
    folder.mkdir()
    app = create_app(_test_settings(f"sqlite:///{folder / 'courier.sqlite3'}", folder / "media",
                                    HUEY_SQLITE_PATH=str(folder / "huey.sqlite3")))
    with app.app_context():
        upgrade()
        office = factories.post_office()
        dispatcher = factories.user(office, "dispatcher")
        agency = factories.agency()
        agency.post_office = office
        shipment = factories.shipment(office)
        token, hashed = new_token()
        shipment.add_citizen_link(hashed, "label")
        made = {"folder": folder, "dispatcher": dispatcher.username, "key": issue_api_key(agency),
                "shipment": str(shipment.public_id), "code": shipment.dossier.code, "token": token}
        _db.session.commit()
        _db.session.remove()
        _db.engine.dispose()
    return made


@pytest.fixture
def receiver():
    made = AgencyEndpoint()
    yield made
    made.close()


@pytest.fixture
def started(instance, tmp_path):
    """tools/run_all.py on a free port; yields (supervisor, base URL, {child name: pid}, log path)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "REDIS_URL", "FLASK_APP"} and not k.startswith(("HUEY_", "WEBHOOK_"))}
    env.update({"COURIER_INSTANCE_DIR": str(instance["folder"]), "SQLITE_SYNCHRONOUS": "NORMAL",
                "WEBHOOK_ALLOW_PRIVATE_NETWORKS": "1",  # the agency's endpoint is on this machine
                "PUBLIC_BASE_URL": f"http://localhost:{port}",
                # The checkpoint key and log in the test's folder; no hourly checkpoint event
                # reaching the receiver before the custody event these tests wait for.
                "XDG_STATE_HOME": str(tmp_path / "state"), "CHECKPOINT_EVERY_MINUTES": "0"})
    log = tmp_path / "run_all.log"
    with open(log, "wb") as out:
        supervisor = subprocess.Popen([sys.executable, "tools/run_all.py", "--bind", f"127.0.0.1:{port}"],
                                      cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT,
                                      start_new_session=True)
    children = {}
    try:
        base = f"http://127.0.0.1:{port}"
        children = _wait_until_up(supervisor, base, log)
        yield supervisor, base, children, log
    finally:
        for pid in [supervisor.pid, *children.values()]:
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        supervisor.wait(timeout=10)


def _wait_until_up(supervisor, base: str, log) -> dict[str, int]:
    """The children's pids, once the web server answers and the worker consumes."""
    deadline = time.monotonic() + 2 * WAIT_SECONDS
    while True:
        text = log.read_text(errors="replace")
        assert supervisor.poll() is None, f"run_all.py stopped:\n{text}"
        assert time.monotonic() < deadline, f"not up in time:\n{text}"
        if "Huey consumer started" in text and _answers(base):
            return {name: int(pid) for name, pid in re.findall(r"(\w+) \(pid (\d+)\)", text)}
        time.sleep(0.1)


def _answers(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/login", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_make_run_delivers_a_webhook_by_itself_and_one_ctrl_c_stops_both(instance, receiver, started):
    supervisor, base, children, log = started
    assert set(children) == {"web", "worker"}

    hook = urllib.request.Request(f"{base}/api/v1/webhook", method="PUT", data=json.dumps(
        {"url": receiver.url}).encode(), headers={"Authorization": f"Bearer {instance['key']}",
                                                  "Content-Type": "application/json"})
    with urllib.request.urlopen(hook, timeout=10) as answer:
        assert answer.status == 200

    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    _submit(browser, f"{base}/login", {"username": instance["dispatcher"], "password": factories.PASSWORD})
    page = _submit(browser, f"{base}/dispatch/receive", {"shipment": instance["shipment"]})
    assert "Đã nhận 1 bưu gửi." in page

    deadline = time.monotonic() + WAIT_SECONDS
    while receiver.count() == 0:
        assert time.monotonic() < deadline, f"no webhook arrived:\n{log.read_text(errors='replace')[-3000:]}"
        time.sleep(0.1)
    _, body = receiver.received[0]
    event = json.loads(body)
    assert event["type"] == "shipment.received" and event["dossier_code"] == instance["code"]

    supervisor.send_signal(signal.SIGINT)
    assert supervisor.wait(timeout=WAIT_SECONDS) == 0
    assert "/dispatch/receive" in log.read_text(errors="replace")  # the access log is on
    assert all(_gone(pid) for pid in children.values())
    assert not _answers(base)


def test_the_access_log_keeps_no_citizen_link_token(instance, started):
    supervisor, base, _children, log = started
    token = instance["token"]
    with urllib.request.urlopen(urllib.request.Request(
            f"{base}/t/{token}", headers={"Referer": f"{base}/t/{token}/receipt"}), timeout=10) as page:
        assert page.status == 200
    deadline = time.monotonic() + WAIT_SECONDS
    while "/t/[redacted]" not in log.read_text(errors="replace"):
        assert time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
        time.sleep(0.1)
    assert token not in log.read_text(errors="replace")


def test_when_the_worker_dies_the_web_server_is_stopped_too_and_the_exit_is_an_error(started):
    supervisor, base, children, log = started
    os.kill(children["worker"], signal.SIGKILL)
    assert supervisor.wait(timeout=WAIT_SECONDS) != 0
    assert _gone(children["web"]) and not _answers(base)
    assert "courier: worker đã dừng / stopped" in log.read_text(errors="replace")  # says which one


def _submit(browser, url: str, fields: dict) -> str:
    """Open the form's page for its CSRF token, then post the form as the browser would."""
    with browser.open(url, timeout=10) as form:
        token = csrf_token_from(form.read().decode())
    with browser.open(url, data=urllib.parse.urlencode({"csrf_token": token, **fields}).encode(),
                      timeout=10) as answer:
        return answer.read().decode()
