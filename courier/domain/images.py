"""Checking and cleaning the images couriers send: signatures, photos, letters.

Uploads are checked before anything is acknowledged: the magic bytes must
name a format we accept, the header's dimensions must be within limits
(read without decoding, so a decompression bomb is refused before it costs
memory), and Pillow must be able to verify the file. Photos are then
re-encoded, which strips EXIF (GPS of the citizen's home, the phone's
serial) and anything smuggled after the image data.
"""
import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

# Formats by their first bytes; nothing else is accepted, whatever the file name says.
MAGIC = {
    b"\xff\xd8\xff": ("JPEG", "image/jpeg"),
    b"\x89PNG\r\n\x1a\n": ("PNG", "image/png"),
}
WEBP = ("WEBP", "image/webp")
MAX_SIDE = 4096              # the phone downsizes to 1280; anything far beyond is not ours
MAX_PIXELS = 4096 * 4096
MAX_BYTES = 2 * 1024 * 1024  # per image; the phone sends ≤ 150 KB photos
PHOTO_SIDE = 1280
PHOTO_QUALITY = 80
# Pillow's own bomb guard, as a second line behind the header check below.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


class ImageRejected(ValueError):
    """Raised with a `reason` code: empty, too_large, not_an_image, corrupt, too_many_pixels."""

    def __init__(self, reason: str, detail: str = ""):
        self.reason = reason
        super().__init__(detail or reason)


@dataclass(frozen=True)
class CheckedImage:
    content: bytes
    format: str
    content_type: str
    width: int
    height: int


def sniff(content: bytes) -> tuple[str, str]:
    """Return (format, content type) from the magic bytes; raise ImageRejected otherwise."""
    for magic, kind in MAGIC.items():
        if content.startswith(magic):
            return kind
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return WEBP
    raise ImageRejected("not_an_image", "not a JPEG, PNG or WebP file")


def check_image(content: bytes, max_bytes: int = MAX_BYTES) -> CheckedImage:
    """Check an upload without decoding its pixels; raise ImageRejected with the reason."""
    if not content:
        raise ImageRejected("empty")
    if len(content) > max_bytes:
        raise ImageRejected("too_large", f"{len(content)} bytes, the limit is {max_bytes}")
    expected_format, content_type = sniff(content)
    _check_ending(content, expected_format)
    try:
        with Image.open(io.BytesIO(content)) as header:
            width, height = header.size
            if header.format != expected_format:
                raise ImageRejected("not_an_image", "content does not match its signature")
            if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
                raise ImageRejected("too_many_pixels", f"{width}×{height}")
            header.verify()
    except ImageRejected:
        raise
    except Image.DecompressionBombError as error:
        raise ImageRejected("too_many_pixels", str(error)) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ImageRejected("corrupt", str(error)) from error
    return CheckedImage(content, expected_format, content_type, width, height)


END_MARKERS = {"JPEG": b"\xff\xd9", "PNG": b"IEND\xaeB`\x82"}


def _check_ending(content: bytes, kind: str) -> None:
    """A missing end means a truncated file; bytes after it are how polyglots hide HTML or ZIP."""
    if kind == "WEBP":
        if int.from_bytes(content[4:8], "little") + 8 != len(content):
            raise ImageRejected("corrupt", "RIFF size does not match the file")
        return
    end = content.rfind(END_MARKERS[kind])
    if end == -1:
        raise ImageRejected("corrupt", "the image ends early")
    if content[end + len(END_MARKERS[kind]):].strip(b"\x00"):
        raise ImageRejected("not_an_image", "data after the end of the image")


def reencode_photo(content: bytes) -> CheckedImage:
    """Decode a checked photo and write it again as JPEG, ≤ PHOTO_SIDE px, with no metadata.

    Raises ImageRejected("corrupt") if the pixels cannot be decoded (e.g. a
    truncated file, which passes verify()).
    """
    def encode(image):
        clean_already = _is_plain_small_jpeg(image)
        width, height = image.size
        image = (ImageOps.exif_transpose(image) or image).convert("RGB")
        image.thumbnail((PHOTO_SIDE, PHOTO_SIDE))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=PHOTO_QUALITY, optimize=True)
        if clean_already and len(content) <= out.tell():
            # The phone already made a small JPEG with nothing in it but pixels: keep its bytes
            # rather than store a larger, twice-compressed copy.
            return CheckedImage(content, "JPEG", "image/jpeg", width, height)
        return CheckedImage(out.getvalue(), "JPEG", "image/jpeg", image.width, image.height)
    return _decode_and(content, encode)


def _is_plain_small_jpeg(image: Image.Image) -> bool:
    """A JPEG within the size limit that carries no EXIF, ICC profile, comment or XMP."""
    metadata = {"exif", "icc_profile", "comment", "xmp", "photoshop", "adobe_transform"}
    return (image.format == "JPEG" and max(image.size) <= PHOTO_SIDE and not image.getexif()
            and not metadata & set(image.info) and not getattr(image, "applist", [])[1:])


def reencode_signature(content: bytes) -> CheckedImage:
    """Write a checked signature again as a plain PNG (no text chunks, no trailing bytes)."""
    def encode(image):
        image = image.convert("LA" if image.mode in ("LA", "L", "P", "1") else "RGBA")
        out = io.BytesIO()
        image.save(out, "PNG", optimize=True)
        return CheckedImage(out.getvalue(), "PNG", "image/png", image.width, image.height)
    return _decode_and(content, encode)


def ink_ratio(content: bytes) -> float:
    """Share of a signature's pixels that carry ink (not transparent, not white)."""
    def measure(image):
        # Flatten onto white paper, then count dark pixels from the histogram.
        paper = Image.new("RGBA", image.size, (255, 255, 255, 255))
        grey = Image.alpha_composite(paper, image.convert("RGBA")).convert("L")
        return sum(grey.histogram()[:200]) / max(1, image.width * image.height)
    return _decode_and(content, measure)


def _decode_and(content: bytes, work):
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.load()
            return work(image)
    except (OSError, SyntaxError, ValueError) as error:
        raise ImageRejected("corrupt", str(error)) from error
