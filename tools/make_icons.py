"""Draw the app icons (192, 512 and a maskable 512) with Pillow.

Run once after changing the design: `python tools/make_icons.py`; the PNGs are committed.
"""
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "courier" / "static" / "icons"
BRAND, PAPER, SEAL = (11, 83, 148), (255, 255, 255), (240, 180, 41)


def draw(size: int, safe: float) -> Image.Image:
    """An envelope with a check mark: a result delivered. `safe` is the inset for maskable icons."""
    image = Image.new("RGB", (size, size), BRAND)
    pen = ImageDraw.Draw(image)
    inset = size * safe
    left, top = inset + size * 0.14, inset + size * 0.27
    right, bottom = size - inset - size * 0.14, size - inset - size * 0.27
    width = max(2, round(size * 0.035))
    pen.rounded_rectangle((left, top, right, bottom), radius=size * 0.04, fill=PAPER)
    pen.line((left, top, (left + right) / 2, (top + bottom) / 2, right, top), fill=BRAND, width=width)
    r = size * 0.13
    cx, cy = right - r * 0.6, bottom - r * 0.6
    pen.ellipse((cx - r, cy - r, cx + r, cy + r), fill=SEAL, outline=BRAND, width=width)
    pen.line((cx - r * 0.5, cy, cx - r * 0.1, cy + r * 0.4, cx + r * 0.55, cy - r * 0.4),
             fill=BRAND, width=width, joint="curve")
    return image


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    draw(192, 0).save(OUT / "icon-192.png", optimize=True)
    draw(512, 0).save(OUT / "icon-512.png", optimize=True)
    draw(512, 0.1).save(OUT / "icon-maskable-512.png", optimize=True)
