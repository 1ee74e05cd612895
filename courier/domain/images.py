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
segment ends. A JPEG whose only extras are comments, an ICC profile or other
application segments (Chromium's canvas writes an sRGB profile into every JPEG)
has those segments cut out as bytes, its scans kept as they are. Anything else
(EXIF, XMP, text chunks, unknown segments, a size or format the phone does not
make) is re-encoded as before.
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
            and len(content) <= PHOTO_KEEP_BYTES):
        if is_plain_jpeg(content):
            return checked
        # Chromium's canvas writes an sRGB ICC profile into every JPEG: cut such segments out
        # as bytes rather than decode and re-encode the photo for them.
        stripped = strip_jpeg_metadata(content)
        if stripped is not None and is_plain_jpeg(stripped):
            return CheckedImage(stripped, "JPEG", "image/jpeg", checked.width, checked.height)
    if (checked.format == "WEBP" and max(checked.width, checked.height) <= PHOTO_SIDE
            and len(content) <= PHOTO_KEEP_BYTES):
        # The phone's canvas encodes WebP where it can (a third fewer bytes than JPEG for the
        # same legibility); kept as a simple lossy WebP, its VP8 data as sent.
        simple = simple_webp(content)
        if simple is not None:
            return CheckedImage(simple, "WEBP", "image/webp", checked.width, checked.height)
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
_SOS, _EOI, _APP0, _APP2, _APP14, _APP15, _COM = 0xDA, 0xD9, 0xE0, 0xE2, 0xEE, 0xEF, 0xFE
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


def _strippable(marker: int, payload: bytes) -> bool:
    """Segments no decoder needs for the pixels: comments, colour profiles, application data.

    Not APP1 (EXIF may turn the picture: those photos are re-encoded upright) nor APP14 (Adobe's
    segment says whether three components are RGB or YCbCr); a JFIF APP0 is kept if plain.
    """
    if marker == _APP0:
        return not (len(payload) == 14 and payload[:5] == b"JFIF\x00" and payload[-2:] == b"\x00\x00")
    return marker == _COM or (_APP2 <= marker <= _APP15 and marker != _APP14)


def strip_jpeg_metadata(content: bytes) -> bytes | None:
    """The JPEG without the segments before its first scan that `_strippable` names, and without
    anything after its last EOI marker; None if its header cannot be walked.

    Works on bytes only (the scans are copied as they are); check the result with is_plain_jpeg.
    """
    size = len(content)
    if content[:2] != b"\xff\xd8":
        return None
    kept, position = [content[:2]], 2
    while position + 4 <= size and content[position] == 0xFF:
        marker = content[position + 1]
        if marker == _SOS:
            end = content.rfind(b"\xff\xd9")
            if end < position:
                return None
            kept.append(content[position:end + 2])
            return b"".join(kept)
        length = int.from_bytes(content[position + 2:position + 4], "big")
        end = position + 2 + length
        if length < 2 or end > size:
            return None
        if not _strippable(marker, content[position + 4:end]):
            kept.append(content[position:end])
        position = end
    return None


# VP8X flags a still, opaque picture may carry: ICC profile (0x20) and XMP (0x04), both dropped.
# Not EXIF (0x08: it may turn the picture), alpha (0x10) or animation (0x02).
_VP8X_DROPPABLE = 0x20 | 0x04


def simple_webp(content: bytes) -> bytes | None:
    """A lossy WebP as one VP8 chunk in its RIFF (the simple format), the ICC profile and XMP of
    an extended file dropped as bytes; None for anything else (lossless, alpha, animation, EXIF,
    unknown chunks, a RIFF that does not add up, bytes after it).
    """
    size = len(content)
    if content[:4] != b"RIFF" or content[8:12] != b"WEBP" or int.from_bytes(content[4:8], "little") + 8 != size:
        return None
    position, frame, extended = 12, None, False
    while position + 8 <= size:
        kind = content[position:position + 4]
        length = int.from_bytes(content[position + 4:position + 8], "little")
        end = position + 8 + length + (length & 1)  # chunks are padded to an even length
        if end > size:
            return None
        if kind == b"VP8X" and position == 12 and length == 10:
            extended = True
            if content[position + 8] & ~_VP8X_DROPPABLE:
                return None
        elif kind == b"VP8 " and frame is None and length >= 10:
            # A key frame (bit 0 clear) with its start code, as every still WebP begins.
            if content[position + 8] & 1 or content[position + 11:position + 14] != b"\x9d\x01\x2a":
                return None
            frame = content[position:end]
        elif not (extended and kind in (b"ICCP", b"XMP ")):
            return None
        position = end
    if position != size or frame is None:
        return None
    return b"RIFF" + (4 + len(frame)).to_bytes(4, "little") + b"WEBP" + frame


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


# The signature's ink, one rule for the phone and the server: the share of the exported pad's
# pixels whose grey level (ITU-R 601 luma, on white paper) is below INK_GREY. The phone applies
# the same rule to the same pixels before it lets the courier go (static/js/courier/signature.js);
# tests/vectors/signature_ink.json holds the stroke sets both sides are checked against.
INK_GREY = 200
MIN_SIGNATURE_INK = 0.002   # a dot, a tick or a dash stays below; on the phone's pad, ≈ 30 CSS px of pen
MAX_SIGNATURE_INK = 0.25    # a long signature in the pad's thickest pen stays far below; a filled pad does not


def signature_ink_problem(ink: float) -> str | None:
    """The reason a signature with this ink share is refused (signature_too_small, signature_too_dark),
    or None if it is accepted."""
    if ink < MIN_SIGNATURE_INK:
        return "signature_too_small"
    if ink > MAX_SIGNATURE_INK:
        return "signature_too_dark"
    return None


def _ink(image: Image.Image) -> float:
    # A histogram of grey levels: the pad exports an opaque PNG (white background), so its grey is
    # read directly; anything with transparency is flattened onto white paper first.
    if image.mode not in ("L", "RGB", "RGBA") or (image.mode == "RGBA" and image.getchannel("A").getextrema()[0] < 255):
        paper = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(paper, image.convert("RGBA"))
    histogram = image.convert("L").histogram()
    return sum(histogram[:INK_GREY]) / max(1, image.width * image.height)


def _decode_and(content: bytes, work):
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.load()
            return work(image)
    except (OSError, SyntaxError, ValueError) as error:
        raise ImageRejected("corrupt", str(error)) from error
