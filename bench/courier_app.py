"""The courier app's weight: the app shell's bytes, and the proof sizes from the hand-over test."""
import gzip
import json
import os
import re
from pathlib import Path

from bench.common import report

ROOT = Path(__file__).resolve().parent.parent


def worker_list(name: str) -> list[str]:
    """The URLs of one of the service worker's lists (PRECACHE, LAZY), as the served worker has them:
    PRECACHE is filled in as the worker is served (routes/pwa.py), from the modules' graph."""
    from courier.routes.pwa import _service_worker_source

    source = _service_worker_source()
    return re.findall(r'"(/[^"]*)"', re.search(rf"const {name} = \[(.*?)\];", source, re.S).group(1))


def bench_shell_bytes(app) -> None:
    """Bytes of the static files the service worker precaches for the courier, raw and gzipped."""
    precache = sorted(url for url in set(worker_list("PRECACHE")) if url.startswith("/static/"))
    lazy = sorted(set(worker_list("LAZY")))
    with app.test_client() as client:
        bodies = [client.get(url).get_data() for url in precache]
        lazy_bodies = [client.get(url).get_data() for url in lazy]
    raw = sum(len(body) for body in bodies)
    packed = sum(len(gzip.compress(body, 6)) for body in bodies)
    report("app shell, precached static files", f"{raw / 1024:.0f} KiB, {packed / 1024:.0f} KiB gzip",
           "≤ 60 KiB gzip")
    packed_lazy = sum(len(gzip.compress(body, 6)) for body in lazy_bodies)
    report("  cached lazily: the QR decoder (scanner, or idle)", f"{packed_lazy / 1024:.0f} KiB gzip")


def bench_handover_sizes() -> None:
    metrics = ROOT / "build" / "metrics" / "handover.json"
    if not metrics.exists():
        report("hand-over proof sizes", "run `make test` first (the hand-over test records them)")
        return
    figures = json.loads(metrics.read_text())
    width, height = figures["photo_px"]
    report("photo from the hand-over test", f"{figures['photo_bytes'] / 1024:.0f} KiB, {width}×{height}",
           "≤ 150 KB, ≤ 1280 px")
    pixels = "×".join(str(side) for side in figures.get("signature_px", []))  # older files lack it
    report("signature from the hand-over test", f"{figures['signature_bytes'] / 1024:.1f} KiB"
           + (f", {pixels}" if pixels else ""))
    # Open the stop, "Phát cho người nhận", the photo button, the camera's shutter, confirm; the
    # signature is strokes, not taps. Scrolls: times the next thing was out of sight.
    report("taps for a standard hand-over (stop to confirm, shutter included)", str(figures["taps"]), "≤ 6")
    if "scrolls" in figures:  # older files lack it
        report("  scrolls for it", str(figures["scrolls"]), "0")


# -- The courier's phone in Chromium: Slow 4G, a 4× slower CPU ---------------------------------------

# Lighthouse's "Slow 4G" (its throttling.mobileSlow4G: 150 ms RTT, 1.6 Mbps down, 750 Kbps up), in the
# units of CDP's Network.emulateNetworkConditions (bytes per second, as DevTools converts kbps).
SLOW_4G = {"offline": False, "latency": 150, "downloadThroughput": 1.6 * 1024 * 1024 / 8,
           "uploadThroughput": 750 * 1024 / 8}
