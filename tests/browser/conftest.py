"""Browser fixtures: the real app under gunicorn, and Debian's Chromium driven by Playwright.

The server shares this worker's database with the tests, so a test writes its
data through the models and then looks at it as a user would, over HTTP.
"""
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

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
        self.env = dict(os.environ, DATABASE_URL=database_url, SECRET_KEY="browser-test-key",
                        ID_HASH_KEY="test-id-hash-key", MEDIA_DIR=str(scratch / "media"),
                        COURIER_INSTANCE_DIR=str(scratch / "instance"),
                        PUBLIC_BASE_URL=self.url, LOGIN_RATE_LIMIT="1000 per minute")
        self.process = None

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--workers", "1", "--threads", "4",
                 "--bind", f"127.0.0.1:{self.port}", "--no-control-socket", "wsgi:app"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        _wait_until_serving(self.url, self.process)

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
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
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
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page, username: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").tap()
    # Wait for the redirect away from the login page, so the next goto() does not race it.
    page.wait_for_url(lambda url: "/login" not in url)
