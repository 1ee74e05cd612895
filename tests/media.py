"""Images the tests make for themselves: photos, signatures, and bad files."""
import io
import random

from PIL import Image, ImageDraw


def photo_jpeg(width=1280, height=960, seed=1, quality=80, exif: bytes | None = None) -> bytes:
    """A noisy photo-like JPEG (noise keeps it from compressing to nothing)."""
    rng = random.Random(seed)
    image = Image.new("RGB", (width // 8, height // 8))
    image.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256))
                   for _ in range(image.width * image.height)])
    image = image.resize((width, height), Image.BICUBIC)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, **({"exif": exif} if exif else {}))
    return out.getvalue()


def signature_png(strokes: int = 3, width=600, height=200) -> bytes:
    """A transparent PNG with a few pen strokes, as signature_pad exports it."""
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    for n in range(strokes):
        y = 40 + n * 45
        pen.line([(30, y), (200, y + 30), (380, y - 10), (560, y + 20)], fill=(0, 0, 0, 255), width=4)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def dot_signature_png(width=600, height=200) -> bytes:
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((300, 100, 304, 104), fill=(0, 0, 0, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def png_bomb(side=20000) -> bytes:
    """A tiny PNG whose header claims a huge image (decompression bomb)."""
    image = Image.new("1", (side, side))
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
