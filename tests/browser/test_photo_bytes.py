"""The phone's photo: fewer bytes for the same legibility, and kept by the server as sent.

A door-step scene (a printed result with text down to a few pixels high, grain, light falloff)
goes through the app's own images.js downscale() in a Pixel 7 Chromium. Crops of the old JPEG
and of what the app makes now are saved in build/screenshots for a person to compare.
"""
import base64
import io

import pytest
from PIL import Image

from courier.domain.images import clean_photo
from tests.browser.conftest import SCREENSHOTS
from tests.phone_photos import canvas_encode, document_scene

pytestmark = pytest.mark.browser

DOWNSCALE = """async (picture) => {
  const { downscale } = await import("/static/js/courier/images.js");
  const bytes = Uint8Array.from(atob(picture), (c) => c.charCodeAt(0));
  const blob = await downscale(new Blob([bytes], { type: "image/png" }));
  const out = new Uint8Array(await blob.arrayBuffer());
  let text = "";
  for (let i = 0; i < out.length; i += 0x8000) text += String.fromCharCode(...out.subarray(i, i + 0x8000));
  return [blob.type, btoa(text)];
}"""


@pytest.fixture(scope="module")
def phone_photo(chromium, live_server):
    playwright, browser = chromium
    context = browser.new_context(**playwright.devices["Pixel 7"], base_url=live_server.url)
    page = context.new_page()
    page.goto("/offline")
    kind, encoded = page.evaluate(DOWNSCALE, base64.b64encode(document_scene()).decode())
    context.close()
    return kind, base64.b64decode(encoded)


def test_the_phone_sends_a_webp_of_at_most_90_kb(phone_photo):
    kind, photo = phone_photo
    picture = Image.open(io.BytesIO(photo))
    assert kind == "image/webp" and picture.format == "WEBP" and len(photo) <= 90_000
    assert picture.size == (1280, 960)


def test_the_server_keeps_the_phones_webp_as_sent_without_its_profile(phone_photo):
    _, photo = phone_photo
    kept = clean_photo(photo)
    assert kept.content_type == "image/webp" and len(kept.content) <= len(photo)
    assert b"ICCP" not in kept.content and kept.content[-(len(kept.content) - 20):] in photo  # the VP8 data, as sent
    sent = Image.open(io.BytesIO(photo)).convert("RGB")
    assert Image.open(io.BytesIO(kept.content)).convert("RGB").tobytes() == sent.tobytes()


def test_crops_of_the_old_and_new_photo_are_saved_for_a_person_to_compare(phone_photo):
    _, photo = phone_photo
    before = canvas_encode(document_scene(), "image/jpeg", 0.62)  # what the app sent: JPEG ≤ 150 KiB
    tiles = []
    for content in (before, photo):
        picture = Image.open(io.BytesIO(content)).convert("RGB")
        tiles.append(picture.crop((270, 320, 570, 420)).resize((900, 300), Image.NEAREST))
    sheet = Image.new("RGB", (900, 610), "white")
    sheet.paste(tiles[0], (0, 0))
    sheet.paste(tiles[1], (0, 310))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    sheet.save(SCREENSHOTS / f"photo-small-text-jpeg-{len(before) // 1000}kB-vs-webp-{len(photo) // 1000}kB.png")
    assert len(photo) < 0.75 * len(before)
