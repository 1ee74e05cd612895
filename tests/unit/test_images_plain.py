"""Photos and signatures the phone made plain are kept as sent; anything else is still cleaned."""
import io
import struct
import zlib

import pytest
from PIL import Image, PngImagePlugin

from courier.domain.images import (
    PHOTO_SIDE, ImageRejected, clean_photo, clean_signature, ink_ratio, is_plain_jpeg, is_plain_png,
)
from tests import media


def _gps_exif() -> bytes:
    exif = Image.Exif()
    exif[0x8825] = {2: (15.0, 34.0, 23.0)}  # GPS latitude of the citizen's home
    exif[0x010F] = "HomePhoneMaker"
    return exif.tobytes()


def _jpeg(**options) -> bytes:
    out = io.BytesIO()
    Image.open(io.BytesIO(media.photo_jpeg(640, 480, quality=60))).save(out, "JPEG", quality=60, **options)
    return out.getvalue()


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def _after_soi(jpeg: bytes, segment: bytes) -> bytes:
    return jpeg[:2] + segment + jpeg[2:]


def test_a_plain_phone_jpeg_is_kept_byte_for_byte():
    phone_made = media.photo_jpeg(1280, 960, quality=60)
    assert is_plain_jpeg(phone_made)
    kept = clean_photo(phone_made)
    assert kept.content == phone_made and (kept.width, kept.height) == (1280, 960)


def test_a_progressive_jpeg_with_restart_markers_is_plain():
    jpeg = _jpeg(progressive=True, restart_marker_blocks=4)
    assert b"\xff\xd0" in jpeg and is_plain_jpeg(jpeg)
    assert clean_photo(jpeg).content == jpeg


def test_a_small_jpeg_carrying_gps_exif_is_stripped():
    with_gps = media.photo_jpeg(640, 480, quality=60, exif=_gps_exif())
    assert not is_plain_jpeg(with_gps)
    clean = clean_photo(with_gps)
    assert b"HomePhoneMaker" in with_gps and b"HomePhoneMaker" not in clean.content
    assert not Image.open(io.BytesIO(clean.content)).getexif()


@pytest.mark.parametrize("segment", [
    _segment(0xFE, b"<script>alert(1)</script>"),                          # COM
    _segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>home</x:xmpmeta>"),  # APP1 XMP
    _segment(0xE2, b"ICC_PROFILE\x00\x01\x01" + b"\x00" * 64),               # APP2 ICC
    _segment(0xEC, b"Ducky\x00\x01\x00\x04\x00\x00\x00\x50\x00\x00"),         # APP12
    _segment(0xE0, b"JFXX\x00\x10" + b"\x00" * 30),                          # APP0 that is not JFIF
])
def test_a_jpeg_with_any_other_segment_is_not_plain_and_is_rewritten(segment):
    jpeg = _after_soi(_jpeg(), segment)
    assert not is_plain_jpeg(jpeg)
    clean = clean_photo(jpeg)
    assert clean.content != jpeg and segment not in clean.content and is_plain_jpeg(clean.content)


def test_a_jfif_header_carrying_a_thumbnail_is_not_plain():
    jpeg = _jpeg()
    # APP0 JFIF with a 1×1 thumbnail (3 bytes of RGB) in place of Pillow's plain one.
    thumbnail = _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x01\x01\xff\x00\x00")
    assert jpeg[2:4] == b"\xff\xe0"
    length = struct.unpack(">H", jpeg[4:6])[0]
    with_thumbnail = jpeg[:2] + thumbnail + jpeg[4 + length:]
    assert not is_plain_jpeg(with_thumbnail)


