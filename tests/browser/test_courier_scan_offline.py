"""The QR decoder is not in the shell's precache, yet the scanner reads codes offline.

The decoder (zxing-cpp as WebAssembly) weighs several times the rest of the shell, so the
service worker caches it lazily:
the first time the scanner asks for it, and once in the background when the courier's
page is idle. These phones film a QR code with Chromium's fake camera (as in test_scan.py)
and, unlike the camera browsers there, run the service worker (so they carry the phone's
user agent for every target, which Flask-Login's strong session protection needs).
"""
import json
import re

import pytest
from playwright.sync_api import expect

from courier.domain.tokens import new_token
from tests import factories
from tests.browser.camera import FAKE_CAMERA_FLAGS, phone_context_options, write_qr_y4m
from tests.browser.conftest import (CHROMIUM, CHROMIUM_FLAGS, courier_round, log_in, register_worker, screenshot,
                                    wait_until, wait_until_offline_ready)

pytestmark = pytest.mark.browser
WORKER = "/static/js/courier/scan_worker.js"
DECODER = "/static/vendor/zxing-wasm-3.1.6/zxing-reader.js"
WASM = "/static/vendor/zxing-wasm-3.1.6/zxing_reader.wasm"
QR_DRAWER = "/static/vendor/qrcode-generator-2.0.4/qrcode.mjs"
DECODER_CACHED = f"""async () => {{
  const names = (await caches.keys()).filter((name) => name.startsWith('courier-static-'));
  if (names.length !== 1) return false;
  const cache = await caches.open(names[0]);
  return Boolean(await cache.match('{WORKER}')) && Boolean(await cache.match('{DECODER}'))
    && Boolean(await cache.match('{WASM}'));
}}"""
STATIC_CACHE_URLS = """async () => {
  const names = (await caches.keys()).filter((name) => name.startsWith('courier-static-'));
  if (names.length !== 1) return null;
  return (await (await caches.open(names[0])).keys()).map((request) => new URL(request.url).pathname);
}"""


def worker_lists(source: str) -> dict:
    """The PRECACHE and LAZY arrays of the service worker's source."""
    return {name: json.loads(re.sub(r",\s*\]", "]", re.search(rf"const {name} = (\[.*?\]);", source, re.S).group(1)))
            for name in ("PRECACHE", "LAZY")}


@pytest.fixture
def filming_phone(chromium, live_server, tmp_path):
    """filming_phone(text) -> a Pixel 7 page (at about:blank) whose rear camera films the QR code of `text`,
    in a browser of its own that runs service workers."""
    playwright, _ = chromium
    user_agent = playwright.devices["Pixel 7"]["user_agent"]
    browsers = []

    def open_phone(text: str):
        video = write_qr_y4m(tmp_path / f"qr-{len(browsers)}.y4m", text, frames=10)
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=[*CHROMIUM_FLAGS, *FAKE_CAMERA_FLAGS,
                                            f"--use-file-for-fake-video-capture={video}",
                                            f"--user-agent={user_agent}"])
        browsers.append(browser)
        return browser.new_context(**phone_context_options(playwright, live_server.url)).new_page()

    yield open_phone
    for browser in browsers:
        browser.close()


def test_the_precache_leaves_out_the_decoder_which_is_lazy(phone):
    lists = worker_lists(phone.request.get("/service_worker.js").text())
    assert {DECODER, WASM} <= set(lists["LAZY"])
    assert not [url for url in lists["PRECACHE"] if "zxing" in url.lower()]
    assert "/static/js/courier/scan_worker.js" in lists["LAZY"]  # useless without the decoder
    # Installed from a page that is not the courier's (nobody asks for the lazy files there):
    # the shell is cached, the decoder is not.
    phone.goto("/offline")
    register_worker(phone)
    wait_until(phone, "async () => Boolean((await navigator.serviceWorker.getRegistration() || {}).active)")
    cached = phone.evaluate(STATIC_CACHE_URLS)
    assert set(lists["PRECACHE"]) <= set(cached)
    assert not {WORKER, DECODER, WASM} & set(cached)


