"""The QR scanner (static/js/courier/scan.js) with Chromium's fake camera, and codes.js.

The module is loaded with a dynamic import() into the public /offline page (same
origin, so the module, its worker and the camera all work under the app's CSP).
Headless Chromium on Linux has no BarcodeDetector, so these reads prove the
fallback: zxing-cpp (WebAssembly) in a worker.
"""
import hashlib
import secrets

import pytest

from tests.browser.camera import camera_phone, camera_browsers, phone_context_options  # noqa: F401
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

CCCD = ("049201001234|201234567|Trần Thị Bích Ngọc|15081990|Nữ|"
        "Thôn Đông Tác, Xã Tam Xuân, Thành phố Đà Nẵng|10052021")
TOKEN = secrets.token_urlsafe(18)

START = """async () => {
  const scan = await import('/static/js/courier/scan.js');
  window.scan = {...scan, ...await import('/static/js/courier/codes.js')};
  window.reads = [];
  window.readAt = [];
  window.errors = [];
  navigator.vibrate = (ms) => { window.vibrated = ms; return true; };
  window.scanStop = await scan.startScanner(document.querySelector('main'),
    (text) => { window.reads.push(text); window.readAt.push(performance.now()); },
    {onError: (code) => window.errors.push(code)});
  return window.scanStop.decoder;
}"""


def link(live_server) -> str:
    return f"{live_server.url}/t/{TOKEN}"


def read_first_code(page, seconds: float = 10) -> str:
    """Start the scanner on the page and return the first text it reports.

    A read takes 0.5–1 s here (a third of it opening the camera, then two or three
    frames); the generous timeout is for a machine busy with the rest of the suite.
    """
    assert page.evaluate("'BarcodeDetector' in window") is False  # so the worker's decoder runs
    assert page.evaluate(START) == "worker"
    page.wait_for_function("() => window.reads.length > 0 || window.errors.length > 0",
                           timeout=seconds * 1000)
    assert page.evaluate("window.errors") == []
    return page.evaluate("window.reads[0]")


@pytest.fixture(scope="module")
def module_page(chromium, live_server):
    """A plain phone page at /offline with scan.js and codes.js imported (the pure functions too)."""
    playwright, browser = chromium
    context = browser.new_context(**phone_context_options(playwright, live_server.url))
    page = context.new_page()
    page.goto("/offline")
    page.evaluate("""async () => {
      window.scan = {...await import('/static/js/courier/scan.js'), ...await import('/static/js/courier/codes.js')};
    }""")
    yield page
    context.close()


def test_the_label_link_is_read_from_the_camera_by_the_worker(camera_phone, live_server):
    page = camera_phone(link(live_server))
    text = read_first_code(page)
    assert text == link(live_server)
    video = page.locator("main .scan video.scan-video")
    assert video.get_attribute("playsinline") is not None
    assert page.evaluate("document.querySelector('.scan').dataset.decoder") == "worker"
    assert page.evaluate("window.vibrated") == 80
    page.add_style_tag(url="/static/css/scan.css")
    screenshot(page, "scan-camera")
    # Chromium loops the file, so the code stays in view: it is not reported again at once
    # (within the debounce; on a loaded machine the screenshot alone may take longer than that).
    page.wait_for_timeout(700)
    times = page.evaluate("window.readAt")
    assert all(later - earlier >= 2000 for earlier, later in zip(times, times[1:])), times


def test_stop_releases_the_camera(camera_phone, live_server):
    page = camera_phone(link(live_server))
    read_first_code(page)
    state = page.evaluate("""() => {
      const video = document.querySelector('.scan-video');
      const track = video.srcObject.getVideoTracks()[0];
      const asked = track.getConstraints();
      const before = track.readyState;
      window.scanStop();
      window.scanStop();  // twice is harmless
      return {before, after: track.readyState, facing: asked.facingMode,
              left: document.querySelectorAll('.scan, video').length};
    }""")
    assert state.pop("facing") in ("environment", {"ideal": "environment"})  # Chromium drops "ideal"
    assert state == {"before": "live", "after": "ended", "left": 0}
    assert page.evaluate("window.errors") == []


def test_a_chip_id_card_is_read_and_parsed(camera_phone):
    page = camera_phone(CCCD, size=(1280, 720))
    text = read_first_code(page)
    assert text == CCCD
    card = page.evaluate("(text) => window.scan.parseCccd(text)", text)
    assert card == {
        "idNumber": "049201001234", "oldIdNumber": "201234567",
        "fullName": "Trần Thị Bích Ngọc", "birthDate": "1990-08-15", "gender": "Nữ",
        "address": "Thôn Đông Tác, Xã Tam Xuân, Thành phố Đà Nẵng", "issueDate": "2021-05-10",
    }
    assert page.evaluate("(id) => window.scan.maskIdNumber(id)", card["idNumber"]) == "********1234"
    page.evaluate("window.scanStop()")