CPU_SLOWDOWN = 4
STOPS = 60
# Stamped by every page of the phone: when the round list shows all its stops, and the LCP so far.
PAGE_PROBES = """(() => {
  const stops = %d;
  new PerformanceObserver((list) => {
    const last = list.getEntries().at(-1);
    if (last) window.__lcp = last.startTime;
  }).observe({type: "largest-contentful-paint", buffered: true});
  const look = () => {
    if (window.__usable === undefined && document.querySelectorAll("#view ol.stops > li.stop").length >= stops) {
      window.__usable = performance.now();
    }
  };
  new MutationObserver(look).observe(document, {childList: true, subtree: true});
})();""" % STOPS
LAZY_CACHED = """async () => {
  const names = (await caches.keys()).filter((name) => name.startsWith("courier-static-"));
  if (names.length !== 1) return false;
  const cache = await caches.open(names[0]);
  const lazy = %s;
  return (await Promise.all(lazy.map((url) => cache.match(url)))).every(Boolean) && Boolean(await caches.match("/courier/"));
}"""
# 60 photos as the phone stores them (images.js downscale: ≤ 1280 px, ≤ 150 KB), each a little
# different, from one camera picture; and the day's hand-overs put in the outbox as handover.js does.
MAKE_PHOTOS = """async ([camera, count]) => {
  const { downscale } = await import("/static/js/courier/images.js");
  const bytes = Uint8Array.from(atob(camera), (c) => c.charCodeAt(0));
  const bitmap = await createImageBitmap(await downscale(new Blob([bytes], {type: "image/jpeg"})));
  window.__photos = [];
  for (let n = 0; n < count; n++) {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext("2d");
    context.drawImage(bitmap, 0, 0);
    context.fillStyle = `hsl(${n * 6}, 80%, 50%)`;
    context.fillRect(16 + n * 8, 16, 6, 6);  // a different picture each time
    window.__photos.push(await downscale(await canvas.convertToBlob({type: "image/jpeg", quality: 0.95})));
  }
  return window.__photos.map((photo) => photo.size);
}"""
CAPTURE_DAY = """async ([signature]) => {
  const CourierDB = await import("/static/js/courier/db.js");
  const CourierOutbox = await import("/static/js/courier/outbox.js");
  const png = new Blob([Uint8Array.from(atob(signature), (c) => c.charCodeAt(0))], {type: "image/png"});
  const round = await CourierDB.getRound();
  const consent = document.getElementById("tpl-handover").content.querySelector("[data-ref=consent]");
  for (const [n, stop] of round.stops.entries()) {
    const attempt = {
      client_id: crypto.randomUUID(), shipment_id: stop.shipment_id, outcome: "delivered",
      captured_at: new Date().toISOString(), location: null,
      recipient: {name: stop.applicant_name, relationship: "applicant", authorised_relationship: null,
                  id_tail_masked: null, id_check: "not_given", override_reason: null},
      fees: {agency: stop.fee_agency || 0, postage: stop.fee_postage || 0, method: "cash"},
      failure_reason: null, note: null, consent_version: consent.dataset.version,
    };
    await CourierOutbox.enqueue({attempt, roundId: round.round.id,
                                 media: {signature: png, photo: window.__photos[n]}});
  }
  delete window.__photos;
  return (await CourierDB.outboxEntries()).length;
}"""
# The page's next send waits on the outbox's Web Lock, so the network comes back throttled.
HOLD_OUTBOX = """() => new Promise((held) => {
  navigator.locks.request("courier-outbox", () => new Promise((release) => {
    window.__releaseOutbox = release;
    held();
  }));
})"""


class _Throttle:
    """Slow 4G and the CPU slowdown for the page, and Slow 4G for the service worker when there is one.

    The page's CDP session cannot reach the worker's requests (the precache, a sync it runs), so the
    worker gets the same conditions through a session of its own, attached from the browser's.
    A target has one set of network conditions, whoever sets them: Playwright's set_offline() writes
    "no throttling" over ours, so offline() here re-applies Slow 4G when the network comes back.
    """

    def __init__(self, browser, page):
        self.context = page.context
        self.page = page.context.new_cdp_session(page)
        self.browser = browser.new_browser_cdp_session()
        self.workers = {}
        self.is_offline = False
        self.page.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        self.context.on("serviceworker", lambda worker: self._workers())

    def offline(self, offline: bool) -> None:
        self.context.set_offline(offline)
        self.is_offline = offline
        if not offline:
            self.apply()

    def apply(self) -> None:
        self.page.send("Network.emulateNetworkConditions", {**SLOW_4G, "offline": self.is_offline})
        self._workers()

    def _workers(self) -> None:
        conditions = {**SLOW_4G, "offline": self.is_offline}
        for target in self.browser.send("Target.getTargets")["targetInfos"]:
            if target["type"] != "service_worker":
                continue
            message = {"sessionId": None, "message": json.dumps(
                {"id": 1, "method": "Network.emulateNetworkConditions", "params": conditions})}
            for attempt in range(2):  # a worker that was stopped and started again needs a new session
                if attempt or target["targetId"] not in self.workers:
                    self.workers[target["targetId"]] = self.browser.send(
                        "Target.attachToTarget", {"targetId": target["targetId"], "flatten": False})["sessionId"]
                try:
                    self.browser.send("Target.sendMessageToTarget",
                                      {**message, "sessionId": self.workers[target["targetId"]]})
                    break
                except Exception:  # noqa: BLE001 (a detached session: attach again)
                    continue

    def cpu(self, rate: float) -> None:
        self.page.send("Emulation.setCPUThrottlingRate", {"rate": rate})


class _Bytes:
    """Bytes over the wire as Chromium counts them (encoded body + headers), page and service worker."""

    def __init__(self, context):
        self.rows = []
        context.on("requestfinished", self._finished)

    def _finished(self, request) -> None:
        response = request.response()
        if response is None or response.from_service_worker:
            return  # answered by the worker from its cache: nothing crossed the network
        try:
            sizes = request.sizes()
        except Exception:  # noqa: BLE001 (the browser closed under it: the bench is over)
            return
        self.rows.append((request.url, response.headers.get("content-encoding"),
                          sizes["responseBodySize"], sizes["responseHeadersSize"] + sizes["requestHeadersSize"]
                          + sizes["requestBodySize"], bool(request.service_worker)))

    def take(self) -> list:
        rows, self.rows = self.rows, []
        return rows