def test_text_is_served_gzipped_and_vendor_files_are_kept_a_year(phone):
    for url in ("/static/js/courier/app.js", "/static/css/courier.css", DECODER, WASM, "/service_worker.js"):
        response = phone.request.get(url, headers={"Accept-Encoding": "gzip"})
        assert response.headers.get("content-encoding") == "gzip", url
    # Pages are not: one echoing a search next to the CSRF token would be open to BREACH.
    assert "content-encoding" not in phone.request.get("/login", headers={"Accept-Encoding": "gzip"}).headers
    assert phone.request.get(WASM).headers["cache-control"] == "public, max-age=31536000, immutable"
    assert phone.request.get("/static/js/courier/app.js").headers["cache-control"] == "no-cache"
    assert phone.request.get("/service_worker.js").headers["cache-control"] == "no-cache"


def test_the_scanner_caches_the_decoder_when_first_opened_and_then_reads_offline(filming_phone, live_server):
    text = f"{live_server.url}/t/abc"
    page = filming_phone(text)
    page.goto("/offline")  # not the courier's page: no background fetch of the decoder
    register_worker(page)
    wait_until(page, "async () => Boolean((await navigator.serviceWorker.getRegistration() || {}).active)")
    page.reload()  # now controlled by the worker
    wait_until(page, "() => Boolean(navigator.serviceWorker.controller)")
    assert page.evaluate(DECODER_CACHED) is False

    start = """async () => {
      const scan = await import('/static/js/courier/scan.js');
      window.reads = [];
      window.errors = [];
      window.scanStop = await scan.startScanner(document.querySelector('main'),
        (text) => window.reads.push(text), {onError: (code) => window.errors.push(code), feedback: false});
      return window.scanStop.decoder;
    }"""
    assert page.evaluate(start) == "worker"  # no BarcodeDetector here: zxing-wasm in scan_worker.js
    page.wait_for_function("() => window.reads.length > 0 || window.errors.length > 0", timeout=15_000)
    assert page.evaluate("[window.reads[0], window.errors]") == [text, []]
    page.evaluate("window.scanStop()")
    wait_until(page, DECODER_CACHED)  # kept on its way to the scanner's worker

    page.context.set_offline(True)
    page.reload()
    assert page.evaluate(start) == "worker"
    page.wait_for_function("() => window.reads.length > 0 || window.errors.length > 0", timeout=15_000)
    assert page.evaluate("[window.reads[0], window.errors]") == [text, []]


def test_a_phone_online_once_scans_labels_offline(filming_phone, live_server, db, office, users):
    """The courier opens the app online once and never the scanner; later, offline, the label's QR works."""
    stops = courier_round(db, office, users, [("Trần Thị Bích Ngọc", {}), ("Huỳnh Văn Phúc", {})])
    token, token_hash = new_token()
    stops[1].add_citizen_link(token_hash, "label")
    db.session.commit()
    page = filming_phone(f"{live_server.url}/t/{token}")
    log_in(page, users["courier"].username, factories.PASSWORD)
    expect(page.locator(".round-view:not([aria-busy])")).to_be_visible()  # drawn, not the placeholder
    wait_until_offline_ready(page)
    wait_until(page, DECODER_CACHED)  # fetched in the background once the page was idle
    wait_until(page, f"async () => Boolean(await caches.match('{QR_DRAWER}'))")
    # And loaded into this very page while idle: the page the courier opened online may not be
    # under the service worker until its next navigation, so an import first asked for offline would fail.
    wait_until(page, f"() => performance.getEntriesByName(location.origin + '{QR_DRAWER}').length > 0")

    page.context.set_offline(True)
    page.goto("/courier/#/scan")
    expect(page.locator(".scan-view")).to_be_visible()
    expect(page.get_by_role("heading", name="Huỳnh Văn Phúc")).to_be_visible(timeout=15_000)
    expect(page.locator("#net-state")).to_have_attribute("data-state", "offline")
    screenshot(page, "courier-scan-offline")
    # At the door, still offline: the citizen's QR is drawn by the lazily cached drawer.
    page.get_by_role("link", name="Phát cho người nhận").tap()
    page.get_by_role("button", name="Hiện mã QR cho người nhận").tap()
    qr = page.locator("img[data-ref=qr-image]")
    expect(qr).to_be_visible()
    expect(qr).to_have_attribute("src", re.compile(r"^data:image/"))