def test_a_truncated_jpeg_is_refused():
    good = media.photo_jpeg(1280, 960, quality=60)
    for cut in (len(good) // 2, len(good) - 1, 700):
        assert not is_plain_jpeg(good[:cut])
        with pytest.raises(ImageRejected) as refused:
            clean_photo(good[:cut])
        assert refused.value.reason == "corrupt"


def test_bytes_after_the_end_are_refused_not_kept():
    good = media.photo_jpeg(400, 300, quality=60)
    with pytest.raises(ImageRejected) as refused:
        clean_photo(good + b"PK\x03\x04" + b"\x00" * 26 + b"evil.html")
    assert refused.value.reason == "not_an_image"
    # Zero padding after the end is tolerated by check_image but is not "plain": it goes the slow way.
    assert not is_plain_jpeg(good + b"\x00\x00")
    assert clean_photo(good + b"\x00\x00").content.rstrip(b"\x00").endswith(b"\xff\xd9")


def test_a_plain_jpeg_larger_than_the_phone_makes_is_downsized():
    big = media.photo_jpeg(2000, 1500, quality=60)
    assert is_plain_jpeg(big)
    clean = clean_photo(big)
    assert max(clean.width, clean.height) == PHOTO_SIDE
    assert max(Image.open(io.BytesIO(clean.content)).size) == PHOTO_SIDE


def test_a_cmyk_jpeg_is_not_plain():
    out = io.BytesIO()
    Image.new("CMYK", (64, 64), (0, 255, 0, 0)).save(out, "JPEG")
    assert not is_plain_jpeg(out.getvalue())


def test_a_png_photo_is_still_rewritten_as_jpeg():
    out = io.BytesIO()
    Image.open(io.BytesIO(media.photo_jpeg(320, 240))).save(out, "PNG")
    clean = clean_photo(out.getvalue())
    assert clean.format == "JPEG" and clean.content.startswith(b"\xff\xd8")


# ---------------------------------------------------------------- signatures


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def test_a_plain_signature_is_kept_and_its_ink_measured_once():
    signature = media.signature_png()
    assert is_plain_png(signature)
    kept, ink = clean_signature(signature)
    assert kept.content == signature and (kept.width, kept.height) == (600, 200)
    assert ink == pytest.approx(ink_ratio(signature)) and ink > 0.01
    assert clean_signature(media.dot_signature_png())[1] < 0.001


def test_a_signature_with_text_chunks_is_rewritten_without_them():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "GPS 15.57,108.47")
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>home</x:xmpmeta>")
    out = io.BytesIO()
    Image.open(io.BytesIO(media.signature_png())).save(out, "PNG", pnginfo=info)
    with_text = out.getvalue()
    assert not is_plain_png(with_text)
    clean, ink = clean_signature(with_text)
    assert b"GPS 15.57" not in clean.content and b"xmpmeta" not in clean.content and is_plain_png(clean.content)
    assert ink > 0.01


def test_a_signature_with_broken_image_data_is_refused():
    signature = media.signature_png()
    start = signature.index(b"IDAT") - 4
    length = struct.unpack(">I", signature[start:start + 4])[0]
    data = signature[start + 8:start + 8 + length]
    # Half the compressed pixels, in a chunk whose length and CRC are right: only decoding tells.
    broken = signature[:start] + _png_chunk(b"IDAT", data[:len(data) // 2]) + signature[start + 12 + length:]
    assert is_plain_png(broken)
    with pytest.raises(ImageRejected) as refused:
        clean_signature(broken)
    assert refused.value.reason == "corrupt"


def test_a_png_with_a_bad_crc_or_no_end_is_not_plain():
    signature = media.signature_png()
    position = signature.index(b"IDAT") + 6
    flipped = signature[:position] + bytes([signature[position] ^ 0xFF]) + signature[position + 1:]
    assert not is_plain_png(flipped)
    assert not is_plain_png(signature[:-12])
    for bad in (flipped, signature[:-12]):
        with pytest.raises(ImageRejected):
            clean_signature(bad)


def test_a_signature_with_an_icc_profile_is_rewritten_without_it():
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    Image.open(io.BytesIO(media.signature_png())).save(out, "PNG", icc_profile=profile)
    assert not is_plain_png(out.getvalue())
    clean, _ = clean_signature(out.getvalue())
    assert b"iCCP" not in clean.content and is_plain_png(clean.content)
