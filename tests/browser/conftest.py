"""Browser fixtures: the real app under gunicorn, and Debian's Chromium driven by Playwright.

The server shares this worker's database with the tests, so a test writes its
data through the models and then looks at it as a user would, over HTTP.
"""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.conftest import SECRET_KEY

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_serving(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url + "/login", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start serving in time")


class LiveServer:
    """gunicorn serving wsgi:app on a free port; can be killed and restarted."""

    def __init__(self, database_url: str, scratch: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = scratch / "gunicorn.log"
        self.env = dict(os.environ, DATABASE_URL=database_url, SECRET_KEY=SECRET_KEY,
                        MEDIA_DIR=str(scratch / "media"),
                        COURIER_INSTANCE_DIR=str(scratch / "instance"),
                        # The checkpoint key and log, which default to the user's state folder.
                        CHECKPOINT_KEY_FILE=str(scratch / "state" / "checkpoint_key.pem"),
                        CHECKPOINT_LOG_FILE=str(scratch / "state" / "checkpoints.jsonl"),
                        PUBLIC_BASE_URL=self.url, LOGIN_RATE_LIMIT="1000 per minute",
                        CITIZEN_CHECK_RATE_LIMIT="1000 per minute",  # every test's citizen is 127.0.0.1
                        VIETQR_BANK_BIN="970436", VIETQR_ACCOUNT="0011001234567",
                        WEBHOOK_ALLOW_PRIVATE_NETWORKS="1")  # the agency's endpoint is on this machine
        self.process = None

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--workers", "1", "--threads", "4",
                 "--bind", f"127.0.0.1:{self.port}", "--no-control-socket", "wsgi:app"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)  # its own process group, so kill() takes the workers too
        _wait_until_serving(self.url, self.process)

    def kill(self) -> None:
        """SIGKILL the master and its workers at once, as a crash would; nothing is flushed."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture(scope="session")
def live_server(database_url, tmp_path_factory):
    server = LiveServer(database_url, tmp_path_factory.mktemp("live"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def chromium():
    with sync_playwright() as playwright:
        # The phone's user agent for every target, service workers included: Playwright's
        # device emulation reaches pages only, and a worker's requests with another user agent
        # would trip Flask-Login's "strong" session protection and log the courier out.
        user_agent = playwright.devices["Pixel 7"]["user_agent"]
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=[*CHROMIUM_FLAGS, f"--user-agent={user_agent}"])
        yield playwright, browser
        browser.close()


@pytest.fixture
def phone(chromium, live_server, app):
    """A Pixel 7 with touch, in Vietnamese and Vietnam's time zone, at the live server."""
    playwright, browser = chromium
    context = browser.new_context(**playwright.devices["Pixel 7"], locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh", base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under build/screenshots/ for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.evaluate("window.scrollTo(0, 0)")  # else a sticky header shows up mid-page
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page, username: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").tap()
    # Wait for the redirect away from the login page, so the next goto() does not race it.
    page.wait_for_url(lambda url: "/login" not in url)


# -- The courier's app -----------------------------------------------------------------------

def courier_round(db, office, users, people, **dossier_fields):
    """Today's round for the courier: one shipment out for delivery per (name, fields) in `people`.

    Returns the shipments in round order. Goes through custody.apply like the app does.
    """
    from courier.ledger import custody
    from courier.domain.formatting import local_today
    from courier.domain.states import Action
    from courier.models import Round, RoundStop
    from tests import factories

    round_ = Round(courier=users["courier"], post_office=office, round_date=local_today())
    shipments = []
    for position, (name, fields) in enumerate(people):
        shipment = factories.shipment(office, applicant_name=name, **{**dossier_fields, **fields})
        for action in (Action.RECEIVE, Action.ASSIGN):
            custody.apply(shipment, action, max_attempts=3, actor=users["dispatcher"])
        custody.apply(shipment, Action.DISPATCH, max_attempts=3, actor=users["dispatcher"],
                      courier=users["courier"])
        round_.stops.append(RoundStop(shipment=shipment, position=position))
        shipments.append(shipment)
    db.session.add(round_)
    db.session.commit()
    return shipments


def collect_console_errors(page) -> list:
    """Errors the page (or its scripts) print; an honest app prints none while online."""
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def open_courier_app(page, username: str) -> None:
    """Log in as a courier and wait until the round is drawn and the page works offline."""
    from playwright.sync_api import expect
    from tests import factories

    log_in(page, username, factories.PASSWORD)
    expect(page.locator(".round-view:not([aria-busy])")).to_be_visible()  # drawn, not the placeholder
    wait_until_offline_ready(page)


def wait_until(page, script: str, timeout: float = 15) -> None:
    """Poll an (async) script in the page until it returns something truthy.

    page.wait_for_function() would take the Promise an async script returns as truthy.
    """
    deadline = time.monotonic() + timeout
    while not page.evaluate(script):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {script}\n{_worker_state(page)}")
        page.wait_for_timeout(100)


def _worker_state(page) -> dict:
    return page.evaluate("""async () => {
        const registration = await navigator.serviceWorker.getRegistration();
        const state = (worker) => worker && worker.state;
        return {controller: Boolean(navigator.serviceWorker.controller), caches: await caches.keys(),
                installing: state(registration && registration.installing),
                waiting: state(registration && registration.waiting),
                active: state(registration && registration.active)};
    }""")


def register_worker(page) -> None:
    """Register the courier's service worker from the page at hand, as the courier's page does.

    Only /courier/ registers it (js/courier/pwa.js); a test that wants the worker installed
    without the courier's page (so nothing asks it for the lazy files) registers it itself.
    """
    page.evaluate("navigator.serviceWorker.register('/service_worker.js', {type: 'module', scope: '/'})")


def wait_until_offline_ready(page) -> None:
    """A service worker is active and holds a copy of the shell, so a reload works offline.

    (Whether it controls this very page depends on a race between the first navigation
    and its clients.claim(); the next navigation is controlled either way.)
    """
    wait_until(page, """async () => Boolean((await navigator.serviceWorker.getRegistration() || {}).active)
        && Boolean(await caches.match('/courier/'))""")


def pending_count(page):
    from playwright.sync_api import expect

    return expect(page.locator("#pending"))


def draw_signature(page, canvas_selector: str = "canvas.signature", strokes: int = 2) -> None:
    """Sign with the mouse: strokes across the pad, with pauses signature_pad does not drop."""
    canvas = page.locator(canvas_selector)
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    for stroke in range(strokes):
        y = box["y"] + box["height"] * (0.35 + 0.3 * stroke)
        page.mouse.move(box["x"] + 20, y)
        page.mouse.down()
        for step in range(1, 13):
            page.mouse.move(box["x"] + 20 + step * (box["width"] - 40) / 12, y + (12 if step % 2 else -12))
            page.wait_for_timeout(20)  # signature_pad ignores points closer than ~16 ms
        page.mouse.up()


def camera_jpeg(path: Path, size=(3000, 2000), noise: int = 12) -> Path:
    """A camera-sized photo (a few MB): a gradient with sensor-like noise.

    With much noise (e.g. 80) no JPEG quality gets 1280 px under 150 KB, so the phone
    must also take pixels away.
    """
    from PIL import Image, ImageChops

    gradient = Image.linear_gradient("L").resize(size)
    grain = Image.effect_noise(size, noise)
    picture = Image.merge("RGB", (gradient, ImageChops.add(gradient, grain, 2, 0), grain))
    picture.save(path, "JPEG", quality=95)
    return path


def launch_phone_profile(playwright, base_url: str, profile_dir: Path):
    """A Pixel 7 Chromium on a profile kept on disk, so closing and relaunching it is a phone restart.

    The phone's user agent is set for the whole browser, service worker included.
    """
    device = {key: value for key, value in playwright.devices["Pixel 7"].items() if key != "default_browser_type"}
    return playwright.chromium.launch_persistent_context(
        profile_dir, executable_path=CHROMIUM, base_url=base_url, locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh", args=[*CHROMIUM_FLAGS, f"--user-agent={device['user_agent']}"], **device)
