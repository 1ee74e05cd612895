"""The signature's ink, one rule: the phone's pad and the server's check agree on every vector.

Each stroke set of tests/vectors/signature_ink.json is drawn on the app's own pad
(static/js/courier/signature.js over the vendored signature_pad) in a Pixel 7 Chromium; the
phone's verdict must be the vector's, and the PNG the app would upload, fed to the server's
check (images.clean_signature, then signature_ink_problem, as the hand-over does), must get
the same verdict.
"""
import base64
import json
from pathlib import Path

import pytest

from courier.domain.images import clean_signature, signature_ink_problem, MAX_SIGNATURE_INK, MIN_SIGNATURE_INK

pytestmark = pytest.mark.browser

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "signature_ink.json").read_text())
PHONE = {None: "accept", "signature_blank": "too_small", "signature_too_dark": "too_dark"}
SERVER = {None: "accept", "signature_too_small": "too_small", "signature_too_dark": "too_dark"}

OPEN_PAD = """async ([width, height]) => {
  await new Promise((loaded, failed) => {
    const script = document.createElement("script");
    script.src = "/static/vendor/signature_pad-5.1.4/signature_pad.umd.min.js";
    script.onload = loaded;
    script.onerror = failed;
    document.head.append(script);
  });
  // The app's wrapper keeps its SignaturePad to itself: note it as it is made, to feed it strokes.
  const Real = window.SignaturePad;
  window.SignaturePad = class extends Real {
    constructor(...args) { super(...args); window.__pad = this; }
  };
  const canvas = document.createElement("canvas");
  canvas.className = "signature";
  canvas.style.cssText = `display:block;width:${width}px;height:${height}px`;
  document.body.replaceChildren(canvas);
  const { signaturePad } = await import("/static/js/courier/signature.js");
  window.__signature = signaturePad(canvas);
  return canvas.width;
}"""

SIGN = """async (strokes) => {
  window.__signature.clear();
  window.__pad.fromData(strokes.map((points) => ({
    points: points.map(([x, y, time]) => ({ x, y, time, pressure: 0.5 })),
  })));
  const blob = await window.__signature.toBlob();
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return { problem: window.__signature.inkProblem(), png: btoa(text) };
}"""


@pytest.fixture(scope="module")
def pad(chromium, live_server):
    playwright, browser = chromium
    context = browser.new_context(**playwright.devices["Pixel 7"], locale="vi-VN", base_url=live_server.url)
    page = context.new_page()
    page.goto("/offline")
    assert page.evaluate(OPEN_PAD, [VECTORS["pad"]["width"], VECTORS["pad"]["height"]]) > 600  # a 2.625× screen
    yield page
    context.close()


@pytest.mark.parametrize("vector", VECTORS["vectors"], ids=lambda vector: vector["name"])
def test_the_phone_and_the_server_give_each_signature_the_same_verdict(pad, vector):
    signed = pad.evaluate(SIGN, vector["strokes"])
    png = base64.b64decode(signed["png"])
    stored, ink = clean_signature(png)
    assert stored.content == png  # a plain PNG, kept as sent
    assert PHONE[signed["problem"]] == vector["verdict"], f"the phone says {signed['problem']} at {ink:.4f}"
    assert SERVER[signature_ink_problem(ink)] == vector["verdict"], f"ink {ink:.4f}"
    # Not on a knife's edge: a vector close to a threshold would only test rounding.
    assert not 0.8 < ink / MIN_SIGNATURE_INK < 1.25 and not 0.8 < ink / MAX_SIGNATURE_INK < 1.25, ink
