"""A fake rear camera for Chromium that films a QR code.

Chromium's fake capture device plays a YUV4MPEG2 file (looping it) as the camera,
when launched with --use-file-for-fake-video-capture. The file is fixed for the
browser's life, so each QR text needs its own browser: `camera_phone(text)` launches
one per distinct text (about a second) and reuses it within a test module.

    from tests.browser.camera import camera_phone  # noqa: F401  (the fixture)

    def test_something(camera_phone):
        page = camera_phone("http://127.0.0.1:8000/t/abc")   # a Pixel 7 page at /offline
"""
from pathlib import Path

import pytest
import qrcode
from PIL import Image, ImageOps
from qrcode.constants import ERROR_CORRECT_M

from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS

FAKE_CAMERA_FLAGS = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]
BACKGROUND = (126, 128, 124)  # a mid-grey desk, not the QR's white
QUIET_ZONE = 4  # modules, as the standard asks


def qr_frame(text: str | bytes, size: tuple[int, int] = (640, 480), fill: float = 0.75,
             inverted: bool = False) -> Image.Image:
    """An RGB frame of `size` with the QR code of `text` (error correction M) in the middle.

    The code, quiet zone included, takes about `fill` of the frame's shorter side. Bytes
    are put in as they are, without an ECI (e.g. Shift_JIS text, as Japanese readers make);
    `inverted` draws light modules on a dark ground (a code on a phone in dark mode).
    """
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE, box_size=1)
    code.add_data(text)
    code.make(fit=True)
    modules = code.modules_count + 2 * QUIET_ZONE
    code.box_size = max(1, int(min(size) * fill) // modules)
    symbol = code.make_image(fill_color="black", back_color="white").get_image().convert("RGB")
    if inverted:
        symbol = ImageOps.invert(symbol)
    if symbol.width > size[0] or symbol.height > size[1]:
        raise ValueError(f"a QR code of {len(text)} characters does not fit a {size} frame")
    frame = Image.new("RGB", size, BACKGROUND)
    frame.paste(symbol, ((size[0] - symbol.width) // 2, (size[1] - symbol.height) // 2))
    return frame


def y4m_header(size: tuple[int, int], fps: int = 10) -> bytes:
    width, height = size
    return f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode("ascii")


def yuv420_planes(frame: Image.Image) -> bytes:
    """Y, then U and V subsampled 2×2 (averaged), as one frame of a C420jpeg file."""
    width, height = frame.size
    luma, blue, red = frame.convert("YCbCr").split()
    half = (width // 2, height // 2)
    return (luma.tobytes() + blue.resize(half, Image.Resampling.BOX).tobytes()
            + red.resize(half, Image.Resampling.BOX).tobytes())


def write_qr_y4m(path, text: str | bytes, frames: int = 30, size: tuple[int, int] = (640, 480),
                 inverted: bool = False) -> Path:
    """Write `frames` identical frames showing the QR code of `text` (see qr_frame) as a YUV4MPEG2 file."""
    width, height = size
    if width % 2 or height % 2:
        raise ValueError("4:2:0 needs an even width and height")
    if frames < 1:
        raise ValueError("a video needs at least one frame")
    path = Path(path)
    planes = yuv420_planes(qr_frame(text, size, inverted=inverted))
    with open(path, "wb") as video:
        video.write(y4m_header(size))
        for _ in range(frames):
            video.write(b"FRAME\n")
            video.write(planes)
    return path


def launch_with_camera(playwright, video: Path):
    """A separate headless Chromium whose camera plays `video`."""
    return playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[*CHROMIUM_FLAGS, *FAKE_CAMERA_FLAGS, f"--use-file-for-fake-video-capture={video}"])


def phone_context_options(playwright, base_url: str) -> dict:
    """A Pixel 7 in Vietnamese and Vietnam's time zone, allowed to use the camera."""
    return dict(**playwright.devices["Pixel 7"], locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                base_url=base_url, permissions=["camera"])


@pytest.fixture(scope="module")
def camera_browsers(chromium, live_server, tmp_path_factory):
    """launch(text, size, inverted) -> a Chromium filming the QR code of `text` (see qr_frame);
    one per (text, size, inverted) per module."""
    playwright, _ = chromium
    folder = tmp_path_factory.mktemp("camera")
    browsers = {}

    def launch(text: str | bytes, size: tuple[int, int] = (640, 480), inverted: bool = False):
        if (text, size, inverted) not in browsers:
            video = write_qr_y4m(folder / f"qr-{len(browsers)}.y4m", text, frames=10, size=size, inverted=inverted)
            browsers[text, size, inverted] = launch_with_camera(playwright, video)
        return browsers[text, size, inverted]

    yield launch
    for browser in browsers.values():
        browser.close()


@pytest.fixture
def camera_phone(chromium, live_server, camera_browsers):
    """camera_phone(text, path="/offline", size=(640, 480)) -> a fresh Pixel 7 page at `path`
    whose rear camera films the QR code of `text` in frames of `size`."""
    playwright, _ = chromium
    contexts = []

    def open_phone(text: str, path: str = "/offline", size: tuple[int, int] = (640, 480)):
        browser = camera_browsers(text, size)
        context = browser.new_context(**phone_context_options(playwright, live_server.url))
        contexts.append(context)
        page = context.new_page()
        page.goto(path)
        return page

    yield open_phone
    for context in contexts:
        context.close()