def _seed_round(app, count: int):
    """An office, a courier and a dispatcher, and today's round of `count` shipments for the courier."""
    from courier.extensions import db
    from tests import factories
    from tests.browser.conftest import courier_round

    office = factories.post_office()
    users = {role: factories.user(office, role) for role in ("courier", "dispatcher")}
    db.session.commit()
    courier_round(db, office, users, [(f"Người nhận số {n + 1}", {"street": f"{n + 1} Phan Châu Trinh"})
                                      for n in range(count)])
    return users["courier"].username


def _server_attempts() -> int:
    from courier.extensions import db
    from courier.models import Attempt

    db.session.rollback()  # a fresh snapshot of the database gunicorn writes
    return db.session.execute(db.select(db.func.count()).select_from(Attempt)).scalar_one()


def bench_courier_phone() -> None:
    """The courier app on a Pixel 7 in Chromium, under Lighthouse's Slow 4G and a 4× CPU slowdown.

    First visit (log in, the round of 60 drawn, the shell cached), a reload offline, then a day
    of 60 hand-overs captured offline and sent when the network returns.
    """
    import tempfile

    # Playwright reports the service worker's own requests (the precache) only when asked to.
    os.environ["PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS"] = "1"
    from playwright.sync_api import sync_playwright

    from bench.common import scratch_app
    from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS, LiveServer

    folder = Path(tempfile.mkdtemp(prefix="courier-bench-phone-"))
    with scratch_app("sqlite") as app:
        username = _seed_round(app, STOPS)
        server = LiveServer(app.config["SQLALCHEMY_DATABASE_URI"], folder)
        server.start()
        try:
            _bench_round_api(server.url, username)
            with sync_playwright() as playwright:
                device = playwright.devices["Pixel 7"]
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=[*CHROMIUM_FLAGS, f"--user-agent={device['user_agent']}"])
                try:
                    context = browser.new_context(**device, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                                  base_url=server.url)
                    context.add_init_script(PAGE_PROBES)
                    page = context.new_page()
                    _phone_day(browser, page, username, folder)
                finally:
                    browser.close()
        finally:
            server.stop()


def _bench_round_api(base_url: str, username: str, repeat: int = 40) -> None:
    """The round the phone downloads, timed from outside the server: its share of "usable"."""
    import time

    import requests

    from bench.common import percentile
    from tests import factories
    from tests.conftest import csrf_token_from

    client = requests.Session()
    token = csrf_token_from(client.get(f"{base_url}/login").text)
    client.post(f"{base_url}/login", data={"username": username, "password": factories.PASSWORD,
                                           "csrf_token": token}, allow_redirects=False)
    timings = []
    for n in range(repeat + 5):
        started = time.perf_counter()
        answer = client.get(f"{base_url}/api/v1/courier/round", headers={"Accept": "application/json"})
        if n >= 5:  # the first ones warm the worker up
            timings.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200 and len(answer.json()["stops"]) == STOPS, answer.status_code
    report(f"courier round API, {STOPS} stops (sqlite, gunicorn 1 worker)",
           f"p50 {percentile(timings, 50):.0f} / p95 {percentile(timings, 95):.0f} ms")


