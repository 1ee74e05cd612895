"""Photos as the phone really sends them: a door-step scene, encoded by Chromium's canvas.

`document_scene()` draws what a courier photographs at a hand-over: a paper result with text
at several sizes on a desk, with light falling off across it and sensor noise, so a codec has
edges, text and grain to keep (a flat colour would flatter every encoder).

`canvas_encode(picture, type, quality)` runs Debian's Chromium headless through Playwright
and encodes the picture with `canvas.toBlob`, as static/js/courier/images.js does; the bytes
carry what Chromium writes (e.g. the APP2 ICC profile in every JPEG). Results are cached for
the process, so a test session launches Chromium once per distinct request.
"""
import functools
import io
import os
import random

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
LINES = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
    "PHIẾU LÝ LỊCH TƯ PHÁP SỐ 1", "Số: 000.00.17.H47-260101-000123",
    "Họ và tên: TRẦN THỊ BÍCH NGỌC", "Ngày sinh: 12/03/1988  Nơi sinh: Đà Nẵng",
    "Số CCCD: 048188001234  Ngày cấp: 20/06/2021",
    "Nơi thường trú: 12 Phan Châu Trinh, Hải Châu, Đà Nẵng",
    "Tình trạng án tích: Không có án tích.",
    "Thông tin về cấm đảm nhiệm chức vụ: Không bị cấm.",
]


def _font(size: int):
    try:
        return ImageFont.truetype(FONT, size)
    except OSError:
        return ImageFont.load_default()


@functools.cache
def document_scene(width: int = 2000, height: int = 1500, seed: int = 3) -> bytes:
    """A camera-sized PNG of a printed result on a wooden desk (text 7–60 px high), with grain."""
    rng = random.Random(seed)
    # The desk: a warm gradient with wood-like streaks.
    desk = Image.linear_gradient("L").rotate(90).resize((width, height))
    streaks = Image.effect_noise((width // 40, height), 40).resize((width, height)).filter(ImageFilter.GaussianBlur(3))
    wood = Image.merge("RGB", (ImageChops.add(desk, streaks, 2.2, 70), ImageChops.add(desk, streaks, 3, 30),
                               ImageChops.multiply(desk, streaks)))
    # The paper, slightly tilted, with the result printed on it.
    paper = Image.new("RGB", (int(width * 0.62), int(height * 0.86)), (244, 242, 235))
    pen = ImageDraw.Draw(paper)
    y = 60
    for n, line in enumerate(LINES * 2):
        size = (60, 44, 34, 26, 20, 15, 12, 9, 7)[min(n, 8)] if n < 9 else rng.choice((12, 15, 20))
        pen.text((70, y), line, fill=(20 + rng.randrange(20), 20, 30), font=_font(size))
        y += int(size * 1.6) + 10
        if y > paper.height - 200:
            break
    pen.rectangle((paper.width - 420, paper.height - 400, paper.width - 120, paper.height - 100),
                  outline=(190, 30, 30), width=8)  # the agency's red seal
    pen.ellipse((paper.width - 400, paper.height - 380, paper.width - 140, paper.height - 120),
                outline=(190, 30, 30), width=6)
    for x in range(0, paper.width, 120):  # a table's ruled lines
        pen.line((x, paper.height - 560, x, paper.height - 460), fill=(60, 60, 60), width=2)
    paper = paper.rotate(2.5, expand=True, fillcolor=(0, 0, 0), resample=Image.BICUBIC)
    mask = Image.new("L", paper.size, 0)
    ImageDraw.Draw(mask).polygon(_rotated_box(paper.size, 2.5, width * 0.62, height * 0.86), fill=255)
    wood.paste(paper, (int(width * 0.18), int(height * 0.05)), mask)
    # Light falling off towards a corner, then the sensor's grain.
    light = Image.radial_gradient("L").resize((width, height)).point(lambda v: 255 - v // 3)
    scene = ImageChops.multiply(wood, Image.merge("RGB", (light, light, light)))
    grain = Image.effect_noise((width, height), 9).point(lambda v: v - 128 + 128)
    scene = ImageChops.add(scene, Image.merge("RGB", (grain, grain, grain)), 1, -128)
    out = io.BytesIO()
    scene.save(out, "PNG", compress_level=1)
    return out.getvalue()


def _rotated_box(size, degrees, width, height):
    import math

    angle = math.radians(degrees)
    cx, cy = size[0] / 2, size[1] / 2
    corners = [(-width / 2, -height / 2), (width / 2, -height / 2), (width / 2, height / 2), (-width / 2, height / 2)]
    return [(cx + x * math.cos(angle) + y * math.sin(angle), cy - x * math.sin(angle) + y * math.cos(angle))
            for x, y in corners]


ENCODE = """async ([picture, type, quality, side]) => {
  const bytes = Uint8Array.from(atob(picture), (c) => c.charCodeAt(0));
  const bitmap = await createImageBitmap(new Blob([bytes]));
  const scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, type, quality));
  const out = new Uint8Array(await blob.arrayBuffer());
  let text = "";
  for (let i = 0; i < out.length; i += 0x8000) text += String.fromCharCode(...out.subarray(i, i + 0x8000));
  return [blob.type, btoa(text)];
}"""


@functools.cache
def canvas_encode(picture: bytes, content_type: str = "image/jpeg", quality: float = 0.8,
                  side: int = 1280) -> bytes:
    """`picture` drawn on a canvas (≤ `side` px) and encoded by Chromium's `canvas.toBlob`.

    Raises ValueError if Chromium encodes another type than asked (it falls back to PNG).
    """
    from concurrent.futures import ThreadPoolExecutor

    # A thread of its own: Playwright's sync API refuses to start where another instance (the
    # browser tests' Chromium) runs its event loop.
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(_encode, picture, content_type, quality, side).result()


def _encode(picture: bytes, content_type: str, quality: float, side: int) -> bytes:
    import base64

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            made, encoded = page.evaluate(ENCODE, [base64.b64encode(picture).decode(), content_type,
                                                   quality, side])
        finally:
            browser.close()
    if made != content_type:
        raise ValueError(f"Chromium made {made}, not {content_type}")
    return base64.b64decode(encoded)


def chromium_photo_jpeg(quality: float = 0.8) -> bytes:
    """The door-step scene as the phone's canvas makes it: a 1280 px Chromium JPEG."""
    return canvas_encode(document_scene(), "image/jpeg", quality)
