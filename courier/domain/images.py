"""Checking and cleaning the images couriers send: signatures, photos, letters.

Uploads are checked before anything is acknowledged: the magic bytes must
name a format we accept, the header's dimensions must be within limits
(read without decoding, so a decompression bomb is refused before it costs
memory), and Pillow must be able to verify the file. Photos are then
re-encoded, which strips EXIF (GPS of the citizen's home, the phone's
serial) and anything smuggled after the image data.

Except when there is nothing to strip: the courier app already sends a
canvas-made JPEG (≤ 1280 px, ≤ 150 KB, no EXIF) and a canvas-made PNG
signature. Decoding and re-encoding those costs tens of milliseconds of CPU a
hand-over and changes nothing, so `clean_photo` and `clean_signature` walk the
file's segments instead (a few hundred microseconds) and keep the bytes as sent
when every segment is one that pixels need and the file ends where its last
segment ends. Anything else (EXIF, XMP, ICC profiles, comments, text chunks,
unknown segments, a size or format the phone does not make) is re-encoded as
before.
"""
import io
import re
import zlib
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
# A plain JPEG up to this size is kept as sent (the phone makes ≤ 150 KiB); bigger ones are re-encoded.
PHOTO_KEEP_BYTES = 256 * 1024
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


def clean_photo(content: bytes) -> CheckedImage:
    """Check a photo and return what to store: its own bytes if it is a plain phone-made JPEG,
    a re-encoded copy otherwise. Raises ImageRejected like check_image and reencode_photo.
    """
    checked = check_image(content)
    if (checked.format == "JPEG" and max(checked.width, checked.height) <= PHOTO_SIDE
            and len(content) <= PHOTO_KEEP_BYTES and is_plain_jpeg(content)):
        return checked
    return reencode_photo(content)


def clean_signature(content: bytes) -> tuple[CheckedImage, float]:
    """Check a signature; return what to store (its own bytes if it is a plain PNG, a re-encoded
    PNG otherwise) and its ink ratio. Decodes it once, so broken image data is refused either way.
    """
    checked = check_image(content)
    plain = checked.format == "PNG" and is_plain_png(content)

    def clean(image):
        ink = _ink(image)
        if plain:
            return checked, ink
        return _encode_signature(image), ink
    return _decode_and(content, clean)


# JPEG markers a plain image is made of: frames (baseline, extended, progressive; Huffman
# coded), quantisation and Huffman tables, restart interval. Everything else (APP1 EXIF/XMP,
# APP2 ICC, APP13 Photoshop, APP14 Adobe, COM, arithmetic or lossless frames, …) is not plain.
_JPEG_FRAMES = {0xC0, 0xC1, 0xC2}
_JPEG_TABLES = {0xC4, 0xDB, 0xDD}
_SOS, _EOI, _APP0 = 0xDA, 0xD9, 0xE0
# In entropy-coded data, 0xFF is followed by 0x00 (a stuffed byte) or a restart marker;
# anything else after 0xFF is the next marker.
_MARKER_AFTER_SCAN = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")


def is_plain_jpeg(content: bytes) -> bool:
    """True if the JPEG holds only what its pixels need, in order, ending with its EOI marker.

    Walks the markers (reading no pixel data): a JFIF APP0 without a thumbnail, tables, one
    Huffman-coded frame of 1 or 3 components, scans, then EOI as the file's last two bytes.
    """
    size = len(content)
    if content[:2] != b"\xff\xd8":
        return False
    position, frames, scans = 2, 0, 0
    while position + 2 <= size:
        if content[position] != 0xFF:
            return False
        marker = content[position + 1]
        if marker == _EOI:
            return position + 2 == size and frames == 1 and scans >= 1
        if position + 4 > size:
            return False
        length = int.from_bytes(content[position + 2:position + 4], "big")
        end = position + 2 + length
        if length < 2 or end > size:
            return False
        if marker == _APP0:
            # JFIF: identifier, version, units, densities, and a 0×0 thumbnail: 16 bytes in all.
            if (length != 16 or content[position + 4:position + 9] != b"JFIF\x00"
                    or content[end - 2:end] != b"\x00\x00"):
                return False
        elif marker in _JPEG_FRAMES:
            frames += 1
            if frames > 1 or length < 8 or content[position + 9] not in (1, 3):
                return False
        elif marker == _SOS:
            if not frames:
                return False
            scans += 1
            found = _MARKER_AFTER_SCAN.search(content, end)
            if found is None:
                return False  # the data runs to the end of the file: truncated
            position = found.start()
            continue
        elif marker not in _JPEG_TABLES:
            return False
        position = end
    return False


# PNG chunks a plain image is made of; text (tEXt, zTXt, iTXt), eXIf, iCCP, tIME and anything
# unknown are not plain.
_PNG_CHUNKS = {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND", b"gAMA", b"cHRM", b"sRGB", b"pHYs", b"bKGD"}


def is_plain_png(content: bytes) -> bool:
    """True if the PNG is IHDR first, then only the chunks above with good CRCs, ending with IEND."""
    size, position = len(content), 8
    if content[:8] != b"\x89PNG\r\n\x1a\n":
        return False
    first = True
    while position + 12 <= size:
        length = int.from_bytes(content[position:position + 4], "big")
        kind = content[position + 4:position + 8]
        end = position + 12 + length
        if end > size or kind not in _PNG_CHUNKS or first != (kind == b"IHDR"):
            return False
        if zlib.crc32(content[position + 4:end - 4]) != int.from_bytes(content[end - 4:end], "big"):
            return False
        if kind == b"IEND":
            return end == size
        first, position = False, end
    return False


def reencode_photo(content: bytes) -> CheckedImage:
    """Decode a checked photo and write it again as JPEG, ≤ PHOTO_SIDE px, with no metadata.

    Raises ImageRejected("corrupt") if the pixels cannot be decoded (e.g. a
    truncated file, which passes verify()).
    """
    def encode(image):
        clean_already = _is_plain_small_jpeg(image)
        width, height = image.size
        image = (ImageOps.exif_transpose(image) or image).convert("RGB")
        image.info = {}  # Pillow would write the comment and ICC profile it read back out
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
    return _decode_and(content, _encode_signature)


def _encode_signature(image: Image.Image) -> CheckedImage:
    image = image.convert("LA" if image.mode in ("LA", "L", "P", "1") else "RGBA")
    image.info = {}  # as for photos: no ICC profile or other metadata carried over
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return CheckedImage(out.getvalue(), "PNG", "image/png", image.width, image.height)


def ink_ratio(content: bytes) -> float:
    """Share of a signature's pixels that carry ink (not transparent, not white)."""
    return _decode_and(content, _ink)


def _ink(image: Image.Image) -> float:
    # Flatten onto white paper, then count the dark pixels: marked 1 by a lookup table and counted
    # as bytes, a third of the time of a histogram on a phone-sized pad (half a million pixels).
    paper = Image.new("RGBA", image.size, (255, 255, 255, 255))
    grey = Image.alpha_composite(paper, image.convert("RGBA")).convert("L")
    return grey.point(_DARK).tobytes().count(1) / max(1, image.width * image.height)


_DARK = [1 if grey < 200 else 0 for grey in range(256)]  # grey levels that count as ink


def _decode_and(content: bytes, work):
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.load()
            return work(image)
    except (OSError, SyntaxError, ValueError) as error:
        raise ImageRejected("corrupt", str(error)) from error