def _phone_day(browser, page, username: str, folder: Path) -> None:
    import base64
    import time

    from tests import factories, media
    from tests.browser.conftest import camera_jpeg
    from tests.conftest import csrf_token_from

    context = page.context
    # Logged in beforehand (by HTTP, so that no page is cached and no worker registered): the
    # figures are those of the courier app's first visit, as Lighthouse would load /courier/.
    form = context.request.get("/login").text()
    token = csrf_token_from(form)
    answer = context.request.post("/login", form={"username": username, "password": factories.PASSWORD,
                                                  "csrf_token": token}, max_redirects=0)
    assert answer.status == 302 and "/login" not in answer.headers["location"], answer.status
    throttle = _Throttle(browser, page)
    throttle.apply()
    wire = _Bytes(context)

    # First visit: the page, its scripts, the round; the worker registers and precaches the shell.
    page.goto("/courier/")
    page.wait_for_function("() => window.__usable !== undefined", timeout=60_000)
    usable = page.evaluate("window.__usable")
    deadline = time.monotonic() + 60
    while not page.evaluate(LAZY_CACHED % json.dumps(worker_list("LAZY"))):
        if time.monotonic() > deadline:
            raise RuntimeError("the shell and the QR decoder were not cached within 60 s")
        page.wait_for_timeout(200)
    page.wait_for_timeout(500)  # the last answers' requestfinished events
    lcp = page.evaluate("window.__lcp")  # the round drawn long ago: this is the last candidate
    rows = wire.take()
    lazy = set(worker_list("LAZY"))
    precache = set(worker_list("PRECACHE"))
    path = lambda url: "/" + url.split("/", 3)[3].split("?")[0]  # noqa: E731
    first = [row for row in rows if path(row[0]) not in lazy]
    total = sum(body + headers for _, _, body, headers, _ in first)
    shell = [row for row in first if path(row[0]) in precache and row[4]]
    # A revalidated file (304) reports a negative or zero body size: nothing crossed the wire.
    shell_body = sum(max(0, body) for _, _, body, _, _ in shell)
    shell_wire = sum(max(0, body) + headers for _, _, body, headers, _ in shell)
    text = [row for row in first if row[1] is None and row[2] > 1024 and not path(row[0]).endswith(".png")]
    lazy_body = sum(body for url, _, body, _, _ in rows if path(url) in lazy)
    report("courier phone, first visit over the wire (page, round, shell cached)",
           f"{total / 1024:.0f} KiB, {len(first)} requests")
    report("  app shell as the worker precached it (bodies; with headers)", f"{shell_body / 1024:.0f} KiB; "
           f"{shell_wire / 1024:.0f} KiB, {len(shell)} files{', NOT gzip: ' + str(len(text)) if text else ' gzip'}",
           "≤ 60 KiB gzip")
    report("  QR decoder, fetched when the page was idle", f"{lazy_body / 1024:.0f} KiB gzip")
    report(f"  round of {STOPS} usable (Slow 4G, CPU ÷{CPU_SLOWDOWN}, Pixel 7)", f"{usable / 1000:.2f} s")
    report("  LCP, first visit", f"{lcp / 1000:.2f} s", "≤ 1.5 s")

    # Reload with no network: everything from the service worker and IndexedDB.
    throttle.offline(True)
    page.reload()
    page.wait_for_function("() => window.__usable !== undefined", timeout=30_000)
    report("courier phone, reload offline until the round is usable", f"{page.evaluate('window.__usable') / 1000:.2f} s",
           "≤ 1 s")
    page.wait_for_timeout(1000)
    report("  LCP, reload offline", f"{page.evaluate('window.__lcp') / 1000:.2f} s")
    # Back online a while (the page sends nothing, fetches the round), then the day without network:
    # going offline with the page open, so that the network's return fires "online" as on a phone.
    throttle.offline(False)
    page.wait_for_timeout(3000)
    throttle.offline(True)
    page.wait_for_function("() => navigator.onLine === false")

    # A day offline: 60 hand-overs with photo and signature, stored on the phone.
    throttle.cpu(1)  # making the pictures is the bench's work, not the phone's
    camera = camera_jpeg(folder / "camera.jpg", size=(4000, 3000), noise=18)
    sizes = page.evaluate(MAKE_PHOTOS, [base64.b64encode(camera.read_bytes()).decode(), STOPS])
    throttle.cpu(CPU_SLOWDOWN)
    signature = media.signature_png(width=945, height=315)
    assert page.evaluate(CAPTURE_DAY, [base64.b64encode(signature).decode()]) == STOPS
    estimate = page.evaluate("navigator.storage.estimate()")
    indexed = (estimate.get("usageDetails") or {}).get("indexedDB")
    report(f"courier phone, {STOPS} hand-overs offline: storage used",
           f"{estimate['usage'] / 1e6:.1f} MB" + (f" ({indexed / 1e6:.1f} MB IndexedDB)" if indexed else ""),
           "≤ 15 MB")
    report(f"  photo {sum(sizes) / len(sizes) / 1024:.0f} KiB on average, signature", f"{len(signature) / 1024:.0f} KiB")

    # The network comes back, as Slow 4G: time until the server has all 60.
    page.evaluate(HOLD_OUTBOX)
    throttle.offline(False)
    wire.take()
    started = time.monotonic()
    page.evaluate("window.__releaseOutbox()")
    deadline = started + 240
    while (stored := _server_attempts()) < STOPS:
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {stored} of {STOPS} hand-overs reached the server in 240 s")
        page.wait_for_timeout(250)  # (and Playwright hands over its request events meanwhile)
    took = time.monotonic() - started
    page.wait_for_timeout(1000)
    sent = [row for row in wire.take() if "/api/v1/courier/attempts" in row[0]]
    by_worker = sum(1 for row in sent if row[4])
    report(f"  all {STOPS} on the server after the network returns (Slow 4G)",
           f"{took:.0f} s, {len(sent)} sends" + (f" ({by_worker} by the worker)" if by_worker else ""))