def test_camera_errors_are_reported_as_codes(module_page):
    codes = module_page.evaluate("""async () => {
      const devices = navigator.mediaDevices;
      const real = devices.getUserMedia;
      const codes = [];
      const refuse = async (name) => {
        devices.getUserMedia = () => Promise.reject(new DOMException('no', name));
        const stop = await window.scan.startScanner(document.body, () => {},
          {onError: (code) => codes.push(code)});
        stop();
        return stop.error;
      };
      const returned = [];
      for (const name of ['NotAllowedError', 'NotFoundError', 'NotReadableError', 'AbortError']) {
        returned.push(await refuse(name));
      }
      devices.getUserMedia = real;
      Object.defineProperty(window, 'isSecureContext', {value: false, configurable: true});
      returned.push((await window.scan.startScanner(document.body, () => {},
        {onError: (code) => codes.push(code)})).error);
      delete window.isSecureContext;
      return {codes, returned, left: document.querySelectorAll('.scan').length};
    }""")
    expected = ["denied", "no_camera", "no_camera", "unknown", "insecure"]
    assert codes == {"codes": expected, "returned": expected, "left": 0}


def test_parse_cccd(module_page):
    parse = lambda text: module_page.evaluate("(t) => window.scan.parseCccd(t)", text)  # noqa: E731
    assert parse(CCCD)["birthDate"] == "1990-08-15"
    assert parse(CCCD + "\n")["issueDate"] == "2021-05-10"  # a trailing newline is not a field
    no_old = parse("001099012345||Nguyễn Văn An|29022000|Nam|Số 1 Tràng Tiền, Hà Nội|01072024")
    assert no_old["oldIdNumber"] is None and no_old["birthDate"] == "2000-02-29"
    fields = CCCD.split("|")
    malformed = [
        "", "hello", "http://127.0.0.1/t/abc",
        "|".join(["04920100123", *fields[1:]]),  # 11 digits
        "|".join(["0492010012345", *fields[1:]]),  # 13 digits
        "|".join(["04920100123a", *fields[1:]]),
        "|".join([*fields[:1], "2012345", *fields[2:]]),  # old number of 7 digits
        "|".join([*fields[:3], "31021990", *fields[4:]]),  # 31 February
        "|".join([*fields[:3], "29021999", *fields[4:]]),  # not a leap year
        "|".join([*fields[:3], "1990-08-15", *fields[4:]]),
        "|".join([*fields[:6], "10132021"]),  # month 13
        "|".join([*fields[:6], "01011980"]),  # issued before birth
        "|".join([*fields[:2], "", *fields[3:]]),  # no name
        "|".join(fields[:6]),  # six fields
        "|".join([*fields, "extra"]),  # eight fields
    ]
    assert module_page.evaluate("(texts) => texts.map((t) => window.scan.parseCccd(t))",
                                malformed) == [None] * len(malformed)
    assert module_page.evaluate("window.scan.parseCccd(null)") is None


def test_mask_id_number(module_page):
    masks = module_page.evaluate(
        "(ids) => ids.map((id) => window.scan.maskIdNumber(id))",
        ["049201001234", "0492 0100 1234", "201234567", "12345", "", "04920100123a"])
    assert masks == ["********1234", "********1234", "*****4567", None, None, None]


def test_classify_code(module_page, live_server):
    shipment = "4F1C2B3A-9D8E-4C7B-A6F5-0123456789AB"
    texts = [
        link(live_server),
        f"https://courier.example.vn/t/{TOKEN}/",
        f"https://courier.example.vn/t/{TOKEN}?utm=label",
        shipment,
        f"SHIP:{shipment};v=1",
        "  000.00.17.H47-261125-0001 \n",
        CCCD,
        "https://courier.example.vn/track/abc def",
        "   ",
    ]
    kinds = module_page.evaluate("(texts) => texts.map((t) => window.scan.classifyCode(t))", texts)
    assert kinds[0] == kinds[1] == kinds[2] == {"kind": "citizen_link", "token": TOKEN}
    assert kinds[3] == kinds[4] == {"kind": "uuid", "uuid": shipment.lower()}
    assert kinds[5] == {"kind": "dossier_code", "code": "000.00.17.H47-261125-0001"}
    assert kinds[6]["kind"] == "cccd" and kinds[6]["card"]["idNumber"] == "049201001234"
    assert kinds[7] == {"kind": "dossier_code", "code": "https://courier.example.vn/track/abc def"}
    assert kinds[8] is None


def test_sha256_hex_matches_the_servers_token_hash(module_page):
    for text in (TOKEN, "Trần Thị Bích Ngọc", ""):
        assert module_page.evaluate("(t) => window.scan.sha256Hex(t)", text) == \
            hashlib.sha256(text.encode()).hexdigest()
